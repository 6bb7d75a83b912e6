import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { checkSparse, type SparseInputs } from './sparse-index-cache.js';
import { sparseRowPointers } from './sparse-row-pointers.js';
import { checkMatrices, columnChunk, spread, unroll, type KernelProgram, type WebGPUBackendLike } from './shared.js';

/** Sparse data (n x m, CSR) · thin (m x k) → n x k: the coefficient updates' product (X Wᵀ) for sparse data. */
export const SPARSE_TIMES_THIN = 'BcnmfSparseTimesThin';

const LANES = 32; // threads that share one row, striding over its entries
const GROUPS = 4; // rows per workgroup

/**
 * A workgroup of 4 x 32 threads computes 4 rows of the output for a chunk of up to 24
 * columns. The 32 lanes of a row walk its entries (from the row pointers) with a stride
 * of 32: coalesced reads of the column ids and values, then kChunk neighbouring values
 * of `thin`'s row for the entry's column; each lane keeps kChunk sums in registers, and
 * the lanes' sums are added through workgroup memory at the end. Work follows the stored
 * entries only: an empty row costs its two pointer reads.
 */
export class SparseTimesThinProgram implements KernelProgram {
  variableNames = ['pointers', 'cols', 'vals', 'thin'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [LANES * GROUPS, 1, 1];
  private readonly chunk: number;

  constructor(rows: number, k: number) {
    this.outputShape = [rows, k];
    this.chunk = columnChunk(k);
    const [x, z] = spread(Math.ceil(rows / GROUPS));
    this.dispatch = [x, Math.ceil(k / this.chunk), z];
    this.shaderKey = `bcnmfSparseTimesThin_${this.chunk}`;
  }

  getUserCode(): string {
    const KT = this.chunk;
    const stride = GROUPS * KT + 1; // odd: the lanes' stores hit different banks
    return `
      var<workgroup> partial: array<f32, ${LANES * stride}>;
      fn main() {
        let n = uniforms.pointersShape - 1;
        let k = uniforms.thinShape[1];
        let block = i32(workgroupId.z * numWorkgroups.x + workgroupId.x);
        let c0 = i32(workgroupId.y) * ${KT};
        let tid = i32(localIndex);
        let lane = tid % ${LANES};
        let group = tid / ${LANES};
        let row = block * ${GROUPS} + group;
        // no early return: every thread reaches the barrier (rows past n have no entries)
        var start = 0;
        var end = 0;
        if (row < n) {
          start = pointers[row];
          end = pointers[row + 1];
        }
        ${unroll(KT, (c) => `let col${c} = min(c0 + ${c}, k - 1);\n        var a${c} = 0.0;`)}
        for (var p = start + lane; p < end; p = p + ${LANES}) {
          let base = cols[p] * k;
          let v = vals[p];
          ${unroll(KT, (c) => `a${c} = fma(v, thin[base + col${c}], a${c});`)}
        }
        ${unroll(KT, (c) => `partial[lane * ${stride} + group * ${KT} + ${c}] = a${c};`)}
        workgroupBarrier();
        if (tid < ${GROUPS * KT}) {
          var sum = 0.0;
          for (var l = 0; l < ${LANES}; l = l + 1) { sum = sum + partial[l * ${stride} + tid]; }
          let outRow = block * ${GROUPS} + tid / ${KT};
          let outCol = c0 + tid % ${KT};
          if (outRow < n && outCol < k) { result[outRow * k + outCol] = sum; }
        }
      }
    `;
  }
}

function sparseTimesThin({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { thin, ...sparse } = inputs as unknown as SparseInputs & { thin: TensorInfo };
  const [rows, columns] = checkSparse(SPARSE_TIMES_THIN, sparse, attrs as NamedAttrMap);
  checkMatrices(SPARSE_TIMES_THIN, { thin });
  if (thin.shape[0] !== columns) {
    throw new Error(`${SPARSE_TIMES_THIN}: sparse data [${rows},${columns}] and thin [${thin.shape}] do not chain`);
  }
  if (sparse.values.shape[0] === 0) throw new Error(`${SPARSE_TIMES_THIN}: sparse data with no entries (the op returns zeros without the kernel)`);
  const webgpu = backend as unknown as WebGPUBackendLike;
  const pointers = sparseRowPointers(webgpu, sparse.rowIds, rows);
  return webgpu.runWebGPUProgram(new SparseTimesThinProgram(rows, thin.shape[1]), [pointers, sparse.colIds, sparse.values, thin], 'float32');
}

/** The kernel, for `registerKernel`: inputs `rowIds`, `colIds`, `values`, `thin`; attr `shape` [n, m]. */
export const sparseTimesThinConfig: KernelConfig = {
  kernelName: SPARSE_TIMES_THIN,
  backendName: 'webgpu',
  kernelFunc: sparseTimesThin as unknown as KernelFunc,
};
