import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { BcnmfError, BcnmfModel, fitBcnmf } from '../../index.js';
import { bestTopicShare } from '../planted.js';
import {
  frobeniusIterationMulti, fromRows, maxRelativeDifference, poissonIterationMulti, rng, toRows, transpose, uniformMat,
} from '../reference.js';

export const random = rng('multi');
export const features = 10;
export const k = 2;
export const target = uniformMat(8, features, random, 0, 3);
export const backgrounds = [uniformMat(6, features, random, 0, 3), uniformMat(5, features, random, 0, 3)];
export const f32 = (rows: number[][]): number[][] => rows.map((r) => Array.from(Float32Array.from(r)));
export const W0 = f32(toRows(uniformMat(k, features, random, 0.1, 1)));
export const Ht0 = f32(toRows(uniformMat(8, k, random, 0.1, 1)));
export const Hb0 = [f32(toRows(uniformMat(6, k, random, 0.1, 1))), f32(toRows(uniformMat(5, k, random, 0.1, 1)))];

// Target: two strong nuisance programs A and B plus a weak target-only program in half
// of the samples. Background 1 carries A only, background 2 carries B only.
export function nuisancePair(seed: string) {
  const r = seedrandom(seed);
  const m = 36;
  const block = (from: number, to: number) => Array.from({ length: m }, (_, f) => (f >= from && f < to ? 1 + r() : 0));
  const programA = block(0, 12);
  const programB = block(12, 24);
  const planted = block(26, 34);
  const sample = (a: boolean, b: boolean, p: boolean) => {
    const [sa, sb] = [6 * r() ** 2, 6 * r() ** 2];
    return Array.from({ length: m }, (_, f) => 0.05 * r() + (a ? sa * programA[f] : 0) + (b ? sb * programB[f] : 0) + (p ? 1.2 * planted[f] : 0));
  };
  return {
    target: Array.from({ length: 120 }, (_, i) => sample(true, true, i % 2 === 1)),
    onlyA: Array.from({ length: 100 }, () => sample(true, false, false)),
    onlyB: Array.from({ length: 100 }, () => sample(false, true, false)),
    plantedFeatures: Array.from({ length: 8 }, (_, i) => 26 + i),
    featuresB: Array.from({ length: 12 }, (_, i) => 12 + i),
    featuresA: Array.from({ length: 12 }, (_, i) => i),
  };
}

/** The multi-background tests of the shared backend suite, on backend `backend`. */
export function multiBackgroundSuite(backend: string): void {
  describe(`several backgrounds (${backend})`, () => {
    for (const loss of ['frobenius', 'poisson'] as const) {
      for (const iterations of [1, 30]) {
        it(`${loss}: ${iterations} iteration(s) match a float64 reference with two backgrounds`, async () => {
          const alphas = [0.6, 0.3];
          const damping = loss === 'frobenius' ? 1 : 0.5;
          const eps = loss === 'frobenius' ? 1e-10 : 1e-16;
          const model = await fitBcnmf(toRows(target), backgrounds.map(toRows), {
            k, alpha: alphas, loss, backend, maxIter: iterations, tol: 0,
            init: { W: W0, Htarget: Ht0, Hbackground: Hb0 },
          });
          const X = transpose(target);
          const Ys = backgrounds.map(transpose);
          let state = { W: transpose(fromRows(W0)), Hx: transpose(fromRows(Ht0)), Hys: Hb0.map((h) => transpose(fromRows(h))) };
          const iterate = loss === 'frobenius' ? frobeniusIterationMulti : poissonIterationMulti;
          for (let i = 0; i < iterations; i++) state = iterate(X, Ys, state, alphas, eps, damping);
          const tolerance = iterations === 1 ? 2e-5 : 2e-3;
          assert.ok(maxRelativeDifference(model.W.data, transpose(state.W).v, 1e-3) < tolerance, 'W');
          assert.ok(maxRelativeDifference(model.Htarget.data, transpose(state.Hx).v, 1e-3) < tolerance, 'Htarget');
          model.Hbackgrounds.forEach((h, b) =>
            assert.ok(maxRelativeDifference(h.data, transpose(state.Hys[b]).v, 1e-3) < tolerance, `Hbackground ${b}`));
          assert.equal(model.history[0].backgroundErrors.length, 2);
        });
      }
    }

    it('one background in a list is exactly one background', async () => {
      const options = { k, maxIter: 15, tol: 0, backend, seed: 3 };
      const single = await fitBcnmf(toRows(target), toRows(backgrounds[0]), options);
      const listed = await fitBcnmf(toRows(target), [toRows(backgrounds[0])], options);
      assert.deepEqual(Array.from(listed.W.data), Array.from(single.W.data));
      assert.deepEqual(listed.history, single.history);
    });

    it('with both backgrounds bcNMF suppresses both nuisance programs; with either alone it does not', async () => {
      const data = nuisancePair('nuisance');
      // one topic: it can hold the planted program only if both nuisances are pushed away
      const options = { k: 1, maxIter: 300, tol: 0, seed: 1, backend };
      const both = await fitBcnmf(data.target, [data.onlyA, data.onlyB], { ...options, alpha: [4, 4] });
      const withA = await fitBcnmf(data.target, data.onlyA, { ...options, alpha: 4 });
      const withB = await fitBcnmf(data.target, data.onlyB, { ...options, alpha: 4 });
      const share = (m: BcnmfModel, f: number[]) => bestTopicShare(m.W, f);
      assert.ok(share(both, data.plantedFeatures) > 0.75, `both: planted share ${share(both, data.plantedFeatures)}`);
      assert.ok(share(withA, data.plantedFeatures) < 0.25, `A only: planted share ${share(withA, data.plantedFeatures)}`);
      assert.ok(share(withB, data.plantedFeatures) < 0.25, `B only: planted share ${share(withB, data.plantedFeatures)}`);
      assert.ok(share(withA, data.featuresB) > 0.6, 'with background A alone, nuisance B keeps the topic');
      assert.ok(share(withB, data.featuresA) > 0.6, 'with background B alone, nuisance A keeps the topic');
      const topics = both.topics();
      assert.equal(topics[0].backgroundMeans.length, 2);
    });

    it('refuses a wrong number of alphas or initial coefficients, and leaks nothing', async () => {
      const before = tf.memory().numTensors;
      await assert.rejects(fitBcnmf(toRows(target), backgrounds.map(toRows), { k, alpha: [1], backend }),
        (e: unknown) => e instanceof BcnmfError && /alpha has 1 weights but there are 2 backgrounds/.test(e.message));
      await assert.rejects(fitBcnmf(toRows(target), backgrounds.map(toRows), { k, backend, init: { W: W0, Htarget: Ht0, Hbackground: Hb0[0] } }),
        /init.Hbackground must be an array of 2 matrices/);
      await assert.rejects(fitBcnmf(toRows(target), [toRows(backgrounds[0]), [[1, 2]]], { k, backend }),
        /target has 10 features but background 2 has 2/);
      const model = await fitBcnmf(toRows(target), backgrounds.map(toRows), { k, alpha: 0.5, maxIter: 5, backend });
      assert.deepEqual(model.settings.alphas, [0.5, 0.5], 'one number applies to every background');
      assert.equal(tf.memory().numTensors, before);
    });
  });
}
