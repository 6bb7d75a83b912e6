import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BcnmfError, BcnmfModel, DenseMatrix, fitBcnmf } from '../src/index.js';
import { TEST_BACKENDS } from './helpers/backends.js';
import { plantedPair } from './helpers/planted.js';
import { fromRows, maxRelativeDifference, mul, rng, toRows, transpose, uniformMat, type Mat } from './helpers/reference.js';

const planted = plantedPair('model', 60, 50);

// Coefficient updates with W fixed, plainly in float64 (reference layout).
function referenceTransform(X: Mat, W: Mat, H: Mat, loss: 'frobenius' | 'poisson', iterations: number, eps: number, damping: number): Mat {
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

for (const backend of TEST_BACKENDS) {
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

describe('BcnmfModel serialization', () => {
  it('toJSON and load round-trip exactly, through JSON text', async () => {
    const names = Array.from({ length: planted.features }, (_, f) => `gene${f}`);
    const target = DenseMatrix.fromRows(planted.target, { columnNames: names, rowNames: planted.target.map((_, i) => `t${i}`) });
    const model = await fitBcnmf(target, planted.background, { k: 3, maxIter: 20, nStarts: 2 });
    const restored = BcnmfModel.load(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(restored.toJSON(), model.toJSON());
    assert.deepEqual(Array.from(restored.W.data), Array.from(model.W.data));
    assert.ok(restored.W.data instanceof Float32Array);
    assert.deepEqual(restored.featureNames, names);
    assert.deepEqual(restored.Htarget.rowNames, target.rowNames);
    assert.equal(restored.Hbackground!.rowNames, undefined);
    assert.deepEqual(restored.settings, model.settings);
    // the restored model transforms exactly as the original
    const a = await model.transform(planted.target.slice(0, 4), { maxIter: 20 });
    const b = await restored.transform(planted.target.slice(0, 4), { maxIter: 20 });
    assert.deepEqual(Array.from(a.data), Array.from(b.data));
  });

  it('load refuses what is not a bcNMF model, naming the problem', async () => {
    const model = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 5 });
    const json = model.toJSON();
    const invalid = (value: unknown, pattern: RegExp) =>
      assert.throws(() => BcnmfModel.load(value), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_MODEL' && pattern.test(e.message));
    invalid(null, /must be an object/);
    invalid({ ...json, name: 'PCA' }, /not a bcNMF model \(name "PCA"\)/);
    invalid({ ...json, version: 9 }, /unsupported bcNMF model version 9/);
    invalid({ ...json, W: json.W.slice(1) }, /W has 1 rows but k is 2/);
    invalid({ ...json, W: [json.W[0], json.W[1].slice(1)] }, /W row 1 must have 50 numbers/);
    invalid({ ...json, Htarget: json.Htarget.map((r) => [...r, 1]) }, /Htarget has 3 columns but k is 2/);
    invalid({ ...json, Hbackgrounds: [json.Hbackgrounds[0].map((r) => r.slice(1))] }, /Hbackgrounds\[0\] has 1 columns but k is 2/);
    invalid({ ...json, Hbackgrounds: null }, /Hbackgrounds must be an array/);
    invalid({ ...json, W: [json.W[0].map(() => -1), json.W[1]] }, /W\[0\]\[0\] is not a non-negative number/);
    invalid({ ...json, featureNames: ['a'] }, /featureNames must be 50 strings or null/);
  });
});

describe('topic summary', () => {
  it('reports mean loadings, their log2 ratio and the top features, as computed by hand', () => {
    const W = DenseMatrix.fromRows([[0, 3, 1], [2, 0, 2]], { rowNames: ['topic_1', 'topic_2'], columnNames: ['a', 'b', 'c'] });
    const Ht = DenseMatrix.fromRows([[4, 1], [2, 1]]);
    const Hb = DenseMatrix.fromRows([[1, 2], [0, 4], [2, 0]]);
    const model = new BcnmfModel({
      W, Htarget: Ht, Hbackgrounds: [Hb], history: [{ iteration: 0, targetError: 1, backgroundError: 1, backgroundErrors: [1], score: 0 }],
      iterations: 0, converged: false, wallTimeMs: 0, starts: [], bestStart: 0, warnings: [],
      settings: { k: 2, alpha: 1, alphas: [1], loss: 'frobenius', maxIter: 1, tol: 0, scoreEvery: 1, seed: 0, nStarts: 1, damping: 1, eps: 1e-10, init: 'random', backend: 'wasm' },
    });
    const [t1, t2] = model.topics({ top: 2 });
    assert.equal(t1.targetMean, 3);
    assert.equal(t1.backgroundMean, 1);
    assert.deepEqual(t1.backgroundMeans, [1]);
    assert.ok(Math.abs(t1.enrichment! - Math.log2(3)) < 1e-6);
    assert.deepEqual(t1.topFeatures.map((f) => [f.name, f.weight, f.share]), [['b', 3, 0.75], ['c', 1, 0.25]]);
    assert.equal(t2.targetMean, 1);
    assert.equal(t2.backgroundMean, 2);
    assert.ok(Math.abs(t2.enrichment! + 1) < 1e-6);
    assert.deepEqual(t2.topFeatures.map((f) => f.name), ['a', 'c'], 'ties keep feature order');
  });
});
