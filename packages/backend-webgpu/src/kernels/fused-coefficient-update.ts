import { spread, unroll, type KernelProgram } from './shared.js';

/** The loss a fused program computes (core's `Loss`). */
export type FusedLoss = 'frobenius' | 'poisson';

/** How a ratio is raised to the damping: 1 → as is, 0.5 → sqrt, else pow (0^d = 0, as tf.pow). */
export type DampingPower = 'none' | 'sqrt' | 'pow';

export function dampingPower(damping: number): DampingPower {
  return damping === 1 ? 'none' : damping === 0.5 ? 'sqrt' : 'pow';
}

/** WGSL for `ratio` raised to the damping (uniforms.damping). */
export function applyDamping(power: DampingPower, ratio: string): string {
  return power === 'none' ? ratio : power === 'sqrt' ? `sqrt(${ratio})` : `select(pow(${ratio}, uniforms.damping), 0.0, ${ratio} <= 0.0)`;
}

/** Largest k the fused programs take (k accumulators per thread column pair, W tile in workgroup memory). */
export const FUSED_MAX_K = 24;

const ROWS = 32; // data rows per workgroup
const INNER = 64; // features per tile
const STRIDE = INNER + 1; // odd row stride in workgroup memory: no bank conflicts
const THREADS = 128;
const COLUMN_GROUPS = 16; // threads across the k columns
const ROWS_PER_THREAD = 4; // 8 row groups x 4 rows = 32 rows
const UNROLL = 4; // features per step of the inner loop

/**
 * One coefficient update of a dense data set with the basis fixed, as one program:
 * - Frobenius: H ∘ ((X Wᵀ) ⊘ (H G + eps))^damping, G = W Wᵀ
 * - Poisson:   H ∘ (((X ⊘ (H W + eps)) Wᵀ) ⊘ (W 1 + eps))^damping
 * where `g` is the k x (k + 1) output of {@link BasisGramProgram} (G, then W 1). A
 * workgroup of 128 threads owns 32 rows of X and all k columns; X and W arrive 64
 * features at a time through workgroup memory (vec4 loads when m is a multiple of 4;
 * W is read as k x m, no transpose). For Poisson each tile of X is first replaced by
 * X ⊘ (H W + eps) in workgroup memory (each thread keeps one row of H in registers),
 * so the n x m ratio never exists. A thread accumulates 4 rows x up to 2 columns of the
 * product, then applies the update in its epilogue.
 */
