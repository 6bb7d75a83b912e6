import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import {
  BcnmfError, CsrMatrix, DenseMatrix, fitBcnmf, matrixBatchSource, type BatchSource,
} from '../../index.js';
import { plantedPair } from '../planted.js';
import { maxRelativeDifference } from '../reference.js';
import { registeredBackend } from '../../backend/registry.js';

export const planted = plantedPair('minibatch', 90, 70);
export const quiet = { onWarning: () => {} };

/** A source that counts its reads and checks every batch is inside the matrix. */
export function countingSource(matrix: DenseMatrix | CsrMatrix): BatchSource & { reads: number } {
  const inner = matrixBatchSource(matrix);
  const source = {
    rows: inner.rows,
    columns: inner.columns,
    reads: 0,
    async readRows(start: number, count: number) {
      source.reads++;
      return inner.readRows(start, count);
    },
  };
  return source;
}

/** The minibatch tests of the shared backend suite, on backend `backend`. */
export function minibatchSuite(backend: string): void {
  describe(`minibatch fits (${backend})`, () => {
    for (const loss of ['frobenius', 'poisson'] as const) {
      it(`${loss}: one batch per epoch is the full-batch iteration (exactly, unless the backend fuses whole steps)`, async () => {
        const options = { k: 3, alpha: 0.8, loss, maxIter: 25, tol: 0, seed: 5, backend };
        const full = await fitBcnmf(planted.target, planted.background, options);
        const batched = await fitBcnmf(planted.target, planted.background, { ...options, batchSize: 1000 });
        assert.equal(batched.settings.batchSize, 1000);
        // Minibatches compose the per-data-set operations; a full-batch fit on a backend
        // with a fused `step` (WebGPU) sums in another order: then float32 rounding only.
        const fusedStep = registeredBackend(backend)?.ops?.step !== undefined;
        for (const key of ['W', 'Htarget', 'Hbackground'] as const) {
          if (!fusedStep) assert.deepEqual(Array.from(batched[key]!.data), Array.from(full[key]!.data), key);
          else assert.ok(maxRelativeDifference(batched[key]!.data, full[key]!.data, 1e-3) < 1e-4, key);
        }
      });

      it(`${loss}: small shuffled batches give the full-batch result up to float rounding`, async () => {
        const options = { k: 3, alpha: 0.8, loss, maxIter: 25, tol: 0, seed: 5, backend };
        const full = await fitBcnmf(planted.target, planted.background, options);
        const batched = await fitBcnmf(planted.target, planted.background, { ...options, batchSize: 16 });
        assert.ok(maxRelativeDifference(batched.W.data, full.W.data, 1e-3) < 1e-3);
        assert.ok(maxRelativeDifference(batched.Htarget.data, full.Htarget.data, 1e-3) < 1e-3);
        // the epoch's score: coefficients after its update, basis before it
        assert.equal(batched.history[0].iteration, 10);
        assert.ok(Math.abs(batched.history.at(-1)!.targetError - full.history.at(-1)!.targetError) <
          0.05 * Math.abs(full.history.at(-1)!.targetError));
      });
    }

    it('streams a BatchSource (CSR, different sizes), reading each batch once per epoch, with no leaks', async () => {
      const target = CsrMatrix.fromDense(DenseMatrix.fromRows(planted.target.map((r) => r.map((v) => (v > 2 ? v : 0)))));
      const background = CsrMatrix.fromDense(DenseMatrix.fromRows(planted.background.slice(0, 50).map((r) => r.map((v) => (v > 2 ? v : 0)))));
      const targetSource = countingSource(target);
      const backgroundSource = countingSource(background);
      const before = tf.memory().numTensors;
      const streamed = await fitBcnmf(targetSource, backgroundSource, { k: 2, maxIter: 6, tol: 0, batchSize: 32, backend, ...quiet });
      assert.equal(tf.memory().numTensors, before);
      assert.equal(targetSource.reads, 6 * Math.ceil(90 / 32));
      assert.equal(backgroundSource.reads, 6 * Math.ceil(50 / 32));
      const inMemory = await fitBcnmf(target, background, { k: 2, maxIter: 6, tol: 0, backend, ...quiet });
      assert.ok(maxRelativeDifference(streamed.W.data, inMemory.W.data, 1e-3) < 1e-3);
      assert.deepEqual(streamed.Htarget.shape, [90, 2]);
      assert.deepEqual(streamed.Hbackground!.shape, [50, 2]);
    });

    it('checks streamed values as it reads them, naming the global row', async () => {
      const rows = planted.target.map((r) => [...r]);
      rows[70][3] = -1;
      const source = matrixBatchSource(DenseMatrix.fromRows(rows));
      await assert.rejects(
        fitBcnmf(source, planted.background, { k: 2, maxIter: 3, batchSize: 32, shuffle: false, backend }),
        (e: unknown) => e instanceof BcnmfError && /target has a negative value \(-1\) at row 70, column 3/.test(e.message),
      );
    });
  });
}
