import * as tf from '@tensorflow/tfjs-core';

/** A small seeded generator (mulberry32), so that failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniformArray(length: number, random: () => number, low = 0, high = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = low + (high - low) * random();
  return out;
}

export function uniformTensor(rows: number, columns: number, random: () => number, low = 0, high = 1): tf.Tensor2D {
  return tf.tensor2d(uniformArray(rows * columns, random, low, high), [rows, columns]);
}

/** Row-major float64 product of a (r x s) and b (s x t): the references of the native kernel tests. */
export function product(a: ArrayLike<number>, b: ArrayLike<number>, r: number, s: number, t: number): Float64Array {
  const out = new Float64Array(r * t);
  for (let i = 0; i < r; i++) {
    for (let p = 0; p < s; p++) {
      const v = a[i * s + p];
      for (let j = 0; j < t; j++) out[i * t + j] += v * b[p * t + j];
    }
  }
  return out;
}

/** a (rows x columns, row-major) transposed, in float64. */
export function transpose(a: ArrayLike<number>, rows: number, columns: number): Float64Array {
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) out[j * rows + i] = a[i * columns + j];
  return out;
}

/** Largest |a − b| / max(|b|, floor) over the entries. */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-6): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** A random sparse matrix as CSR arrays with about `density` of the entries stored. */
export function randomCsr(rows: number, columns: number, density: number, random: () => number) {
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      if (random() < density) {
        indices.push(j);
        data.push(0.1 + 3 * random());
      }
    }
    indptr[i + 1] = indices.length;
  }
  return { indptr, indices: Int32Array.from(indices), data: Float32Array.from(data), shape: [rows, columns] as [number, number] };
}
