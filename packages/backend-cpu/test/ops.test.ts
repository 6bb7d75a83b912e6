import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { configureCpuAccelerator, cpuAccelerator, cpuAdapter, cpuOps } from '../src/index.js';
import { plainOps, type SparseTensor } from './helpers/core.js';
import { maxRelativeDifference, randomCsr, rng, uniformTensor } from './helpers/data.js';

// Every operation of cpuOps against core's plainOps (tfjs ops on tfjs's own kernels),
// on both paths: native BLAS (where this machine has it) and tfjs without BLAS.
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [7, 5, 1],
  [13, 29, 3],
  [64, 33, 7],
  [101, 67, 20],
];
const TOLERANCE = 2e-5;

function sparseOnDevice(rows: number, columns: number, density: number, random: () => number): SparseTensor {
  const csr = randomCsr(rows, columns, density, random);
  const rowIds = new Int32Array(csr.indices.length);
  for (let i = 0; i < rows; i++) rowIds.fill(i, csr.indptr[i], csr.indptr[i + 1]);
  return {
    kind: 'csr',
    shape: [rows, columns],
    rowIds: tf.tensor1d(rowIds, 'int32'),
    colIds: tf.tensor1d(csr.indices, 'int32'),
    values: tf.tensor1d(csr.data, 'float32'),
  };
}

/** Runs `make` with tfjs's own kernels (the plain reference) and returns the values. */
async function plainValues(make: () => tf.Tensor): Promise<Float32Array> {
  const info = cpuAccelerator();
  if (info.path === 'blas') await configureCpuAccelerator({ disable: true });
  try {
    const t = make();
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values.slice();
  } finally {
    if (info.path === 'blas') await configureCpuAccelerator({});
  }
}

function close(actual: tf.Tensor, expected: Float32Array, what: string, floor = 1e-6): void {
  const d = maxRelativeDifference(actual.dataSync(), expected, floor);
  assert.ok(d < TOLERANCE, `${what}: max relative difference ${d}`);
}

