// Ctrl-C on a real child process (the bcnmf bin, as `pnpm bcnmf` runs it): every long
// command stops, exits 130 with one line and leaves no output. The bounds are generous
// (CI machines are loaded); what is tested is that the command stops long before its
// work would have ended, not how fast.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { planted, run, tempDir, writeTable } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const INTERRUPTED = 'bcnmf: interrupted (Ctrl-C); nothing was written';
/** Seconds from SIGINT to exit that count as "stopped": the work itself would take minutes. */
const STOP_BOUND_S = 15;

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stopSeconds: number;
  stdout: string;
  stderr: string;
}

/**
 * Starts `bcnmf ...args` in a child, waits until its output matches `ready` (the long
 * work has begun), waits `delayMs` more, sends SIGINT and measures how long it takes to exit.
 */
function interrupt(args: string[], ready: RegExp, delayMs = 1500, env: NodeJS.ProcessEnv = process.env, signal: NodeJS.Signals = 'SIGINT'): Promise<Interrupted> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/bcnmf/src/bin.ts', ...args], { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    let sentAt = 0;
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit: stdout ${stdout.slice(-500)} stderr ${stderr.slice(-500)}`));
    }, 240_000);
    const watch = () => {
      if (sentAt === 0 && ready.test(stdout + stderr)) {
        sentAt = -1;
        setTimeout(() => {
          sentAt = performance.now();
          child.kill(signal);
        }, delayMs);
      }
    };
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
      watch();
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
      watch();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (sentAt <= 0) {
        reject(new Error(`exited (code ${code}) before the interrupt: stdout ${stdout.slice(-800)} stderr ${stderr.slice(-800)}`));
        return;
      }
      resolvePromise({ code, signal, stopSeconds: (performance.now() - sentAt) / 1000, stdout, stderr });
    });
  });
}

function assertInterrupted(result: Interrupted, what: string): void {
  assert.equal(result.code, 130, `${what}: exit code ${result.code} (signal ${result.signal}); stderr: ${result.stderr.slice(-600)}`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines[lines.length - 1], INTERRUPTED, `${what}: the last line of stderr`);
  assert.equal(lines.filter((l) => l.startsWith('bcnmf: interrupted')).length, 1, `${what}: one line`);
  assert.ok(result.stopSeconds < STOP_BOUND_S, `${what}: stopped ${result.stopSeconds.toFixed(1)} s after SIGINT`);
}

describe('Ctrl-C on the bcnmf bin (a real child process)', { timeout: 900_000 }, () => {
  let dir: string;
  let remove: () => void;
  before(async () => {
    ({ dir, remove } = tempDir('interrupt'));
    // a problem whose fits take minutes with --tol 0 and a large --max-iter
    const p = planted(5, 300, 300, 120);
    writeTable(join(dir, 'target.csv'), p.targetNames, p.features, p.target);
    writeTable(join(dir, 'background.csv'), p.backgroundNames, p.features, p.background);
    const made = await run(['fit', '--target', join(dir, 'target.csv'), '--background', join(dir, 'background.csv'), '--k', '3', '--alpha', '1',
      '--max-iter', '20', '--out', join(dir, 'model'), '--quiet', '--backend', 'cpu']);
    assert.equal(made.code, 0, made.err);
  });
  after(() => remove());

  const at = (name: string) => join(dir, name);
  const fitArgs = (out: string, backend: string) => ['fit', '--target', at('target.csv'), '--background', at('background.csv'), '--k', '4', '--alpha', '1',
    '--max-iter', '10000000', '--tol', '0', '--backend', backend, '--out', at(out)];

  for (const backend of ['cpu', 'wasm']) {
    it(`fit (--backend ${backend}) stops, exits 130 and leaves no output folder`, async () => {
      const result = await interrupt(fitArgs(`out-${backend}`, backend), /bcnmf fit: iteration/);
      assertInterrupted(result, `fit ${backend}`);
      assert.equal(existsSync(join(dir, `out-${backend}`)), false, 'no output folder');
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temporary sibling left');
    });
  }

  it('fit --stream stops, exits 130, leaves no output folder and removes the sources\' temporary files', async () => {
    // a gzipped table is read through a gunzipped temporary copy
    const tmp = at('tmp');
    mkdirSync(tmp);
    writeFileSync(at('target.csv.gz'), gzipSync(readFileSync(at('target.csv'))));
    const args = ['fit', '--target', at('target.csv.gz'), '--background', at('background.csv'), '--k', '4', '--alpha', '1', '--stream', '--batch-size', '50',
      '--max-iter', '10000000', '--tol', '0', '--backend', 'cpu', '--out', at('out-stream')];
    const result = await interrupt(args, /bcnmf fit: iteration/, 1500, { ...process.env, TMPDIR: tmp });
    assertInterrupted(result, 'fit --stream');
    assert.equal(existsSync(at('out-stream')), false, 'no output folder');
    // (tsx keeps its cache there too)
    assert.deepEqual(readdirSync(tmp).filter((name) => name.startsWith('bcnmf-')), [], 'no temporary files of the sources left');
  });

  it('fit --stream stops while it opens a large gzipped table (exit 130, no output, no temporary files)', async () => {
    const tmp = at('tmp-open');
    mkdirSync(tmp);
    const lines = ['sample,' + Array.from({ length: 20 }, (_, j) => `g${j}`).join(',')];
    for (let i = 0; i < 400_000; i++) lines.push(`s${i},` + Array.from({ length: 20 }, (_, j) => String((i * 7 + j * 3) % 6)).join(','));
    writeFileSync(at('large.csv.gz'), gzipSync(lines.join('\n') + '\n', { level: 1 }));
    writeFileSync(at('large-background.csv'), lines.slice(0, 200).join('\n') + '\n');
    const args = ['fit', '--target', at('large.csv.gz'), '--background', at('large-background.csv'), '--k', '2', '--alpha', '1', '--stream', '--batch-size', '1000',
      '--max-iter', '10000000', '--tol', '0', '--backend', 'cpu', '--out', at('out-open')];
    const result = await interrupt(args, /opening the inputs/, 0, { ...process.env, TMPDIR: tmp });
    assertInterrupted(result, 'fit --stream while opening');
    assert.equal(existsSync(at('out-open')), false, 'no output folder');
    assert.deepEqual(readdirSync(tmp).filter((name) => name.startsWith('bcnmf-')), [], 'no temporary files of the sources left');
  });

  it('fit --stream stopped while it writes its output: exit 130, an earlier output kept as it was', async () => {
    const lines = ['sample,' + Array.from({ length: 20 }, (_, j) => `g${j}`).join(',')];
    for (let i = 0; i < 100_000; i++) lines.push(`s${i},` + Array.from({ length: 20 }, (_, j) => String(((i * 7 + j * 3) % 6) + (j % 3))).join(','));
    writeFileSync(at('write-target.csv'), lines.join('\n') + '\n');
    writeFileSync(at('write-background.csv'), lines.slice(0, 3000).join('\n') + '\n');
    const args = (out: string) => ['fit', '--target', at('write-target.csv'), '--background', at('write-background.csv'), '--k', '6', '--alpha', '0.5',
      '--stream', '--batch-size', '20000', '--max-iter', '2', '--backend', 'cpu', '--no-report', '--overwrite', '--out', at(out)];
    const first = await run(args('out-write').filter((a) => a !== '--stream'));
    assert.equal(first.code, 0, first.err);
    const before = readFileSync(join(at('out-write'), 'H_target.csv'), 'utf8');
    // the helper's timing that ended with exit 0 and the output replaced: just after the last pass over the target
    for (const delayMs of [300, 700]) {
      const result = await interrupt([...args('out-write'), '--seed', '5'], /reading the target once more/, delayMs);
      assertInterrupted(result, `fit --stream while writing (${delayMs} ms)`);
      assert.equal(readFileSync(join(at('out-write'), 'H_target.csv'), 'utf8'), before, 'the earlier output is untouched');
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.out-write')), [], 'no temporary sibling left');
    }
  });

  for (const [signal, code, words] of [['SIGTERM', 143, 'terminated (SIGTERM)'], ['SIGHUP', 129, 'hung up (SIGHUP: the terminal closed)']] as const) {
    it(`fit stopped by ${signal} (a kill, a closed terminal): exit ${code}, one line, no output folder, no temporary sibling`, async () => {
      const result = await interrupt(fitArgs(`out-${signal}`, 'cpu'), /bcnmf fit: iteration/, 1500, process.env, signal);
      assert.equal(result.code, code, `exit code ${result.code} (signal ${result.signal}); stderr: ${result.stderr.slice(-600)}`);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines[lines.length - 1], `bcnmf: ${words}; nothing was written`);
      assert.ok(result.stopSeconds < STOP_BOUND_S, `stopped ${result.stopSeconds.toFixed(1)} s after ${signal}`);
      assert.equal(existsSync(at(`out-${signal}`)), false, 'no output folder');
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temporary sibling left');
    });
  }

  it('compare stops in its NMF fit and writes no --out', async () => {
    const result = await interrupt(['compare', '--target', at('target.csv'), '--background', at('background.csv'), '--k', '4', '--alpha', '1',
      '--max-iter', '10000000', '--tol', '0', '--methods', 'nmf', '--out', at('compare.csv')], /bcnmf compare: fitting nmf/);
    assertInterrupted(result, 'compare');
    assert.equal(existsSync(join(dir, 'compare.csv')), false);
  });

  it('transform stops and writes no --out', async () => {
    const result = await interrupt(['transform', '--model', at('model'), '--input', at('target.csv'), '--max-iter', '10000000', '--tol', '0',
      '--out', at('coefficients.csv')], /bcnmf transform: .* through the/);
    assertInterrupted(result, 'transform');
    assert.equal(existsSync(join(dir, 'coefficients.csv')), false);
  });

  it('demo stops', async () => {
    const result = await interrupt(['demo', '--scale', '0.25', '--max-iter', '10000000'], /preprocessing/);
    assertInterrupted(result, 'demo');
  });

  it('reproduce stops and leaves no report folder, not even a partial one', async () => {
    const result = await interrupt(['reproduce', 'simulation', '--quick', '--out', at('report')], /seed 0: /, 500);
    assertInterrupted(result, 'reproduce');
    assert.equal(existsSync(join(dir, 'report')), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('report')), [], 'no temporary report folder left');
  });
});
