import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { BcnmfError, BcnmfModel, fitBcnmf } from '../src/index.js';
import { bestTopicShare } from '../src/testing/planted.js';
import {
  frobeniusIterationMulti, fromRows, maxRelativeDifference, poissonIterationMulti, rng, toRows, transpose, uniformMat,
} from '../src/testing/reference.js';

const random = rng('multi');
const features = 10;
const k = 2;
const target = uniformMat(8, features, random, 0, 3);
const backgrounds = [uniformMat(6, features, random, 0, 3), uniformMat(5, features, random, 0, 3)];
const f32 = (rows: number[][]): number[][] => rows.map((r) => Array.from(Float32Array.from(r)));
const W0 = f32(toRows(uniformMat(k, features, random, 0.1, 1)));
const Ht0 = f32(toRows(uniformMat(8, k, random, 0.1, 1)));
const Hb0 = [f32(toRows(uniformMat(6, k, random, 0.1, 1))), f32(toRows(uniformMat(5, k, random, 0.1, 1)))];

// Target: two strong nuisance programs A and B plus a weak target-only program in half
// of the samples. Background 1 carries A only, background 2 carries B only.
function nuisancePair(seed: string) {
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

describe('several backgrounds: serialization', () => {
  it('round-trips every background through JSON', async () => {
    const model = await fitBcnmf(toRows(target), backgrounds.map(toRows), { k, alpha: [1, 0.5], maxIter: 5 });
    const restored = BcnmfModel.load(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(restored.toJSON(), model.toJSON());
    assert.equal(restored.Hbackgrounds.length, 2);
    assert.deepEqual(restored.settings.alphas, [1, 0.5]);
  });
});
