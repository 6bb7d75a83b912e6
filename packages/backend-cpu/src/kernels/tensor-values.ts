import type * as tfjs from '@tensorflow/tfjs-core';

/**
 * The values of a float32 tensor. On tfjs-backend-cpu this is the backend's own typed
 * array (no copy): read it, never write it. Other backends copy.
 */
export function floatValues(tensor: tfjs.Tensor): Float32Array {
  if (tensor.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${tensor.dtype}`);
  return tensor.dataSync() as Float32Array;
}

/** The values of an int32 tensor (no copy on tfjs-backend-cpu). */
export function intValues(tensor: tfjs.Tensor): Int32Array {
  if (tensor.dtype !== 'int32') throw new Error(`expected an int32 tensor, got ${tensor.dtype}`);
  return tensor.dataSync() as Int32Array;
}

/** `rows x columns` row-major `values` transposed into a new array. */
export function transposeValues(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    const row = i * columns;
    for (let j = 0; j < columns; j++) out[j * rows + i] = values[row + j];
  }
  return out;
}
