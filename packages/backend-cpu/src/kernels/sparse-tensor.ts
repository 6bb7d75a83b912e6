import type { SparseTensor } from '@bcnmf/core';
import type * as tfjs from '@tensorflow/tfjs-core';
import { floatValues, intValues } from './tensor-values.js';

const rowPointers = new WeakMap<tfjs.Tensor, Int32Array>();
/** One past the largest column index of a colIds tensor (Infinity if one is negative). */
const columnBounds = new WeakMap<tfjs.Tensor, number>();

/**
 * CSR row pointers (rows + 1) from the sorted row ids, made once per row-id tensor (a
 * Poisson ratio shares its data's, so it reuses them). Throws where the row ids are not
 * sorted or not within the rows.
 */
export function csrRowPointers(data: SparseTensor): Int32Array {
  const n = data.shape[0];
  let indptr = rowPointers.get(data.rowIds);
  if (!indptr || indptr.length !== n + 1) {
    const rows = intValues(data.rowIds);
    indptr = new Int32Array(n + 1);
    let previous = 0;
    for (let p = 0; p < rows.length; p++) {
      const row = rows[p];
      if (!(row >= previous && row < n)) {
        throw new Error(`sparse data: row id ${row} at entry ${p} is ${row < previous ? 'out of order' : `not within ${n} rows`}`);
      }
      previous = row;
      indptr[row + 1]++;
    }
    for (let i = 0; i < n; i++) indptr[i + 1] += indptr[i];
    rowPointers.set(data.rowIds, indptr);
  }
  return indptr;
}

/**
 * The CSR arrays of `data` for the native kernels, which trust them: row pointers,
 * column indices and values, checked (row ids sorted and within the rows, column ids
 * within the columns, one value per entry; the index checks once per index tensor).
 */
export function csrArrays(data: SparseTensor): { indptr: Int32Array; indices: Int32Array; values: Float32Array } {
  const [, m] = data.shape;
  const indptr = csrRowPointers(data);
  const indices = intValues(data.colIds);
  const values = floatValues(data.values);
  let bound = columnBounds.get(data.colIds);
  if (bound === undefined) {
    bound = 0;
    for (let p = 0; p < indices.length; p++) {
      const c = indices[p];
      if (c < 0) bound = Infinity;
      else if (c >= bound) bound = c + 1;
    }
    columnBounds.set(data.colIds, bound);
  }
  if (bound > m) throw new Error(`sparse data: a column id is not within ${m} columns`);
  if (indices.length !== indptr[indptr.length - 1] || values.length !== indices.length) {
    throw new Error(
      `sparse data: ${indptr[indptr.length - 1]} row ids, ${indices.length} column ids and ${values.length} values`,
    );
  }
  return { indptr, indices, values };
}
