import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BcnmfError, BcnmfModel, DenseMatrix, fitBcnmf } from '../../index.js';
import { plantedPair } from '../planted.js';
import { fromRows, maxRelativeDifference, mul, rng, toRows, transpose, uniformMat, type Mat } from '../reference.js';

export const planted = plantedPair('model', 60, 50);

// Coefficient updates with W fixed, plainly in float64 (reference layout).
export function referenceTransform(X: Mat, W: Mat, H: Mat, loss: 'frobenius' | 'poisson', iterations: number, eps: number, damping: number): Mat {
  let h = H;
  const Wt = transpose(W);
  for (let it = 0; it < iterations; it++) {
    const next: Mat = { rows: h.rows, cols: h.cols, v: new Float64Array(h.v.length) };
    if (loss === 'frobenius') {
      const num = mul(Wt, X);
      const den = mul(mul(Wt, W), h);
      for (let i = 0; i < h.v.length; i++) next.v[i] = h.v[i] * Math.pow(num.v[i] / (den.v[i] + eps), damping);
    } else {
      const WH = mul(W, h);
      const ratio: Mat = { rows: X.rows, cols: X.cols, v: X.v.map((x, i) => x / (WH.v[i] + eps)) };
      const num = mul(Wt, ratio);
      for (let kk = 0; kk < h.rows; kk++) {
        let total = 0;
        for (let f = 0; f < W.rows; f++) total += W.v[f * W.cols + kk];
        for (let n = 0; n < h.cols; n++) {
          const i = kk * h.cols + n;
          next.v[i] = h.v[i] * Math.pow(num.v[i] / (total + eps), damping);
        }
      }
    }
    h = next;
  }
  return h;
}

/** The model tests of the shared backend suite, on backend `backend`. */
export function modelSuite(backend: string): void {
  describe(`BcnmfModel (${backend})`, () => {
    it('transform runs the coefficient update with W fixed, as a plain implementation does', async () => {
      for (const loss of ['frobenius', 'poisson'] as const) {
        const model = await fitBcnmf(planted.target, planted.background, { k: 3, loss, maxIter: 30, backend });
        const samples = toRows(uniformMat(8, planted.features, rng(`new-${loss}`), 0, 4));
        const init = toRows(uniformMat(8, 3, rng(`init-${loss}`), 0.2, 1)).map((r) => Array.from(Float32Array.from(r)));
        const H = await model.transform(samples, { init, maxIter: 25, tol: 0 });
        const expected = referenceTransform(
          transpose(fromRows(samples)),
          transpose(fromRows(model.W.toArray())),
          transpose(fromRows(init)),
          loss, 25, model.settings.eps, model.settings.damping,
        );
        assert.deepEqual(H.shape, [8, 3]);
        assert.ok(maxRelativeDifference(H.data, transpose(expected).v, 1e-3) < 1e-3);
        assert.deepEqual(H.columnNames, ['topic_1', 'topic_2', 'topic_3']);
      }
    });

    it('transform of the training target comes close to its fitted coefficients', async () => {
      const model = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 400, tol: 0, backend });
      const H = await model.transform(planted.target, { maxIter: 2000, tol: 0 });
      const a = H.data;
      const b = model.Htarget.data;
      let diff = 0;
      let norm = 0;
      for (let i = 0; i < a.length; i++) {
        diff += (a[i] - b[i]) ** 2;
        norm += b[i] ** 2;
      }
      assert.ok(Math.sqrt(diff / norm) < 0.05, `relative difference ${Math.sqrt(diff / norm)}`);
    });

    it('transform refuses samples with other features and leaks no tensors', async () => {
      const model = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 10, backend });
      const before = tf.memory().numTensors;
      await model.transform(planted.target.slice(0, 3));
      assert.equal(tf.memory().numTensors, before);
      await assert.rejects(model.transform([[1, 2]]), (e: unknown) => e instanceof BcnmfError && /2 features but the model has 50/.test(e.message));
      await assert.rejects(model.transform([[-1, ...new Array(49).fill(0)]]), /negative value/);
      await assert.rejects(model.transform(planted.target, { maxIter: 0 }), /maxIter must be an integer >= 1/);
      assert.equal(tf.memory().numTensors, before);
    });
  });
}
