import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CsrMatrix, DenseMatrix, fitBcnmf, registerBackend, type BcnmfModel, type Loss } from '@bcnmf/core';
import { fromRows, frobeniusIteration, poissonIteration, toRows, transpose, type RefState } from '@bcnmf/core/testing';
import { cpuAdapter } from '@bcnmf/backend-cpu';
import {
  SPARSE_POISSON_RATIO, SPARSE_RECONSTRUCTION, SPARSE_TIMES_THIN, THIN_TRANSPOSED_TIMES_SPARSE, webgpuAdapter,
} from '../src/index.js';
import { derivedIndexCount } from '../src/kernels/sparse-index-cache.js';
import { gpuMemory, maxRelativeDifference, rng, uniform, webgpuOrReason } from './helpers/webgpu.js';

// Whole fits of CSR data on 'webgpu' (the sparse WGSL kernels) against @bcnmf/backend-cpu's
// 'cpu' backend on the same CSR data, against the webgpu fit of the same data dense, and
// against a float64 transcription of ALGORITHM.md (@bcnmf/core/testing), from one
// explicit init; counts at about 8% density with an empty row and an empty column.
let skip: string | null = null;
before(async () => {
  skip = await webgpuOrReason();
  registerBackend(webgpuAdapter);
  registerBackend(cpuAdapter);
});

const random = rng(23);
const features = 45;
const k = 5;
const alpha = 0.5;

function sparseCounts(rows: number, density: number): DenseMatrix {
  const data = new Float32Array(rows * features);
  for (let i = 1; i < rows; i++) { // row 0 stays empty
    for (let j = 0; j < features - 1; j++) { // and the last column
      if (random() < density) data[i * features + j] = 1 + Math.floor(random() * 9);
    }
  }
  return new DenseMatrix({ data, shape: [rows, features] });
}
const target = sparseCounts(60, 0.08);
const background = sparseCounts(50, 0.08);
const init = {
  W: new DenseMatrix({ data: uniform(k, features, random, 0.2, 1), shape: [k, features] }),
  Htarget: new DenseMatrix({ data: uniform(60, k, random, 0.2, 1), shape: [60, k] }),
  Hbackground: new DenseMatrix({ data: uniform(50, k, random, 0.2, 1), shape: [50, k] }),
};
const ITERATIONS = 30;

async function fit(backend: string, loss: Loss, sparse: boolean, maxIter = ITERATIONS): Promise<BcnmfModel> {
  const x = sparse ? CsrMatrix.fromDense(target) : target;
  const y = sparse ? CsrMatrix.fromDense(background) : background;
  return fitBcnmf(x, y, { k, alpha, loss, maxIter, tol: 0, scoreEvery: 1, init, backend });
}

/** W and the target's H in float64 after `maxIter` iterations, with core's defaults for the loss. */
function float64Fit(loss: Loss, maxIter: number): { W: number[]; H: number[] } {
  const X = transpose(fromRows(target.toArray()));
  const Y = transpose(fromRows(background.toArray()));
  let s: RefState = { W: transpose(fromRows(init.W.toArray())), Hx: transpose(fromRows(init.Htarget.toArray())), Hy: transpose(fromRows(init.Hbackground.toArray())) };
  for (let i = 0; i < maxIter; i++) s = loss === 'frobenius' ? frobeniusIteration(X, Y, s, alpha, 1e-10, 1) : poissonIteration(X, Y, s, alpha, 1e-16, 0.5);
  return { W: toRows(transpose(s.W)).flat(), H: toRows(transpose(s.Hx)).flat() };
}

const errors = (model: BcnmfModel) => model.history.flatMap((r) => [r.targetError, r.backgroundError ?? 0]);

/** The names of the tfjs kernels `body` runs. */
async function kernelsRun(body: () => Promise<unknown>): Promise<Set<string>> {
  const engine = tf.engine();
  const original = engine.runKernel;
  const names = new Set<string>();
  engine.runKernel = function (this: typeof engine, name: string, ...rest: unknown[]) {
    names.add(name);
    return (original as (...args: unknown[]) => unknown).call(this, name, ...rest);
  } as typeof engine.runKernel;
  try {
    await body();
  } finally {
    engine.runKernel = original;
  }
  return names;
}

// float32 against float64 after 30 iterations (largest |a - b| / max(|b|, 1e-3) over W and
// H): the cpu backend and webgpu, CSR and dense, are within 4e-5 of float64 and of each
// other here on Mesa's llvmpipe (small entries of H carry float32's rounding furthest);
// 1e-4 leaves room for a GPU's rounding, and the test checks that one iteration fewer
// moves the float64 factors by far more than that.
const FLOAT32_TOLERANCE = 1e-4;

