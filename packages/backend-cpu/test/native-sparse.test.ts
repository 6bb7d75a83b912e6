import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import {
  configureCpuAccelerator,
  cpuAccelerator,
  cpuAdapter,
  cpuOps,
  loadNativeKernels,
  type BlasLoadOptions,
  type NativeKernels,
} from '../src/index.js';
import { composedStep, plainOps, type FactorState, type SparseTensor, type StepParams } from './helpers/core.js';
import { maxRelativeDifference, randomCsr, rng, uniformTensor } from './helpers/data.js';

// bcnmf's native CSR kernels (native/sparse.c) through cpuOps against core's plainOps on
// tfjs's own kernels: every sparse operation, and the fused step on sparse and mixed
// dense/sparse data against core's composed step. Skipped, with the reason, where the
// native kernels are not loaded. The JavaScript fallbacks (native kernels off) are
// checked against the same references.

await cpuAdapter.activate(tf);
const info = cpuAccelerator();
const skip: string | false = info.kernels === 'native' ? false : `native kernels not loaded: ${info.kernelReason}`;
if (skip) console.log(`# skipping the native sparse kernel tests: ${skip}`);

type Pattern = 'random' | 'empty rows' | 'skewed';

/**
 * A random sparse matrix on the device: `random` (about `density` of the entries stored),
 * `empty rows` (the same with every third row and the last row emptied) or `skewed` (the
 * first fifth of the rows at `density`, the others empty: rows split by stored entries).
 */
function sparseOnDevice(rows: number, columns: number, density: number, random: () => number, pattern: Pattern = 'random'): SparseTensor {
  const csr = randomCsr(rows, columns, density, random);
  const keep = (i: number) =>
    pattern === 'random' || (pattern === 'empty rows' ? i % 3 !== 1 && i !== rows - 1 : i < Math.ceil(rows / 5));
  const rowIds: number[] = [];
  const colIds: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    if (!keep(i)) continue;
    for (let p = csr.indptr[i]; p < csr.indptr[i + 1]; p++) {
      rowIds.push(i);
      colIds.push(csr.indices[p]);
      values.push(csr.data[p]);
    }
  }
  return {
    kind: 'csr',
    shape: [rows, columns],
    rowIds: tf.tensor1d(Int32Array.from(rowIds), 'int32'),
    colIds: tf.tensor1d(Int32Array.from(colIds), 'int32'),
    values: tf.tensor1d(Float32Array.from(values), 'float32'),
  };
}

function disposeSparse(data: SparseTensor): void {
  tf.dispose([data.rowIds, data.colIds, data.values]);
}

/** Runs `run` on tfjs's own kernels (BLAS off), keeping the native kernels as `options` has them. */
async function onTfjsKernels<T>(run: () => T, options: BlasLoadOptions = {}): Promise<T> {
  const blas = cpuAccelerator().path === 'blas';
  if (blas) await configureCpuAccelerator({ ...options, disable: true });
  try {
    return run();
  } finally {
    if (blas) await configureCpuAccelerator(options);
  }
}

/** The values of a tensor made by `make` (disposed). */
function valuesOf(make: () => tf.Tensor): { shape: number[]; values: Float32Array } {
  const t = make();
  const out = { shape: t.shape, values: (t.dataSync() as Float32Array).slice() };
  t.dispose();
  return out;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 1e-4, floor = 1e-4): void {
  const d = maxRelativeDifference(actual, expected, floor);
  assert.ok(d < tolerance, `${what}: max relative difference ${d}`);
}

