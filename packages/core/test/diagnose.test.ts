import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsrMatrix, DenseMatrix, diagnoseFit, fitBcnmf, summarizeData } from '../src/index.js';
import { plantedPair } from '../src/testing/planted.js';

const planted = plantedPair('diagnose', 60, 60);
const quiet = { onWarning: () => {} };
const target = DenseMatrix.fromRows(planted.target);

/** The mean of X² in float64, by hand: the squared error of the all-zero model. */
function meanSquare(rows: number[][]): number {
  let s = 0;
  for (const row of rows) for (const v of row) s += v * v;
  return s / (rows.length * rows[0].length);
}

describe('diagnoseFit', () => {
  it('finds nothing wrong with a converged fit of planted data', async () => {
    const model = await fitBcnmf(planted.target, planted.background, { k: 4, alpha: 0.5, maxIter: 2000, seed: 1, ...quiet });
    assert.equal(model.converged, true);
    const d = diagnoseFit(model, target);
    assert.deepEqual(d.warnings, []);
    assert.equal(d.degenerate, false);
    assert.equal(d.converged, true);
    assert.deepEqual(d.collapsedTopics, []);
    assert.ok(Math.abs(d.zeroModelError! - meanSquare(planted.target)) < 1e-9 * d.zeroModelError!);
    assert.ok(d.targetError < 0.1 * d.zeroModelError!);
    // the same for the data as CSR
    assert.deepEqual(diagnoseFit(model, CsrMatrix.fromDense(target)), d);
  });

  it('takes a summary of the target instead of the matrix, built batch by batch (a streamed fit)', async () => {
    // a degenerate fit, so that the summary's numbers decide a warning
    const model = await fitBcnmf(planted.target, planted.target, { k: 3, alpha: 5, maxIter: 300, seed: 1, ...quiet });
    const whole = diagnoseFit(model, target);
    assert.equal(whole.degenerate, true);
    const summary = summarizeData(DenseMatrix.fromRows(planted.target.slice(0, 25)));
    summarizeData(CsrMatrix.fromDense(DenseMatrix.fromRows(planted.target.slice(25))), summary);
    assert.equal(summary.rows, planted.target.length);
    assert.equal(summary.columns, planted.features);
    // by hand, in float64
    let sum = 0;
    for (const row of planted.target) for (const v of row) sum += v;
    assert.ok(Math.abs(summary.sum - sum) <= 1e-9 * sum);
    assert.ok(Math.abs(summary.squares / (summary.rows * summary.columns) - meanSquare(planted.target)) <= 1e-9 * summary.squares);
    const fromSummary = diagnoseFit(model, summary);
    assert.deepEqual(fromSummary.warnings, whole.warnings);
    assert.equal(fromSummary.zeroModelError, whole.zeroModelError);
    // a summary of other data changes the verdict: the check really uses it
    assert.notDeepEqual(diagnoseFit(model, { ...summary, squares: summary.squares * 100 }).warnings, whole.warnings);
    assert.throws(() => summarizeData(DenseMatrix.fromRows([[1, 2]]), summary), /a batch of 2 columns added to a summary of 50/);
  });

  it('says a fit stopped at maxIter did not converge, unless tol 0 asked for a fixed count', async () => {
    const short = await fitBcnmf(planted.target, planted.background, { k: 3, alpha: 0.5, maxIter: 3, scoreEvery: 1, seed: 1, ...quiet });
    assert.equal(short.converged, false);
    const d = diagnoseFit(short, target);
    assert.equal(d.converged, false);
    assert.equal(d.degenerate, false);
    assert.match(d.warnings[0], /^not converged: the fit stopped at its limit of 3 iterations .* tol 0\.0001/);
    const fixed = await fitBcnmf(planted.target, planted.background, { k: 3, alpha: 0.5, maxIter: 3, tol: 0, seed: 1, ...quiet });
    assert.deepEqual(diagnoseFit(fixed, target).warnings, []);
  });

  it('calls a fit that explains nothing of the target degenerate (a large alpha, a background like the target)', async () => {
    const model = await fitBcnmf(planted.target, planted.target, { k: 3, alpha: 5, maxIter: 300, seed: 1, ...quiet });
    const d = diagnoseFit(model, target);
    assert.equal(d.degenerate, true);
    const zero = meanSquare(planted.target);
    assert.ok(d.targetError >= 0.99 * zero, `target error ${d.targetError}, all-zero model ${zero}`);
    assert.ok(d.warnings.some((w) => /^degenerate fit: .*within 1% of the all-zero model's/.test(w)), d.warnings.join('\n'));
  });

  it('finds a topic collapsed to zeros (a zero row of W stays zero under multiplicative updates)', async () => {
    const k = 3;
    const W = Array.from({ length: k }, (_, t) => Array.from({ length: planted.features }, (_, f) => (t === 1 ? 0 : 0.5 + ((f * 7 + t) % 5) / 10)));
    const Htarget = planted.target.map((_, i) => Array.from({ length: k }, (_, t) => 0.5 + ((i + t) % 3) / 10));
    const Hbackground = planted.background.map((_, i) => Array.from({ length: k }, (_, t) => 0.5 + ((i * 2 + t) % 3) / 10));
    const model = await fitBcnmf(planted.target, planted.background, { k, alpha: 0.2, maxIter: 50, init: { W, Htarget, Hbackground }, ...quiet });
    assert.ok(model.W.row(1).every((v) => v === 0));
    const d = diagnoseFit(model, target);
    assert.equal(d.degenerate, true);
    assert.deepEqual(d.collapsedTopics, ['topic_2']);
    assert.equal(d.nonZeroW, model.W.data.filter((v) => v !== 0).length);
    assert.ok(d.warnings.some((w) => w.startsWith('degenerate fit: 1 of 3 topics collapsed to zeros in the target (topic_2')), d.warnings.join('\n'));
  });

  it('has no all-zero reference for the Poisson loss (its divergence is infinite there)', async () => {
    const model = await fitBcnmf(planted.target, planted.background, { k: 3, alpha: 0.2, loss: 'poisson', maxIter: 20, tol: 0, seed: 1, ...quiet });
    const d = diagnoseFit(model, target);
    assert.equal(d.zeroModelError, null);
    assert.equal(d.degenerate, false);
  });

  it('refuses a target of another shape', async () => {
    const model = await fitBcnmf(planted.target, planted.background, { k: 2, alpha: 0.2, maxIter: 5, tol: 0, ...quiet });
    assert.throws(() => diagnoseFit(model, DenseMatrix.fromRows([[1, 2]])), /the target is 1 x 2, the model's 60 x 50/);
  });
});
