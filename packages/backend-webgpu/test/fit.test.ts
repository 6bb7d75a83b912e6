import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CsrMatrix, DenseMatrix, fitBcnmf, registerBackend, type BcnmfModel, type Loss } from '@bcnmf/core';
import { webgpuAdapter } from '../src/index.js';
import { fromRows, frobeniusIteration, poissonIteration, toRows, transpose, type RefState } from '@bcnmf/core/testing';
import { gpuMemory, maxRelativeDifference, rng, uniform, webgpuOrReason } from './helpers/webgpu.js';

// Whole fits through core on 'webgpu' (the custom kernels) against core's 'cpu' backend
// (tfjs-backend-cpu, float32) from the same explicit init: both errors of every
// iteration's history after 1 and 50 iterations, dense and sparse data; and both
// backends' factors after 50 iterations against a float64 transcription of ALGORITHM.md
// §2-3 (@bcnmf/core/testing's reference), each within the same float32 tolerance, tighter than
// the shared backend suite's 2e-3.
let skip: string | null = null;
before(async () => {
  skip = await webgpuOrReason();
  registerBackend(webgpuAdapter);
});

const random = rng(11);
const features = 13;
const k = 3;
// sparse-ish counts: about a third zeros
function counts(rows: number): DenseMatrix {
  const data = uniform(rows, features, random, -2, 6).map((v) => Math.max(0, Math.round(v)));
  return new DenseMatrix({ data, shape: [rows, features] });
}
const target = counts(21);
const background = counts(18);
const init = {
  W: new DenseMatrix({ data: uniform(k, features, random, 0.2, 1), shape: [k, features] }),
  Htarget: new DenseMatrix({ data: uniform(21, k, random, 0.2, 1), shape: [21, k] }),
  Hbackground: new DenseMatrix({ data: uniform(18, k, random, 0.2, 1), shape: [18, k] }),
};

async function fit(backend: string, loss: Loss, maxIter: number, sparse: boolean): Promise<BcnmfModel> {
  const x = sparse ? CsrMatrix.fromDense(target) : target;
  const y = sparse ? CsrMatrix.fromDense(background) : background;
  return fitBcnmf(x, y, { k, alpha: 0.5, loss, maxIter, tol: 0, scoreEvery: 1, init, backend });
}

/**
 * W and the target's H after `maxIter` iterations in float64 (samples x features layout),
 * with core's defaults for the loss: eps 1e-10 and no damping (Frobenius), eps 1e-16 and
 * damping 0.5 (Poisson).
 */
function float64Fit(loss: Loss, maxIter: number): { W: number[]; H: number[] } {
  const X = transpose(fromRows(target.toArray()));
  const Y = transpose(fromRows(background.toArray()));
  let s: RefState = { W: transpose(fromRows(init.W.toArray())), Hx: transpose(fromRows(init.Htarget.toArray())), Hy: transpose(fromRows(init.Hbackground.toArray())) };
  for (let i = 0; i < maxIter; i++) s = loss === 'frobenius' ? frobeniusIteration(X, Y, s, 0.5, 1e-10, 1) : poissonIteration(X, Y, s, 0.5, 1e-16, 0.5);
  return { W: toRows(transpose(s.W)).flat(), H: toRows(transpose(s.Hx)).flat() };
}

/**
 * How far a float32 fit may be from the float64 one after 50 iterations: largest
 * |ours - float64| / max(|float64|, 1e-3) over W and H. The cpu backend (tfjs-backend-cpu)
 * is within 5e-6 here and webgpu on Mesa's llvmpipe within 4e-6 (both losses, dense and
 * sparse); 2e-5 leaves room for a GPU's own rounding, and is far below the effect of a
 * wrong update: in float64, alpha 0.45 instead of 0.5 moves W by 0.7 (relative), one
 * iteration fewer by 0.06 (Frobenius) and 0.12 (Poisson), damping 1 instead of 0.5 by 1.
 */
const FLOAT32_TOLERANCE = 2e-5;

function errors(model: BcnmfModel): number[] {
  return model.history.flatMap((r) => [r.targetError, r.backgroundError ?? 0]);
}

describe('fits on webgpu match the cpu backend', () => {
  for (const loss of ['frobenius', 'poisson'] as const) {
    for (const sparse of [false, true]) {
      for (const maxIter of [1, 50]) {
        it(`${loss}, ${sparse ? 'sparse CSR' : 'dense'} data, ${maxIter} iteration${maxIter > 1 ? 's' : ''}`, async (t) => {
          if (skip) return t.skip(skip);
          const reference = await fit('cpu', loss, maxIter, sparse);
          const ours = await fit('webgpu', loss, maxIter, sparse);
          assert.equal(ours.history.length, maxIter + 1);
          const tolerance = maxIter === 1 ? 1e-5 : 1e-3;
          const errorDifference = maxRelativeDifference(errors(ours), errors(reference), 1e-6);
          assert.ok(errorDifference <= tolerance, `errors differ by ${errorDifference} (relative) > ${tolerance}`);
          const basisDifference = maxRelativeDifference(ours.W.data, reference.W.data, 1e-3);
          assert.ok(basisDifference <= tolerance * 10, `W differs by ${basisDifference} (relative)`);
        });

        if (maxIter > 1) {
          it(`${loss}, ${sparse ? 'sparse CSR' : 'dense'} data, ${maxIter} iterations: webgpu and cpu each within the float32 tolerance of float64`, async (t) => {
            if (skip) return t.skip(skip);
            const exact = float64Fit(loss, maxIter);
            for (const backend of ['cpu', 'webgpu']) {
              const model = await fit(backend, loss, maxIter, sparse);
              const w = maxRelativeDifference(model.W.data, exact.W, 1e-3);
              const h = maxRelativeDifference(model.Htarget.data, exact.H, 1e-3);
              t.diagnostic(`${backend}: W ${w.toExponential(1)}, H ${h.toExponential(1)} from float64`);
              assert.ok(w <= FLOAT32_TOLERANCE && h <= FLOAT32_TOLERANCE, `${backend}: W ${w}, H ${h} from float64 (relative) > ${FLOAT32_TOLERANCE}`);
            }
          });
        }
      }
    }
  }

  it('leaves no tensors or GPU buffers behind across a fit', async (t) => {
    if (skip) return t.skip(skip);
    await fit('webgpu', 'poisson', 3, false); // backend started, pipelines compiled
    await fit('webgpu', 'frobenius', 3, true);
    const tensors = tf.memory().numTensors;
    const { numBytesInGPU } = gpuMemory();
    for (const loss of ['frobenius', 'poisson'] as const) {
      for (const sparse of [false, true]) await fit('webgpu', loss, 5, sparse);
    }
    assert.equal(tf.getBackend(), 'webgpu');
    assert.equal(tf.memory().numTensors, tensors, 'tensors left after the fits');
    assert.equal(gpuMemory().numBytesInGPU, numBytesInGPU, 'GPU buffer bytes in use after the fits');
  });
});
