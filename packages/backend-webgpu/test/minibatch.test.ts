import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CsrMatrix, DenseMatrix, fitBcnmf, matrixBatchSource, registerBackend, type BatchSource } from '@bcnmf/core';
import { cpuAdapter } from '@bcnmf/backend-cpu';
import { webgpuAdapter, webgpuOps } from '../src/index.js';
import { POOL_FLOOR_BYTES, trimBufferPool } from '../src/ops.js';
import { derivedIndexCount } from '../src/kernels/sparse-index-cache.js';
import { gpuMemory, maxRelativeDifference, rng, webgpuOrReason } from './helpers/webgpu.js';

// Minibatch fits on 'webgpu' (Mesa's llvmpipe here): batch b + 1 is read and its buffers
// written while batch b computes; dense and CSR batches, against the cpu backend.
let skip: string | null = null;
before(async () => {
  skip = await webgpuOrReason();
  registerBackend(webgpuAdapter);
  registerBackend(cpuAdapter);
});

const random = rng(31);
const features = 40;

function counts(rows: number, density: number): DenseMatrix {
  const data = new Float32Array(rows * features);
  for (let i = 0; i < data.length; i++) if (random() < density) data[i] = 1 + Math.floor(random() * 9);
  return new DenseMatrix({ data, shape: [rows, features] });
}
const target = counts(75, 0.1);
const background = counts(45, 0.1);

/** The tfjs-backend-webgpu internals that say where a tensor's values are. */
function onGpu(tensor: tf.Tensor): boolean {
  const entry = (tf.backend() as unknown as { tensorMap: { get(id: object): { resource: unknown; values: unknown } } }).tensorMap.get(tensor.dataId);
  return entry.resource != null && entry.values == null;
}

