import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { plainOps } from '@bcnmf/core';
import { DATA_TIMES_THIN, webgpuOps } from '../src/index.js';

// webgpuOps.dataTimesThin is tfjs's matMul; the BcnmfDataTimesThin kernel is run directly
const dataTimesThinKernel = (data: tf.Tensor2D, thin: tf.Tensor2D) => tf.engine().runKernel(DATA_TIMES_THIN, { data, thin }) as tf.Tensor2D;
import { planSlices } from '../src/kernels/thin-transposed-times-data.js';
import { maxRelativeDifference, rng, uniform, webgpuOrReason } from './helpers/webgpu.js';

// Each kernel against core's plain tfjs ops on the same 'webgpu' backend, on shapes that
// are not multiples of the tiles (16 rows, 128 features, 128 columns, 64 rows, k > 24).
let skip: string | null = null;
before(async () => {
  skip = await webgpuOrReason();
});

const random = rng(7);
const matrix = (rows: number, columns: number, low = 0, high = 1) =>
  tf.tensor2d(uniform(rows, columns, random, low, high), [rows, columns]);

async function expectClose(actual: tf.Tensor, expected: tf.Tensor, tolerance: number, what: string): Promise<void> {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const [a, b] = await Promise.all([actual.data(), expected.data()]);
  const difference = maxRelativeDifference(a, b, 1e-3);
  assert.ok(difference <= tolerance, `${what}: relative difference ${difference} > ${tolerance}`);
  tf.dispose([actual, expected]);
}

// [n, m, k]: rows, features, topics
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 2],
  [17, 129, 3],
  [50, 200, 20],
  [33, 130, 25], // k split into two chunks of 13
  [700, 61, 7], // several slices in Hᵀ X
  [129, 300, 49],
];

describe('custom WGSL kernels match plainOps on webgpu', () => {
  it('BcnmfDataTimesThin: data (n x m) · thin (m x k)', async (t) => {
    if (skip) return t.skip(skip);
    for (const [n, m, k] of SHAPES) {
      const data = matrix(n, m);
      const thin = matrix(m, k);
      await expectClose(dataTimesThinKernel(data, thin), plainOps.dataTimesThin(data, thin), 2e-5, `[${n}, ${m}, ${k}]`);
      tf.dispose([data, thin]);
    }
  });

  it('thinTransposedTimesData: thinT (k x n) · data (n x m), with the rows split into slices', async (t) => {
    if (skip) return t.skip(skip);
    assert.ok(planSlices(700, 61, 7).slices > 1, 'the 700-row case runs the slice reduction');
    assert.equal(planSlices(3, 5, 2).slices, 1);
    for (const [n, m, k] of SHAPES) {
      const thinT = matrix(k, n);
      const data = matrix(n, m);
      await expectClose(webgpuOps.thinTransposedTimesData(thinT, data), plainOps.thinTransposedTimesData(thinT, data), 2e-5, `[${n}, ${m}, ${k}]`);
      tf.dispose([thinT, data]);
    }
  });

  it('multiplicativeUpdate: whole, row and column denominators; damping 1, 0.5 and 0.7', async (t) => {
    if (skip) return t.skip(skip);
    for (const [r, c] of [[1, 1], [37, 5], [300, 21]] as const) {
      const current = matrix(r, c);
      const numerator = matrix(r, c);
      for (const denominator of [matrix(r, c, 0.1, 1), matrix(1, c, 0.1, 1), matrix(r, 1, 0.1, 1)]) {
        for (const damping of [1, 0.5, 0.7]) {
          await expectClose(
            webgpuOps.multiplicativeUpdate({ current, numerator, denominator, eps: 1e-10, damping }),
            plainOps.multiplicativeUpdate({ current, numerator, denominator, eps: 1e-10, damping }),
            2e-6,
            `[${r}, ${c}] / [${denominator.shape}], damping ${damping}`,
          );
        }
        denominator.dispose();
      }
      tf.dispose([current, numerator]);
    }
  });

  it('multiplicativeUpdate keeps zeros and rejects a denominator that does not broadcast', async (t) => {
    if (skip) return t.skip(skip);
    const zeros = tf.zeros([4, 3]) as tf.Tensor2D;
    const current = matrix(4, 3);
    const out = webgpuOps.multiplicativeUpdate({ current, numerator: zeros, denominator: current, eps: 1e-16, damping: 0.7 });
    assert.deepEqual(Array.from(await out.data()), new Array(12).fill(0));
    assert.throws(() => webgpuOps.multiplicativeUpdate({ current, numerator: current, denominator: matrix(2, 3), eps: 1e-10, damping: 1 }), /does not broadcast/);
    tf.dispose([zeros, current, out]);
  });

  it('poissonRatio: data ⊘ (coefficients · basis + eps)', async (t) => {
    if (skip) return t.skip(skip);
    for (const [n, m, k] of SHAPES) {
      const data = matrix(n, m);
      const coefficients = matrix(n, k);
      const basis = matrix(k, m);
      await expectClose(webgpuOps.poissonRatio({ data, coefficients, basis, eps: 1e-6 }), plainOps.poissonRatio({ data, coefficients, basis, eps: 1e-6 }), 2e-5, `[${n}, ${m}, ${k}]`);
      tf.dispose([data, coefficients, basis]);
    }
  });

  it('rejects operands that do not chain', async (t) => {
    if (skip) return t.skip(skip);
    const a = matrix(4, 3);
    const b = matrix(5, 2);
    assert.throws(() => dataTimesThinKernel(a, b), /do not chain/);
    assert.throws(() => webgpuOps.thinTransposedTimesData(a, b), /do not chain/);
    tf.dispose([a, b]);
  });

  it("adds more tensors than a shader can bind (tfjs's AddN, grouped)", async (t) => {
    if (skip) return t.skip(skip);
    const parts = Array.from({ length: 23 }, (_, i) => tf.fill([2, 3], i + 1));
    const sum = tf.addN(parts);
    assert.deepEqual(Array.from(await sum.data()), new Array(6).fill((23 * 24) / 2));
    tf.dispose([...parts, sum]);
  });

  it('leaves no tensors or GPU buffers behind', async (t) => {
    if (skip) return t.skip(skip);
    const data = matrix(700, 61);
    const thinT = matrix(7, 700);
    const warm = webgpuOps.thinTransposedTimesData(thinT, data); // uploads the inputs
    await warm.data();
    warm.dispose();
    const tensors = tf.memory().numTensors;
    const bytes = (tf.backend().memory() as unknown as { numBytesInGPU: number }).numBytesInGPU;
    for (let i = 0; i < 3; i++) {
      const out = webgpuOps.thinTransposedTimesData(thinT, data);
      await out.data();
      out.dispose();
    }
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal((tf.backend().memory() as unknown as { numBytesInGPU: number }).numBytesInGPU, bytes);
    tf.dispose([data, thinT]);
  });
});
