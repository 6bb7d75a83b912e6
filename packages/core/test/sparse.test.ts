import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CsrMatrix, DenseMatrix, fitBcnmf } from '../src/index.js';
import { maxRelativeDifference, rng, toRows, uniformMat } from '../src/testing/reference.js';

import { backgroundRows, names, quiet, sparse, targetRows } from '../src/testing/suites/sparse.js';

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
