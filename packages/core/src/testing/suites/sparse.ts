import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CsrMatrix, DenseMatrix, fitBcnmf } from '../../index.js';
import { maxRelativeDifference, rng, toRows, uniformMat } from '../reference.js';

// Mostly-zero count-like data: each entry is non-zero with probability `density`.
export function sparseRows(rows: number, columns: number, density: number, seed: string): number[][] {
  const random = rng(seed);
  return Array.from({ length: rows }, () =>
    Array.from({ length: columns }, () => (random() < density ? Math.floor(1 + 9 * random()) : 0)));
}

export const targetRows = sparseRows(40, 30, 0.15, 'sparse-target');
targetRows[5] = new Array(30).fill(0); // an all-zero sample
export const backgroundRows = sparseRows(35, 30, 0.15, 'sparse-background');
export const names = Array.from({ length: 30 }, (_, j) => `g${j}`);
export const dense = (rows: number[][]) => DenseMatrix.fromRows(rows, { columnNames: names });
export const sparse = (rows: number[][]) => CsrMatrix.fromDense(dense(rows));
export const quiet = { onWarning: () => {} };

/** The sparse tests of the shared backend suite, on backend `backend`. */
export function sparseSuite(backend: string): void {
  describe(`sparse (CSR) data (${backend})`, () => {
    for (const loss of ['frobenius', 'poisson'] as const) {
      for (const init of ['random', 'nndsvda'] as const) {
        it(`a ${loss} fit from ${init} on CSR equals the fit on its dense copy`, async () => {
          const options = { k: 3, alpha: 0.5, loss, init, maxIter: 40, tol: 0, scoreEvery: 5, backend, ...quiet };
          const fromSparse = await fitBcnmf(sparse(targetRows), sparse(backgroundRows), options);
          const fromDense = await fitBcnmf(dense(targetRows), dense(backgroundRows), options);
          assert.ok(maxRelativeDifference(fromSparse.W.data, fromDense.W.data, 1e-3) < 2e-3, 'W');
          assert.ok(maxRelativeDifference(fromSparse.Htarget.data, fromDense.Htarget.data, 1e-3) < 2e-3, 'Htarget');
          assert.ok(maxRelativeDifference(fromSparse.Hbackground!.data, fromDense.Hbackground!.data, 1e-3) < 2e-3, 'Hbackground');
          fromSparse.history.forEach((h, i) => {
            const d = fromDense.history[i];
            assert.equal(h.iteration, d.iteration);
            assert.ok(Math.abs(h.score - d.score) <= 1e-3 * Math.max(1, Math.abs(d.score)), `score ${h.score} vs ${d.score}`);
            assert.ok(Math.abs(h.targetError - d.targetError) <= 1e-3 * Math.max(1e-3, Math.abs(d.targetError)));
          });
          assert.deepEqual(fromSparse.featureNames, names);
        });
      }
    }

    it('transform takes CSR samples and leaks nothing', async () => {
      const model = await fitBcnmf(sparse(targetRows), sparse(backgroundRows), { k: 2, maxIter: 10, backend, ...quiet });
      const before = tf.memory().numTensors;
      const a = await model.transform(sparse(targetRows.slice(0, 6)), { maxIter: 30 });
      const b = await model.transform(dense(targetRows.slice(0, 6)), { maxIter: 30 });
      assert.ok(maxRelativeDifference(a.data, b.data, 1e-3) < 1e-3);
      assert.equal(tf.memory().numTensors, before);
    });

    it('bad sparse values are refused with their row and column', async () => {
      const bad = CsrMatrix.fromDense(DenseMatrix.fromRows([[0, 1, 0], [0, 0, -2], [1, 1, 1]]));
      await assert.rejects(fitBcnmf(bad, null, { k: 1, alpha: 0, backend }), /target has a negative value \(-2\) at row 1, column 2/);
    });
  });
}