describe('minibatch fits on webgpu', () => {
  it('stage writes the buffers at once (tfjs would wait for their first use); submit starts the queued work', async (t) => {
    if (skip) return t.skip(skip);
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const ids = tf.tensor1d([2, 0], 'int32');
    assert.ok(!onGpu(x) && !onGpu(ids));
    webgpuOps.stage!([x, ids]);
    assert.ok(onGpu(x) && onGpu(ids));
    const sum = tf.sum(x);
    webgpuOps.submit!();
    assert.equal((tf.backend() as unknown as { commandEncoder: unknown }).commandEncoder, null, 'nothing left queued');
    assert.equal((await sum.data())[0], 10);
    tf.dispose([x, ids, sum]);
  });

  it('staging a batch trims tfjs\'s pool of free buffers (kept by exact size, never let go) to a bound', async (t) => {
    if (skip) return t.skip(skip);
    const free = () => gpuMemory().numBytesAllocatedInGPU - gpuMemory().numBytesInGPU;
    trimBufferPool(0);
    assert.equal(free(), 0);
    // buffers of 1.25 x the bound in all, each of another size (as CSR batches are), used once and freed
    const sizes = Array.from({ length: 20 }, (_, i) => (POOL_FLOOR_BYTES / 16 + 4096 * i) / 4);
    for (const size of sizes) {
      const tensor = tf.fill([size], 1);
      await tensor.data();
      tensor.dispose();
    }
    assert.ok(free() >= 1.25 * POOL_FLOOR_BYTES, `${free()} bytes free in the pool`);
    const small = tf.tensor1d([1, 2, 3]);
    webgpuOps.stage!([small]);
    assert.ok(free() <= POOL_FLOOR_BYTES, `${free()} bytes left free after staging, more than ${POOL_FLOOR_BYTES}`);
    assert.ok(free() >= 0.9 * POOL_FLOOR_BYTES, 'it keeps what the bound allows');
    assert.deepEqual(Array.from(await small.data()), [1, 2, 3]);
    small.dispose();
    // what it frees is gone from the GPU and from tfjs's books; what is in use is untouched,
    // and is released later as usual, also into a size whose free buffers were all trimmed
    const spare = tf.fill([1024], 3);
    const kept = tf.fill([1024], 2);
    await Promise.all([spare.data(), kept.data()]);
    spare.dispose();
    trimBufferPool(0);
    assert.equal(free(), 0);
    assert.equal((await kept.data())[1023], 2);
    kept.dispose();
    assert.equal(free(), 4096);
    const reused = tf.fill([1024], 4);
    assert.equal((await reused.data())[0], 4);
    reused.dispose();
    trimBufferPool(0);
  });

  for (const loss of ['frobenius', 'poisson'] as const) {
    for (const layout of ['dense', 'csr'] as const) {
      it(`${loss}, ${layout}: shuffled batches of 16 match the cpu backend's minibatch fit, with nothing left behind`, async (t) => {
        if (skip) return t.skip(skip);
        const x = layout === 'csr' ? CsrMatrix.fromDense(target) : target;
        const y = layout === 'csr' ? CsrMatrix.fromDense(background) : background;
        const options = { k: 4, alpha: 0.7, loss, maxIter: 12, tol: 0, scoreEvery: 4, seed: 3, batchSize: 16, onWarning: () => {} };
        await fitBcnmf(x, y, { ...options, maxIter: 1, backend: 'webgpu' }); // pipelines compiled
        const tensors = tf.memory().numTensors;
        const { numBytesInGPU } = gpuMemory();
        const gpu = await fitBcnmf(x, y, { ...options, backend: 'webgpu' });
        assert.equal(tf.memory().numTensors, tensors, 'tensors left');
        assert.equal(gpuMemory().numBytesInGPU, numBytesInGPU, 'GPU buffer bytes left in use');
        assert.equal(derivedIndexCount(tf.backend()), 0, 'derived sparse indices left');
        const cpu = await fitBcnmf(x, y, { ...options, backend: 'cpu' });
        for (const key of ['W', 'Htarget', 'Hbackground'] as const) {
          const d = maxRelativeDifference(gpu[key]!.data, cpu[key]!.data, 1e-3);
          assert.ok(d < 2e-4, `${key}: webgpu and cpu differ by ${d} (relative)`);
        }
        const scores = gpu.history.map((r, i) => Math.abs(r.score - cpu.history[i].score) / Math.abs(cpu.history[i].score));
        assert.ok(Math.max(...scores) < 1e-5, `scores differ by ${Math.max(...scores)}`);
      });
    }
  }

  it('small CSR batches of few features (padded to every free position) score as on the cpu backend', async (t) => {
    if (skip) return t.skip(skip);
    const narrow = (rows: number) => {
      const data = new Float32Array(rows * 6);
      for (let i = 0; i < data.length; i++) if (random() < 0.15) data[i] = 1 + Math.floor(random() * 5);
      return CsrMatrix.fromDense(new DenseMatrix({ data, shape: [rows, 6] }));
    };
    const [x, y] = [narrow(48), narrow(32)];
    const options = { k: 2, alpha: 0.5, maxIter: 4, tol: 0, scoreEvery: 1, seed: 1, batchSize: 16, onWarning: () => {} };
    const gpu = await fitBcnmf(x, y, { ...options, backend: 'webgpu' });
    const cpu = await fitBcnmf(x, y, { ...options, backend: 'cpu' });
    gpu.history.forEach((r, i) => {
      const c = cpu.history[i];
      assert.ok(Math.abs(r.targetError - c.targetError) <= 1e-5 * c.targetError, `epoch ${r.iteration}: target error ${r.targetError} on webgpu, ${c.targetError} on cpu`);
    });
  });

  it('a streamed batch that fails to read: the error, and no GPU buffers left', async (t) => {
    if (skip) return t.skip(skip);
    const inner = matrixBatchSource(target);
    const failing: BatchSource = {
      rows: inner.rows,
      columns: inner.columns,
      async readRows(start, count) {
        if (start === 48) throw new Error('read failed at row 48');
        return inner.readRows(start, count);
      },
    };
    await fitBcnmf(target, background, { k: 3, maxIter: 1, batchSize: 16, backend: 'webgpu', onWarning: () => {} });
    const tensors = tf.memory().numTensors;
    const { numBytesInGPU } = gpuMemory();
    await assert.rejects(fitBcnmf(failing, background, { k: 3, maxIter: 2, batchSize: 16, shuffle: false, backend: 'webgpu', onWarning: () => {} }), /read failed at row 48/);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(gpuMemory().numBytesInGPU, numBytesInGPU);
  });
});
