import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { checkMatrices, columnChunk, unroll, type KernelProgram, type WebGPUBackendLike } from './shared.js';

/** thinT (k x n) · data (n x m) → k x m: the product of the basis update (Hᵀ X). */
export const THIN_TRANSPOSED_TIMES_DATA = 'BcnmfThinTransposedTimesData';

const COLUMN_THREADS = 64;
const ROW_GROUPS = 2;
const COLUMNS_PER_THREAD = 2;
const COLUMNS_PER_WORKGROUP = COLUMN_THREADS * COLUMNS_PER_THREAD;
const TILE = 64; // rows of thinT staged in workgroup memory at a time
/** Workgroups the first pass aims for: enough to fill a large GPU (132 SMs x 8). */
export const TARGET_WORKGROUPS = 1024;
/** Fewest data rows a slice of the reduction gets. */
export const MIN_SLICE_ROWS = 64;

/** How the reduction over the n rows is split: `slices` slices of `sliceRows` rows. */
export function planSlices(rows: number, columns: number, k: number): { slices: number; sliceRows: number } {
  const blocks = Math.ceil(columns / COLUMNS_PER_WORKGROUP) * Math.ceil(k / columnChunk(k));
  const wanted = Math.ceil(TARGET_WORKGROUPS / blocks);
  const most = Math.max(1, Math.ceil(rows / MIN_SLICE_ROWS));
  const slices0 = Math.min(65535, Math.max(1, Math.min(wanted, most)));
  const sliceRows = Math.ceil(rows / slices0);
  return { slices: Math.ceil(rows / sliceRows), sliceRows };
}

/**
 * Pass 1. The n rows are split into slices (a workgroup per slice and block of 128
 * columns, so that even m = 2,000 and k = 20 give ~1,000 workgroups); in a workgroup,
 * 64 threads cover 128 adjacent columns (2 each, 64 apart: coalesced 256-byte reads of
 * a data row) and 2 row groups take alternate rows. thinT arrives 64 rows at a time
 * through workgroup memory and is read as a broadcast. Each thread keeps 2 x kChunk
 * sums; the two row groups are added in workgroup memory and the slice's sums are
 * written to row `slice * k + c` of the output (which is the result when there is one
 * slice).
 */
