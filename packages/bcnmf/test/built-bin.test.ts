// The helper for tests of the published command (scripts/test-support/package-bin.ts):
// it builds this package with the workspace packages it depends on, dependencies first,
// and runs the built `bcnmf` bin (dist/bin.js) with plain node, as an installed package
// runs. Checked here on the cheapest exits: 0 (--help) and 2 (bad usage).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { binPath, buildOrder, buildPackage, runBin, startBin } from '../../../scripts/test-support/package-bin.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));

describe('the built bcnmf bin', () => {
  before(() => {
    buildPackage(pkg);
  });

  it('is built with the workspace packages it imports, dependencies first', () => {
    const order = buildOrder(pkg).map((d) => basename(d));
    assert.equal(order.at(-1), 'bcnmf');
    for (const [dep, user] of [['native', 'backend-cpu'], ['core', 'backend-cpu'], ['metrics', 'baselines'], ['reproduce', 'cli'], ['cli', 'bcnmf']]) {
      assert.ok(order.indexOf(dep) >= 0 && order.indexOf(dep) < order.indexOf(user), `${dep} before ${user}: ${order.join(', ')}`);
    }
    for (const d of buildOrder(pkg)) assert.ok(existsSync(join(d, 'dist')), `${d}/dist`);
    assert.equal(binPath(pkg, 'bcnmf'), join(pkg, 'dist', 'bin.js'));
    assert.deepEqual(buildPackage(pkg), [], 'a second build finds everything up to date');
  });

  it('exit 0: --help prints the usage on stdout', () => {
    const r = runBin(pkg, 'bcnmf', ['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bcnmf/);
    assert.match(r.stdout, /\bfit\b/);
    assert.match(r.stdout, /\bcompare\b/);
  });

  it('exit 2: an unknown command, one line on stderr', () => {
    const r = runBin(pkg, 'bcnmf', ['frobnicate']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^bcnmf: .*frobnicate/);
  });
});

// The published command as a real process, for the exits a user meets: a fit whose
// outputs are read back (0), bad input (2), a fit that diverges (1), and Ctrl-C (130, with
// nothing written).
describe('the built bcnmf bin: fit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bcnmf-built-bin-'));
  const write = (name: string, rows: number[][]) => {
    const path = join(dir, name);
    writeFileSync(path, ['sample,' + rows[0].map((_, j) => `f${j}`).join(','), ...rows.map((r, i) => `s${i},${r.join(',')}`)].join('\n') + '\n');
    return path;
  };
  const random = (() => {
    let a = 7;
    return () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
  })();
  const rows = (n: number, m: number, scale = 5) => Array.from({ length: n }, () => Array.from({ length: m }, () => Math.round(random() * scale * 1000) / 1000));
  const target = write('target.csv', rows(30, 8));
  const background = write('background.csv', rows(25, 8));
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(() => {
    buildPackage(pkg);
  });

  it('exit 0: a fit writes W, H and the model, which read back as a model of the data', () => {
    const out = join(dir, 'fit');
    const r = runBin(pkg, 'bcnmf', ['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '0.5', '--max-iter', '30', '--out', out, '--quiet', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { k: number; iterations: number; files: string[] };
    assert.equal(summary.k, 2);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { W: number[][]; Htarget: number[][]; settings: { k: number } };
    assert.equal(model.W.length, 2);
    assert.equal(model.W[0].length, 8);
    assert.equal(model.Htarget.length, 30);
    assert.ok([...model.W.flat(), ...model.Htarget.flat()].every((v) => Number.isFinite(v) && v >= 0));
    for (const file of summary.files) assert.ok(existsSync(join(out, file)), file);
  });

  it('exit 2: bad input (a negative value), one line naming row and column, nothing written', () => {
    const bad = write('negative.csv', [[1, 2, 3], [4, -5, 6], [7, 8, 9]]);
    const out = join(dir, 'bad');
    const r = runBin(pkg, 'bcnmf', ['fit', '--target', bad, '--background', bad, '--k', '1', '--alpha', '1', '--out', out]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /negative value \(-5\) at row 1.*column 1/);
    assert.equal(existsSync(out), false);
  });

  it('exit 1: a fit that diverges says where and what to try, and writes nothing', () => {
    const out = join(dir, 'diverged');
    const r = runBin(pkg, 'bcnmf', ['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1e38', '--max-iter', '50', '--out', out, '--quiet']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^bcnmf: the fit diverged at iteration \d+: .*lower alpha/m);
    assert.equal(existsSync(out), false);
  });

  it('exit 130: Ctrl-C stops a long fit within seconds, one line, nothing written', async () => {
    const out = join(dir, 'interrupted');
    const child = startBin(pkg, 'bcnmf', ['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '0.5', '--max-iter', '10000000', '--tol', '0', '--out', out]);
    let stderr = '';
    const progress = new Promise<void>((resolve) => child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/iteration/.test(stderr)) resolve();
    }));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await progress;
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    const ms = Date.now() - sent;
    assert.equal(code, 130, stderr);
    assert.ok(ms < 10_000, `exited ${ms} ms after SIGINT`); // generous: CI machines are loaded
    assert.match(stderr.trimEnd().split('\n').at(-1)!, /^bcnmf: interrupted \(Ctrl-C\); nothing was written$/);
    assert.equal(existsSync(out), false, 'no output folder');
  });
});
