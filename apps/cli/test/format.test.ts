import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { ProgressEvent } from '@bcnmf/core';
import { csvField, formatEnrichment, formatFloat32 } from '../src/format.js';
import { checkOutputDir, describeWriteFailure, OUTPUT_MARKER, writeOutputDir } from '../src/output.js';
import { etaSeconds, progressLine } from '../src/progress.js';
import { random, tempDir } from './helpers.js';

describe('formatFloat32', () => {
  it('reads back as the same float32, for random values across magnitudes and edge cases', () => {
    const r = random(7);
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    const values: number[] = [0, 1, -1, 0.1, 1 / 3, 2 ** -149, 2 ** -126, 3.4028234663852886e38, 16777217, 1e-7, 123456789];
    for (let n = 0; n < 20000; n++) {
      bits[0] = Math.floor(r() * 2 ** 32);
      if (Number.isFinite(asFloat[0])) values.push(asFloat[0]);
    }
    for (let n = 0; n < 5000; n++) values.push(r() * 10 ** Math.floor(r() * 12 - 6));
    for (const v of values) {
      const text = formatFloat32(v);
      assert.equal(Math.fround(Number(text)), Math.fround(v), `${v} -> ${text}`);
    }
  });

  it('is short: the fewest digits that read back', () => {
    assert.equal(formatFloat32(Math.fround(0.1)), '0.1');
    assert.equal(String(Math.fround(0.1)), '0.10000000149011612');
    assert.equal(formatFloat32(1 / 3), '0.33333334');
    assert.equal(formatFloat32(Math.fround(2.5)), '2.5');
    assert.equal(formatFloat32(1e10), '10000000000');
    assert.equal(formatFloat32(Math.fround(1.5e-7)), '1.5e-7');
    assert.equal(formatFloat32(2 ** -149), '1e-45');
    assert.equal(formatFloat32(NaN), 'NaN');
    // the shortest text never has more than 9 significant digits
    const r = random(3);
    for (let n = 0; n < 2000; n++) {
      const digits = formatFloat32(r()).replace(/e.*$/, '').replace(/^[0.-]+/, '').replace('.', '');
      assert.ok(digits.length <= 9, digits);
    }
  });

  it('quotes CSV fields that need it', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
  });
});

