// What the preprocessing steps refuse: values that are no counts (NaN, infinite, negative)
// where a step reads counts, a targetSum that is not > 0, an empty row list to impute over.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { highlyVariableGenes, imputeColumnMeans, log1p, normalizeTotal, selectHighlyVariableGenes } from '../src/preprocess/index.js';

function refused(code: string, pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof BcnmfError, `not a BcnmfError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

const N = Number.NaN;
const both = (rows: number[][]): (DenseMatrix | CsrMatrix)[] => {
  const dense = DenseMatrix.fromRows(rows);
  return [dense, CsrMatrix.fromDense(dense)];
};

test('normalizeTotal refuses negative, NaN and infinite counts, naming row and column (a row of -1 and 1 summed to 0 and was zeroed)', () => {
  for (const m of both([[1, 2], [-1, 1]])) {
    assert.throws(() => normalizeTotal(m), refused('INVALID_DATA', /^normalizeTotal's input \(counts\) has a negative value \(-1\) at row 1, column 0/));
  }
  for (const m of both([[1, 2], [3, N]])) {
    assert.throws(() => normalizeTotal(m), refused('INVALID_DATA', /has a missing value \(NaN\) at row 1, column 1/));
  }
  for (const m of both([[1, Infinity]])) {
    assert.throws(() => normalizeTotal(m), refused('INVALID_DATA', /has an infinite value \(Infinity\) at row 0, column 1/));
  }
  // names, when the matrix has them
  const named = DenseMatrix.fromRows([[1, -2]], { rowNames: ['cell1'], columnNames: ['g1', 'g2'] });
  assert.throws(() => normalizeTotal(named), refused('INVALID_DATA', /row 0 \(sample 'cell1'\), column 1 \(feature 'g2'\)/));
});

test('normalizeTotal refuses a targetSum that is not a finite number > 0, and keeps valid input working', () => {
  const m = DenseMatrix.fromRows([[1, 3], [0, 0]]);
  for (const bad of [0, -100, N, Infinity, '1e4']) {
    assert.throws(() => normalizeTotal(m, { targetSum: bad as number }), refused('INVALID_OPTION', /^targetSum must be a finite number > 0, got/));
  }
  assert.deepEqual(normalizeTotal(m, { targetSum: 100 }).toArray(), [[25, 75], [0, 0]]);
  assert.deepEqual(normalizeTotal(m, { targetSum: 0.5 }).toArray(), [[0.125, 0.375], [0, 0]]);
  // large float64 counts are counts still (this is not the fit's float32 bound)
  assert.deepEqual(normalizeTotal(DenseMatrix.fromRows([[1e300, 1e300]]), { targetSum: 2 }).toArray(), [[1, 1]]);
  // an empty matrix stays empty
  assert.deepEqual(normalizeTotal(new DenseMatrix({ data: new Float64Array(0), shape: [0, 3] })).shape, [0, 3]);
});

test('log1p refuses negative, NaN and infinite values (log1p(-1) is -Infinity, log1p(-2) NaN); 0 and positives unchanged', () => {
  for (const m of both([[0, -1]])) assert.throws(() => log1p(m), refused('INVALID_DATA', /^log1p's input \(counts\) has a negative value \(-1\) at row 0, column 1/));
  for (const m of both([[0, 1], [-2, 0]])) assert.throws(() => log1p(m), refused('INVALID_DATA', /negative value \(-2\) at row 1, column 0/));
  for (const m of both([[N, 1]])) assert.throws(() => log1p(m), refused('INVALID_DATA', /missing value \(NaN\) at row 0, column 0/));
  for (const m of both([[1, -Infinity]])) assert.throws(() => log1p(m), refused('INVALID_DATA', /infinite value \(-Infinity\) at row 0, column 1/));
  for (const m of both([[0, Math.E - 1], [3, 99]])) {
    const r = log1p(m);
    const dense = r instanceof CsrMatrix ? r.toDense() : r;
    assert.deepEqual(Array.from(dense.data).map((v) => Number(v.toFixed(12))), [0, 1, Number(Math.log(4).toFixed(12)), Number(Math.log(100).toFixed(12))]);
  }
});

test('highlyVariableGenes refuses NaN and negative values (NaN silently dropped its gene) and a logBase <= 1', () => {
  const good = [[0, 1, 0, 4], [0, 1, 0, 4], [2, 1, 0, 0], [2, 1, 8, 0]];
  const withValue = (v: number): number[][] => good.map((row, i) => row.map((x, j) => (i === 2 && j === 3 ? v : x)));
  for (const m of both(withValue(N))) {
    assert.throws(() => highlyVariableGenes(m, { nTopGenes: 2, nBins: 2 }), refused('INVALID_DATA', /^highlyVariableGenes' input \(log1p'd counts\) has a missing value \(NaN\) at row 2, column 3/));
  }
  for (const m of both(withValue(-0.5))) {
    assert.throws(() => highlyVariableGenes(m, { nTopGenes: 2, nBins: 2 }), refused('INVALID_DATA', /negative value \(-0\.5\) at row 2, column 3/));
    assert.throws(() => selectHighlyVariableGenes(m as DenseMatrix, { nTopGenes: 2, nBins: 2 }), refused('INVALID_DATA', /negative value/));
  }
  for (const logBase of [1, 0.5, 0, -2, N, Infinity]) {
    assert.throws(() => highlyVariableGenes(DenseMatrix.fromRows(good), { nTopGenes: 2, logBase }), refused('INVALID_OPTION', /^logBase must be a finite number > 1/));
  }
  // valid input as before (the documented example)
  const r = highlyVariableGenes(log1p(DenseMatrix.fromRows(good, { columnNames: ['a', 'b', 'c', 'd'] })), { nTopGenes: 2, nBins: 2 });
  assert.deepEqual(r.names, ['a', 'c']);
  assert.deepEqual(highlyVariableGenes(DenseMatrix.fromRows(good), { nTopGenes: 2, logBase: 2 }).indices.length >= 2, true);
});

test('imputeColumnMeans refuses an empty row list (it left every NaN unfilled); the default (all rows) works', () => {
  const m = DenseMatrix.fromRows([[1, N], [3, 4]]);
  assert.throws(() => imputeColumnMeans(m, { rows: [] }), refused('INVALID_OPTION', /^rows is empty/));
  assert.throws(() => imputeColumnMeans(m, { rows: 'all' as never }), refused('INVALID_OPTION', /rows must be an array/));
  assert.deepEqual(imputeColumnMeans(m).toArray(), [[1, 4], [3, 4]]);
  assert.deepEqual(imputeColumnMeans(m, { rows: [0, 1] }).toArray(), [[1, 4], [3, 4]]);
  // a matrix without rows, rows left out: nothing to fill, as before
  assert.deepEqual(imputeColumnMeans(new DenseMatrix({ data: new Float64Array(0), shape: [0, 2] })).shape, [0, 2]);
  // negative values are legal here (imputation is not only for counts)
  assert.deepEqual(imputeColumnMeans(DenseMatrix.fromRows([[-1, N], [-3, 2]])).toArray(), [[-1, 2], [-3, 2]]);
});
