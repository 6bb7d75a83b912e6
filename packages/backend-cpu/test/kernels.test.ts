import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { configureCpuAccelerator, cpuAccelerator, cpuAdapter } from '../src/index.js';
import { maxRelativeDifference, rng, uniformTensor } from './helpers/data.js';

// The kernels registered for tfjs's 'cpu' backend (BatchMatMul through BLAS, 2-D
// Transpose) against tfjs's own kernels on the same inputs.
async function withTfjsKernels<T>(run: () => T): Promise<T> {
  const wasBlas = cpuAccelerator().path === 'blas';
  if (wasBlas) await configureCpuAccelerator({ disable: true });
  try {
    return run();
  } finally {
    if (wasBlas) await configureCpuAccelerator({});
  }
}

describe('cpu kernels', () => {
  before(async () => {
    await cpuAdapter.activate(tf);
  });

  it('registers the BLAS matMul exactly when BLAS is loaded, and tfjs\'s own otherwise', async () => {
    const loadedBlas = cpuAccelerator().path === 'blas';
    const ours = tf.getKernel('BatchMatMul', 'cpu');
    await configureCpuAccelerator({ disable: true });
    const tfjsOwn = tf.getKernel('BatchMatMul', 'cpu');
    await configureCpuAccelerator({});
    assert.equal(tf.getKernel('BatchMatMul', 'cpu') === tfjsOwn, !loadedBlas);
    assert.equal(ours === tfjsOwn, !loadedBlas);
  });

  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[1, 1], [1, 1], false, false],
    [[5, 3], [3, 1], false, false],
    [[3, 5], [3, 7], true, false],
    [[5, 3], [7, 3], false, true],
    [[3, 5], [7, 3], true, true],
    [[31, 17], [17, 20], false, false],
    [[3, 4, 6], [3, 6, 2], false, false], // batched: each batch a subarray of the backend's array
    [[2, 6, 4], [2, 5, 6], true, true],
    [[2, 4, 6], [1, 6, 3], false, false], // broadcast batch: falls back to tfjs's kernel
    [[0, 4], [4, 3], false, false],
    [[4, 0], [0, 3], false, false],
  ];
  for (const [shapeA, shapeB, transposeA, transposeB] of cases) {
    it(`matMul ${shapeA} x ${shapeB} (transposeA ${transposeA}, transposeB ${transposeB}) equals tfjs's kernel`, async () => {
      const random = rng(shapeA.concat(shapeB).reduce((p, d) => p * 31 + d, 1));
      const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
      const a = tf.tensor(Float32Array.from({ length: size(shapeA) }, () => random()), shapeA);
      const b = tf.tensor(Float32Array.from({ length: size(shapeB) }, () => random()), shapeB);
      const before = tf.memory().numTensors;
      const ours = tf.matMul(a, b, transposeA, transposeB);
      const reference = await withTfjsKernels(() => tf.matMul(a, b, transposeA, transposeB));
      assert.deepEqual(ours.shape, reference.shape);
      assert.ok(maxRelativeDifference(ours.dataSync(), reference.dataSync()) < 1e-5);
      tf.dispose([ours, reference]);
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([a, b]);
    });
  }

  it('matMul of int32 tensors still works (tfjs\'s kernel)', () => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    const c = tf.matMul(a, a);
    assert.deepEqual(Array.from(c.dataSync()), [7, 10, 15, 22]);
    tf.dispose([a, c]);
  });

  it('transposes 2-D float32 tensors like tfjs, and other ranks and dtypes through tfjs', () => {
    const random = rng(3);
    for (const [rows, columns] of [[1, 1], [1, 9], [9, 1], [17, 23]]) {
      const x = uniformTensor(rows, columns, random);
      const t = tf.transpose(x);
      assert.deepEqual(t.shape, [columns, rows]);
      const xs = x.arraySync();
      const ts = t.arraySync() as number[][];
      for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) assert.equal(ts[j][i], xs[i][j]);
      tf.dispose([x, t]);
    }
    const cube = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    assert.deepEqual(Array.from(tf.transpose(cube, [2, 0, 1]).dataSync()), [1, 3, 5, 7, 2, 4, 6, 8]);
    const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    assert.deepEqual(tf.transpose(ints).arraySync(), [[1, 4], [2, 5], [3, 6]]);
    tf.dispose([cube, ints]);
  });
});
