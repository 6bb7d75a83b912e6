// consensus and select on the review's cases: Ctrl-C during the topic
// clustering (a real child process, a real signal), a restarts x k too large for memory
// refused before any fit, --k ranges checked before they are expanded, empty list
// entries refused, and a resumed cell missing its model.json run again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MAX_KS, parseAlphaGrid, parseKList } from '../src/commands/select.js';
import { UsageError } from '../src/errors.js';
import { planted, random, run, tempDir, writeTable } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const { dir, remove } = tempDir('consensus-limits');
after(remove);

// 60 samples x 20 features of counts, as the review's repro
const r = random(7);
const counts = (n: number) => Array.from({ length: n }, () => Array.from({ length: 20 }, (_, j) => Math.floor(r() * (4 + (j % 5)))));
const features = Array.from({ length: 20 }, (_, j) => `g${j + 1}`);
const target = join(dir, 'target.csv');
const background = join(dir, 'background.csv');
writeTable(target, Array.from({ length: 60 }, (_, i) => `t${i + 1}`), features, counts(60));
writeTable(background, Array.from({ length: 60 }, (_, i) => `b${i + 1}`), features, counts(60));
const inputs = ['--target', target, '--background', background];

/** Starts bcnmf in a child; once stderr says the clustering began, waits `delayMs` and sends `signal`. */
function signalDuringClustering(args: string[], signal: NodeJS.Signals, delayMs = 500): Promise<{ code: number | null; stopSeconds: number; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/bcnmf/src/bin.ts', ...args], { cwd: repoRoot });
    let stderr = '';
    let sentAt = 0;
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit: ${stderr.slice(-600)}`));
    }, 120_000);
    child.stdout.resume();
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
      if (sentAt === 0 && /clustering the \d+ restart topics/.test(stderr)) {
        sentAt = -1;
        setTimeout(() => {
          sentAt = performance.now();
          child.kill(signal);
        }, delayMs);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(guard);
      if (sentAt <= 0) reject(new Error(`exited (code ${code}) before the signal: ${stderr.slice(-800)}`));
      else resolvePromise({ code, stopSeconds: (performance.now() - sentAt) / 1000, stderr });
    });
  });
}

describe('bcnmf consensus: the topic clustering stops on a signal', { timeout: 120_000 }, () => {
  // 4000 restarts x k 2 of one iteration: the restarts take a few seconds; the clustering
  // of their 8000 topics (O(topics²)) takes several more on a 2-core machine, and ran
  // on for tens of seconds, deaf to signals, before the fix
  const args = (out: string) => ['consensus', ...inputs, '--k', '2', '--alpha', '1', '--restarts', '4000', '--max-iter', '1', '--no-report', '--out', out];
  // SIGTERM and SIGHUP abort the same signal (src/process.ts); one child keeps this short
  for (const [signal, code, words] of [['SIGINT', 130, 'interrupted (Ctrl-C)']] as const) {
    it(`${signal}: exits ${code} within about a second, nothing written`, async () => {
      const out = join(dir, `c-${signal}`);
      const result = await signalDuringClustering(args(out), signal);
      assert.equal(result.code, code, result.stderr.slice(-600));
      const last = result.stderr.trim().split('\n').pop();
      assert.equal(last, `bcnmf: ${words}; nothing was written`);
      assert.ok(result.stopSeconds < 3, `stopped ${result.stopSeconds.toFixed(1)} s after ${signal}`);
      assert.equal(existsSync(out), false);
    });
  }
});

describe('a restarts x k too large for memory is refused before any fit', () => {
  it('consensus and select say how much it would need and how many restarts fit', async () => {
    for (const command of [['consensus', '--k', '2', '--alpha', '1'], ['select', '--k', '2..3', '--alpha', '0,1']]) {
      const out = join(dir, `huge-${command[0]}`);
      const started = performance.now();
      const result = await run([...command, ...inputs, '--restarts', '100000000', '--max-iter', '1', '--quiet', '--out', out]);
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, /--restarts 100000000 at k \d \(20 features, 120 samples\) would need about \d+\.\d GiB .*more than the limit of \d+\.\d GiB .*use fewer restarts: at most \d+ fit here/);
      assert.ok(performance.now() - started < 5000, 'refused at once, before any fit');
      assert.equal(existsSync(out), false);
    }
  });
});

describe('select: --k and --alpha lists', () => {
  const refused = (f: () => unknown, message: RegExp) => assert.throws(f, (e: unknown) => e instanceof UsageError && message.test(e.message));
  it('an absurd --k range is refused before it is expanded, at once', () => {
    const started = performance.now();
    refused(() => parseKList('2..99999999999'), new RegExp(`lists more than ${MAX_KS} values of k`));
    refused(() => parseKList('2..300000'), /lists more than 1000 values of k/);
    refused(() => parseKList('2..600,601..1200'), /lists more than 1000 values of k/);
    refused(() => parseKList('2..99999999999999999999'), /too large/);
    assert.ok(performance.now() - started < 200, `${performance.now() - started} ms`);
    assert.deepEqual(parseKList('2..1001').length, 1000);
    assert.deepEqual(parseKList('8,2..4'), [2, 3, 4, 8]);
    refused(() => parseKList('2..4,3'), /--k lists 3 twice/);
    refused(() => parseKList('1..3'), /every k must be at least 2/);
  });

  it('an empty entry is refused', () => {
    refused(() => parseAlphaGrid('1,,2'), /--alpha '1,,2' has an empty entry \(entry 2\)/);
    refused(() => parseAlphaGrid('1,2,'), /has an empty entry \(entry 3\)/);
    refused(() => parseKList('2,,3'), /--k '2,,3' has an empty entry/);
    assert.deepEqual(parseAlphaGrid(' 2, 0 ,1'), [0, 1, 2]);
    refused(() => parseAlphaGrid('1,1'), /--alpha lists 1 twice/);
  });
});

describe('select --resume: a cell missing its model.json runs again', () => {
  it('says so on stderr and writes the cell whole', async () => {
    const data = planted(3, 24, 20, 10);
    const t = join(dir, 'pt.csv');
    const b = join(dir, 'pb.csv');
    writeTable(t, data.targetNames, data.features, data.target);
    writeTable(b, data.backgroundNames, data.features, data.background);
    const out = join(dir, 'sel');
    const args = ['select', '--target', t, '--background', b, '--k', '2..3', '--alpha', '0,1', '--restarts', '3', '--max-iter', '20', '--tol', '0', '--out', out];
    const first = await run(args);
    assert.equal(first.code, 0, first.err);
    rmSync(join(out, 'cells', 'k3_alpha1', 'model.json'));
    const again = await run([...args, '--resume']);
    assert.equal(again.code, 0, again.err);
    assert.match(again.err, /bcnmf select: --resume: cells\/k3_alpha1 has no model\.json; that cell runs again/);
    assert.match(again.out, /4 cells \(1 run now, 3 kept from the earlier run\)/);
    for (const cell of readdirSync(join(out, 'cells'))) {
      assert.deepEqual(readdirSync(join(out, 'cells', cell)).sort(), ['cell.json', 'model.json'], cell);
    }
  });
});
