import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BcnmfError, BcnmfModel, DenseMatrix, fitBcnmf } from '../src/index.js';
import { plantedPair } from '../src/testing/planted.js';
import { fromRows, maxRelativeDifference, mul, rng, toRows, transpose, uniformMat, type Mat } from '../src/testing/reference.js';

import { planted } from '../src/testing/suites/model.js';

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
    invalid({ ...json, W: json.W.slice(1) }, /W has 1 rows but settings.k is 2/);
    invalid({ ...json, W: [json.W[0], json.W[1].slice(1)] }, /W rows differ in length: row 0 has 50 numbers, row 1 has 49/);
    // the row that is short is named, not the next one
    invalid({ ...json, W: [json.W[0].slice(1), json.W[1]] }, /W rows differ in length: row 0 has 49 numbers, row 1 has 50/);
    invalid({ ...json, Htarget: json.Htarget.map((r) => [...r, 1]) }, /Htarget row 0 has 3 numbers, not 2 \(settings\.k\)/);
    invalid({ ...json, Htarget: [json.Htarget[0].slice(1), ...json.Htarget.slice(1)] }, /Htarget row 0 has 1 numbers, not 2 \(settings\.k\)/);
    invalid({ ...json, Htarget: [], targetSampleNames: json.Htarget.map((_, i) => `s${i}`) }, /targetSampleNames has \d+ names but Htarget has 0 rows/);
    invalid({ ...json, Hbackgrounds: [json.Hbackgrounds[0].map((r) => r.slice(1))] }, /Hbackgrounds\[0\] row 0 has 1 numbers, not 2 \(settings\.k\)/);
    invalid({ ...json, Hbackgrounds: null }, /Hbackgrounds must be an array/);
    invalid({ ...json, W: [json.W[0].map(() => -1), json.W[1]] }, /W\[0\]\[0\] must be a finite non-negative number that float32 holds, got -1/);
    invalid({ ...json, featureNames: ['a'] }, /featureNames has 1 names but W has 50 columns/);
  });

  it('load checks a hand-edited or tampered model by the same rules as fit options, naming the field', async () => {
    const model = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 5 });
    const json = JSON.parse(JSON.stringify(model)) as ReturnType<typeof model.toJSON>;
    const invalid = (edit: (m: Record<string, any>) => void, pattern: RegExp) => {
      const copy = JSON.parse(JSON.stringify(json));
      edit(copy);
      assert.throws(() => BcnmfModel.load(copy), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_MODEL' && pattern.test(e.message),
        `expected ${pattern}`);
    };
    invalid((m) => (m.settings.damping = 'abc'), /settings.damping must be in \(0, 1\], got "abc"/);
    invalid((m) => (m.settings.damping = 0), /settings.damping must be in \(0, 1\], got 0/);
    invalid((m) => (m.settings.loss = 'evil'), /settings.loss must be 'frobenius' or 'poisson', got "evil"/);
    invalid((m) => (m.settings.eps = -1), /settings.eps must be a number > 0/);
    invalid((m) => (m.settings.alphas = [-2]), /settings.alphas\[0\] must be a finite number >= 0/);
    invalid((m) => (m.settings.alpha = 3), /settings.alpha \(3\) must equal the first of settings.alphas/);
    invalid((m) => (m.settings.alphas = [1, 1]), /Hbackgrounds has 1 matrices but settings.alphas has 2 weights/);
    invalid((m) => (m.settings.k = 2.5), /settings.k must be an integer >= 1, got 2.5/);
    invalid((m) => (m.settings.maxIter = null), /settings.maxIter must be an integer >= 1, got null/);
    invalid((m) => (m.W[0][0] = 1e39), /W\[0\]\[0\] must be a finite non-negative number that float32 holds, got 1e\+39/);
    invalid((m) => (m.W[0][0] = null), /W\[0\]\[0\] must be a finite non-negative number/);
    invalid((m) => (m.featureNames = m.W[0].map((_: unknown, j: number) => (j === 3 ? 'f0' : `f${j}`))), /featureNames has 'f0' twice/);
    invalid((m) => (m.history[0].score = null), /history\[0\].score must be a finite number, got null/);
    invalid((m) => (m.converged = 'yes'), /converged must be true or false/);
    invalid((m) => (m.iterations = 1e9), /iterations \(1000000000\) exceeds settings.maxIter/);
    invalid((m) => (m.bestStart = 4), /bestStart 4 is not one of the 1 starts/);
    assert.ok(json.history.length > 1);
    invalid((m) => (m.history[1].iteration = m.history[0].iteration), /history\[1\]\.iteration \(\d+\) does not follow history\[0\]\.iteration \(\d+\); a history counts up/);
    invalid((m) => (m.history[m.history.length - 1].iteration = 99), /history\[\d+\]\.iteration \(99\) exceeds settings\.maxIter \(5\)/);
    invalid((m) => m.starts.push({ ...m.starts[0], start: 1 }), /starts has 2 entries but settings\.nStarts is 1/);
    // an untouched model still loads, and transforms to finite coefficients
    const restored = BcnmfModel.load(json);
    const H = await restored.transform(planted.target.slice(0, 5), { maxIter: 20 });
    assert.ok(H.data.every(Number.isFinite));
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
      settings: { k: 2, alpha: 1, alphas: [1], loss: 'frobenius', maxIter: 1, tol: 0, scoreEvery: 1, seed: 0, nStarts: 1, damping: 1, eps: 1e-10, init: 'random', backend: 'cpu' },
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

  it('lists only features of positive weight (an all-zero topic none), and bounds a one-sided enrichment', () => {
    const W = DenseMatrix.fromRows([[0, 3, 1], [0, 0, 0], [1, 1, 1]], { columnNames: ['a', 'b', 'c'] });
    const Ht = DenseMatrix.fromRows([[1, 0, 0], [1, 0, 0]]);
    const Hb = DenseMatrix.fromRows([[0, 0, 2], [0, 0, 2]]);
    const model = new BcnmfModel({
      W, Htarget: Ht, Hbackgrounds: [Hb], history: [{ iteration: 0, targetError: 1, backgroundError: 1, backgroundErrors: [1], score: 0 }],
      iterations: 0, converged: false, wallTimeMs: 0, starts: [], bestStart: 0, warnings: [],
      settings: { k: 3, alpha: 1, alphas: [1], loss: 'frobenius', maxIter: 1, tol: 0, scoreEvery: 1, seed: 0, nStarts: 1, damping: 1, eps: 1e-10, init: 'random', backend: 'cpu' },
    });
    const [onlyTarget, unused, onlyBackground] = model.topics({ top: 3 });
    assert.deepEqual(onlyTarget.topFeatures.map((f) => f.name), ['b', 'c']);
    assert.deepEqual(unused.topFeatures, []);
    assert.equal(onlyBackground.topFeatures.length, 3);
    // guard 1e-9 of the largest mean (2): log2(1 / 2e-9) and log2(2e-9 / 2e-9 + ...)
    assert.ok(Math.abs(onlyTarget.enrichment! - Math.log2((1 + 2e-9) / 2e-9)) < 1e-6);
    assert.ok(Math.abs(onlyBackground.enrichment! - Math.log2(2e-9 / (2 + 2e-9))) < 1e-6);
    assert.equal(unused.enrichment, 0);
  });
});