export class FusedCoefficientUpdateProgram implements KernelProgram {
  variableNames = ['x', 'h', 'w', 'g'];
  variableComponents: number[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [1], y: [0] }; // not flat: main() takes no index
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];
  uniforms = 'eps : f32, damping : f32,';
  private readonly k: number;
  private readonly vec4: boolean;

  constructor(
    private readonly loss: FusedLoss,
    rows: number,
    columns: number,
    k: number,
    private readonly power: DampingPower,
  ) {
    if (k > FUSED_MAX_K) throw new Error(`FusedCoefficientUpdateProgram: k = ${k} > ${FUSED_MAX_K}`);
    this.k = k;
    this.vec4 = columns % 4 === 0;
    this.variableComponents = this.vec4 ? [4, 1, 4, 1] : [1, 1, 1, 1];
    this.outputShape = [rows, k];
    const [x, z] = spread(Math.ceil(rows / ROWS));
    this.dispatch = [x, 1, z];
    this.shaderKey = `bcnmfFusedCoefficientUpdate_${loss}_${k}_${this.vec4 ? 'v4' : 's'}_${power}`;
  }

  getUserCode(): string {
    const k = this.k;
    const Q = Math.ceil(k / COLUMN_GROUPS);
    const R = ROWS_PER_THREAD;
    const poisson = this.loss === 'poisson';
    const each = (f: (r: number, q: number) => string) => unroll(R, (r) => unroll(Q, (q) => f(r, q)));
    const loadX = this.vec4
      ? unroll((ROWS * INNER) / 4 / THREADS, (i) => `{
            let e = tid + ${i * THREADS};
            let r = e / ${INNER / 4};
            let v = e % ${INNER / 4};
            var val = vec4<f32>(0.0);
            if (row0 + r < n && j0 + 4 * v < m) { val = x[(row0 + r) * (m / 4) + j0 / 4 + v]; }
            let s = r * ${STRIDE} + 4 * v;
            xs[s] = val.x; xs[s + 1] = val.y; xs[s + 2] = val.z; xs[s + 3] = val.w;
          }`)
      : unroll((ROWS * INNER) / THREADS, (i) => `{
            let e = tid + ${i * THREADS};
            let r = e / ${INNER};
            let jj = e % ${INNER};
            var val = 0.0;
            if (row0 + r < n && j0 + jj < m) { val = x[(row0 + r) * m + j0 + jj]; }
            xs[r * ${STRIDE} + jj] = val;
          }`);
    const loadW = this.vec4
      ? `for (var e = tid; e < ${(k * INNER) / 4}; e = e + ${THREADS}) {
            let c = e / ${INNER / 4};
            let v = e % ${INNER / 4};
            var val = vec4<f32>(0.0);
            if (j0 + 4 * v < m) { val = w[c * (m / 4) + j0 / 4 + v]; }
            let s = c * ${STRIDE} + 4 * v;
            ws[s] = val.x; ws[s + 1] = val.y; ws[s + 2] = val.z; ws[s + 3] = val.w;
          }`
      : `for (var e = tid; e < ${k * INNER}; e = e + ${THREADS}) {
            let c = e / ${INNER};
            let jj = e % ${INNER};
            var val = 0.0;
            if (j0 + jj < m) { val = w[c * m + j0 + jj]; }
            ws[c * ${STRIDE} + jj] = val;
          }`;
    // Poisson: thread t turns row t / 4, features t % 4 + 4 i of the tile into ratios
    const ratio = poisson
      ? `for (var i = 0; i < ${INNER / 4}; i = i + 1) {
            let jj = pl + 4 * i;
            var s = 0.0;
            ${unroll(k, (c) => `s = fma(hr${c}, ws[${c * STRIDE} + jj], s);`)}
            xs[pr * ${STRIDE} + jj] = xs[pr * ${STRIDE} + jj] / (s + uniforms.eps);
          }
          workgroupBarrier();`
      : '';
    const denominator = poisson
      ? (q: number) => `g[c${q} * (k + 1) + k]`
      : (r: number, q: number) => `dot${r}_${q}`;
    return `
      var<workgroup> xs: array<f32, ${ROWS * STRIDE}>;
      var<workgroup> ws: array<f32, ${k * STRIDE}>;
      fn main() {
        let n = uniforms.xShape[0];
        let m = uniforms.xShape[1];
        let k = ${k};
        let block = i32(workgroupId.z * numWorkgroups.x + workgroupId.x);
        let row0 = block * ${ROWS};
        let tid = i32(localIndex);
        let cg = tid % ${COLUMN_GROUPS};
        let rg = tid / ${COLUMN_GROUPS};
        ${unroll(Q, (q) => `let c${q} = cg + ${q * COLUMN_GROUPS};\n        let cc${q} = min(c${q}, k - 1);`)}
        ${poisson ? `let pr = tid / 4;\n        let pl = tid % 4;\n        let hrow = min(row0 + pr, n - 1) * k;\n        ${unroll(k, (c) => `let hr${c} = h[hrow + ${c}];`)}` : ''}
        ${each((r, q) => `var a${r}_${q} = 0.0;`)}
        for (var j0 = 0; j0 < m; j0 = j0 + ${INNER}) {
          workgroupBarrier();
          ${loadX}
          ${loadW}
          workgroupBarrier();
          ${ratio}
          for (var jb = 0; jb < ${INNER}; jb = jb + ${UNROLL}) {
            ${unroll(UNROLL, (u) => `{
              let jj = jb + ${u};
              ${unroll(R, (r) => `let x${r} = xs[(rg * ${R} + ${r}) * ${STRIDE} + jj];`)}
              ${unroll(Q, (q) => `let w${q} = ws[cc${q} * ${STRIDE} + jj];`)}
              ${each((r, q) => `a${r}_${q} = fma(x${r}, w${q}, a${r}_${q});`)}
            }`)}
          }
        }
        ${unroll(R, (r) => `{
          let row = row0 + rg * ${R} + ${r};
          if (row < n) {
            ${unroll(Q, (q) => `if (c${q} < k) {
              ${poisson ? '' : `var dot${r}_${q} = 0.0;
              for (var d = 0; d < k; d = d + 1) { dot${r}_${q} = fma(h[row * k + d], g[d * (k + 1) + c${q}], dot${r}_${q}); }`}
              let ratio = a${r}_${q} / (${poisson ? (denominator as (q: number) => string)(q) : (denominator as (r: number, q: number) => string)(r, q)} + uniforms.eps);
              result[row * k + c${q}] = h[row * k + c${q}] * ${applyDamping(this.power, 'ratio')};
            }`)}
          }
        }`)}
      }
    `;
  }
}