export class ThinTransposedTimesDataProgram implements KernelProgram {
  variableNames = ['h', 'x'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [1], y: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [COLUMN_THREADS * ROW_GROUPS, 1, 1];
  uniforms = 'sliceRows : i32,';
  private readonly chunk: number;

  constructor(k: number, columns: number, slices: number) {
    this.chunk = columnChunk(k);
    this.outputShape = [slices * k, columns];
    this.dispatch = [Math.ceil(columns / COLUMNS_PER_WORKGROUP), slices, Math.ceil(k / this.chunk)];
    this.shaderKey = `bcnmfThinTransposedTimesData_${this.chunk}`;
  }

  getUserCode(): string {
    const KT = this.chunk;
    const P = COLUMNS_PER_THREAD;
    const stride = KT % 2 === 0 ? KT + 1 : KT; // odd: the tile's stores hit 32 different banks
    const shared = Math.max(TILE * stride, P * KT * COLUMN_THREADS);
    const each = (f: (p: number, c: number) => string) => unroll(P, (p) => unroll(KT, (c) => f(p, c)));
    return `
      var<workgroup> tile: array<f32, ${shared}>;
      fn main() {
        let k = uniforms.hShape[0];
        let n = uniforms.hShape[1];
        let m = uniforms.xShape[1];
        let slice = i32(workgroupId.y);
        let c0 = i32(workgroupId.z) * ${KT};
        let tid = i32(localIndex);
        let ct = tid % ${COLUMN_THREADS};
        let group = tid / ${COLUMN_THREADS};
        let jBase = i32(workgroupId.x) * ${COLUMNS_PER_WORKGROUP} + ct;
        ${unroll(P, (p) => `let j${p} = jBase + ${p * COLUMN_THREADS};\n        let ok${p} = f32(j${p} < m);\n        let jc${p} = min(j${p}, m - 1);`)}
        let start = slice * uniforms.sliceRows;
        let end = min(n, start + uniforms.sliceRows);
        ${each((p, c) => `var a${p}_${c} = 0.0;`)}
        // the trip count comes from a uniform, so that the barriers stay in uniform control flow
        for (var offset = 0; offset < uniforms.sliceRows; offset = offset + ${TILE}) {
          let i0 = start + offset;
          workgroupBarrier();
          for (var e = tid; e < ${TILE * KT}; e = e + ${COLUMN_THREADS * ROW_GROUPS}) {
            let c = e / ${TILE};
            let ii = e % ${TILE};
            var v = 0.0;
            if (i0 + ii < end && c0 + c < k) { v = h[(c0 + c) * n + i0 + ii]; }
            tile[ii * ${stride} + c] = v;
          }
          workgroupBarrier();
          let rows = clamp(end - i0, 0, ${TILE});
          for (var ii = group; ii < rows; ii = ii + ${ROW_GROUPS}) {
            let row = (i0 + ii) * m;
            ${unroll(P, (p) => `let x${p} = x[row + jc${p}];`)}
            ${unroll(KT, (c) => `let t${c} = tile[ii * ${stride} + ${c}];`)}
            ${each((p, c) => `a${p}_${c} = fma(x${p}, t${c}, a${p}_${c});`)}
          }
        }
        workgroupBarrier();
        if (group == 1) {
          ${each((p, c) => `tile[${(p * KT + c) * COLUMN_THREADS} + ct] = a${p}_${c};`)}
        }
        workgroupBarrier();
        if (group == 0) {
          ${each((p, c) => `if (c0 + ${c} < k && j${p} < m) { result[(slice * k + c0 + ${c}) * m + j${p}] = (a${p}_${c} + tile[${(p * KT + c) * COLUMN_THREADS} + ct]) * ok${p}; }`)}
        }
      }
    `;
  }
}

/** Pass 2: out[c, j] = Σ over slices of partial[slice * k + c, j]. */
export class SliceSumProgram implements KernelProgram {
  variableNames = ['partial'];
  outputShape: number[];
  shaderKey = 'bcnmfSliceSum';
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [256, 1, 1];
  uniforms = 'slices : i32,';

  constructor(k: number, columns: number) {
    this.outputShape = [k, columns];
    this.dispatch = [Math.ceil((k * columns) / 256), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let size = uniforms.outShape[0] * uniforms.outShape[1];
        if (index < size) {
          var sum = 0.0;
          for (var s = 0; s < uniforms.slices; s = s + 1) { sum = sum + partial[s * size + index]; }
          result[index] = sum;
        }
      }
    `;
  }
}

function thinTransposedTimesData({ inputs, backend }: Parameters<KernelFunc>[0]): TensorInfo {
  const { thinT, data } = inputs as { thinT: TensorInfo; data: TensorInfo };
  checkMatrices(THIN_TRANSPOSED_TIMES_DATA, { thinT, data });
  const [k, rows] = thinT.shape;
  const columns = data.shape[1];
  if (data.shape[0] !== rows) {
    throw new Error(`${THIN_TRANSPOSED_TIMES_DATA}: thinT [${thinT.shape}] and data [${data.shape}] do not chain`);
  }
  const webgpu = backend as unknown as WebGPUBackendLike;
  const { slices, sliceRows } = planSlices(rows, columns, k);
  const first = new ThinTransposedTimesDataProgram(k, columns, slices);
  const partial = webgpu.runWebGPUProgram(first, [thinT, data], 'float32', [{ type: 'int32', data: [sliceRows] }]);
  if (slices === 1) return partial;
  const sum = webgpu.runWebGPUProgram(new SliceSumProgram(k, columns), [partial], 'float32', [{ type: 'int32', data: [slices] }]);
  webgpu.disposeData(partial.dataId);
  return sum;
}

/** The kernel, for `registerKernel`. */
export const thinTransposedTimesDataConfig: KernelConfig = {
  kernelName: THIN_TRANSPOSED_TIMES_DATA,
  backendName: 'webgpu',
  kernelFunc: thinTransposedTimesData as unknown as KernelFunc,
};
