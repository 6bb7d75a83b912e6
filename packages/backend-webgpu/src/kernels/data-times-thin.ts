import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { checkMatrices, columnChunk, spread, unroll, type KernelProgram, type WebGPUBackendLike } from './shared.js';

/** data (n x m) · thin (m x k) → n x k: the product of the coefficient updates (X Wᵀ). */
export const DATA_TIMES_THIN = 'BcnmfDataTimesThin';

const LANES = 32; // threads that share one row, striding over the features
const GROUPS = 4; // row groups per workgroup
const ROWS_PER_THREAD = 4;
const ROWS_PER_WORKGROUP = GROUPS * ROWS_PER_THREAD;
const TILE = 128; // features of `thin` staged in workgroup memory at a time
const TILE_STRIDE = TILE + 1; // odd: the transposing stores hit 32 different banks

/**
 * A workgroup of 4 x 32 threads computes 16 rows of the output (4 per thread) for a
 * chunk of up to 24 columns. The 32 lanes of a row group walk the features with a
 * stride of 32, so each of their loads of a data row is one coalesced 128-byte read;
 * `thin` arrives 128 features at a time through workgroup memory (transposed, so
 * reads are free of bank conflicts) and is reused by the 16 rows. Each thread keeps
 * 4 x kChunk sums in registers (the loops over k are unrolled); the 32 lanes' sums
 * are added through workgroup memory at the end (padded stride: no bank conflicts).
 */
export class DataTimesThinProgram implements KernelProgram {
  variableNames = ['x', 't'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [LANES * GROUPS, 1, 1];
  private readonly chunk: number;

  constructor(rows: number, k: number) {
    this.outputShape = [rows, k];
    this.chunk = columnChunk(k);
    const [x, z] = spread(Math.ceil(rows / ROWS_PER_WORKGROUP));
    this.dispatch = [x, Math.ceil(k / this.chunk), z];
    this.shaderKey = `bcnmfDataTimesThin_${this.chunk}`;
  }

  getUserCode(): string {
    const KT = this.chunk;
    const R = ROWS_PER_THREAD;
    const stride = GROUPS * KT + 1;
    const shared = Math.max(TILE_STRIDE * KT, LANES * stride);
    const each = (f: (r: number, c: number) => string) => unroll(R, (r) => unroll(KT, (c) => f(r, c)));
    return `
      var<workgroup> tile: array<f32, ${shared}>;
      fn main() {
        let n = uniforms.xShape[0];
        let m = uniforms.xShape[1];
        let k = uniforms.tShape[1];
        let block = i32(workgroupId.z * numWorkgroups.x + workgroupId.x);
        // no early return: every thread reaches the barriers (rows past n read row n - 1 times 0)
        let c0 = i32(workgroupId.y) * ${KT};
        let tid = i32(localIndex);
        let lane = tid % ${LANES};
        let group = tid / ${LANES};
        let row0 = block * ${ROWS_PER_WORKGROUP} + group * ${R};
        ${unroll(R, (r) => `let ok${r} = f32(row0 + ${r} < n);\n        let base${r} = min(row0 + ${r}, n - 1) * m;`)}
        ${each((r, c) => `var a${r}_${c} = 0.0;`)}
        for (var j0 = 0; j0 < m; j0 = j0 + ${TILE}) {
          workgroupBarrier();
          for (var e = tid; e < ${TILE * KT}; e = e + ${LANES * GROUPS}) {
            let jj = e / ${KT};
            let c = e % ${KT};
            var v = 0.0;
            if (j0 + jj < m && c0 + c < k) { v = t[(j0 + jj) * k + c0 + c]; }
            tile[c * ${TILE_STRIDE} + jj] = v;
          }
          workgroupBarrier();
          ${unroll(TILE / LANES, (q) => `{
            let jj = lane + ${q * LANES};
            let j = min(j0 + jj, m - 1);
            let inside = f32(j0 + jj < m);
            ${unroll(R, (r) => `let x${r} = x[base${r} + j] * ok${r} * inside;`)}
            ${unroll(KT, (c) => `let t${c} = tile[${c * TILE_STRIDE} + jj];`)}
            ${each((r, c) => `a${r}_${c} = fma(x${r}, t${c}, a${r}_${c});`)}
          }`)}
        }
        ${unroll(R, (r) => `
        workgroupBarrier();
        ${unroll(KT, (c) => `tile[lane * ${stride} + group * ${KT} + ${c}] = a${r}_${c};`)}
        workgroupBarrier();
        if (tid < ${GROUPS * KT}) {
          var sum = 0.0;
          for (var l = 0; l < ${LANES}; l = l + 1) { sum = sum + tile[l * ${stride} + tid]; }
          let row = block * ${ROWS_PER_WORKGROUP} + (tid / ${KT}) * ${R} + ${r};
          let col = c0 + tid % ${KT};
          if (row < n && col < k) { result[row * k + col] = sum; }
        }`)}
      }
    `;
  }
}

function dataTimesThin({ inputs, backend }: Parameters<KernelFunc>[0]): TensorInfo {
  const { data, thin } = inputs as { data: TensorInfo; thin: TensorInfo };
  checkMatrices(DATA_TIMES_THIN, { data, thin });
  const [rows, inner] = data.shape;
  if (thin.shape[0] !== inner) {
    throw new Error(`${DATA_TIMES_THIN}: data [${data.shape}] and thin [${thin.shape}] do not chain`);
  }
  const program = new DataTimesThinProgram(rows, thin.shape[1]);
  return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(program, [data, thin], 'float32');
}

/** The kernel, for `registerKernel`. */
export const dataTimesThinConfig: KernelConfig = {
  kernelName: DATA_TIMES_THIN,
  backendName: 'webgpu',
  kernelFunc: dataTimesThin as unknown as KernelFunc,
};
