import '@tensorflow/tfjs-backend-cpu';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { disposeData, sparseSizeClass, uploadMatrix } from '../src/compute/data-tensor.js';
import { plainOps } from '../src/compute/plain-ops.js';
import { poissonDivergenceConstant, poissonLogLikelihoodSum, squaredErrorSum } from '../src/compute/score-sums.js';
import type { SparseTensor } from '../src/contract/tensors.js';
import { CsrMatrix } from '../src/matrix/csr-matrix.js';
import { DenseMatrix } from '../src/matrix/dense-matrix.js';
import { rng } from '../src/testing/reference.js';

// CSR batches padded with zero entries to a size class (what minibatch fits upload to a
// device that stages batches): every sum over the stored entries is unchanged.
await tf.setBackend('cpu');

function counts(rows: number, columns: number, density: number, seed: string): CsrMatrix {
  const random = rng(seed);
  const data = new Float32Array(rows * columns);
  for (let i = 1; i < rows; i++) for (let j = 0; j < columns; j++) if (random() < density) data[i * columns + j] = 1 + Math.floor(random() * 9);
  return CsrMatrix.fromDense(new DenseMatrix({ data, shape: [rows, columns] })); // row 0 stays empty
}

describe('CSR size classes', () => {
  it('rounds up to a multiple of 2^(floor(log2 nnz) - 3) (steps of at least 256): at most 1/8 more, or 255 entries', () => {
    assert.equal(sparseSizeClass(0), 0);
    assert.equal(sparseSizeClass(1), 256);
    assert.equal(sparseSizeClass(256), 256);
    assert.equal(sparseSizeClass(2047), 2048);
    assert.equal(sparseSizeClass(2049), 2304); // 2^11: steps of 256
    assert.equal(sparseSizeClass(1_000_000), 1_048_576); // 2^19: steps of 65,536
    for (let nnz = 1; nnz < 5_000_000; nnz = Math.ceil(nnz * 1.37)) {
      const padded = sparseSizeClass(nnz);
      assert.ok(padded >= nnz && padded - nnz <= Math.max(nnz / 8, 255), `${nnz} → ${padded}`);
    }
    // batches of one density share a class: 10,000 x 2,000 at 5% is 1,000,000 ± about 1,000
    assert.equal(sparseSizeClass(997_000), sparseSizeClass(1_003_000));
  });

  it('padded data give the same products and score sums, with sorted row ids and zero values in the padding', async () => {
    const before = tf.memory().numTensors;
    const matrix = counts(37, 23, 0.12, 'padding');
    const plain = uploadMatrix(matrix) as SparseTensor;
    const padded = uploadMatrix(matrix, { sizeClasses: true }) as SparseTensor;
    const size = sparseSizeClass(matrix.nnz);
    assert.ok(size > matrix.nnz);
    assert.equal(padded.values.size, size);
    const rowIds = Array.from(await padded.rowIds.data());
    assert.ok(rowIds.every((r, i) => i === 0 || r >= rowIds[i - 1]), 'row ids sorted');
    assert.ok(rowIds.includes(0), 'the empty row shares the padding');
    const values = Array.from(await padded.values.data());
    assert.equal(values.filter((v) => v !== 0).length, matrix.nnz);
    assert.equal(values.reduce((a, b) => a + b, 0), Array.from(matrix.data).reduce((a, b) => a + b, 0));

    const random = rng('factors');
    const k = 4;
    const thin = tf.tensor2d(Float32Array.from({ length: 23 * k }, () => 0.1 + random()), [23, k]);
    const thinT = tf.tensor2d(Float32Array.from({ length: k * 37 }, () => 0.1 + random()), [k, 37]);
    const coefficients = tf.transpose(thinT) as tf.Tensor2D;
    const basis = tf.transpose(thin) as tf.Tensor2D;
    const close = async (a: tf.Tensor, b: tf.Tensor, what: string) => {
      const [x, y] = [await a.data(), await b.data()];
      x.forEach((v, i) => assert.ok(Math.abs(v - y[i]) <= 1e-5 * Math.max(1, Math.abs(y[i])), `${what}[${i}]: ${v} vs ${y[i]}`));
      tf.dispose([a, b]);
    };
    await close(plainOps.sparseTimesThin(padded, thin), plainOps.sparseTimesThin(plain, thin), 'X · thin');
    await close(plainOps.thinTransposedTimesSparse(thinT, padded), plainOps.thinTransposedTimesSparse(thinT, plain), 'thinT · X');
    const args = (data: SparseTensor) => ({ data, coefficients, basis, eps: 1e-10 });
    await close(squaredErrorSum(plainOps, args(padded)), squaredErrorSum(plainOps, args(plain)), 'squared error');
    await close(poissonLogLikelihoodSum(plainOps, args(padded)), poissonLogLikelihoodSum(plainOps, args(plain)), 'Poisson log-likelihood');
    await close(poissonDivergenceConstant(plainOps, padded), poissonDivergenceConstant(plainOps, plain), 'divergence constant');
    const ratio = plainOps.sparsePoissonRatio({ data: padded, coefficients, basis, eps: 1e-10 });
    const plainRatio = plainOps.sparsePoissonRatio({ data: plain, coefficients, basis, eps: 1e-10 });
    await close(plainOps.thinTransposedTimesSparse(thinT, ratio), plainOps.thinTransposedTimesSparse(thinT, plainRatio), 'thinT · ratio');
    tf.dispose([ratio.values, plainRatio.values, thin, thinT, coefficients, basis]);
    disposeData(plain);
    disposeData(padded);
    assert.equal(tf.memory().numTensors, before);
  });

  it('never pads a stored position, nor one twice: with few features the padding stops at the free positions, and the sums hold', async () => {
    const before = tf.memory().numTensors;
    // 16 x 10 at 10%: a class of 256 entries, more than the 160 positions
    const matrix = counts(16, 10, 0.1, 'few features');
    const plain = uploadMatrix(matrix) as SparseTensor;
    const padded = uploadMatrix(matrix, { sizeClasses: true }) as SparseTensor;
    const rows = Array.from(await padded.rowIds.data());
    const cols = Array.from(await padded.colIds.data());
    const positions = new Set(rows.map((r, i) => r * 10 + cols[i]));
    assert.equal(positions.size, rows.length, 'a position twice');
    assert.equal(rows.length, 16 * 10, 'every free position padded, no more');
    assert.ok(rows.every((r, i) => i === 0 || r >= rows[i - 1]), 'row ids sorted');
    const random = rng('few');
    const coefficients = tf.tensor2d(Float32Array.from({ length: 16 * 3 }, () => 0.1 + random()), [16, 3]);
    const basis = tf.tensor2d(Float32Array.from({ length: 3 * 10 }, () => 0.1 + random()), [3, 10]);
    for (const sum of [squaredErrorSum, poissonLogLikelihoodSum]) {
      const [a, b] = [sum(plainOps, { data: padded, coefficients, basis, eps: 1e-10 }), sum(plainOps, { data: plain, coefficients, basis, eps: 1e-10 })];
      const [x, y] = [(await a.data())[0], (await b.data())[0]];
      assert.ok(Math.abs(x - y) <= 1e-5 * Math.abs(y), `${sum.name}: padded ${x}, unpadded ${y}`);
      tf.dispose([a, b]);
    }
    tf.dispose([coefficients, basis]);
    disposeData(plain);
    disposeData(padded);
    assert.equal(tf.memory().numTensors, before);
  });

  it('leaves dense data, empty CSR data and uploads without the option as they were', async () => {
    const empty = uploadMatrix(CsrMatrix.fromDense(new DenseMatrix({ data: new Float32Array(6), shape: [2, 3] })), { sizeClasses: true }) as SparseTensor;
    assert.equal(empty.values.size, 0);
    disposeData(empty);
    const matrix = counts(10, 8, 0.3, 'plain');
    const plain = uploadMatrix(matrix) as SparseTensor;
    assert.equal(plain.values.size, matrix.nnz);
    disposeData(plain);
    const dense = uploadMatrix(DenseMatrix.fromRows([[1, 0], [0, 2]]), { sizeClasses: true }) as tf.Tensor2D;
    assert.deepEqual(dense.shape, [2, 2]);
    dense.dispose();
  });
});
