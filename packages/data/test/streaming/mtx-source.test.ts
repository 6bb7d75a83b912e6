import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openMtxSource, readTenx } from '../../src/index.js';
import { liveTempDirs } from '../../src/streaming/temp-files.js';
import { denseValues, readAllShuffled, rejects, shuffled } from './helpers.js';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'bcnmf-mtx-source-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

const GENES = 9;
const CELLS = 31;

/** genes x cells counts: some empty cells (every 5th), a few values each. */
function count(g: number, c: number): number {
  if (c % 5 === 4) return 0;
  return (g * 7 + c * 3) % 4 === 0 ? 1 + ((g + c) % 6) : 0;
}

function folder(
  name: string,
  options: { gz?: boolean; field?: 'integer' | 'real' | 'pattern'; body?: string; entries?: string[]; barcodes?: number; layout?: 'v2' | 'v3' } = {},
): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const put = (file: string, text: string): void => writeFileSync(join(dir, options.gz ? `${file}.gz` : file), options.gz ? gzipSync(text) : text);
  const field = options.field ?? 'integer';
  let entries: string[] = options.entries ?? [];
  if (options.entries === undefined) {
    for (let g = 0; g < GENES; g++) {
      for (let c = 0; c < CELLS; c++) {
        const v = count(g, c);
        if (v === 0) continue;
        if (field === 'pattern') entries.push(`${g + 1} ${c + 1}`);
        else if (field === 'real') entries.push(`${g + 1}\t${c + 1} ${(c * 13 + g) % 3 === 0 ? `${v / 4}e1` : (v * 0.37).toFixed(3)}`);
        else entries.push(`${g + 1} ${c + 1} ${v}`);
      }
    }
    entries = shuffled(entries, 7); // not sorted by cell nor by gene
  }
  const body = options.body ?? `%%MatrixMarket matrix coordinate ${field} general\n%comment\n${GENES} ${CELLS} ${entries.length}\n${entries.join('\n')}\n`;
  put('matrix.mtx', body);
  const genes = Array.from({ length: GENES }, (_, g) => `ENSG${g}\tGENE${g}${options.layout === 'v2' ? '' : '\tGene Expression'}\n`).join('');
  put(options.layout === 'v2' ? 'genes.tsv' : 'features.tsv', genes);
  put('barcodes.tsv', Array.from({ length: options.barcodes ?? CELLS }, (_, c) => `BC${c}-1\n`).join(''));
  return dir;
}