describe('sparse fits on webgpu', () => {
  it('the data are sparse as said: about 8% stored, an empty row and an empty column', () => {
    const csr = CsrMatrix.fromDense(target);
    assert.ok(csr.nnz > 0.05 * 60 * features && csr.nnz < 0.11 * 60 * features, `${csr.nnz} entries`);
    assert.equal(csr.indptr[1], 0, 'row 0 is empty');
    assert.ok(!Array.from(csr.indices).includes(features - 1), 'the last column is empty');
  });

  for (const loss of ['frobenius', 'poisson'] as const) {
    it(`${loss}: runs the sparse kernels (and no scatter)`, async (t) => {
      if (skip) return t.skip(skip);
      const names = await kernelsRun(() => fit('webgpu', loss, true, 2));
      const wanted = loss === 'poisson' ? [SPARSE_POISSON_RATIO, SPARSE_TIMES_THIN, THIN_TRANSPOSED_TIMES_SPARSE] : [SPARSE_TIMES_THIN, THIN_TRANSPOSED_TIMES_SPARSE];
      for (const name of [...wanted, SPARSE_RECONSTRUCTION]) assert.ok(names.has(name), `${name} runs (kernels: ${[...names].join(', ')})`);
      assert.ok(!names.has('ScatterNd') && !names.has('GatherV2'), `no gathers or scatters (kernels: ${[...names].join(', ')})`);
    });

    it(`${loss}: CSR on webgpu matches the cpu backend's CSR fit, the dense webgpu fit and float64`, async (t) => {
      if (skip) return t.skip(skip);
      const ours = await fit('webgpu', loss, true);
      const cpu = await fit('cpu', loss, true);
      const dense = await fit('webgpu', loss, false);
      assert.equal(ours.history.length, ITERATIONS + 1);
      for (const [name, other] of [['cpu CSR', cpu], ['webgpu dense', dense]] as const) {
        const e = maxRelativeDifference(errors(ours), errors(other), 1e-6);
        const w = maxRelativeDifference(ours.W.data, other.W.data, 1e-3);
        const h = maxRelativeDifference(ours.Htarget.data, other.Htarget.data, 1e-3);
        t.diagnostic(`from ${name}: errors ${e.toExponential(1)}, W ${w.toExponential(1)}, H ${h.toExponential(1)}`);
        assert.ok(e <= 1e-5 && w <= FLOAT32_TOLERANCE && h <= FLOAT32_TOLERANCE, `from ${name}: errors ${e}, W ${w}, H ${h} (relative)`);
      }
      const exact = float64Fit(loss, ITERATIONS);
      const early = float64Fit(loss, ITERATIONS - 1);
      const step = Math.min(maxRelativeDifference(early.W, exact.W, 1e-3), maxRelativeDifference(early.H, exact.H, 1e-3));
      assert.ok(step > 10 * FLOAT32_TOLERANCE, `one iteration moves the factors by ${step}: the tolerance must be far below that`);
      t.diagnostic(`float64, one iteration fewer: ${step.toExponential(1)}`);
      for (const [name, model] of [['webgpu CSR', ours], ['cpu CSR', cpu]] as const) {
        const w = maxRelativeDifference(model.W.data, exact.W, 1e-3);
        const h = maxRelativeDifference(model.Htarget.data, exact.H, 1e-3);
        t.diagnostic(`${name}: W ${w.toExponential(1)}, H ${h.toExponential(1)} from float64`);
        assert.ok(w <= FLOAT32_TOLERANCE && h <= FLOAT32_TOLERANCE, `${name}: W ${w}, H ${h} from float64 (relative) > ${FLOAT32_TOLERANCE}`);
      }
    });
  }

  it('leaves no tensors, GPU buffers or derived indices behind across sparse fits', async (t) => {
    if (skip) return t.skip(skip);
    await fit('webgpu', 'poisson', true, 2); // pipelines compiled
    await fit('webgpu', 'frobenius', true, 2);
    const tensors = tf.memory().numTensors;
    const { numBytesInGPU } = gpuMemory();
    for (const loss of ['frobenius', 'poisson'] as const) await fit('webgpu', loss, true, 4);
    assert.equal(tf.getBackend(), 'webgpu');
    assert.equal(tf.memory().numTensors, tensors, 'tensors left after the fits');
    assert.equal(gpuMemory().numBytesInGPU, numBytesInGPU, 'GPU buffer bytes in use after the fits');
    assert.equal(derivedIndexCount(tf.backend()), 0, 'derived indices left after the fits');
  });
});
