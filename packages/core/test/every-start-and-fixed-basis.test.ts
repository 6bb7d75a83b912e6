import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BcnmfError, BcnmfModel, DenseMatrix, fitBcnmf, fitEveryStart, fitWithBasis } from '../src/index.js';
import { startGenerator, uniformArray } from '../src/random.js';
import { plantedPair } from '../src/testing/planted.js';

const planted = plantedPair();
const quiet = { onWarning: () => {} };

describe('fitEveryStart', () => {
  it('returns one model per start; start s is the start fitBcnmf keeps when it is the best', async () => {
    const options = { k: 3, alpha: 0.5, maxIter: 30, tol: 0, seed: 7, ...quiet };
    const every = await fitEveryStart(planted.target, planted.background, { ...options, nStarts: 4 });
    assert.equal(every.length, 4);
    every.forEach((model, s) => {
      assert.equal(model.bestStart, s);
      assert.equal(model.starts.length, 4);
      assert.equal(model.starts[s].score, model.finalScore);
      assert.equal(model.settings.nStarts, 4);
    });
    // model 0 is exactly the one-start fit with the same seed
    const single = await fitBcnmf(planted.target, planted.background, { ...options, nStarts: 1 });
    assert.deepEqual(every[0].W.data, single.W.data);
    assert.deepEqual(every[0].Htarget.data, single.Htarget.data);
    assert.deepEqual(every[0].history, single.history);
    // the best of four is the start fitBcnmf keeps, bit for bit
    const best = await fitBcnmf(planted.target, planted.background, { ...options, nStarts: 4 });
    assert.deepEqual(every[best.bestStart].W.data, best.W.data);
    assert.deepEqual(every.map((m) => m.finalScore), best.starts.map((s) => s.score));
    // different starts give different factors
    assert.notDeepEqual(every[1].W.data, every[2].W.data);
  });

  it('checks options before any work, as fitBcnmf', async () => {
    await assert.rejects(fitEveryStart(planted.target, planted.background, { k: 0 }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION');
    await assert.rejects(
      fitEveryStart(planted.target, planted.background, { k: 2, nStarts: 3, init: 'nndsvd' }),
      /nStarts > 1 needs init 'random'/,
    );
  });

  it('leaks no tensors', async () => {
    await fitEveryStart(planted.target, planted.background, { k: 2, maxIter: 5, nStarts: 2, ...quiet });
    const before = tf.memory().numTensors;
    await fitEveryStart(planted.target, planted.background, { k: 2, maxIter: 5, nStarts: 3, ...quiet });
    assert.equal(tf.memory().numTensors, before);
  });
});

/** Float64 multiplicative updates of H (samples x k) with W (k x features) fixed, Frobenius, undamped. */
function referenceCoefficients(X: number[][], W: number[][], H0: Float32Array, iterations: number, eps: number): number[][] {
  const n = X.length;
  const k = W.length;
  const m = W[0].length;
  let H = Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, t) => H0[i * k + t]));
  const WWt = W.map((a) => W.map((b) => a.reduce((s, v, j) => s + v * b[j], 0)));
  const XWt = X.map((row) => W.map((w) => row.reduce((s, v, j) => s + v * w[j], 0)));
  for (let it = 0; it < iterations; it++) {
    H = H.map((h, i) => h.map((v, t) => {
      let den = 0;
      for (let u = 0; u < k; u++) den += h[u] * WWt[u][t];
      return (v * XWt[i][t]) / (den + eps);
    }));
  }
  void m;
  return H;
}

function mseOf(X: number[][], W: number[][], H: number[][]): number {
  let sum = 0;
  X.forEach((row, i) => row.forEach((x, j) => {
    let r = 0;
    for (let t = 0; t < W.length; t++) r += H[i][t] * W[t][j];
    sum += (x - r) ** 2;
  }));
  return sum / (X.length * X[0].length);
}