describe('output folder', () => {
  it('appears whole on success, replaces with overwrite, and leaves nothing on failure', async () => {
    const { dir, remove } = tempDir('out');
    try {
      const out = join(dir, 'result');
      await writeOutputDir(out, { overwrite: false, command: 'test' }, async (d) => writeFileSync(join(d, 'a.txt'), '1'));
      assert.deepEqual(readdirSync(out).sort(), ['a.txt', OUTPUT_MARKER]);
      assert.throws(() => checkOutputDir(out, false), /exists and is not empty; pass --overwrite/);
      await writeOutputDir(out, { overwrite: true, command: 'test' }, async (d) => writeFileSync(join(d, 'b.txt'), '2'));
      assert.deepEqual(readdirSync(out).sort(), ['b.txt', OUTPUT_MARKER], 'overwrite replaces the folder, old files gone');
      const failed = join(dir, 'failed');
      await assert.rejects(
        writeOutputDir(failed, { overwrite: false, command: 'test' }, async (d) => {
          writeFileSync(join(d, 'partial.txt'), 'x');
          throw new Error('disk full');
        }),
        /disk full/,
      );
      assert.equal(existsSync(failed), false);
      assert.deepEqual(readdirSync(dir), ['result'], 'no temporary sibling left');
      mkdirSync(join(dir, 'empty'));
      checkOutputDir(join(dir, 'empty'), false); // an empty folder is fine
      assert.throws(() => checkOutputDir(join(dir, 'nope', 'x'), false), /parent folder does not exist/);
    } finally {
      remove();
    }
  });

  it('a Ctrl-C that arrived during a long synchronous write still stops it: nothing is put in place', async () => {
    const { dir, remove } = tempDir('out-abort');
    try {
      const controller = new AbortController();
      const out = join(dir, 'result');
      await assert.rejects(
        writeOutputDir(out, { overwrite: false, command: 'test', signal: controller.signal }, async (d) => {
          writeFileSync(join(d, 'a.txt'), '1');
          // a signal handler runs only when the event loop turns, after the synchronous work
          setImmediate(() => controller.abort(new Error('interrupted')));
        }),
        /^Error: interrupted$/,
      );
      assert.equal(existsSync(out), false);
      assert.deepEqual(readdirSync(dir), [], 'no temporary sibling left');
    } finally {
      remove();
    }
  });

  it('a file written alongside the folder (--h5ad-out) is replaced with it or, interrupted while written, not at all', async () => {
    const { dir, remove } = tempDir('out-alongside');
    try {
      const out = join(dir, 'result');
      const h5ad = join(dir, 'fit.h5ad');
      const alongside = (text: string, after?: () => void) => [{ path: h5ad, write: async (temp: string) => { writeFileSync(temp, text); after?.(); } }];
      await writeOutputDir(out, { overwrite: false, command: 'test', alongside: alongside('old') }, async (d) => writeFileSync(join(d, 'a.txt'), 'old'));
      assert.equal(readFileSync(h5ad, 'utf8'), 'old');
      // Ctrl-C during the companion's synchronous write: seen before any rename
      const controller = new AbortController();
      await assert.rejects(
        writeOutputDir(out, { overwrite: true, command: 'test', signal: controller.signal, alongside: alongside('new', () => setImmediate(() => controller.abort(new Error('interrupted')))) },
          async (d) => writeFileSync(join(d, 'a.txt'), 'new')),
        /^Error: interrupted$/,
      );
      assert.equal(readFileSync(h5ad, 'utf8'), 'old', 'the earlier .h5ad stays');
      assert.equal(readFileSync(join(out, 'a.txt'), 'utf8'), 'old', 'the earlier folder stays');
      assert.deepEqual(readdirSync(dir).sort(), ['fit.h5ad', 'result'], 'no temporary file left');
      // a failing companion: neither is replaced
      await assert.rejects(
        writeOutputDir(out, { overwrite: true, command: 'test', alongside: [{ path: h5ad, write: async () => { throw new Error('disk full'); } }] },
          async (d) => writeFileSync(join(d, 'a.txt'), 'new')),
        /disk full/,
      );
      assert.equal(readFileSync(join(out, 'a.txt'), 'utf8'), 'old');
      await writeOutputDir(out, { overwrite: true, command: 'test', alongside: alongside('new') }, async (d) => writeFileSync(join(d, 'a.txt'), 'new'));
      assert.equal(readFileSync(h5ad, 'utf8'), 'new');
      assert.deepEqual(readdirSync(dir).sort(), ['fit.h5ad', 'result']);
    } finally {
      remove();
    }
  });

  it('a full disk says so with the path, and nothing is put in place', async () => {
    const { dir, remove } = tempDir('out-full');
    try {
      const out = join(dir, 'result');
      const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      await assert.rejects(
        writeOutputDir(out, { overwrite: false, command: 'test' }, async (d) => {
          writeFileSync(join(d, 'a.txt'), '1');
          throw full;
        }),
        (e: Error) => /^writing the results to .*result: no space left on the device \(ENOSPC\); nothing was written and any earlier output is kept/.test(e.message) && e.cause === full,
      );
      assert.deepEqual(readdirSync(dir), []);
      // said once, where it happened: a second wrapping (the folder around a companion) keeps it
      const inner = describeWriteFailure(full, join(dir, 'x.h5ad'), 'writing') as Error;
      assert.equal(describeWriteFailure(inner, out, 'writing the results to'), inner);
      // other failures pass unchanged
      const other = new Error('EACCES');
      assert.equal(describeWriteFailure(other, out, 'writing'), other);
    } finally {
      remove();
    }
  });

  it('a second Ctrl-C (process.exit in the middle of the write) leaves no temporary folder either', () => {
    const { dir, remove } = tempDir('out-exit');
    try {
      const output = fileURLToPath(new URL('../src/output.ts', import.meta.url));
      const script = `
        import { writeFileSync } from 'node:fs';
        import { join } from 'node:path';
        const { writeOutputDir } = await import(${JSON.stringify(output)});
        await writeOutputDir(${JSON.stringify(join(dir, 'result'))}, { overwrite: false, command: 'test' }, async (d) => {
          writeFileSync(join(d, 'partial.txt'), 'x'.repeat(1000));
          process.exit(130); // what the second Ctrl-C does
        });`;
      const child = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        cwd: fileURLToPath(new URL('..', import.meta.url)), // where tsx resolves
      });
      assert.equal(child.status, 130, child.stderr);
      assert.deepEqual(readdirSync(dir), [], 'no temporary sibling left');
    } finally {
      remove();
    }
  });
});

describe('progress', () => {
  it('plain lines give iteration, score, elapsed and ETA', () => {
    const line = progressLine('bcnmf fit', {
      start: 0, nStarts: 1, maxIter: 200, iteration: 50, elapsedMs: 5000, score: 0.5, targetError: 1, backgroundError: 2, backgroundErrors: [2],
    } as ProgressEvent);
    assert.equal(line, 'bcnmf fit: iteration 50/200  score 0.5  target error 1  background error 2  elapsed 5.0 s  ETA 15 s');
    assert.equal(etaSeconds(1000, 0, 10), null);
    assert.equal(etaSeconds(2000, 1, 2), 2);
  });
});

describe('formatEnrichment', () => {
  it('says where a topic is used alone instead of the guarded ratio (about ±30)', () => {
    assert.equal(formatEnrichment({ targetMean: 1, backgroundMean: 0, enrichment: 29.9 }), 'target only');
    assert.equal(formatEnrichment({ targetMean: 0, backgroundMean: 2, enrichment: -29.9 }), 'background only');
    assert.equal(formatEnrichment({ targetMean: 0, backgroundMean: 0, enrichment: 0 }), 'unused');
    // a mean below the guard is as good as 0
    assert.equal(formatEnrichment({ targetMean: 1, backgroundMean: 5e-31, enrichment: 29.9 }), 'target only');
    assert.equal(formatEnrichment({ targetMean: 1, backgroundMean: 1e-6, enrichment: Math.log2(1e6) }), '19.93');
    assert.equal(formatEnrichment({ targetMean: 3, backgroundMean: 1, enrichment: Math.log2(3) }), '1.585');
    assert.equal(formatEnrichment({ targetMean: 3, backgroundMean: null, enrichment: null }), '-');
  });
});
