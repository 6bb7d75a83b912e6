import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitBcnmf, type BcnmfModel } from '@bcnmf/core';
import { cudaAdapter } from '../src/index.js';
import { maxRelativeDifference, rng, uniform } from './helpers/data.js';

// TensorFlow runs float32 matMuls in TF32 on Ampere and later GPUs by default; NVIDIA's
// libraries read NVIDIA_TF32_OVERRIDE=0 to keep full float32 (set before tfjs-node-gpu loads).
process.env.NVIDIA_TF32_OVERRIDE ??= '0';

// Small data and an explicit start, samples x features, as core's updates test uses.
const random = rng(20260101);
const features = 12;
const k = 3;
const target = uniform(9, features, random, 0, 3);
const background = uniform(7, features, random, 0, 3);
const init = {
  W: uniform(k, features, random, 0.1, 1),
  Htarget: uniform(9, k, random, 0.1, 1),
  Hbackground: uniform(7, k, random, 0.1, 1),
};
const CASES = [
  ['frobenius', 0.7, 1],
  ['poisson', 0.7, 0.5],
] as const;

function fit(backend: 'wasm' | 'cpu' | 'cuda', loss: 'frobenius' | 'poisson', alpha: number, damping: number, maxIter: number) {
  return fitBcnmf(target, background, { k, alpha, loss, damping, backend, maxIter, tol: 0, init });
}

function assertClose(actual: BcnmfModel, expected: BcnmfModel, iterations: number): void {
  assert.equal(actual.iterations, iterations);
  // float32 against float32 with another summation order
  const tolerance = iterations === 1 ? 2e-5 : 2e-3;
  const floor = 1e-3;
  for (const key of ['W', 'Htarget', 'Hbackground'] as const) {
    const d = maxRelativeDifference(actual[key]!.data, expected[key]!.data, floor);
    assert.ok(d < tolerance, `${key}: max relative difference ${d} >= ${tolerance}`);
  }
}

function parity(backend: 'cpu' | 'cuda', skip: string | false): void {
  describe(`${backend} against wasm, same start`, () => {
    for (const [loss, alpha, damping] of CASES) {
      for (const iterations of [1, 50]) {
        it(`${loss}, alpha ${alpha}, damping ${damping}: ${iterations} iteration(s)`, { skip }, async () => {
          const reference = await fit('wasm', loss, alpha, damping, iterations);
          assertClose(await fit(backend, loss, alpha, damping, iterations), reference, iterations);
        });
      }
    }
  });
}

const probe = await cudaAdapter.probe();
const skip = probe.available ? false : `the cuda backend cannot run here: ${probe.reason}`;
if (skip) console.log(`backend-cuda parity suite skipped: ${skip}`);

// The harness itself, on a backend that runs everywhere: it must pass for the cuda run to mean anything.
parity('cpu', false);
parity('cuda', skip);
