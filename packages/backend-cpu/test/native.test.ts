import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { configureCpuAccelerator, cpuAccelerator, cpuAdapter, cpuOps, loadNativeKernels, type NativeKernels } from '../src/index.js';
import { composedStep, plainOps, type FactorState, type StepParams } from './helpers/core.js';
import { maxRelativeDifference, product, rng, transpose, uniformArray, uniformTensor } from './helpers/data.js';

// bcnmf's native kernels (native/kernels.c) against independent references: each kernel
// against a float64 loop written here, and the fused step against core's composed step
// on tfjs's own kernels (plainOps). Skipped, with the reason, where they were not built.

await cpuAdapter.activate(tf);
const loaded = await loadNativeKernels();
const native: NativeKernels | null = 'reason' in loaded ? null : loaded;
const skip: string | false = 'reason' in loaded ? `native kernels unavailable: ${loaded.reason}` : false;
if (skip) console.log(`# skipping the native kernel tests: ${skip}`);

function damped(current: number, numerator: number, denominator: number, damping: number): number {
  return current * (numerator / denominator) ** damping;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 2e-5, floor = 1e-3): void {
  const d = maxRelativeDifference(actual, expected, floor);
  assert.ok(d < tolerance, `${what}: max relative difference ${d}`);
}

// odd sizes on purpose: rows not a multiple of the 4-row kernels or of the cache blocks,
// features not a multiple of the 24-wide tiles, k = 1, k over one 24-wide chunk, m < k.
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [37, 29, 27],
  [130, 301, 20],
  [257, 48, 8],
  [64, 2048, 3],
];

