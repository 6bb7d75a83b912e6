import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { DenseMatrix, fitBcnmf, plainOps, registerBackend, type BcnmfModel, type Loss } from '@bcnmf/core';
import type { FactorState } from '@bcnmf/core';
import { composedStep } from '@bcnmf/core/testing';
import { createWebGPUAdapter, webgpuAdapter, webgpuOps } from '../src/index.js';
import { fusedStepDispatches } from '../src/kernels/fused-step.js';
import { countDispatches, gpuMemory, maxRelativeDifference, rng, uniform, webgpuOrReason } from './helpers/webgpu.js';

// The fused step (BcnmfFusedStep) against core's generic composition of plainOps on the
// same backend (one step, and the dispatch count), and whole fits against core's 'cpu'
// backend and the unfused kernels, from the same explicit init: shapes that are not
// multiples of the tiles (32 rows, 64 features, 128 columns, 64-row slices), m both a
// multiple of 4 (vec4 loads) and not, several backgrounds (one with α = 0).
let skip: string | null = null;
before(async () => {
  skip = await webgpuOrReason();
});

const random = rng(23);
const matrix = (rows: number, columns: number, low = 0, high = 1) => tf.tensor2d(uniform(rows, columns, random, low, high), [rows, columns]);

async function expectClose(actual: tf.Tensor, expected: tf.Tensor, tolerance: number, what: string): Promise<void> {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const difference = maxRelativeDifference(await actual.data(), await expected.data(), 1e-4);
  assert.ok(difference <= tolerance, `${what}: relative difference ${difference} > ${tolerance}`);
}

// rows: the target's, then each background's; damping 0.5 (sqrt) on the first case only (llvmpipe compiles slowly)
const CASES: Array<{ rows: number[]; m: number; k: number; alphas: number[] }> = [
  { rows: [37, 29], m: 130, k: 5, alphas: [0.5] }, // m % 4 = 2: scalar loads
  { rows: [70, 33], m: 132, k: 24, alphas: [0.8] }, // vec4 loads, k at the limit (two column passes)
  { rows: [150, 40, 65], m: 67, k: 17, alphas: [0.4, 0] }, // two backgrounds, one with α = 0; several slices
  { rows: [3], m: 5, k: 2, alphas: [] }, // plain NMF
];

describe('fused step matches core composing plainOps on webgpu', () => {
  for (const loss of ['frobenius', 'poisson'] as const) {
    for (const [index, { rows, m, k, alphas }] of CASES.entries()) {
      it(`${loss}: rows [${rows}], m = ${m}, k = ${k}, alphas [${alphas}]`, async (t) => {
        if (skip) return t.skip(skip);
        const [target, ...backgrounds] = rows.map((n) => matrix(n, m, 0, 4));
        const state: FactorState = {
          basis: matrix(k, m, 0.1, 1),
          targetCoefficients: matrix(rows[0], k, 0.1, 1),
          backgroundCoefficients: rows.slice(1).map((n) => matrix(n, k, 0.1, 1)),
        };
        const data = { target, backgrounds };
        for (const damping of index === 0 ? [1, 0.5] : [1]) {
          const params = { loss, alphas, eps: 1e-10, damping };
          const expected = composedStep({ state, data, params }, plainOps);
          const { result: fused, dispatches } = countDispatches(() => webgpuOps.step!({ state, data, params }));
          assert.ok(fused, 'the fused step applies');
          assert.equal(dispatches, fusedStepDispatches(loss, rows, m, k, alphas), 'dispatches');
          assert.ok(dispatches <= 2 + 2 * rows.length + rows.length + 1);
          const what = `damping ${damping}`;
          await expectClose(fused.targetCoefficients, expected.targetCoefficients, 2e-4, `${what}: target coefficients`);
          for (let b = 0; b < backgrounds.length; b++) {
            await expectClose(fused.backgroundCoefficients[b], expected.backgroundCoefficients[b], 2e-4, `${what}: background ${b}`);
          }
          await expectClose(fused.basis, expected.basis, 2e-4, `${what}: basis`);
          tf.dispose([expected.basis, expected.targetCoefficients, ...expected.backgroundCoefficients]);
          tf.dispose([fused.basis, fused.targetCoefficients, ...fused.backgroundCoefficients]);
        }
        tf.dispose([target, ...backgrounds, state.basis, state.targetCoefficients, ...state.backgroundCoefficients]);
      });
    }
  }

  it('dispatches 8 programs per Frobenius or Poisson iteration with one background (split rows)', (t) => {
    if (skip) return t.skip(skip);
    for (const loss of ['frobenius', 'poisson'] as const) assert.equal(fusedStepDispatches(loss, [15000, 15000], 2000, 20, [1]), 8);
  });

  it('declines (null) what it does not cover: sparse data, k > 24, more than 5 backgrounds with α > 0', async (t) => {
    if (skip) return t.skip(skip);
    const params = { loss: 'frobenius' as const, alphas: [1], eps: 1e-10, damping: 1 };
    const x = matrix(6, 4);
    const wide = { basis: matrix(25, 4), targetCoefficients: matrix(6, 25), backgroundCoefficients: [matrix(6, 25)] };
    assert.equal(webgpuOps.step!({ state: wide, data: { target: x, backgrounds: [x] }, params }), null);
    const sparse = { kind: 'csr' as const, values: tf.ones([3]) as tf.Tensor1D, rowIds: tf.tensor1d([0, 1, 2], 'int32'), colIds: tf.tensor1d([0, 1, 2], 'int32'), shape: [6, 4] as [number, number] };
    const narrow = { basis: matrix(2, 4), targetCoefficients: matrix(6, 2), backgroundCoefficients: [matrix(6, 2)] };
    assert.equal(webgpuOps.step!({ state: narrow, data: { target: sparse, backgrounds: [x] }, params }), null);
    const six = Array.from({ length: 6 }, () => x);
    const many = { ...narrow, backgroundCoefficients: six.map(() => narrow.targetCoefficients) };
    assert.equal(webgpuOps.step!({ state: many, data: { target: x, backgrounds: six }, params: { ...params, alphas: six.map(() => 1) } }), null);
    tf.dispose([x, wide.basis, wide.targetCoefficients, ...wide.backgroundCoefficients, sparse.values, sparse.rowIds, sparse.colIds]);
    tf.dispose([narrow.basis, narrow.targetCoefficients, ...narrow.backgroundCoefficients]);
  });
});

