// The benchmark's data: seeded uniform dense matrices and sparse count-like CSR matrices
// (the values do not change the timing; the density and the shapes do).
import { CsrMatrix, DenseMatrix } from '../../packages/core/src/index.js';

/** A seeded xorshift32 generator of numbers in [0, 1). */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** rows x columns uniform in [0, 1) from a fixed seed. */
export function uniformDense(rows: number, columns: number, seed: number): DenseMatrix {
  const data = new Float32Array(rows * columns);
  const random = xorshift(seed);
  for (let i = 0; i < data.length; i++) data[i] = random();
  return new DenseMatrix({ data, shape: [rows, columns] });
}

/**
 * rows x columns count-like CSR data (values 1..9) with each entry stored with
 * probability `density`: the columns of a row are drawn by geometric gaps, so the
 * work is proportional to the stored entries, not to rows x columns.
 */
export function sparseCounts(rows: number, columns: number, density: number, seed: number): CsrMatrix {
  if (!(density > 0 && density <= 1)) throw new RangeError(`density must be in (0, 1], got ${density}`);
  const random = xorshift(seed);
  const expected = Math.ceil(rows * columns * density * 1.01 + 64);
  let indices: Int32Array = new Int32Array(expected);
  let data: Float32Array = new Float32Array(expected);
  const indptr = new Int32Array(rows + 1);
  const logKeep = Math.log(1 - Math.min(density, 1 - 1e-9));
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    let j = -1;
    for (;;) {
      // the gap to the next stored column: geometric with success probability `density`
      j += density >= 1 ? 1 : 1 + Math.floor(Math.log(1 - random()) / logKeep);
      if (j >= columns) break;
      if (nnz === indices.length) {
        indices = growInt(indices);
        data = growFloat(data);
      }
      indices[nnz] = j;
      data[nnz] = 1 + Math.floor(9 * random());
      nnz++;
    }
    indptr[i + 1] = nnz;
  }
  return new CsrMatrix({ indptr, indices: indices.subarray(0, nnz), data: data.subarray(0, nnz), shape: [rows, columns] });
}

function growInt(a: Int32Array): Int32Array {
  const b = new Int32Array(Math.ceil(a.length * 1.5) + 16);
  b.set(a);
  return b;
}

function growFloat(a: Float32Array): Float32Array {
  const b = new Float32Array(Math.ceil(a.length * 1.5) + 16);
  b.set(a);
  return b;
}
