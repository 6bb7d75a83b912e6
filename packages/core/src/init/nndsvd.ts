import * as tf from '@tensorflow/tfjs-core';
import { Matrix, QrDecomposition, SingularValueDecomposition, pseudoInverse } from 'ml-matrix';
import { dataShape, dataSize } from '../compute/data-tensor.js';
import { dataTimes, timesData } from '../compute/products.js';
import type { ComputeOps } from '../contract/compute-ops.js';
import { isSparse, type DataTensor } from '../contract/tensors.js';
import { normalArray, startGenerator } from '../random.js';

/** The top singular triplets of a matrix: X ≈ U diag(s) Vᵀ. */
export interface TruncatedSvd {
  /** n x k left singular vectors. */
  u: Matrix;
  /** k singular values, largest first. */
  s: number[];
  /** m x k right singular vectors. */
  v: Matrix;
}

function toMatrix(values: ArrayLike<number>, rows: number, columns: number): Matrix {
  const m = new Matrix(rows, columns);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) m.set(i, j, values[i * columns + j]);
  }
  return m;
}

function toTensor(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.to1DArray()), [m.rows, m.columns]);
}

function orthonormalColumns(m: Matrix): Matrix {
  return new QrDecomposition(m).orthogonalMatrix;
}

/**
 * The top `k` singular triplets of `data` (n x m) by randomized subspace iteration
 * (Halko, Martinsson & Tropp 2011: k + 10 probe vectors, 4 power iterations). The two
 * products with the data run on the tfjs backend; everything k-sized runs in float64
 * with ml-matrix. Exact when k + 10 >= rank(data).
 */
export async function truncatedSvd(ops: ComputeOps, data: DataTensor, k: number, seed: number): Promise<TruncatedSvd> {
  const [rows, columns] = dataShape(data);
  const probes = Math.min(k + 10, rows, columns);
  const random = startGenerator(seed, 0, 'svd');
  const omega = toMatrix(normalArray(random, columns * probes), columns, probes);

  // times(B) = X B (n x p); transposedTimes(Q) = Xᵀ Q (m x p), computed as (Qᵀ X)ᵀ so
  // that no product asks for a transposed operand.
  const times = async (b: Matrix): Promise<Matrix> => {
    const product = tf.tidy(() => dataTimes(ops, data, toTensor(b)));
    const values = await product.data();
    product.dispose();
    return toMatrix(values, rows, b.columns);
  };
  const transposedTimes = async (q: Matrix): Promise<Matrix> => {
    const product = tf.tidy(() => timesData(ops, toTensor(q.transpose()), data));
    const values = await product.data();
    product.dispose();
    return toMatrix(values, q.columns, columns).transpose();
  };

  let q = orthonormalColumns(await times(omega));
  for (let i = 0; i < 4; i++) {
    const z = orthonormalColumns(await transposedTimes(q));
    q = orthonormalColumns(await times(z));
  }
  // B = Qᵀ X (p x m); its SVD through Bᵀ = U_b S V_bᵀ (m x p, tall): B = V_b S U_bᵀ.
  const bT = await transposedTimes(q);
  const svd = new SingularValueDecomposition(bT, { autoTranspose: true });
  const order = svd.diagonal.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).slice(0, k);
  const u = q.mmul(svd.rightSingularVectors);
  const pick = (m: Matrix): Matrix => {
    const out = new Matrix(m.rows, order.length);
    order.forEach(([, index], j) => out.setColumn(j, m.getColumn(index)));
    return out;
  };
  return { u: pick(u), s: order.map(([s]) => s), v: pick(svd.leftSingularVectors) };
}

/** The mean over all entries (zeros included). */
async function meanOf(data: DataTensor): Promise<number> {
  const total = tf.tidy(() => tf.sum(isSparse(data) ? data.values : data));
  const sum = (await total.data())[0];
  total.dispose();
  return sum / dataSize(data);
}

function positivePart(values: number[]): number[] {
  return values.map((v) => (v > 0 ? v : 0));
}

function negativePart(values: number[]): number[] {
  return values.map((v) => (v < 0 ? -v : 0));
}