describe('native kernels against float64 loops', () => {
  for (const [n, m, k] of SHAPES) {
    it(`products and the Poisson ratio at n=${n}, m=${m}, k=${k}`, { skip }, () => {
      if (!native) return;
      const random = rng(n * 7919 + m * 31 + k);
      const x = uniformArray(n * m, random, 0, 4);
      const thin = uniformArray(m * k, random, 0.1, 1);
      const thinT = uniformArray(k * n, random, 0.1, 1);
      const h = uniformArray(n * k, random, 0.1, 1);
      const w = uniformArray(k * m, random, 0.1, 1);

      const out1 = new Float32Array(n * k);
      native.denseTimesThin(n, m, k, x, thin, out1);
      assertClose(out1, product(x, thin, n, m, k), 'denseTimesThin');

      const out2 = new Float32Array(k * m);
      native.thinTransposedTimesDense(n, m, k, thinT, x, out2);
      assertClose(out2, product(thinT, x, k, n, m), 'thinTransposedTimesDense');

      const out3 = new Float32Array(n * m);
      native.poissonRatio(n, m, k, x, h, w, 1e-16, out3);
      const reconstruction = product(h, w, n, k, m);
      assertClose(out3, reconstruction.map((v, i) => x[i] / (v + 1e-16)), 'poissonRatio');

      // the score sums; x has exact zeros where the Poisson term is -r alone
      x[0] = 0;
      const squared = reconstruction.reduce((s, r, i) => s + (x[i] - r) ** 2, 0);
      const logLikelihood = reconstruction.reduce((s, r, i) => s + x[i] * Math.log(r + 1e-10) - r, 0);
      assertClose([native.reconstructionSum(false, n, m, k, x, h, w, 0)], [squared], 'squared error sum', 1e-5);
      assertClose([native.reconstructionSum(true, n, m, k, x, h, w, 1e-10)], [logLikelihood], 'Poisson log-likelihood sum', 1e-5);
    });

    for (const poisson of [false, true]) {
      for (const damping of [1, 0.5, 0.7]) {
        it(`the fused ${poisson ? 'Poisson' : 'Frobenius'} pass (damping ${damping}) at n=${n}, m=${m}, k=${k}`, { skip }, () => {
          if (!native) return;
          const random = rng(n * 31 + m * 7 + k + (poisson ? 1000 : 0) + damping * 100);
          const x = uniformArray(n * m, random, 0, 4);
          const h = uniformArray(n * k, random, 0.1, 1);
          const w = uniformArray(k * m, random, 0.1, 1);
          const eps = poisson ? 1e-16 : 1e-10;
          const wT = transpose(w, k, m);
          // the reference, in float64, in the order of ALGORITHM.md
          const expectedH = new Float64Array(n * k);
          if (poisson) {
            const r = product(h, w, n, k, m).map((v, i) => x[i] / (v + eps));
            const numerator = product(r, wT, n, m, k);
            const rowSums = Array.from({ length: k }, (_, q) => w.subarray(q * m, (q + 1) * m).reduce((s, v) => s + v, 0));
            for (let i = 0; i < n * k; i++) expectedH[i] = damped(h[i], numerator[i], rowSums[i % k] + eps, damping);
          } else {
            const numerator = product(x, wT, n, m, k);
            const denominator = product(h, product(w, wT, k, m, k), n, k, k);
            for (let i = 0; i < n * k; i++) expectedH[i] = damped(h[i], numerator[i], denominator[i] + eps, damping);
          }
          const hT = transpose(expectedH, n, k);
          const data = poisson ? product(expectedH, w, n, k, m).map((v, i) => x[i] / (v + eps)) : Float64Array.from(x);
          const expectedCross = product(hT, data, k, n, m);
          const expectedMass = poisson
            ? Float64Array.from({ length: k }, (_, q) => hT.subarray(q * n, (q + 1) * n).reduce((s, v) => s + v, 0))
            : product(hT, expectedH, k, n, k);

          const hNew = new Float32Array(n * k);
          const cross = new Float32Array(k * m);
          const mass = new Float32Array(poisson ? k : k * k);
          native.fusedPass(poisson, n, m, k, x, h, w, eps, damping, hNew, cross, mass);
          assertClose(hNew, expectedH, 'new coefficients', 1e-4);
          assertClose(cross, expectedCross, 'cross statistics', 1e-4);
          assertClose(mass, expectedMass, 'mass statistics', 1e-4);

          // without statistics: the same coefficients, nothing else touched
          const hOnly = new Float32Array(n * k);
          native.fusedPass(poisson, n, m, k, x, h, w, eps, damping, hOnly, null, null);
          assert.deepEqual(hOnly, hNew);
        });
      }
    }
  }

  it('the basis update combines the statistics of several data sets as ALGORITHM.md writes it', { skip }, () => {
    if (!native) return;
    const [k, m] = [5, 33];
    const random = rng(99);
    for (const poisson of [false, true]) {
      const massSize = poisson ? k : k * k;
      const w = uniformArray(k * m, random, 0.1, 1);
      const cross = uniformArray(3 * k * m, random, 0.1, 2);
      const mass = uniformArray(3 * massSize, random, 0.1, 2);
      const alphas = Float32Array.of(1.5, 0); // the second background has no weight
      const out = new Float32Array(k * m);
      native.basisUpdate(poisson, k, m, 2, w, cross, mass, alphas, 1e-10, 0.5, out);
      const expected = new Float64Array(k * m);
      for (let q = 0; q < k; q++) {
        for (let j = 0; j < m; j++) {
          let numerator = cross[q * m + j];
          let denominator = 0;
          if (poisson) {
            denominator = mass[q];
            numerator += alphas[0] * mass[massSize + q];
          } else {
            for (let p = 0; p < k; p++) {
              denominator += mass[q * k + p] * w[p * m + j];
              numerator += alphas[0] * mass[massSize + q * k + p] * w[p * m + j];
            }
          }
          denominator += alphas[0] * cross[k * m + q * m + j];
          expected[q * m + j] = damped(w[q * m + j], numerator, denominator + 1e-10, 0.5);
        }
      }
      assertClose(out, expected, `${poisson ? 'Poisson' : 'Frobenius'} basis update`, 1e-5);
    }
  });
});