for (const blas of [true, false]) {
  describe(`cpuOps against plainOps, ${blas ? 'native BLAS path where present' : 'tfjs path (BLAS disabled)'}`, () => {
    before(async () => {
      await cpuAdapter.activate(tf);
      await configureCpuAccelerator(blas ? {} : { disable: true });
    });
    after(async () => {
      await configureCpuAccelerator({});
    });

    it('reports the path it is on', () => {
      const info = cpuAccelerator();
      if (!blas) {
        assert.equal(info.path, 'tfjs');
        assert.match(info.reason!, /disabled/);
      } else if (info.path === 'tfjs') {
        assert.ok(info.reason, 'a tfjs path says why BLAS is not used');
      } else {
        assert.ok(info.library);
      }
    });

    for (const [n, m, k] of SHAPES) {
      it(`dense products, multiplicative update and Poisson ratio at n=${n}, m=${m}, k=${k}`, async () => {
        const random = rng(n * 1000 + m * 10 + k);
        const before = tf.memory().numTensors;
        const data = uniformTensor(n, m, random, 0, 5);
        const thin = uniformTensor(m, k, random, 0.1, 1);
        const thinT = uniformTensor(k, n, random, 0.1, 1);
        const h = uniformTensor(n, k, random, 0.1, 1);
        const w = uniformTensor(k, m, random, 0.1, 1);
        const numerator = uniformTensor(n, k, random, 0, 2);
        const full = uniformTensor(n, k, random, 0, 2);
        const row = uniformTensor(1, k, random, 0, 2);
        const column = uniformTensor(n, 1, random, 0, 2);

        const cases: Array<[string, () => tf.Tensor, () => tf.Tensor]> = [
          ['dataTimesThin', () => cpuOps.dataTimesThin(data, thin), () => plainOps.dataTimesThin(data, thin)],
          ['thinTransposedTimesData', () => cpuOps.thinTransposedTimesData(thinT, data), () => plainOps.thinTransposedTimesData(thinT, data)],
          ['poissonRatio', () => cpuOps.poissonRatio({ data, coefficients: h, basis: w, eps: 1e-16 }), () => plainOps.poissonRatio({ data, coefficients: h, basis: w, eps: 1e-16 })],
        ];
        for (const [denominator, name] of [[full, 'full'], [row, 'row'], [column, 'column']] as const) {
          for (const damping of [1, 0.5, 0.7]) {
            cases.push([
              `multiplicativeUpdate (${name} denominator, damping ${damping})`,
              () => cpuOps.multiplicativeUpdate({ current: h, numerator, denominator, eps: 1e-10, damping }),
              () => plainOps.multiplicativeUpdate({ current: h, numerator, denominator, eps: 1e-10, damping }),
            ]);
          }
        }
        for (const [what, ours, reference] of cases) {
          const expected = await plainValues(reference);
          const actual = ours();
          assert.deepEqual(actual.shape, (await plainShape(reference)), `${what}: shape`);
          close(actual, expected, what);
          actual.dispose();
        }
        tf.dispose([data, thin, thinT, h, w, numerator, full, row, column]);
        assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
      });

      it(`sparse products and Poisson ratio at n=${n}, m=${m}, k=${k}`, async () => {
        const random = rng(7 + n * 1000 + m * 10 + k);
        const before = tf.memory().numTensors;
        for (const density of [0, 0.05, 0.3, 1]) {
          const data = sparseOnDevice(n, m, density, random);
          const thin = uniformTensor(m, k, random, 0.1, 1);
          const thinT = uniformTensor(k, n, random, 0.1, 1);
          const h = uniformTensor(n, k, random, 0.1, 1);
          const w = uniformTensor(k, m, random, 0.1, 1);
          const cases: Array<[string, () => tf.Tensor, () => tf.Tensor]> = [
            ['sparseTimesThin', () => cpuOps.sparseTimesThin(data, thin), () => plainOps.sparseTimesThin(data, thin)],
            [
              'thinTransposedTimesSparse',
              () => cpuOps.thinTransposedTimesSparse(thinT, data),
              () => plainOps.thinTransposedTimesSparse(thinT, data),
            ],
            [
              'sparsePoissonRatio',
              () => cpuOps.sparsePoissonRatio({ data, coefficients: h, basis: w, eps: 1e-16 }).values,
              () => plainOps.sparsePoissonRatio({ data, coefficients: h, basis: w, eps: 1e-16 }).values,
            ],
            ['sparseReconstruction', () => cpuOps.sparseReconstruction({ data, coefficients: h, basis: w }), () => plainOps.sparseReconstruction({ data, coefficients: h, basis: w })],
          ];
          for (const [what, ours, reference] of cases) {
            const expected = await plainValues(reference);
            const actual = ours();
            assert.deepEqual(actual.shape, await plainShape(reference), `${what}: shape`);
            close(actual, expected, `${what} at density ${density}`, 1e-4);
            actual.dispose();
          }
          const ratio = cpuOps.sparsePoissonRatio({ data, coefficients: h, basis: w, eps: 1e-16 });
          assert.equal(ratio.rowIds, data.rowIds, 'the ratio shares the index tensors');
          ratio.values.dispose();
          tf.dispose([data.rowIds, data.colIds, data.values, thin, thinT, h, w]);
        }
        assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
      });
    }

    it('rejects mismatched shapes instead of reading past an array', () => {
      const a = tf.ones([3, 2]) as tf.Tensor2D;
      const b = tf.ones([1, 3]) as tf.Tensor2D;
      assert.throws(() => cpuOps.multiplicativeUpdate({ current: a, numerator: a, denominator: b, eps: 0, damping: 1 }), /do not match/);
      tf.dispose([a, b]);
    });
  });
}

async function plainShape(make: () => tf.Tensor): Promise<number[]> {
  const t = make();
  const shape = t.shape;
  t.dispose();
  return shape;
}
