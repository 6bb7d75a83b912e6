import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { candidatesTable, formatAlpha } from '../src/commands/alpha-auto.js';
import { planted, readCsv, run, tempDir, writeTable } from './helpers.js';

let dir: string;
let remove: () => void;
before(() => ({ dir, remove } = tempDir('quality')));
after(() => remove());

const dataDir = new URL('../../../../shared/datasets', import.meta.url).pathname;
const mnist = join(dataDir, 'mnist-flowers');
const mnistAbsent = existsSync(join(mnist, 'target_images.csv')) ? false : `the shared data sets are not in ${dataDir}`;

/** A features-in-rows CSV (pixels x images) as images x pixels, in float64. */
function readImages(path: string): number[][] {
  const [, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const pixels = lines.map((l) => l.split(',').slice(1).map(Number));
  return pixels[0].map((_, i) => pixels.map((row) => row[i]));
}

/** Mean squared error of X against H W, in float64 from the CSV files: the check is independent of core. */
function mse(X: number[][], H: number[][], W: number[][]): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) {
    for (let f = 0; f < X[0].length; f++) {
      let r = 0;
      for (let t = 0; t < W.length; t++) r += H[i][t] * W[t][f];
      s += (X[i][f] - r) ** 2;
    }
  }
  return s / (X.length * X[0].length);
}

/** W.csv has a row per feature: W is its transpose. */
const transpose = (m: number[][]) => m[0].map((_, j) => m.map((row) => row[j]));

/** CSV fields, quotes understood (the dropped column holds commas). */
function fields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(field), (field = '');
    else field += c;
  }
  out.push(field);
  return out;
}