// Whole fits: fused (webgpuAdapter) against the cpu backend and against the unfused kernels.
const fk = 4;
const features = 70;
const sizes = [45, 38, 21];
function counts(rows: number): DenseMatrix {
  const data = uniform(rows, features, random, -2, 6).map((v) => Math.max(0, Math.round(v)));
  return new DenseMatrix({ data, shape: [rows, features] });
}
const [fitTarget, ...fitBackgrounds] = sizes.map(counts);
const init = {
  W: new DenseMatrix({ data: uniform(fk, features, random, 0.2, 1), shape: [fk, features] }),
  Htarget: new DenseMatrix({ data: uniform(sizes[0], fk, random, 0.2, 1), shape: [sizes[0], fk] }),
  Hbackground: sizes.slice(1).map((n) => new DenseMatrix({ data: uniform(n, fk, random, 0.2, 1), shape: [n, fk] })),
};
const unfused = createWebGPUAdapter({ fusedStep: false });

async function fit(backend: string, loss: Loss, maxIter: number): Promise<BcnmfModel> {
  return fitBcnmf(fitTarget, fitBackgrounds, { k: fk, alpha: [0.5, 0.25], loss, maxIter, tol: 0, scoreEvery: 1, init, backend });
}
const errors = (model: BcnmfModel) => model.history.flatMap((r) => [r.targetError, ...(r.backgroundErrors ?? [r.backgroundError ?? 0])]);

describe('fused fits on webgpu match the cpu backend and the unfused kernels (two backgrounds)', () => {
  for (const loss of ['frobenius', 'poisson'] as const) {
    for (const maxIter of [1, 50]) {
      it(`${loss}, ${maxIter} iteration${maxIter > 1 ? 's' : ''}`, async (t) => {
        if (skip) return t.skip(skip);
        const tolerance = maxIter === 1 ? 1e-5 : 1e-3;
        registerBackend(webgpuAdapter);
        const ours = await fit('webgpu', loss, maxIter);
        const reference = await fit('cpu', loss, maxIter);
        registerBackend(unfused);
        const composed = await fit('webgpu', loss, maxIter);
        registerBackend(webgpuAdapter);
        assert.equal(ours.history.length, maxIter + 1);
        for (const [name, other] of [['cpu', reference], ['unfused', composed]] as const) {
          const errorDifference = maxRelativeDifference(errors(ours), errors(other), 1e-6);
          assert.ok(errorDifference <= tolerance, `${name}: errors differ by ${errorDifference} (relative) > ${tolerance}`);
          const basisDifference = maxRelativeDifference(ours.W.data, other.W.data, 1e-3);
          assert.ok(basisDifference <= tolerance * 10, `${name}: W differs by ${basisDifference} (relative)`);
        }
      });
    }
  }

  it('leaves no tensors or GPU buffers behind', async (t) => {
    if (skip) return t.skip(skip);
    registerBackend(webgpuAdapter);
    await fit('webgpu', 'frobenius', 2);
    await fit('webgpu', 'poisson', 2);
    const tensors = tf.memory().numTensors;
    const { numBytesInGPU } = gpuMemory();
    await fit('webgpu', 'frobenius', 5);
    await fit('webgpu', 'poisson', 5);
    assert.equal(tf.memory().numTensors, tensors, 'tensors left after the fits');
    assert.equal(gpuMemory().numBytesInGPU, numBytesInGPU, 'GPU buffer bytes in use after the fits');
  });
});