describe('core\'s step on the cpu backend fused ops against core\'s composed step on tfjs kernels', () => {
  before(async () => {
    await configureCpuAccelerator({});
  });

  const cases: Array<{ name: string; n: number[]; m: number; k: number; alphas: number[] }> = [
    { name: 'NMF (no background)', n: [45], m: 31, k: 4, alphas: [] },
    { name: 'one background', n: [130, 90], m: 301, k: 20, alphas: [1.3] },
    { name: 'two backgrounds, one with weight 0', n: [37, 50, 21], m: 29, k: 27, alphas: [1.5, 0] },
    { name: 'm smaller than k', n: [9, 6], m: 3, k: 7, alphas: [0.6] },
  ];
  for (const { name, n, m, k, alphas } of cases) {
    for (const loss of ['frobenius', 'poisson'] as const) {
      for (const damping of [1, 0.5]) {
        it(`${name}, ${loss}, damping ${damping}`, { skip }, () => {
          const random = rng(n.length * 101 + m + k + (loss === 'poisson' ? 7 : 0) + damping * 10);
          const numTensors = tf.memory().numTensors;
          const [target, ...backgrounds] = n.map((rows) => uniformTensor(rows, m, random, 0, 3));
          const state: FactorState = {
            basis: uniformTensor(k, m, random, 0.1, 1),
            targetCoefficients: uniformTensor(n[0], k, random, 0.1, 1),
            backgroundCoefficients: n.slice(1).map((rows) => uniformTensor(rows, k, random, 0.1, 1)),
          };
          const data = { target, backgrounds };
          const params: StepParams = { loss, alphas, eps: loss === 'poisson' ? 1e-16 : 1e-10, damping };
          // core's step on cpuOps: the fused passes and basis update run (checked first)
          const probe = cpuOps.coefficientsAndStatistics({ loss, data: target, coefficients: state.targetCoefficients, basis: state.basis, eps: params.eps, damping, withStatistics: false });
          assert.ok(probe, 'the fused pass applies to dense data');
          probe.coefficients.dispose();
          const fused = composedStep({ state, data, params }, cpuOps);
          const reference = composedStep({ state, data, params }, plainOps);
          assertClose(fused.basis.dataSync(), reference.basis.dataSync(), 'basis', 2e-4);
          assertClose(fused.targetCoefficients.dataSync(), reference.targetCoefficients.dataSync(), 'target coefficients', 2e-4);
          fused.backgroundCoefficients.forEach((h, b) =>
            assertClose(h.dataSync(), reference.backgroundCoefficients[b].dataSync(), `background ${b} coefficients`, 2e-4));
          for (const s of [state, fused, reference]) tf.dispose([s.basis, s.targetCoefficients, ...s.backgroundCoefficients]);
          tf.dispose([target, ...backgrounds]);
          assert.equal(tf.memory().numTensors, numTensors, 'no tensor leaks');
        });
      }
    }
  }

  it('the fused ops return null without the native kernels, so that core composes the step', async () => {
    const a = uniformTensor(4, 3, rng(1));
    const state: FactorState = { basis: uniformTensor(2, 3, rng(2)), targetCoefficients: uniformTensor(4, 2, rng(3)), backgroundCoefficients: [] };
    try {
      const info = await configureCpuAccelerator({ native: { disable: true } });
      assert.equal(info.kernels, 'javascript');
      assert.match(info.kernelReason!, /disabled/);
      assert.equal(cpuOps.coefficientsAndStatistics({ loss: 'frobenius', data: a, coefficients: state.targetCoefficients, basis: state.basis, eps: 1e-10, damping: 1, withStatistics: true }), null);
      const statistics = { cross: state.basis, mass: tf.ones([2, 2]) as tf.Tensor2D };
      assert.equal(cpuOps.basisUpdate({ loss: 'frobenius', basis: state.basis, target: statistics, backgrounds: [], eps: 1e-10, damping: 1 }), null);
      statistics.mass.dispose();
    } finally {
      await configureCpuAccelerator({});
      tf.dispose([a, state.basis, state.targetCoefficients]);
    }
  });
});

