import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError, BcnmfModel, DenseMatrix, describeRepeats, distinctNames, fitBcnmf, matrixBatchSource, repeatedNames } from '../src/index.js';

const rows = [[1, 2, 3], [3, 1, 1], [2, 2, 2], [1, 3, 1]];
const quiet = { onWarning: () => {} };

describe('feature names', () => {
  it('repeats are found, described and made distinct (name_2, name_3, ..., skipping names already taken)', () => {
    assert.deepEqual(repeatedNames(['a', 'b', 'a', 'c', 'b', 'a']), [{ name: 'a', count: 3 }, { name: 'b', count: 2 }]);
    assert.deepEqual(repeatedNames(['a', 'b']), []);
    assert.equal(describeRepeats(repeatedNames(['a', 'a', 'b', 'b', 'b'])), "'a' 2 times, 'b' 3 times");
    assert.equal(describeRepeats([1, 2, 3, 4, 5].map((n) => ({ name: `g${n}`, count: 2 }))), "'g1' 2 times, 'g2' 2 times, 'g3' 2 times and 2 more");
    assert.deepEqual(distinctNames(['g1', 'g1', 'g2']), ['g1', 'g1_2', 'g2']);
    assert.deepEqual(distinctNames(['a', 'a', 'a_2']), ['a', 'a_3', 'a_2']);
    assert.deepEqual(distinctNames(['x', 'x', 'x']), ['x', 'x_2', 'x_3']);
  });

  it('a fit refuses repeated feature names (its model could be saved but not loaded), whole or in minibatches, from the data or featureNames', async () => {
    const repeated = DenseMatrix.fromRows(rows, { columnNames: ['g1', 'g1', 'g2'] });
    const refused = (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA' &&
      /the target's feature names repeat \('g1' 2 times\); a model matches features by name.*distinctNames/.test(e.message);
    await assert.rejects(fitBcnmf(repeated, null, { k: 2, alpha: 0, maxIter: 5, ...quiet }), refused);
    await assert.rejects(fitBcnmf(repeated, null, { k: 2, alpha: 0, maxIter: 5, batchSize: 2, ...quiet }), refused);
    await assert.rejects(fitBcnmf(matrixBatchSource(repeated), null, { k: 2, alpha: 0, maxIter: 5, batchSize: 2, ...quiet }), refused);
    await assert.rejects(fitBcnmf(rows, null, { k: 2, alpha: 0, maxIter: 5, featureNames: ['g1', 'g1', 'g2'], ...quiet }), refused);
    // names that only the background has become the model's: checked there
    await assert.rejects(fitBcnmf(rows, repeated, { k: 2, alpha: 0.5, maxIter: 5, ...quiet }), /the background's feature names repeat/);
    // renamed with distinctNames, the model saves and loads back
    const renamed = repeated.withNames({ columnNames: distinctNames(repeated.columnNames!) });
    const model = await fitBcnmf(renamed, null, { k: 2, alpha: 0, maxIter: 5, ...quiet });
    assert.deepEqual(BcnmfModel.load(JSON.parse(JSON.stringify(model))).featureNames, ['g1', 'g1_2', 'g2']);
  });

  it('featureNames that contradict the target\'s own names are refused as such (not as a background mismatch)', async () => {
    const named = DenseMatrix.fromRows([[1, 2], [2, 1]], { columnNames: ['a', 'b'] });
    await assert.rejects(fitBcnmf(named, [[1, 1], [2, 2]], { k: 1, alpha: 1, featureNames: ['x', 'y'], ...quiet }),
      (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION' && /featureNames disagrees with the target's own column names at column 0 \('x' vs 'a'\)/.test(e.message));
    await assert.rejects(fitBcnmf(matrixBatchSource(named), null, { k: 1, alpha: 0, batchSize: 1, featureNames: ['a', 'y'], ...quiet }),
      /featureNames disagrees with the target's own column names at column 1 \('y' vs 'b'\)/);
    await assert.rejects(fitBcnmf(rows, null, { k: 1, alpha: 0, batchSize: 2, featureNames: ['a', 'b'], ...quiet }), /featureNames has 2 names but the target has 3 features/);
    // the same names twice are fine
    const model = await fitBcnmf(named, [[1, 1], [2, 2]], { k: 1, alpha: 1, maxIter: 3, featureNames: ['a', 'b'], ...quiet });
    assert.deepEqual(model.featureNames, ['a', 'b']);
  });
});