describe('fitWithBasis', () => {
  it('keeps W and fits H of target and background as float64 multiplicative updates do', async () => {
    const fitted = await fitBcnmf(planted.target, planted.background, { k: 3, alpha: 0.5, maxIter: 40, seed: 1, ...quiet });
    const W = fitted.W.toArray();
    const model = await fitWithBasis(planted.target, planted.background, { basis: W, alpha: 0.5, maxIter: 60, tol: 0, seed: 3, ...quiet });
    assert.ok(model instanceof BcnmfModel);
    assert.deepEqual(model.W.data, Float32Array.from(W.flat()));
    assert.equal(model.iterations, 60);
    assert.equal(model.settings.init, 'custom');
    // the same random starts as the function draws (target first, then the background)
    const random = startGenerator(3, 0, 'fixed-basis');
    const startX = uniformArray(random, planted.target.length * 3);
    const startY = uniformArray(random, planted.background.length * 3);
    const eps = model.settings.eps;
    const refX = referenceCoefficients(planted.target, W, startX, 60, eps);
    const refY = referenceCoefficients(planted.background, W, startY, 60, eps);
    const close = (got: DenseMatrix, want: number[][]) => {
      let worst = 0;
      want.forEach((row, i) => row.forEach((v, t) => { worst = Math.max(worst, Math.abs(got.get(i, t) - v) / (Math.abs(v) + 1e-3)); }));
      return worst;
    };
    assert.ok(close(model.Htarget, refX) < 2e-3, `target ${close(model.Htarget, refX)}`);
    assert.ok(close(model.Hbackground!, refY) < 2e-3, `background ${close(model.Hbackground!, refY)}`);
    // the history carries the errors and bcNMF's tracked score, MSE_X − α MSE_Y
    const last = model.history[model.history.length - 1];
    assert.equal(last.iteration, 60);
    assert.ok(Math.abs(last.targetError - mseOf(planted.target, W, refX)) / last.targetError < 1e-3);
    assert.ok(Math.abs(last.backgroundError! - mseOf(planted.background, W, refY)) / last.backgroundError! < 1e-3);
    for (const r of model.history) assert.ok(Math.abs(r.score - (r.targetError - 0.5 * r.backgroundError!)) < 1e-6 * Math.abs(r.targetError));
    // its coefficients fit about as well as the fit's own (same W)
    assert.ok(last.targetError < fitted.history[fitted.history.length - 1].targetError * 1.05);
    // it round-trips as a model
    const restored = BcnmfModel.load(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(restored.Htarget.data, model.Htarget.data);
  });

  it('refuses a basis that does not fit the data, and options that do not apply, before any work', async () => {
    const W = [[1, 2, 3]];
    await assert.rejects(fitWithBasis(planted.target, planted.background, { basis: W }), /basis has 3 features \(columns\) but the data have 50/);
    const negative = Array.from({ length: 2 }, () => Array.from({ length: 50 }, () => -1));
    await assert.rejects(fitWithBasis(planted.target, planted.background, { basis: negative }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA');
    const ok = Array.from({ length: 2 }, () => Array.from({ length: 50 }, () => 1));
    await assert.rejects(fitWithBasis(planted.target, planted.background, { basis: ok, k: 2 } as never), /k does not apply/);
    await assert.rejects(fitWithBasis(planted.target, planted.background, { basis: ok, alpha: -1 }), /alpha must be a finite number >= 0/);
    const named = new DenseMatrix({ data: new Float32Array(100).fill(1), shape: [2, 50], columnNames: Array.from({ length: 50 }, (_, j) => `g${j}`) });
    const data = new DenseMatrix({ data: Float32Array.from(planted.target.flat()), shape: [120, 50], columnNames: Array.from({ length: 50 }, (_, j) => `f${j}`) });
    await assert.rejects(fitWithBasis(data, null, { basis: named, alpha: 0 }), /basis features differ from the data's at column 0 \('g0' vs 'f0'\)/);
  });

  it('stops on an aborted signal and leaks no tensors', async () => {
    const W = Array.from({ length: 2 }, () => Array.from({ length: 50 }, () => 1));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(fitWithBasis(planted.target, planted.background, { basis: W, signal: controller.signal }), { name: 'AbortError' });
    await fitWithBasis(planted.target, planted.background, { basis: W, maxIter: 5, ...quiet });
    const before = tf.memory().numTensors;
    await fitWithBasis(planted.target, planted.background, { basis: W, maxIter: 5, ...quiet });
    assert.equal(tf.memory().numTensors, before);
  });
});