/** Every sparse op of cpuOps against plainOps on `data`, with thin operands of width k. */
async function checkSparseOps(data: SparseTensor, k: number, random: () => number, what: string, options: BlasLoadOptions = {}): Promise<void> {
  const [n, m] = data.shape;
  const thin = uniformTensor(m, k, random, 0.1, 1);
  const thinT = uniformTensor(k, n, random, 0.1, 1);
  const h = uniformTensor(n, k, random, 0.1, 1);
  const w = uniformTensor(k, m, random, 0.1, 1);
  const cases: Array<[string, (ops: typeof plainOps) => tf.Tensor]> = [
    ['sparseTimesThin', (ops) => ops.sparseTimesThin(data, thin)],
    ['thinTransposedTimesSparse', (ops) => ops.thinTransposedTimesSparse(thinT, data)],
    ['sparseReconstruction', (ops) => ops.sparseReconstruction({ data, coefficients: h, basis: w })],
    ['sparsePoissonRatio', (ops) => ops.sparsePoissonRatio({ data, coefficients: h, basis: w, eps: 1e-16 }).values],
  ];
  const expected = await onTfjsKernels(() => cases.map(([, make]) => valuesOf(() => make(plainOps))), options);
  cases.forEach(([name, make], c) => {
    const actual = valuesOf(() => make(cpuOps as typeof plainOps));
    assert.deepEqual(actual.shape, expected[c].shape, `${name} ${what}: shape`);
    assertClose(actual.values, expected[c].values, `${name} ${what}`);
  });
  const ratio = cpuOps.sparsePoissonRatio({ data, coefficients: h, basis: w, eps: 1e-16 });
  assert.equal(ratio.rowIds, data.rowIds, 'the ratio shares the index tensors');
  assert.equal(ratio.colIds, data.colIds, 'the ratio shares the index tensors');
  ratio.values.dispose();
  tf.dispose([thin, thinT, h, w]);
}

// n = 1, m not a multiple of 8, k = 1, k = 27 (one 32-wide chunk), k = 45 (two chunks),
// and a size whose products run on several threads (over 2 M multiply-adds; only one
// density there: the reference's gathers take about a second per million).
const ALL: Array<[number, Pattern]> = [
  [0, 'random'],
  [0.05, 'random'],
  [0.3, 'random'],
  [1, 'random'],
  [0.3, 'empty rows'],
  [0.5, 'skewed'],
];
const SHAPES: Array<[number, number, number, Array<[number, Pattern]>]> = [
  [1, 13, 1, ALL],
  [1, 40, 27, ALL],
  [9, 29, 1, ALL],
  [23, 37, 27, ALL],
  [64, 33, 8, ALL],
  [50, 61, 45, ALL],
  [130, 301, 20, ALL],
  [700, 500, 27, [[0.3, 'random']]],
];

