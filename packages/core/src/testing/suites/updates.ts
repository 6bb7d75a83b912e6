import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitBcnmf, type Loss } from '../../index.js';
import {
  frobeniusIteration, fromRows, maxRelativeDifference, poissonIteration, rng, toRows, transpose, uniformMat,
  type RefState,
} from '../reference.js';

// Small random data and an explicit start, in the API layout (samples x features).
const random = rng('updates');
const features = 12;
const nTarget = 9;
const nBackground = 7;
const k = 3;
const target = uniformMat(nTarget, features, random, 0, 3);
const background = uniformMat(nBackground, features, random, 0, 3);
const W0 = uniformMat(k, features, random, 0.1, 1); // k x features
const Ht0 = uniformMat(nTarget, k, random, 0.1, 1);
const Hb0 = uniformMat(nBackground, k, random, 0.1, 1);
// float32 copies of the start, so that both sides start from identical values
const f32 = (rows: number[][]): number[][] => rows.map((r) => Array.from(Float32Array.from(r)));

function reference(loss: Loss, iterations: number, alpha: number, damping: number, eps: number): RefState {
  // The reference layout: X is features x samples, W features x k, H k x samples.
  const X = transpose(target);
  const Y = transpose(background);
  let state: RefState = {
    W: transpose(fromRows(f32(toRows(W0)))),
    Hx: transpose(fromRows(f32(toRows(Ht0)))),
    Hy: transpose(fromRows(f32(toRows(Hb0)))),
  };
  const iterate = loss === 'frobenius' ? frobeniusIteration : poissonIteration;
  for (let i = 0; i < iterations; i++) state = iterate(X, Y, state, alpha, eps, damping);
  return state;
}

/** The updates tests of the shared backend suite, on backend `backend`. */
export function updatesSuite(backend: string): void {
  describe(`updates against a float64 reference (${backend})`, () => {
    for (const [loss, alpha, damping, eps] of [
      ['frobenius', 0.7, 1, 1e-10],
      ['frobenius', 0.7, 0.5, 1e-10],
      ['poisson', 0.7, 0.5, 1e-16],
      ['poisson', 0.3, 1, 1e-16],
    ] as const) {
      for (const iterations of [1, 50]) {
        it(`${loss}, alpha ${alpha}, damping ${damping}: ${iterations} iteration(s)`, async () => {
          const model = await fitBcnmf(toRows(target), toRows(background), {
            k, alpha, loss, damping, backend, maxIter: iterations, tol: 0,
            init: { W: f32(toRows(W0)), Htarget: f32(toRows(Ht0)), Hbackground: f32(toRows(Hb0)) },
          });
          const ref = reference(loss, iterations, alpha, damping, eps);
          assert.equal(model.iterations, iterations);
          // float32 against float64: relative error grows slowly with the iterations
          const tolerance = iterations === 1 ? 2e-5 : 2e-3;
          const floor = 1e-3;
          assert.ok(maxRelativeDifference(model.W.data, transpose(ref.W).v, floor) < tolerance, 'W');
          assert.ok(maxRelativeDifference(model.Htarget.data, transpose(ref.Hx).v, floor) < tolerance, 'Htarget');
          assert.ok(maxRelativeDifference(model.Hbackground!.data, transpose(ref.Hy).v, floor) < tolerance, 'Hbackground');
        });
      }
    }
  });
}
