import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { importTestedBlock } from '../../../scripts/lib/doc-blocks.js';
import { useBackend } from '../src/backend/registry.js';
import { plainOps } from '../src/compute/plain-ops.js';
import { step } from '../src/compute/updates.js';
import type { LossDefinition } from '../src/losses/loss.js';
import { maxRelativeDifference, rng } from '../src/testing/reference.js';

// docs/ARCHITECTURE.md's worked example of a third loss (Itakura-Saito), run as written:
// one module implementing LossDefinition is all the iteration needs.
const { itakuraSaitoLoss } = await importTestedBlock<{ itakuraSaitoLoss: LossDefinition }>(
  'docs/ARCHITECTURE.md',
  'packages/core/test/loss-example.test.ts',
  'packages/core/src/losses/itakura-saito.doc-example.ts',
);

type Rows = number[][];
const matmul = (a: Rows, b: Rows): Rows => a.map((row) => b[0].map((_, j) => row.reduce((s, v, p) => s + v * b[p][j], 0)));
const transpose = (a: Rows): Rows => a[0].map((_, j) => a.map((row) => row[j]));
const map2 = (a: Rows, b: Rows, f: (x: number, y: number) => number): Rows => a.map((row, i) => row.map((v, j) => f(v, b[i][j])));
const update = (current: Rows, num: Rows, den: Rows, eps: number, damping: number): Rows =>
  map2(current, map2(num, den, (n, d) => Math.pow(n / (d + eps), damping)), (c, r) => c * r);

/** One contrastive IS iteration in float64 (samples x features), written from the formulas. */
function referenceIteration(X: Rows, Y: Rows, W: Rows, Hx: Rows, Hy: Rows, alpha: number, eps: number, damping: number) {
  const coefficients = (D: Rows, H: Rows): Rows => {
    const R = matmul(H, W).map((row) => row.map((v) => v + eps));
    const Wt = transpose(W);
    return update(H, matmul(map2(D, R, (x, r) => x / (r * r)), Wt), matmul(R.map((row) => row.map((r) => 1 / r)), Wt), eps, damping);
  };
  const hx = coefficients(X, Hx);
  const hy = coefficients(Y, Hy);
  const stats = (D: Rows, H: Rows) => {
    const R = matmul(H, W).map((row) => row.map((v) => v + eps));
    return { cross: matmul(transpose(H), map2(D, R, (x, r) => x / (r * r))), mass: matmul(transpose(H), R.map((row) => row.map((r) => 1 / r))) };
  };
  const t = stats(X, hx);
  const b = stats(Y, hy);
  const numerator = map2(t.cross, b.mass, (c, m) => c + alpha * m);
  const denominator = map2(t.mass, b.cross, (m, c) => m + alpha * c);
  return { W: update(W, numerator, denominator, eps, damping), Hx: hx, Hy: hy };
}

it("the documented Itakura-Saito loss runs core's iteration, matching a float64 transcription", async () => {
  await useBackend('cpu');
  const random = rng('itakura-saito');
  const uniform = (rows: number, columns: number, low: number, high: number): Rows =>
    Array.from({ length: rows }, () => Array.from({ length: columns }, () => Math.fround(low + (high - low) * random())));
  const [X, Y] = [uniform(9, 7, 0.5, 3), uniform(8, 7, 0.5, 3)];
  let ref = { W: uniform(3, 7, 0.2, 1), Hx: uniform(9, 3, 0.2, 1), Hy: uniform(8, 3, 0.2, 1) };
  const rule = { loss: itakuraSaitoLoss, eps: 1e-10, damping: 0.5 };
  const data = { target: tf.tensor2d(X), backgrounds: [tf.tensor2d(Y)] };
  let state = { basis: tf.tensor2d(ref.W), targetCoefficients: tf.tensor2d(ref.Hx), backgroundCoefficients: [tf.tensor2d(ref.Hy)] };
  const before = tf.memory().numTensors;
  for (let iteration = 1; iteration <= 20; iteration++) {
    const next = step(plainOps, rule, [0.4], state, data);
    tf.dispose([state.basis, state.targetCoefficients, ...state.backgroundCoefficients]);
    state = next;
    ref = referenceIteration(X, Y, ref.W, ref.Hx, ref.Hy, 0.4, 1e-10, 0.5);
    const tolerance = iteration === 1 ? 1e-5 : 1e-3;
    assert.ok(maxRelativeDifference(state.basis.dataSync(), ref.W.flat(), 1e-3) < tolerance, `W at iteration ${iteration}`);
    assert.ok(maxRelativeDifference(state.targetCoefficients.dataSync(), ref.Hx.flat(), 1e-3) < tolerance, `Htarget at iteration ${iteration}`);
  }
  assert.equal(tf.memory().numTensors, before, 'the loss leaks no tensors');
  // its score: Σ X/R − log(X/R) − 1 over the target, in float64 from the same factors
  const R = matmul(ref.Hx, ref.W);
  const expected = X.flat().reduce((s, x, i) => s + x / R.flat()[i] - Math.log(x / R.flat()[i]) - 1, 0);
  const sum = tf.tidy(() => itakuraSaitoLoss.scoreSum(plainOps, { data: data.target, coefficients: state.targetCoefficients, basis: state.basis, eps: 1e-10 }));
  assert.ok(Math.abs(sum.dataSync()[0] - expected) < 1e-3 * Math.max(1, expected), `score ${sum.dataSync()[0]} vs ${expected}`);
  tf.dispose([sum, state.basis, state.targetCoefficients, ...state.backgroundCoefficients, data.target, ...data.backgrounds]);
});