describe('native CSR kernels against plainOps', () => {
  before(async () => {
    await configureCpuAccelerator({});
  });

  for (const [n, m, k, cases] of SHAPES) {
    it(`sparse products, reconstruction and Poisson ratio at n=${n}, m=${m}, k=${k}`, { skip }, async () => {
      assert.equal(cpuAccelerator().kernels, 'native');
      const random = rng(n * 7919 + m * 31 + k);
      const before = tf.memory().numTensors;
      for (const [density, pattern] of cases) {
        const data = sparseOnDevice(n, m, density, random, pattern);
        await checkSparseOps(data, k, random, `(density ${density}, ${pattern})`);
        disposeSparse(data);
      }
      assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    });
  }

  it('one thread or several: the same row sums, and the same statistics up to rounding', { skip }, async () => {
    const loaded = await loadNativeKernels({ threads: 1 });
    assert.ok(!('reason' in loaded));
    const one = (loaded as NativeKernels).sparse;
    const all = (await loadNativeKernels({ threads: 4 }) as NativeKernels).sparse;
    const [n, m, k] = [900, 700, 20];
    const random = rng(11);
    // skewed: the last 30% of the rows hold most of the entries
    const indptr = new Int32Array(n + 1);
    const columns: number[] = [];
    for (let i = 0; i < n; i++) {
      const density = i < n * 0.7 ? 0.01 : 0.6;
      for (let j = 0; j < m; j++) if (random() < density) columns.push(j);
      indptr[i + 1] = columns.length;
    }
    const indices = Int32Array.from(columns);
    const data = Float32Array.from(columns, () => 0.1 + 3 * random());
    const thin = Float32Array.from({ length: m * k }, () => random());
    const thinT = Float32Array.from({ length: k * n }, () => random());
    const h = Float32Array.from({ length: n * k }, () => random());
    const w = Float32Array.from({ length: k * m }, () => random());
    const [a, b] = [new Float32Array(n * k), new Float32Array(n * k)];
    one.csrTimesThin(n, m, k, indptr, indices, data, thin, a);
    all.csrTimesThin(n, m, k, indptr, indices, data, thin, b);
    assert.deepEqual(a, b);
    const [r1, r2] = [new Float32Array(indices.length), new Float32Array(indices.length)];
    one.csrPoissonRatio(n, m, k, indptr, indices, data, h, w, 1e-16, r1);
    all.csrPoissonRatio(n, m, k, indptr, indices, data, h, w, 1e-16, r2);
    assert.deepEqual(r1, r2);
    const [t1, t2] = [new Float32Array(k * m), new Float32Array(k * m)];
    one.thinTransposedTimesCsr(n, m, k, thinT, indptr, indices, data, t1);
    all.thinTransposedTimesCsr(n, m, k, thinT, indptr, indices, data, t2);
    assertClose(t2, t1, 'thinTransposedTimesCsr', 1e-5);
    for (const poisson of [false, true]) {
      const outputs = [one, all].map((kernels) => {
        const hNew = new Float32Array(n * k);
        const cross = new Float32Array(k * m);
        const mass = new Float32Array(poisson ? k : k * k);
        kernels.fusedPass(poisson, n, m, k, indptr, indices, data, h, w, 1e-10, 0.5, hNew, cross, mass);
        return { hNew, cross, mass };
      });
      assert.deepEqual(outputs[0].hNew, outputs[1].hNew);
      assertClose(outputs[1].cross, outputs[0].cross, 'cross', 1e-5);
      assertClose(outputs[1].mass, outputs[0].mass, 'mass', 1e-5);
    }
  });

  it('refuses index tensors the kernels cannot trust', { skip }, () => {
    const thin = tf.ones([4, 2]) as tf.Tensor2D;
    const make = (rows: number[], columns: number[]): SparseTensor => ({
      kind: 'csr',
      shape: [3, 4],
      rowIds: tf.tensor1d(rows, 'int32'),
      colIds: tf.tensor1d(columns, 'int32'),
      values: tf.tensor1d(rows.map(() => 1), 'float32'),
    });
    const cases: Array<[number[], number[], RegExp]> = [
      [[0, 2, 1], [0, 1, 2], /out of order/],
      [[0, 1, 3], [0, 1, 2], /not within 3 rows/],
      [[0, 1, 2], [0, 4, 2], /not within 4 columns/],
      [[0, 1, 2], [0, -1, 2], /not within 4 columns/],
    ];
    for (const [rows, columns, message] of cases) {
      const data = make(rows, columns);
      assert.throws(() => cpuOps.sparseTimesThin(data, thin), message);
      disposeSparse(data);
    }
    thin.dispose();
  });
});