describe('bcnmf fit says when a fit is not good', () => {
  it('prints alphas with 3 to 4 significant digits', () => {
    assert.deepEqual([0, 0.1, 0.16378937069540642, 1.1787686347935873, 17.78279410038923, 100].map(formatAlpha), ['0', '0.1', '0.1638', '1.179', '17.78', '100']);
  });

  it('warns when a fit stops at --max-iter without converging (stderr, --json, the summary), and not with --tol 0', async () => {
    const p = planted(3);
    const target = join(dir, 'p-target.csv');
    const background = join(dir, 'p-background.csv');
    writeTable(target, p.targetNames, p.features, p.target);
    writeTable(background, p.backgroundNames, p.features, p.background);
    const args = ['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '0.5', '--max-iter', '3', '--score-every', '1'];
    const json = await run([...args, '--out', join(dir, 'short-json'), '--json', '--quiet']);
    assert.equal(json.code, 0, json.err);
    const summary = JSON.parse(json.out);
    assert.equal(summary.converged, false);
    assert.equal(summary.degenerate, false);
    assert.equal(summary.warnings.length, 1);
    assert.match(summary.warnings[0], /^not converged: the fit stopped at its limit of 3 iterations/);
    // --quiet drops the progress, not the warning
    assert.deepEqual(json.errLines, [`bcnmf: warning: ${summary.warnings[0]}`]);
    const text = await run([...args, '--out', join(dir, 'short-text'), '--quiet']);
    assert.match(text.out, /not converged: stopped at --max-iter, 3 iterations/);
    const fixed = await run([...args, '--tol', '0', '--out', join(dir, 'fixed'), '--json', '--quiet']);
    assert.equal(fixed.code, 0, fixed.err);
    assert.deepEqual(JSON.parse(fixed.out).warnings, []);
    assert.equal(fixed.err, '');
  });

  it('lays the candidates out as a table, saying what became of each', () => {
    const lines = candidatesTable([
      { alpha: 0, score: 0.041, targetError: 0.041, backgroundError: 0.033, iterations: 200, converged: false, cluster: 2, selected: true, folder: 'alpha_0', dropped: null },
      { alpha: 0.16378937069540642, score: 0.035, targetError: 0.041, backgroundError: 0.034, iterations: 20, converged: true, cluster: 2, selected: false, folder: null, dropped: null },
      { alpha: 17.78279410038923, score: -5, targetError: 0.3187, backgroundError: 0.2376, iterations: 10, converged: true, cluster: null, selected: false, folder: null, dropped: 'W is all zeros' },
    ]);
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^alpha +score +target error +background error +iterations +fit$/);
    assert.match(lines[1], /^0 +0\.041 .* 200 +chosen -> alpha_0$/);
    assert.match(lines[2], /^0\.1638 .* cluster 2$/);
    assert.match(lines[3], /^17\.78 .* dropped: W is all zeros$/);
  });

  describe('on the MNIST-on-patches files', { skip: mnistAbsent }, () => {
    const files = ['--target', join(mnist, 'target_images.csv'), '--background', join(mnist, 'background_images.csv')];
    let X: number[][];
    let zeroModel: number;
    before(() => {
      X = readImages(join(mnist, 'target_images.csv'));
      zeroModel = X.flat().reduce((s, v) => s + v * v, 0) / (X.length * X[0].length);
    });

    it('warns that a fit at a large alpha is degenerate: its target error is the all-zero model\'s', async () => {
      const r = await run(['fit', ...files, '--k', '2', '--alpha', '17.78', '--out', join(dir, 'mnist-17'), '--json', '--quiet']);
      assert.equal(r.code, 0, r.err);
      const summary = JSON.parse(r.out);
      assert.equal(summary.degenerate, true);
      const warning = summary.warnings.find((w: string) => w.startsWith('degenerate fit: '));
      assert.ok(warning, summary.warnings.join('\n'));
      assert.ok(r.errLines.includes(`bcnmf: warning: ${warning}`), r.err);
      // the case: the target error is (within 1% of) the mean of X²
      const out = join(dir, 'mnist-17');
      const error = mse(X, readCsv(join(out, 'H_target.csv')).values, transpose(readCsv(join(out, 'W.csv')).values));
      assert.ok(error >= 0.99 * zeroModel, `target error ${error}, mean of X² ${zeroModel}`);
      assert.ok(Math.abs(error - summary.targetError) < 1e-4 * zeroModel);
    });

    it('--alpha auto drops the degenerate alphas, says which and why, and chooses none of them', async () => {
      const out = join(dir, 'mnist-auto');
      const r = await run(['fit', ...files, '--k', '2', '--alpha', 'auto', '--out', out, '--json', '--quiet']);
      assert.equal(r.code, 0, r.err);
      const summary = JSON.parse(r.out);
      assert.ok(summary.dropped.length > 0, 'the default grid reaches alphas that collapse the fit');
      for (const d of summary.dropped) assert.match(d.reason, /within 1% of the all-zero model's|collapsed to zeros|W is all zeros/);
      // stderr names each dropped alpha with 4 significant digits, and why
      assert.match(r.err, new RegExp(`--alpha auto dropped ${summary.dropped.length} of ${summary.path.length} alphas whose fits are degenerate`));
      for (const d of summary.dropped) {
        assert.ok(r.errLines.some((l) => l.startsWith(`bcnmf: warning:   alpha ${formatAlpha(d.alpha)}: ${d.reason.slice(0, 20)}`)), `alpha ${d.alpha}\n${r.err}`);
      }
      assert.ok(r.errLines.every((l) => !/alpha \d+\.\d{5,}/.test(l)), r.err);
      const dropped = new Set(summary.dropped.map((d: { alpha: number }) => d.alpha));
      for (const s of summary.selected) {
        assert.ok(!dropped.has(s.alpha));
        // an independent check of each chosen fit: it explains part of the target
        const error = mse(X, readCsv(join(out, s.folder, 'H_target.csv')).values, transpose(readCsv(join(out, s.folder, 'W.csv')).values));
        assert.ok(error < 0.99 * zeroModel, `alpha ${s.alpha}: target error ${error}, mean of X² ${zeroModel}`);
      }
      // alpha-path.csv says why each was dropped
      const lines = readFileSync(join(out, 'alpha-path.csv'), 'utf8').trimEnd().split('\n').map(fields);
      assert.deepEqual(lines[0].slice(-2), ['converged', 'dropped']);
      const droppedInFile = lines.slice(1).filter((l) => l[9] !== '').map((l) => Number(l[0]));
      assert.deepEqual(droppedInFile, summary.dropped.map((d: { alpha: number }) => d.alpha));
      assert.ok(lines.slice(1).every((l) => (l[9] === '') === (l[5] !== '')), 'a dropped fit has no cluster');
    });

    it('--alpha auto fails (exit 1) with the candidates\' table when every alpha above 0 is degenerate, writing nothing', async () => {
      const out = join(dir, 'mnist-all-bad');
      const r = await run(['fit', ...files, '--k', '2', '--alpha', 'auto', '--alphas', '0,20,50', '--clusters', '2', '--out', out, '--quiet']);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /--alpha auto: every alpha above 0 gives a degenerate fit \(table above\)/);
      assert.ok(r.errLines.some((l) => /^bcnmf fit --alpha auto: alpha +score +target error/.test(l)), r.err);
      for (const a of ['20', '50']) assert.ok(r.errLines.some((l) => new RegExp(`^bcnmf fit --alpha auto: ${a} .* dropped: `).test(l)), r.err);
      assert.ok(r.errLines.some((l) => /^bcnmf fit --alpha auto: 0 .* kept$/.test(l)), r.err);
      assert.equal(existsSync(out), false);
    });
  });
});
