import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { registeredBackend, useBackend } from '../../backend/registry.js';
import { uploadMatrix } from '../../compute/data-tensor.js';
import { plainOps } from '../../compute/plain-ops.js';
import { applyBasisUpdate, coefficientsAndStatistics, step } from '../../compute/updates.js';
import type { ComputeOps } from '../../contract/compute-ops.js';
import { isSparse, type DataTensor, type FactorState, type SparseTensor } from '../../contract/tensors.js';
import { LOSS_NAMES, LOSSES } from '../../losses/index.js';
import { CsrMatrix } from '../../matrix/csr-matrix.js';
import { DenseMatrix } from '../../matrix/dense-matrix.js';
import { maxRelativeDifference, rng } from '../reference.js';

/** Shapes at which every operation is compared: odd sizes, k from 1 to 27, m < k. */
const SHAPES: readonly { n: number; m: number; k: number }[] = [
  { n: 1, m: 1, k: 1 },
  { n: 37, m: 29, k: 5 },
  { n: 70, m: 130, k: 24 },
  { n: 13, m: 4, k: 7 },
  { n: 64, m: 67, k: 27 },
];

function uniform(rows: number, columns: number, random: () => number, low: number, high: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: rows * columns }, () => low + (high - low) * random()), [rows, columns]);
}

/** Count-like data with a share of zeros, dense and as core's sparse form. */
function dataPair(n: number, m: number, random: () => number): { dense: tf.Tensor2D; sparse: SparseTensor } {
  const values = Float32Array.from({ length: n * m }, () => (random() < 0.4 ? 0 : Math.floor(1 + 9 * random()) / 3));
  const matrix = new DenseMatrix({ data: values, shape: [n, m] });
  return { dense: tf.tensor2d(values, [n, m]), sparse: uploadMatrix(CsrMatrix.fromDense(matrix)) as SparseTensor };
}

async function values(t: tf.Tensor | SparseTensor): Promise<Float32Array> {
  return (await (isSparse(t) ? t.values : t).data()) as Float32Array;
}

function dispose(...items: (tf.Tensor | SparseTensor | null | undefined)[]): void {
  for (const item of items) {
    if (!item) continue;
    if (isSparse(item)) tf.dispose([item.rowIds, item.colIds, item.values]);
    else item.dispose();
  }
}

async function close(actual: tf.Tensor | SparseTensor, expected: tf.Tensor | SparseTensor, tolerance: number, what: string): Promise<void> {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const difference = maxRelativeDifference(await values(actual), await values(expected), 1e-3);
  assert.ok(difference < tolerance, `${what}: max relative difference ${difference} (tolerance ${tolerance})`);
}

/**
 * Each operation the backend's adapter provides (`adapter.ops`) against core's plain
 * tfjs operations, on the same backend, at odd shapes, dense and sparse, with no tensors
 * left behind; the fused levels (per data set, basis update, whole step, score sums)
 * against core's composition of the plain ones.
 */