describe('the cpu backend fused step on sparse data against core composed step', () => {
  before(async () => {
    await configureCpuAccelerator({});
  });

  const cases: Array<{ name: string; n: number[]; m: number; k: number; alphas: number[]; sparse: boolean[]; density: number; pattern?: Pattern }> = [
    { name: 'two sparse backgrounds, one with weight 0', n: [37, 50, 21], m: 29, k: 27, alphas: [1.5, 0], sparse: [true, true, true], density: 0.3, pattern: 'empty rows' },
    { name: 'one sparse background', n: [130, 90], m: 301, k: 20, alphas: [0.7], sparse: [true, true], density: 0.05 },
    { name: 'dense target, sparse background', n: [45, 60], m: 31, k: 4, alphas: [0.7], sparse: [false, true], density: 0.2 },
    { name: 'sparse target, dense and sparse backgrounds', n: [40, 30, 25], m: 45, k: 45, alphas: [1.5, 0], sparse: [true, false, true], density: 0.1 },
    { name: 'k = 1, one row, NMF', n: [1], m: 13, k: 1, alphas: [], sparse: [true], density: 0.5 },
    // over 2 M multiply-adds per data set: the passes run on several threads
    { name: 'several threads', n: [600, 500], m: 700, k: 20, alphas: [0.7], sparse: [true, true], density: 0.2 },
    { name: 'several threads, skewed rows', n: [600, 500], m: 700, k: 20, alphas: [0.7], sparse: [true, true], density: 0.9, pattern: 'skewed' },
  ];
  for (const { name, n, m, k, alphas, sparse, density, pattern } of cases) {
    for (const loss of ['frobenius', 'poisson'] as const) {
      for (const damping of [1, 0.5]) {
        it(`${name}, ${loss}, damping ${damping}`, { skip }, async () => {
          assert.equal(cpuAccelerator().kernels, 'native');
          const random = rng(n.length * 101 + m + k + (loss === 'poisson' ? 7 : 0) + damping * 10);
          const numTensors = tf.memory().numTensors;
          const [target, ...backgrounds] = n.map((rows, s) =>
            sparse[s] ? sparseOnDevice(rows, m, density, random, pattern) : uniformTensor(rows, m, random, 0, 3));
          const state: FactorState = {
            basis: uniformTensor(k, m, random, 0.1, 1),
            targetCoefficients: uniformTensor(n[0], k, random, 0.1, 1),
            backgroundCoefficients: n.slice(1).map((rows) => uniformTensor(rows, k, random, 0.1, 1)),
          };
          const data = { target, backgrounds };
          const params: StepParams = { loss, alphas, eps: loss === 'poisson' ? 1e-16 : 1e-10, damping };
          const reference = await onTfjsKernels(() => {
            const next = composedStep({ state, data, params }, plainOps);
            const out = [next.basis, next.targetCoefficients, ...next.backgroundCoefficients].map((t) => (t.dataSync() as Float32Array).slice());
            tf.dispose([next.basis, next.targetCoefficients, ...next.backgroundCoefficients]);
            return out;
          });
          // core's step on cpuOps: the fused passes and basis update run (checked first)
          for (const [x, h] of [[target, state.targetCoefficients], ...backgrounds.map((b, i) => [b, state.backgroundCoefficients[i]] as const)] as const) {
            const probe = cpuOps.coefficientsAndStatistics({ loss, data: x, coefficients: h, basis: state.basis, eps: params.eps, damping, withStatistics: false });
            assert.ok(probe, 'the fused pass applies to every data set');
            probe.coefficients.dispose();
          }
          const fused = composedStep({ state, data, params }, cpuOps);
          const ours = [fused.basis, fused.targetCoefficients, ...fused.backgroundCoefficients];
          const names = ['basis', 'target coefficients', ...backgrounds.map((_, b) => `background ${b} coefficients`)];
          ours.forEach((t, i) => assertClose(t.dataSync(), reference[i], names[i]));
          tf.dispose(ours);
          tf.dispose([state.basis, state.targetCoefficients, ...state.backgroundCoefficients]);
          for (const x of [target, ...backgrounds]) {
            if ('kind' in x) disposeSparse(x);
            else x.dispose();
          }
          assert.equal(tf.memory().numTensors, numTensors, 'no tensor leaks');
        });
      }
    }
  }
});

describe('the JavaScript sparse paths (native kernels off) against plainOps', () => {
  const options: BlasLoadOptions = { native: { disable: true } };
  before(async () => {
    const now = await configureCpuAccelerator(options);
    assert.equal(now.kernels, 'javascript');
  });
  after(async () => {
    await configureCpuAccelerator({});
  });

  for (const [n, m, k] of [[1, 13, 1], [23, 37, 27], [130, 301, 20]] as Array<[number, number, number]>) {
    it(`sparse products, reconstruction and Poisson ratio at n=${n}, m=${m}, k=${k}`, async () => {
      const random = rng(3 + n * 7919 + m * 31 + k);
      const before = tf.memory().numTensors;
      for (const [density, pattern] of [[0, 'random'], [0.05, 'random'], [0.3, 'empty rows'], [1, 'random']] as Array<[number, Pattern]>) {
        const data = sparseOnDevice(n, m, density, random, pattern);
        await checkSparseOps(data, k, random, `(density ${density}, ${pattern})`, options);
        disposeSparse(data);
      }
      assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    });
  }

  it('the fused pass returns null, so that core composes the step', () => {
    const random = rng(5);
    const data = sparseOnDevice(6, 5, 0.5, random);
    const state: FactorState = { basis: uniformTensor(2, 5, random), targetCoefficients: uniformTensor(6, 2, random), backgroundCoefficients: [] };
    assert.equal(cpuOps.coefficientsAndStatistics({ loss: 'poisson', data, coefficients: state.targetCoefficients, basis: state.basis, eps: 1e-16, damping: 1, withStatistics: true }), null);
    disposeSparse(data);
    tf.dispose([state.basis, state.targetCoefficients]);
  });
});
