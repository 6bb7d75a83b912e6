import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { sparseColumnIndex } from './sparse-column-index.js';
import { checkSparse, type SparseInputs } from './sparse-index-cache.js';
import { checkMatrices, columnChunk, spread, unroll, type KernelProgram, type WebGPUBackendLike } from './shared.js';

/** thinT (k x n) · sparse data (n x m, CSR) → k x m: the basis update's product (Hᵀ X) for sparse data. */
export const THIN_TRANSPOSED_TIMES_SPARSE = 'BcnmfThinTransposedTimesSparse';

const LANES = 32; // threads that share one column, striding over its entries
const GROUPS = 4; // columns per workgroup

/**
 * Column j of the result is Σ value_p · thinT[:, row_p] over the entries p of column j
 * of the data. The entries are read through the column-major index (made once per data
 * set, see sparse-column-index.ts), so each output column is summed in one place: no
 * scatter, no float atomics (WGSL has none), and the sums come out in the same order
 * on every run. A workgroup of 4 x 32 threads computes 4 columns for a chunk of up to 24
 * rows of the result: the 32 lanes of a column walk its entries with a stride of 32
 * (coalesced reads of the (row, entry) pairs, then the entry's value and kChunk values
 * of thinT's column for its row), and their sums are added through workgroup memory.
 */
export class ThinTransposedTimesSparseProgram implements KernelProgram {
  variableNames = ['h', 'pointers', 'entries', 'vals'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [1], y: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [LANES * GROUPS, 1, 1];
  private readonly chunk: number;

  constructor(k: number, columns: number) {
    this.outputShape = [k, columns];
    this.chunk = columnChunk(k);
    const [x, z] = spread(Math.ceil(columns / GROUPS));
    this.dispatch = [x, Math.ceil(k / this.chunk), z];
    this.shaderKey = `bcnmfThinTransposedTimesSparse_${this.chunk}`;
  }

  getUserCode(): string {
    const KT = this.chunk;
    const stride = GROUPS * KT + 1; // odd: the lanes' stores hit different banks
    return `
      var<workgroup> partial: array<f32, ${LANES * stride}>;
      fn main() {
        let k = uniforms.hShape[0];
        let n = uniforms.hShape[1];
        let m = uniforms.pointersShape - 1;
        let block = i32(workgroupId.z * numWorkgroups.x + workgroupId.x);
        let c0 = i32(workgroupId.y) * ${KT};
        let tid = i32(localIndex);
        let lane = tid % ${LANES};
        let group = tid / ${LANES};
        let column = block * ${GROUPS} + group;
        // no early return: every thread reaches the barrier (columns past m have no entries)
        var start = 0;
        var end = 0;
        if (column < m) {
          start = pointers[column];
          end = pointers[column + 1];
        }
        ${unroll(KT, (c) => `let base${c} = min(c0 + ${c}, k - 1) * n;\n        var a${c} = 0.0;`)}
        for (var q = start + lane; q < end; q = q + ${LANES}) {
          let row = entries[2 * q];
          let v = vals[entries[2 * q + 1]];
          ${unroll(KT, (c) => `a${c} = fma(v, h[base${c} + row], a${c});`)}
        }
        ${unroll(KT, (c) => `partial[lane * ${stride} + group * ${KT} + ${c}] = a${c};`)}
        workgroupBarrier();
        if (tid < ${GROUPS * KT}) {
          var sum = 0.0;
          for (var l = 0; l < ${LANES}; l = l + 1) { sum = sum + partial[l * ${stride} + tid]; }
          let outColumn = block * ${GROUPS} + tid / ${KT};
          let outRow = c0 + tid % ${KT};
          if (outColumn < m && outRow < k) { result[outRow * m + outColumn] = sum; }
        }
      }
    `;
  }
}

function thinTransposedTimesSparse({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { thinT, ...sparse } = inputs as unknown as SparseInputs & { thinT: TensorInfo };
  const [rows, columns] = checkSparse(THIN_TRANSPOSED_TIMES_SPARSE, sparse, attrs as NamedAttrMap);
  checkMatrices(THIN_TRANSPOSED_TIMES_SPARSE, { thinT });
  if (thinT.shape[1] !== rows) {
    throw new Error(`${THIN_TRANSPOSED_TIMES_SPARSE}: thinT [${thinT.shape}] and sparse data [${rows},${columns}] do not chain`);
  }
  if (sparse.values.shape[0] === 0) {
    throw new Error(`${THIN_TRANSPOSED_TIMES_SPARSE}: sparse data with no entries (the op returns zeros without the kernel)`);
  }
  const webgpu = backend as unknown as WebGPUBackendLike;
  const { pointers, entries } = sparseColumnIndex(webgpu, sparse.rowIds, sparse.colIds, columns);
  return webgpu.runWebGPUProgram(
    new ThinTransposedTimesSparseProgram(thinT.shape[0], columns),
    [thinT, pointers, entries, sparse.values],
    'float32',
  );
}

/** The kernel, for `registerKernel`: inputs `thinT`, `rowIds`, `colIds`, `values`; attr `shape` [n, m]. */
export const thinTransposedTimesSparseConfig: KernelConfig = {
  kernelName: THIN_TRANSPOSED_TIMES_SPARSE,
  backendName: 'webgpu',
  kernelFunc: thinTransposedTimesSparse as unknown as KernelFunc,
};