export function opsSuite(backend: string, tolerance = 2e-4): void {
  describe(`${backend}: its ComputeOps match core's plain tfjs ops`, () => {
    let ops: Partial<ComputeOps> = {};
    before(async () => {
      await useBackend(backend);
      ops = registeredBackend(backend)?.ops ?? {};
    });

    it('provides only operations that core defines', () => {
      const known = new Set(Object.keys(plainOps).concat(['reconstructionSum', 'divergenceConstant', 'coefficientsAndStatistics', 'basisUpdate', 'step', 'stage', 'submit']));
      for (const name of Object.keys(ops)) assert.ok(known.has(name), `unknown operation ${name}`);
    });

    it('stage and submit (where provided) leave every value as it was, with nothing left behind', async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      const ids = tf.tensor1d([0, 1, 1], 'int32');
      const empty = tf.tensor1d([], 'float32');
      ops.submit?.(); // nothing queued
      ops.stage?.([x, ids, empty]);
      const doubled = tf.mul(x, 2);
      ops.submit?.();
      ops.submit?.();
      assert.deepEqual(await x.array(), [[1, 2, 3], [4, 5, 6]]);
      assert.deepEqual(await ids.array(), [0, 1, 1]);
      assert.deepEqual(await doubled.array(), [[2, 4, 6], [8, 10, 12]]);
      tf.dispose([x, ids, empty, doubled]);
      assert.equal(tf.memory().numTensors, before);
    });

    for (const { n, m, k } of SHAPES) {
      const label = `n ${n}, m ${m}, k ${k}`;
      it(`the products, the update and the ratios (${label})`, async () => {
        await useBackend(backend);
        const random = rng(`ops ${label}`);
        const { dense, sparse } = dataPair(n, m, random);
        const thin = uniform(m, k, random, 0.1, 1);
        const thinT = uniform(k, n, random, 0.1, 1);
        const coefficients = uniform(n, k, random, 0.1, 1);
        const basis = uniform(k, m, random, 0.1, 1);
        const denominatorRow = uniform(1, k, random, 0.1, 1);
        const before = tf.memory().numTensors;
        const pairs: [string, () => tf.Tensor | SparseTensor | null | undefined, () => tf.Tensor | SparseTensor][] = [
          ['dataTimesThin', () => ops.dataTimesThin?.(dense, thin), () => plainOps.dataTimesThin(dense, thin)],
          ['thinTransposedTimesData', () => ops.thinTransposedTimesData?.(thinT, dense), () => plainOps.thinTransposedTimesData(thinT, dense)],
          ['sparseTimesThin', () => ops.sparseTimesThin?.(sparse, thin), () => plainOps.sparseTimesThin(sparse, thin)],
          ['thinTransposedTimesSparse', () => ops.thinTransposedTimesSparse?.(thinT, sparse), () => plainOps.thinTransposedTimesSparse(thinT, sparse)],
          ['poissonRatio', () => ops.poissonRatio?.({ data: dense, coefficients, basis, eps: 1e-6 }), () => plainOps.poissonRatio({ data: dense, coefficients, basis, eps: 1e-6 })],
          ['sparseReconstruction', () => ops.sparseReconstruction?.({ data: sparse, coefficients, basis }), () => plainOps.sparseReconstruction({ data: sparse, coefficients, basis })],
          ['sparsePoissonRatio', () => ops.sparsePoissonRatio?.({ data: sparse, coefficients, basis, eps: 1e-6 }), () => plainOps.sparsePoissonRatio({ data: sparse, coefficients, basis, eps: 1e-6 })],
        ];
        for (const damping of [1, 0.5, 0.7]) {
          for (const [shape, denominator] of [['whole', coefficients], ['row', denominatorRow]] as const) {
            // numerator = 2 H: a ratio of about 2 / denominator, damped
            const args = () => ({ current: coefficients, numerator: tf.mul(coefficients, 2) as tf.Tensor2D, denominator, eps: 1e-9, damping });
            pairs.push([
              `multiplicativeUpdate (${shape} denominator, damping ${damping})`,
              () => (ops.multiplicativeUpdate ? tf.tidy(() => ops.multiplicativeUpdate!(args())) : null),
              () => tf.tidy(() => plainOps.multiplicativeUpdate(args())),
            ]);
          }
        }
        for (const [name, provided, plain] of pairs) {
          const actual = provided();
          if (!actual) continue;
          const expected = plain();
          await close(actual, expected, tolerance, name);
          // a sparse ratio shares the data's indices: free its values only
          if (isSparse(actual) && isSparse(expected)) tf.dispose([actual.values, expected.values]);
          else dispose(actual, expected);
        }
        assert.equal(tf.memory().numTensors, before, 'tensors left behind');
        dispose(dense, sparse, thin, thinT, coefficients, basis, denominatorRow);
      });

      for (const loss of LOSS_NAMES) {
        it(`the fused levels for ${loss} (${label})`, async () => {
          await useBackend(backend);
          const own = { ...plainOps, ...ops } as ComputeOps;
          const random = rng(`fused ${loss} ${label}`);
          const rule = { loss: LOSSES[loss], eps: LOSSES[loss].defaults.eps, damping: 0.7 };
          const target = dataPair(n, m, random);
          const background = dataPair(Math.max(1, n - 3), m, random);
          const state: FactorState = {
            basis: uniform(k, m, random, 0.1, 1),
            targetCoefficients: uniform(n, k, random, 0.1, 1),
            backgroundCoefficients: [uniform(Math.max(1, n - 3), k, random, 0.1, 1)],
          };
          const before = tf.memory().numTensors;
          for (const layout of ['dense', 'sparse'] as const) {
            const data: DataTensor = target[layout];
            const factors = { data, coefficients: state.targetCoefficients, basis: state.basis };
            const fused = coefficientsAndStatistics(own, rule, factors, true);
            const composed = coefficientsAndStatistics(plainOps, rule, factors, true);
            await close(fused.coefficients, composed.coefficients, tolerance, `${layout} coefficients`);
            await close(fused.statistics!.cross, composed.statistics!.cross, tolerance, `${layout} statistics.cross`);
            await close(fused.statistics!.mass, composed.statistics!.mass, tolerance, `${layout} statistics.mass`);
            const backgrounds = [{ statistics: composed.statistics!, alpha: 0.6 }];
            const updated = applyBasisUpdate(own, rule, state.basis, composed.statistics!, backgrounds);
            const reference = applyBasisUpdate(plainOps, rule, state.basis, composed.statistics!, backgrounds);
            await close(updated, reference, tolerance, `${layout} basis update`);
            for (const score of [LOSSES[loss].scoreSum(own, { ...factors, eps: rule.eps })]) {
              const plain = LOSSES[loss].scoreSum(plainOps, { ...factors, eps: rule.eps });
              await close(score, plain, Math.max(tolerance, 1e-4), `${layout} score sum`);
              dispose(score, plain);
            }
            dispose(fused.coefficients, fused.statistics!.cross, fused.statistics!.mass, composed.coefficients,
              composed.statistics!.cross, composed.statistics!.mass, updated, reference);
            const data2 = { target: target[layout], backgrounds: [background[layout]] };
            const whole = step(own, rule, [0.6], state, data2);
            const parts = step(plainOps, rule, [0.6], state, data2);
            await close(whole.basis, parts.basis, tolerance * 2, `${layout} step: basis`);
            await close(whole.targetCoefficients, parts.targetCoefficients, tolerance * 2, `${layout} step: target coefficients`);
            dispose(whole.basis, whole.targetCoefficients, ...whole.backgroundCoefficients, parts.basis, parts.targetCoefficients, ...parts.backgroundCoefficients);
          }
          assert.equal(tf.memory().numTensors, before, 'tensors left behind');
          dispose(target.dense, target.sparse, background.dense, background.sparse, state.basis, state.targetCoefficients, ...state.backgroundCoefficients);
        });
      }
    }
  });
}
