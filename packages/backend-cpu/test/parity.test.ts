import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { configureCpuAccelerator, cpuAccelerator, cpuAdapter } from '../src/index.js';
import { CsrMatrix, fitBcnmf, registerBackend, type BackendAdapter, type BcnmfModel } from './helpers/core.js';
import { maxRelativeDifference, randomCsr, rng, uniformArray } from './helpers/data.js';

// Whole fits on the accelerated cpu backend (BLAS where present, cpuOps) against the plain
// path: core's plainOps on tfjs's own kernels, for both losses, dense and sparse data.
const plainCpuAdapter = {
  name: 'cpu-plain-test',
  packageName: '@bcnmf/backend-cpu tests',
  tfjsBackend: 'cpu',
  description: 'tfjs-backend-cpu with tfjs kernels and core plainOps (test reference)',
  probe: () => cpuAdapter.probe(),
  async activate(tfjs: typeof tf): Promise<void> {
    await cpuAdapter.activate(tfjs);
    await configureCpuAccelerator({ disable: true });
  },
} satisfies BackendAdapter;
const acceleratedAdapter = {
  name: 'cpu-accelerated-test',
  packageName: '@bcnmf/backend-cpu tests',
  tfjsBackend: 'cpu',
  get description() {
    return cpuAdapter.description;
  },
  ops: cpuAdapter.ops,
  probe: () => cpuAdapter.probe(),
  async activate(tfjs: typeof tf): Promise<void> {
    await cpuAdapter.activate(tfjs);
    await configureCpuAccelerator({});
  },
} satisfies BackendAdapter;
registerBackend(plainCpuAdapter);
registerBackend(acceleratedAdapter);

const random = rng(424242);
const [nTarget, nBackground, features, k] = [37, 23, 29, 4];
const dense = (rows: number) => ({ data: uniformArray(rows * features, random, 0, 4), shape: [rows, features] as [number, number] });
const target = dense(nTarget);
const background = dense(nBackground);
const sparseTarget = randomCsr(nTarget, features, 0.2, random);
const sparseBackground = randomCsr(nBackground, features, 0.2, random);
const init = {
  W: { data: uniformArray(k * features, random, 0.1, 1), shape: [k, features] as [number, number] },
  Htarget: { data: uniformArray(nTarget * k, random, 0.1, 1), shape: [nTarget, k] as [number, number] },
  Hbackground: { data: uniformArray(nBackground * k, random, 0.1, 1), shape: [nBackground, k] as [number, number] },
};

async function fitOn(adapter: BackendAdapter, loss: 'frobenius' | 'poisson', sparse: boolean): Promise<BcnmfModel> {
  const t = sparse ? new CsrMatrix({ ...sparseTarget }) : target;
  const b = sparse ? new CsrMatrix({ ...sparseBackground }) : background;
  return fitBcnmf(t, b, { k, alpha: 0.5, loss, backend: adapter.name, maxIter: 40, tol: 0, scoreEvery: 10, init });
}

describe('fit parity: accelerated cpu backend against the plain path', () => {
  before(async () => {
    await cpuAdapter.activate(tf);
  });
  after(async () => {
    await configureCpuAccelerator({});
  });

  for (const loss of ['frobenius', 'poisson'] as const) {
    for (const sparse of [false, true]) {
      it(`${loss}, ${sparse ? 'sparse CSR' : 'dense'} data`, async () => {
        const before = tf.memory().numTensors;
        const plain = await fitOn(plainCpuAdapter, loss, sparse);
        assert.equal(cpuAccelerator().path, 'tfjs');
        const fast = await fitOn(acceleratedAdapter, loss, sparse);
        assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
        assert.equal(fast.iterations, 40);
        for (const key of ['W', 'Htarget', 'Hbackground'] as const) {
          const d = maxRelativeDifference(fast[key]!.data, plain[key]!.data, 1e-3);
          assert.ok(d < 2e-3, `${key}: max relative difference ${d}`);
        }
        const last = (m: BcnmfModel) => m.history[m.history.length - 1];
        assert.ok(Math.abs(last(fast).score - last(plain).score) <= 1e-4 * Math.abs(last(plain).score) + 1e-7);
      });
    }
  }

  it('a sparse fit on the accelerated path equals the dense fit of the same data', async () => {
    const toDense = (csr: ReturnType<typeof randomCsr>) => {
      const [rows, columns] = csr.shape;
      const data = new Float32Array(rows * columns);
      for (let i = 0; i < rows; i++) for (let p = csr.indptr[i]; p < csr.indptr[i + 1]; p++) data[i * columns + csr.indices[p]] = csr.data[p];
      return { data, shape: csr.shape };
    };
    const options = { k, alpha: 0.5, backend: acceleratedAdapter.name, maxIter: 30, tol: 0, init } as const;
    const viaSparse = await fitBcnmf(new CsrMatrix({ ...sparseTarget }), new CsrMatrix({ ...sparseBackground }), options);
    const viaDense = await fitBcnmf(toDense(sparseTarget), toDense(sparseBackground), options);
    const d = maxRelativeDifference(viaSparse.W.data, viaDense.W.data, 1e-3);
    assert.ok(d < 2e-3, `W: max relative difference ${d}`);
  });
});
