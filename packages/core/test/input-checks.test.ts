// Input the estimator, the model and diagnoseFit must refuse (not compute a confident wrong
// answer from): NaN, negative or infinite values, unknown option names, bad thresholds.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Bcnmf, BcnmfError, type BcnmfModel, CsrMatrix, DenseMatrix, diagnoseFit, fitBcnmf, fitWithBasis, matrixBatchSource, summarizeData } from '../src/index.js';
import { plantedPair } from '../src/testing/planted.js';

const planted = plantedPair('input-checks', 12, 10); // 12 target samples, 50 features
const quiet = { onWarning: () => {} };

/** Asserts that `run` throws (or rejects with) a BcnmfError of `code` whose message matches `pattern`. */
function refused(code: string, pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof BcnmfError, `not a BcnmfError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('a target of zeros only is refused: every factorization of it is zeros', () => {
  it('loaded, in minibatches and streamed; a fixed basis still gives its (zero) coefficients', async () => {
    const zeros = planted.target.map((row) => row.map(() => 0));
    const options = { k: 2, alpha: 1, maxIter: 3, ...quiet };
    const message = refused('INVALID_DATA', /^target is all zeros \(each of its 12 samples\): there is nothing to factorize$/);
    await assert.rejects(fitBcnmf(zeros, planted.background, options), message);
    await assert.rejects(fitBcnmf(zeros, planted.background, { ...options, batchSize: 4 }), message);
    await assert.rejects(fitBcnmf(matrixBatchSource(DenseMatrix.fromRows(zeros)), planted.background, { ...options, batchSize: 4 }), message);
    await assert.rejects(fitBcnmf(new CsrMatrix({ indptr: new Int32Array(13), indices: new Int32Array(0), data: new Float64Array(0), shape: [12, 50] }), planted.background, options), message);
    // one sample with a value is a fit (its warning names the 11 others)
    const one = zeros.map((row, i) => (i === 0 ? planted.target[0] : row));
    const warnings: string[] = [];
    await fitBcnmf(one, planted.background, { ...options, onWarning: (w: string) => warnings.push(w) });
    assert.ok(warnings.includes('target has 11 all-zero samples; their coefficients stay zero'), warnings.join('\n'));
    const basis = (await fitBcnmf(planted.target, planted.background, options)).W;
    const fixed = await fitWithBasis(zeros, planted.background, { basis, maxIter: 3, ...quiet });
    assert.ok(Array.from(fixed.Htarget.data).every((v) => v === 0));
  });
});

describe('Bcnmf.inverseTransform refuses coefficients that are not a model\'s', () => {
  let estimator: Bcnmf;
  before(async () => {
    estimator = await new Bcnmf({ nComponents: 2, alpha: 0.5, maxIter: 10, tol: 0, ...quiet }).fit(planted.target, planted.background);
  });

  it('refuses NaN, negative and infinite coefficients, naming row and column', async () => {
    await assert.rejects(estimator.inverseTransform([[1, 1], [0.5, Number.NaN]]), refused('INVALID_DATA', /coefficients has a missing value \(NaN\) at row 1, column 1/));
    await assert.rejects(estimator.inverseTransform([[1, -0.5]]), refused('INVALID_DATA', /coefficients has a negative value \(-0\.5\) at row 0, column 1/));
    await assert.rejects(estimator.inverseTransform([[Infinity, 1]]), refused('INVALID_DATA', /coefficients has an infinite value \(Infinity\) at row 0, column 0/));
    await assert.rejects(
      estimator.inverseTransform({ data: Float32Array.of(1, 2, 3, 4, 5, -6), shape: [3, 2] }),
      refused('INVALID_DATA', /row 2, column 1/),
    );
  });

  it('refuses a wrong number of columns with INVALID_DATA', async () => {
    await assert.rejects(estimator.inverseTransform([[1, 2, 3]]), refused('INVALID_DATA', /coefficients have 3 columns but the model has 2 topics/));
  });

  it('still reconstructs valid coefficients, zeros included', async () => {
    const out = await estimator.inverseTransform([[0, 0], [1, 0]]);
    assert.deepEqual(out.shape, [2, planted.features]);
    assert.ok(out.row(0).every((v) => v === 0));
    assert.deepEqual(Array.from(out.row(1)), Array.from(estimator.components.row(0)));
  });
});

describe('BcnmfModel.transform options', () => {
  let model: BcnmfModel;
  before(async () => {
    model = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 10, tol: 0, ...quiet });
  });

  it('refuses an unknown option name, as fitBcnmf does, listing the known ones', async () => {
    await assert.rejects(
      model.transform(planted.target, { maxiter: 1 } as never),
      refused('INVALID_OPTION', /^unknown option maxiter; the options are maxIter, tol, seed, backend, init, signal, onWarning$/),
    );
    await assert.rejects(model.transform(planted.target, { maxiter: 1, tolerance: 0 } as never), refused('INVALID_OPTION', /^unknown options maxiter, tolerance;/));
    // the estimator passes its options through
    const estimator = await new Bcnmf({ nComponents: 2, alpha: 0.5, maxIter: 5, ...quiet }).fit(planted.target, planted.background);
    await assert.rejects(estimator.transform(planted.target, { maxiter: 1 } as never), refused('INVALID_OPTION', /unknown option maxiter/));
  });

  it('refuses options that are not an object, a backend that is not a name and an onWarning that is not a function', async () => {
    await assert.rejects(model.transform(planted.target, null as never), refused('INVALID_OPTION', /transform options must be an object/));
    await assert.rejects(model.transform(planted.target, { backend: 3 } as never), refused('INVALID_OPTION', /backend must be a backend name/));
    await assert.rejects(model.transform(planted.target, { onWarning: 'log' } as never), refused('INVALID_OPTION', /onWarning must be a function/));
  });

  it('accepts every known option', async () => {
    const H = await model.transform(planted.target, { maxIter: 3, tol: 0, seed: 2, backend: 'auto', init: model.Htarget, signal: new AbortController().signal, ...quiet });
    assert.deepEqual(H.shape, [planted.target.length, 2]);
  });
});

describe('diagnoseFit input', () => {
  let model: BcnmfModel;
  before(async () => {
    model = await fitBcnmf(planted.target, planted.background, { k: 2, alpha: 0.2, maxIter: 50, seed: 1, ...quiet });
  });

  it('takes the target as number[][], {data, shape}, DenseMatrix and CsrMatrix alike', () => {
    const dense = DenseMatrix.fromRows(planted.target);
    const expected = diagnoseFit(model, dense);
    assert.deepEqual(diagnoseFit(model, planted.target), expected);
    assert.deepEqual(diagnoseFit(model, { data: Float64Array.from(dense.data), shape: dense.shape }), expected);
    assert.deepEqual(diagnoseFit(model, { data: Array.from(dense.data), shape: dense.shape }), expected);
    assert.deepEqual(diagnoseFit(model, CsrMatrix.fromDense(dense)), expected);
    assert.deepEqual(diagnoseFit(model, summarizeData(dense)), expected);
  });

  it('refuses a target with a NaN, negative or infinite value, naming row and column', () => {
    const withValue = (v: number): number[][] => planted.target.map((row, i) => row.map((x, j) => (i === 3 && j === 5 ? v : x)));
    assert.throws(() => diagnoseFit(model, withValue(Number.NaN)), refused('INVALID_DATA', /target has a missing value \(NaN\) at row 3, column 5/));
    assert.throws(() => diagnoseFit(model, DenseMatrix.fromRows(withValue(-1))), refused('INVALID_DATA', /target has a negative value \(-1\) at row 3, column 5/));
    assert.throws(
      () => diagnoseFit(model, CsrMatrix.fromDense(DenseMatrix.fromRows(withValue(Infinity)))),
      refused('INVALID_DATA', /target has an infinite value \(Infinity\) at row 3, column 5/),
    );
  });

  it('refuses malformed targets and a target of another shape with BcnmfError', () => {
    assert.throws(() => diagnoseFit(model, [[1, 2], [3]]), refused('INVALID_DATA', /^target: row 1 has 1 values but row 0 has 2/));
    assert.throws(() => diagnoseFit(model, [[1, 2]]), refused('INVALID_DATA', /the target is 1 x 2, the model's 12 x 50/));
    assert.throws(() => diagnoseFit(model, { data: [1, 'x'], shape: [1, 2] } as never), refused('INVALID_DATA', /target\.data\[1\] is the text 'x'/));
    assert.throws(() => diagnoseFit(model, { data: Float64Array.of(1, 2, 3), shape: [2, 2] }), refused('INVALID_DATA', /3 values but shape \[2, 2\]/));
    assert.throws(() => diagnoseFit(model, null as never), refused('INVALID_DATA', /the target must be/));
  });

  it('checks a summary: finite non-negative numbers and the model\'s shape', () => {
    const summary = summarizeData(DenseMatrix.fromRows(planted.target));
    assert.throws(() => diagnoseFit(model, { ...summary, sum: Number.NaN }), refused('INVALID_DATA', /summary: sum must be a finite number >= 0 .*got NaN.*missing value/));
    assert.throws(() => diagnoseFit(model, { ...summary, squares: Infinity }), refused('INVALID_DATA', /summary: squares must be a finite number >= 0/));
    assert.throws(() => diagnoseFit(model, { ...summary, sum: -1 }), refused('INVALID_DATA', /summary: sum must be a finite number >= 0/));
    assert.throws(() => diagnoseFit(model, { ...summary, rows: 1.5 }), refused('INVALID_DATA', /summary: rows must be an integer >= 1, got 1\.5/));
    assert.throws(() => diagnoseFit(model, { ...summary, columns: 51 }), refused('INVALID_DATA', /the target is 12 x 51, the model's 12 x 50/));
    assert.throws(() => summarizeData(DenseMatrix.fromRows([[1]]), summary), refused('INVALID_DATA', /a batch of 1 columns added to a summary of 50/));
  });

  it('checks its thresholds and option names', () => {
    const target = planted.target;
    for (const bad of [-1, Number.NaN, 1, 2, Infinity, '0.1']) {
      assert.throws(() => diagnoseFit(model, target, { nearZeroModel: bad as number }), refused('INVALID_OPTION', /^nearZeroModel must be a number in \[0, 1\)/));
      assert.throws(() => diagnoseFit(model, target, { collapsedShare: bad as number }), refused('INVALID_OPTION', /^collapsedShare must be a number in \[0, 1\)/));
    }
    assert.throws(() => diagnoseFit(model, target, { nearZero: 0.1 } as never), refused('INVALID_OPTION', /^unknown option nearZero; the options are nearZeroModel, collapsedShare$/));
    assert.equal(diagnoseFit(model, target, { nearZeroModel: 0, collapsedShare: 0 }).converged, diagnoseFit(model, target).converged);
  });
});