describe('cpuOps.reconstructionSum and divergenceConstant against tfjs sums and a float64 loop', () => {
  it('squared error and Poisson log-likelihood, no tensor leaks', { skip }, () => {
    const random = rng(11);
    const numTensors = tf.memory().numTensors;
    const x = uniformTensor(203, 57, random, 0, 3);
    const h = uniformTensor(203, 6, random, 0.1, 1);
    const w = uniformTensor(6, 57, random, 0.1, 1);
    const squared = cpuOps.reconstructionSum({ kind: 'squaredError', data: x, coefficients: h, basis: w, eps: 0 })!;
    const logLikelihood = cpuOps.reconstructionSum({ kind: 'poissonLogLikelihood', data: x, coefficients: h, basis: w, eps: 1e-10 })!;
    const expected = tf.tidy(() => {
      const r = tf.matMul(h, w);
      return [tf.sum(tf.square(tf.sub(x, r))).dataSync()[0], tf.sum(tf.sub(tf.mul(x, tf.log(tf.add(r, 1e-10))), r)).dataSync()[0]];
    });
    assertClose(squared.dataSync(), [expected[0]], 'squared error', 1e-5);
    assertClose(logLikelihood.dataSync(), [expected[1]], 'log-likelihood', 1e-5);
    // Σ (X log X − X) with 0 log 0 = 0 (a few exact zeros in the data)
    const withZeros = tf.tensor2d(Float32Array.from(x.dataSync(), (v, i) => (i % 7 === 0 ? 0 : v)), x.shape);
    const constant = cpuOps.divergenceConstant(withZeros)!;
    const expectedConstant = Array.from(withZeros.dataSync()).reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0) - v, 0);
    assertClose(constant.dataSync(), [expectedConstant], 'divergence constant', 1e-5);
    tf.dispose([x, h, w, squared, logLikelihood, withZeros, constant]);
    assert.equal(tf.memory().numTensors, numTensors);
  });
});

describe('loading the native kernels', () => {
  after(async () => {
    await configureCpuAccelerator({});
  });

  it('reports the kernels in use', { skip }, async () => {
    const info = await configureCpuAccelerator({});
    assert.equal(info.kernels, 'native');
    assert.match(info.kernelLibrary!, /libbcnmf-cpu-(avx512|avx2|generic)\./);
    assert.ok(info.kernelThreads! >= 1);
    assert.equal(info.kernelReason, null);
  });

  it('says why when koffi, the library or the switch stops them', async () => {
    const noKoffi = await loadNativeKernels({ importKoffi: () => Promise.reject(new Error('no prebuilt binary')) });
    assert.match((noKoffi as { reason: string }).reason, /koffi \(FFI\) failed to load: no prebuilt binary/);
    const missing = await loadNativeKernels({ library: '/nonexistent/libbcnmf-cpu.so' });
    assert.match((missing as { reason: string }).reason, /native kernels could not be loaded \(\/nonexistent\/libbcnmf-cpu\.so: /);
    const off = await loadNativeKernels({ disable: true });
    assert.match((off as { reason: string }).reason, /disabled/);
    const notOurs = await loadNativeKernels({ library: process.platform === 'linux' ? 'libc.so.6' : 'libSystem.dylib' });
    assert.match((notOurs as { reason: string }).reason, /could not be loaded/);
  });

  it('the thread count can be chosen', { skip }, async () => {
    const one = await loadNativeKernels({ threads: 1 });
    assert.equal((one as NativeKernels).threads, 1);
    // one thread or many: the same sums in the same order within a row, so the same result
    const [n, m, k] = [300, 700, 6];
    const random = rng(5);
    const x = uniformArray(n * m, random);
    const thin = uniformArray(m * k, random);
    const a = new Float32Array(n * k);
    const b = new Float32Array(n * k);
    (one as NativeKernels).denseTimesThin(n, m, k, x, thin, a);
    native!.denseTimesThin(n, m, k, x, thin, b);
    assert.deepEqual(a, b);
  });
});
