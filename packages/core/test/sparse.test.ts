import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CsrMatrix, DenseMatrix, fitBcnmf } from '../src/index.js';
import { maxRelativeDifference, rng, toRows, uniformMat } from '../src/testing/reference.js';

// Mostly-zero count-like data: each entry is non-zero with probability `density`.
function sparseRows(rows: number, columns: number, density: number, seed: string): number[][] {
  const random = rng(seed);
  return Array.from({ length: rows }, () =>
    Array.from({ length: columns }, () => (random() < density ? Math.floor(1 + 9 * random()) : 0)));
}

const targetRows = sparseRows(40, 30, 0.15, 'sparse-target');
targetRows[5] = new Array(30).fill(0); // an all-zero sample
const backgroundRows = sparseRows(35, 30, 0.15, 'sparse-background');
const names = Array.from({ length: 30 }, (_, j) => `g${j}`);
const dense = (rows: number[][]) => DenseMatrix.fromRows(rows, { columnNames: names });
const sparse = (rows: number[][]) => CsrMatrix.fromDense(dense(rows));
const quiet = { onWarning: () => {} };

describe('sparse products', () => {
  it('align sparse background features by name', async () => {
    const order = names.map((_, j) => (j * 7) % 30);
    const shuffled = CsrMatrix.fromDense(DenseMatrix.fromRows(backgroundRows.map((r) => order.map((j) => r[j])), { columnNames: order.map((j) => names[j]) }));
    const aligned = await fitBcnmf(sparse(targetRows), shuffled, { k: 2, maxIter: 10, alignFeaturesByName: true, ...quiet });
    const direct = await fitBcnmf(sparse(targetRows), sparse(backgroundRows), { k: 2, maxIter: 10, ...quiet });
    assert.deepEqual(Array.from(aligned.W.data), Array.from(direct.W.data));
  });

  it('on larger random data, dense and sparse agree', async () => {
    const random = rng('sparse-large');
    const rows = toRows(uniformMat(120, 60, random, 0, 1)).map((r) => r.map((v) => (v < 0.9 ? 0 : v * 10)));
    const a = await fitBcnmf(CsrMatrix.fromDense(DenseMatrix.fromRows(rows)), null, { k: 4, alpha: 0, maxIter: 30, tol: 0, ...quiet });
    const b = await fitBcnmf(rows, null, { k: 4, alpha: 0, maxIter: 30, tol: 0, ...quiet });
    assert.ok(maxRelativeDifference(a.W.data, b.W.data, 1e-3) < 2e-3);
  });
});