function norm(values: number[]): number {
  return Math.sqrt(values.reduce((sum, v) => sum + v * v, 0));
}

/** NNDSVD factors in the public layout. */
export interface NndsvdFactors {
  /** k x m basis. */
  basis: Float32Array;
  /** n x k coefficients. */
  coefficients: Float32Array;
  /** How many entries were zero before filling (nndsvda fills them). */
  zeros: number;
}

/**
 * Non-negative double SVD (Boutsidis & Gallopoulos 2008) of `data` (n x m), as
 * scikit-learn's `_initialize_nmf`: the leading pair from |u₁|, |v₁|; each further
 * pair from the dominant positive or negative parts of uⱼ, vⱼ. Values below 1e-6 are
 * zeroed; with `fill` ('nndsvda') zeros become the mean of the data.
 */
export async function nndsvd(
  ops: ComputeOps,
  data: DataTensor,
  k: number,
  fill: boolean,
  seed: number,
): Promise<NndsvdFactors> {
  const [rows, columns] = dataShape(data);
  const { u, s, v } = await truncatedSvd(ops, data, k, seed);
  const basis = new Float32Array(k * columns);
  const coefficients = new Float32Array(rows * k);
  for (let j = 0; j < k; j++) {
    const uj = j < s.length ? u.getColumn(j) : new Array<number>(rows).fill(0);
    const vj = j < s.length ? v.getColumn(j) : new Array<number>(columns).fill(0);
    const sj = j < s.length ? s[j] : 0;
    let left: number[];
    let right: number[];
    let scale: number;
    if (j === 0) {
      left = uj.map(Math.abs);
      right = vj.map(Math.abs);
      scale = Math.sqrt(sj);
    } else {
      const [up, un, vp, vn] = [positivePart(uj), negativePart(uj), positivePart(vj), negativePart(vj)];
      const [upNorm, unNorm, vpNorm, vnNorm] = [norm(up), norm(un), norm(vp), norm(vn)];
      const positiveMass = upNorm * vpNorm;
      const negativeMass = unNorm * vnNorm;
      if (positiveMass > negativeMass) {
        left = up.map((x) => x / upNorm);
        right = vp.map((x) => x / vpNorm);
        scale = Math.sqrt(sj * positiveMass);
      } else if (negativeMass > 0) {
        left = un.map((x) => x / unNorm);
        right = vn.map((x) => x / vnNorm);
        scale = Math.sqrt(sj * negativeMass);
      } else {
        left = new Array<number>(rows).fill(0);
        right = new Array<number>(columns).fill(0);
        scale = 0;
      }
    }
    for (let i = 0; i < rows; i++) coefficients[i * k + j] = scale * left[i];
    for (let f = 0; f < columns; f++) basis[j * columns + f] = scale * right[f];
  }
  let zeros = 0;
  let mean = 0;
  if (fill) mean = await meanOf(data);
  for (const array of [basis, coefficients]) {
    for (let i = 0; i < array.length; i++) {
      if (array[i] < 1e-6) {
        array[i] = fill ? mean : 0;
        zeros++;
      }
    }
  }
  return { basis, coefficients, zeros };
}

/**
 * Background coefficients for a given basis: the least-squares coefficients
 * Y Wᵀ (W Wᵀ)⁺ clipped at zero, zeros replaced by the background's mean (so that the
 * multiplicative updates can move them).
 */
export async function projectOntoBasis(
  ops: ComputeOps,
  data: DataTensor,
  basis: Float32Array,
  k: number,
): Promise<Float32Array> {
  const columns = dataShape(data)[1];
  const w = toMatrix(basis, k, columns);
  const pinv = pseudoInverse(w.mmul(w.transpose()));
  const product = tf.tidy(() => {
    const basisT = tf.transpose(tf.tensor2d(basis, [k, columns]));
    return tf.matMul(dataTimes(ops, data, basisT), toTensor(pinv));
  });
  const values = Float32Array.from(await product.data());
  product.dispose();
  const mean = await meanOf(data);
  for (let i = 0; i < values.length; i++) if (!(values[i] > 1e-6)) values[i] = mean;
  return values;
}
