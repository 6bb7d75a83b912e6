import type { TensorInfo } from '@tensorflow/tfjs-core';
import { derivedIndex } from './sparse-index-cache.js';
import { FLAT_WORKGROUP, flatDispatch, type KernelProgram, type WebGPUBackendLike } from './shared.js';

/**
 * CSR row pointers from the row ids (sorted, as core's `SparseTensor` keeps them): a
 * thread per row i in [0, n] writes the first entry whose row id is >= i, found by
 * binary search (so that entries n + 1 = nnz and an empty row points where the next
 * starts). Row ids outside [0, n) are not checked here (core checks the CSR on the host).
 */
export class SparseRowPointersProgram implements KernelProgram {
  variableNames = ['rows'];
  outputShape: number[];
  shaderKey = 'bcnmfSparseRowPointers';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [FLAT_WORKGROUP, 1, 1];

  constructor(rows: number) {
    this.outputShape = [rows + 1];
    this.dispatch = flatDispatch(rows + 1);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.outShape) { return; }
        var low = 0;
        var high = uniforms.rowsShape;
        while (low < high) {
          let middle = (low + high) / 2;
          if (rows[middle] < index) { low = middle + 1; } else { high = middle; }
        }
        result[index] = low;
      }
    `;
  }
}

/** The row pointers (rows + 1, int32) of the sparse data with these row ids, made once per row-id tensor. */
export function sparseRowPointers(backend: WebGPUBackendLike, rowIds: TensorInfo, rows: number): TensorInfo {
  const [pointers] = derivedIndex(backend, `rowPointers ${rows}`, [rowIds.dataId], () => [
    backend.runWebGPUProgram(new SparseRowPointersProgram(rows), [rowIds], 'int32'),
  ]);
  return pointers;
}