describe('openMtxSource', () => {
  it('unsorted entries: batches (sizes 1, 4, 8, 31, shuffled, twice) equal readTenx, in several sort groups', async () => {
    const dir = folder('plain');
    const whole = (await readTenx(dir)).matrix;
    for (const sortEntries of [1 << 20, 5]) {
      const source = await openMtxSource(dir, { sortEntries });
      assert.equal(source.rows, CELLS);
      assert.equal(source.columns, GENES);
      assert.deepEqual(source.columnNames, whole.columnNames);
      assert.deepEqual(source.rowNames, whole.rowNames);
      for (const size of [1, 4, 8, 31]) {
        assert.deepEqual(await readAllShuffled(source, size, { kind: 'csr', dtype: 'float32' }), denseValues(whole), `size ${size}`);
      }
      await source.close();
    }
  });

  it('gzipped files, v2 layout, real and pattern values, ids as names, float64', async () => {
    for (const [name, field, layout] of [
      ['gz-real', 'real', 'v3'],
      ['gz-pattern', 'pattern', 'v2'],
    ] as const) {
      const dir = folder(name, { gz: true, field, layout });
      const whole = (await readTenx(dir, { dtype: 'float64', columnNames: 'ids' })).matrix;
      const source = await openMtxSource(dir, { dtype: 'float64', columnNames: 'ids' });
      assert.deepEqual(source.columnNames, whole.columnNames);
      assert.deepEqual(await readAllShuffled(source, 6, { kind: 'csr', dtype: 'float64' }), denseValues(whole), name);
      await source.close();
    }
  });

  it('the index lives in a temporary folder that close() removes', async () => {
    const temp = join(root, 'temp-close');
    mkdirSync(temp);
    const source = await openMtxSource(folder('close'), { tempDir: temp });
    assert.equal(readdirSync(temp).length, 1);
    assert.deepEqual(readdirSync(join(temp, readdirSync(temp)[0])), ['sorted.bin']);
    await source.close();
    assert.deepEqual(readdirSync(temp), []);
    assert.deepEqual(liveTempDirs().filter((d) => d.startsWith(temp)), []);
    await rejects(source.readRows(0, 1), 'INVALID_OPTION', /closed/);
  });

  it('a source left open is removed when the process exits', () => {
    const temp = join(root, 'temp-exit');
    mkdirSync(temp);
    const dir = folder('exit');
    const src = fileURLToPath(new URL('../../src/streaming/mtx-source.ts', import.meta.url));
    const script = join(root, 'exit.mts');
    writeFileSync(script, `import { openMtxSource } from ${JSON.stringify(src)};\nconst s = await openMtxSource(${JSON.stringify(dir)}, { tempDir: ${JSON.stringify(temp)} });\nconsole.log(s.rows);\n`);
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), String(CELLS));
    assert.deepEqual(readdirSync(temp), []);
  });

  it('stops indexing when its signal aborts, with the reason, leaving no temporary files', async () => {
    const temp = join(root, 'temp-abort');
    mkdirSync(temp);
    const dir = folder('abort');
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await assert.rejects(openMtxSource(dir, { tempDir: temp, signal: controller.signal }), /^Error: stop now$/);
    assert.deepEqual(readdirSync(temp), []);
    assert.deepEqual(liveTempDirs().filter((d) => d.startsWith(temp)), []);
  });

  it('row names only when asked for', async () => {
    const source = await openMtxSource(folder('names'), { rowNames: false });
    assert.equal(source.rowNames, undefined);
    assert.equal((await source.readRows(0, 3)).rowNames, undefined);
    await source.close();
  });

  it('refuses bad files with the file and line named, and leaves no temporary files', async () => {
    const temp = join(root, 'temp-bad');
    mkdirSync(temp);
    const entries = ['1 1 3', '2 5 1', '9 31 2'];
    const cases: [string, Parameters<typeof folder>[1], RegExp][] = [
      ['repeat', { entries: ['1 1 3', '2 5 1', '1 1 4'] }, /repeat.matrix\.mtx: an entry is given more than once: gene 1, cell 1 \(1-based\)/],
      ['outside', { entries: ['1 1 3', '10 5 1'] }, /outside.matrix\.mtx: line 5: row index 10 is outside 1\.\.9/],
      ['cell-outside', { entries: ['1 32 3'] }, /cell-outside.matrix\.mtx: line 4: column index 32 is outside 1\.\.31/],
      ['count', { body: `%%MatrixMarket matrix coordinate integer general\n${GENES} ${CELLS} 4\n${entries.join('\n')}\n` }, /the size line announces 4 entries but the file holds 3/],
      ['header', { body: `%%MatrixMarket matrix array real general\n${GENES} ${CELLS}\n` }, /header.matrix\.mtx: line 1 must be "%%MatrixMarket matrix coordinate/],
      ['not-integer', { entries: ['1 1 3', '2 2 1.5'] }, /line 5: value 1\.5 is not an integer in an integer matrix/],
      ['not-number', { field: 'real', entries: ['1 1 abc'] }, /line 4: value "abc" is not a number/],
      // one number syntax with the CSV reader: no hexadecimal, no 'Infinity'
      ['hex', { field: 'real', entries: ['1 1 0x10'] }, /line 4: value "0x10" is not a number \(decimal or exponent notation\)/],
      ['hex-index', { entries: ['0x1 1 3'] }, /line 4: row index 0x1 is not a whole number/],
      ['hex-size', { body: `%%MatrixMarket matrix coordinate integer general\n0x9 ${CELLS} 1\n1 1 3\n` }, /hex-size.matrix\.mtx: line 2: the size line must be "rows columns entries", got "0x9/],
      ['infinity', { field: 'real', entries: ['1 1 Infinity'] }, /line 4: value "Infinity" is not a number/],
      ['barcodes', { barcodes: 30 }, /the size line says 31 cells \(columns\) but .*barcodes\.tsv lists 30/],
      ['empty', { body: '' }, /empty.matrix\.mtx: the file is empty/],
    ];
    for (const [name, options, pattern] of cases) {
      await rejects(openMtxSource(folder(name, options), { tempDir: temp }), 'INVALID_DATA', pattern);
      assert.deepEqual(readdirSync(temp), [], name);
    }
    const truncated = folder('truncated', { gz: true });
    const gz = gzipSync(`%%MatrixMarket matrix coordinate integer general\n${GENES} ${CELLS} 3\n${entries.join('\n')}\n`);
    writeFileSync(join(truncated, 'matrix.mtx.gz'), gz.subarray(0, gz.length - 12));
    await rejects(openMtxSource(truncated, { tempDir: temp }), 'INVALID_DATA', /truncated.matrix\.mtx\.gz: gzip data is truncated/);
    assert.deepEqual(readdirSync(temp), []);
    const missing = join(root, 'missing');
    mkdirSync(missing);
    writeFileSync(join(missing, 'matrix.mtx'), '');
    await rejects(openMtxSource(missing), 'INVALID_DATA', /missing: not a 10x matrix folder, missing features\.tsv\[\.gz\] or genes\.tsv\[\.gz\], barcodes\.tsv\[\.gz\]/);
    await rejects(openMtxSource(join(root, 'nowhere')), 'INVALID_DATA', /nowhere: no such folder/);
    assert.equal(existsSync(join(root, 'nowhere')), false);
  });

  it('entry lines split across 1 MiB read chunks, CRLF endings and comments between entries', async () => {
    // enough entries that lines straddle chunk boundaries
    const genes = 300;
    const cells = 4000; // about 2 MB of entries
    const lines: string[] = [];
    for (let c = 1; c <= cells; c++) for (let g = (c % 7) + 1; g <= genes; g += 7) lines.push(`${g} ${c} ${(g * c) % 11 + 1}`);
    const mixed = shuffled(lines, 3).map((l, k) => (k % 1000 === 0 ? `%x\r\n${l}` : l));
    const dir = join(root, 'big');
    mkdirSync(dir);
    writeFileSync(join(dir, 'matrix.mtx'), `%%MatrixMarket matrix coordinate integer general\r\n${genes} ${cells} ${lines.length}\r\n${mixed.join('\r\n')}\r\n`);
    writeFileSync(join(dir, 'features.tsv'), Array.from({ length: genes }, (_, g) => `E${g}\tG${g}\tGene Expression\n`).join(''));
    writeFileSync(join(dir, 'barcodes.tsv'), Array.from({ length: cells }, (_, c) => `B${c}\n`).join(''));
    const whole = (await readTenx(dir)).matrix;
    const source = await openMtxSource(dir, { sortEntries: 10_000 });
    assert.deepEqual(await readAllShuffled(source, 300, { kind: 'csr' }), denseValues(whole));
    await source.close();
  });
});
