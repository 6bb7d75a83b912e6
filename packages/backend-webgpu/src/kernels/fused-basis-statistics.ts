import { FUSED_MAX_K, type FusedLoss } from './fused-coefficient-update.js';
import { unroll, type KernelProgram } from './shared.js';

const COLUMN_THREADS = 64;
const ROW_GROUPS = 2;
const COLUMNS_PER_THREAD = 2;
const COLUMNS_PER_WORKGROUP = COLUMN_THREADS * COLUMNS_PER_THREAD;
const TILE = 64; // rows of H staged in workgroup memory at a time

/** Columns the statistics add after the m data columns: Hᵀ H (k) for Frobenius, colsum(H) (1) for Poisson. */
export function extraColumns(loss: FusedLoss, k: number): number {
  return loss === 'frobenius' ? k : 1;
}

/**
 * Pass 1 of a data set's statistics for the basis update, split over slices of rows,
 * reading H (n x k) as it is (no transpose). With A the n x (m + e) matrix
 * - Frobenius: [X | H]           → Hᵀ A = [Hᵀ X | Hᵀ H]
 * - Poisson:   [X ⊘ (H W + eps) | 1] → Hᵀ A = [Hᵀ (X ⊘ (H W + eps)) | colsum(H)ᵀ]
 * (H the updated coefficients, W the basis before the update), it writes the slice's
 * k x (m + e) part of Hᵀ A to rows slice * k ... of the output; `SliceSumProgram` adds
 * the slices. A workgroup covers 128 adjacent columns (64 threads x 2, coalesced reads of
 * a data row) and 2 row groups; H arrives 64 rows at a time through workgroup memory
 * and is read as broadcasts. For Poisson each thread keeps its 2 columns of W in
 * registers and forms the ratio on the fly, so the n x m ratio never exists.
 */
export class FusedBasisStatisticsProgram implements KernelProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [1], y: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [COLUMN_THREADS * ROW_GROUPS, 1, 1];
  uniforms = 'sliceRows : i32, eps : f32,';
  private readonly k: number;

  constructor(
    private readonly loss: FusedLoss,
    k: number,
    columns: number,
    slices: number,
  ) {
    if (k > FUSED_MAX_K) throw new Error(`FusedBasisStatisticsProgram: k = ${k} > ${FUSED_MAX_K}`);
    this.k = k;
    this.variableNames = loss === 'poisson' ? ['h', 'x', 'w'] : ['h', 'x'];
    const total = columns + extraColumns(loss, k);
    this.outputShape = [slices * k, total];
    this.dispatch = [Math.ceil(total / COLUMNS_PER_WORKGROUP), slices, 1];
    this.shaderKey = `bcnmfFusedBasisStatistics_${loss}_${k}`;
  }

  getUserCode(): string {
    const KT = this.k;
    const P = COLUMNS_PER_THREAD;
    const poisson = this.loss === 'poisson';
    const stride = KT % 2 === 0 ? KT + 1 : KT; // odd: the tile's stores hit different banks
    const shared = Math.max(TILE * stride, P * KT * COLUMN_THREADS);
    const each = (f: (p: number, c: number) => string) => unroll(P, (p) => unroll(KT, (c) => f(p, c)));
    const value = (p: number) =>
      poisson
        ? `{
              var s = 0.0;
              ${unroll(KT, (c) => `s = fma(t${c}, w${p}_${c}, s);`)}
              v${p} = select(extra${p}, x[row + jc${p}] / (s + uniforms.eps), data${p});
            }`
        : `v${p} = select(tile[ii * ${stride} + aug${p}] * extra${p}, x[row + jc${p}], data${p});`;
    return `
      var<workgroup> tile: array<f32, ${shared}>;
      fn main() {
        let n = uniforms.hShape[0];
        let m = uniforms.xShape[1];
        let k = ${KT};
        let total = uniforms.outShape[1];
        let slice = i32(workgroupId.y);
        let tid = i32(localIndex);
        let ct = tid % ${COLUMN_THREADS};
        let group = tid / ${COLUMN_THREADS};
        let jBase = i32(workgroupId.x) * ${COLUMNS_PER_WORKGROUP} + ct;
        ${unroll(P, (p) => `let j${p} = jBase + ${p * COLUMN_THREADS};
        let jc${p} = min(j${p}, m - 1);
        let data${p} = j${p} < m;
        let aug${p} = clamp(j${p} - m, 0, k - 1);
        let extra${p} = f32(j${p} >= m && j${p} < total);`)}
        ${poisson ? each((p, c) => `let w${p}_${c} = w[${c} * m + jc${p}];`) : ''}
        let start = slice * uniforms.sliceRows;
        let end = min(n, start + uniforms.sliceRows);
        ${each((p, c) => `var a${p}_${c} = 0.0;`)}
        // the trip count comes from a uniform, so that the barriers stay in uniform control flow
        for (var offset = 0; offset < uniforms.sliceRows; offset = offset + ${TILE}) {
          let i0 = start + offset;
          workgroupBarrier();
          for (var e = tid; e < ${TILE * KT}; e = e + ${COLUMN_THREADS * ROW_GROUPS}) {
            let ii = e / ${KT};
            let c = e % ${KT};
            var v = 0.0;
            if (i0 + ii < end) { v = h[(i0 + ii) * ${KT} + c]; }
            tile[ii * ${stride} + c] = v;
          }
          workgroupBarrier();
          let rows = clamp(end - i0, 0, ${TILE});
          for (var ii = group; ii < rows; ii = ii + ${ROW_GROUPS}) {
            let row = (i0 + ii) * m;
            ${unroll(KT, (c) => `let t${c} = tile[ii * ${stride} + ${c}];`)}
            ${unroll(P, (p) => `var v${p} = 0.0;\n            ${value(p)}`)}
            ${each((p, c) => `a${p}_${c} = fma(v${p}, t${c}, a${p}_${c});`)}
          }
        }
        workgroupBarrier();
        if (group == 1) {
          ${each((p, c) => `tile[${(p * KT + c) * COLUMN_THREADS} + ct] = a${p}_${c};`)}
        }
        workgroupBarrier();
        if (group == 0) {
          ${each((p, c) => `if (j${p} < total) { result[(slice * k + ${c}) * total + j${p}] = a${p}_${c} + tile[${(p * KT + c) * COLUMN_THREADS} + ct]; }`)}
        }
      }
    `;
  }
}
