import { applyDamping, type DampingPower, type FusedLoss } from './fused-coefficient-update.js';
import type { KernelProgram } from './shared.js';

/** Most backgrounds (with α > 0) one basis update binds: W, the target's and theirs, and the output, within 8 storage buffers. */
export const FUSED_MAX_BACKGROUNDS = 5;

/**
 * The basis update from the reduced statistics (`FusedBasisStatisticsProgram` +
 * `SliceSumProgram`: `sx` for the target, `sb<i>` for each background with α > 0, each
 * k x (m + e)), one thread per element of W (k x m):
 * - Frobenius: W ∘ ((HₓᵀX + Σ α_b (H_bᵀH_b) W) ⊘ ((HₓᵀHₓ) W + Σ α_b H_bᵀY_b + eps))^damping
 * - Poisson:   W ∘ ((Hₓᵀ(X ⊘ HₓW) + Σ α_b colsum(H_b)) ⊘ (colsum(Hₓ) + Σ α_b H_bᵀ(Y_b ⊘ H_bW) + eps))^damping
 * (core's applyBasisUpdate). The α are uniforms.
 */
export class FusedBasisUpdateProgram implements KernelProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [256, 1, 1];
  uniforms: string;

  constructor(
    private readonly loss: FusedLoss,
    k: number,
    columns: number,
    private readonly backgrounds: number,
    private readonly power: DampingPower,
  ) {
    if (backgrounds > FUSED_MAX_BACKGROUNDS) throw new Error(`FusedBasisUpdateProgram: ${backgrounds} backgrounds > ${FUSED_MAX_BACKGROUNDS}`);
    this.variableNames = ['w', 'sx', ...Array.from({ length: backgrounds }, (_, b) => `sb${b}`)];
    this.outputShape = [k, columns];
    this.dispatch = [Math.ceil((k * columns) / 256), 1, 1];
    this.uniforms = 'eps : f32, damping : f32, ' + Array.from({ length: backgrounds }, (_, b) => `alpha${b} : f32, `).join('');
    this.shaderKey = `bcnmfFusedBasisUpdate_${loss}_${backgrounds}_${power}`;
  }

  getUserCode(): string {
    const B = this.backgrounds;
    const terms = (f: (b: number) => string) => Array.from({ length: B }, (_, b) => f(b)).join('\n            ');
    const body =
      this.loss === 'frobenius'
        ? `var num = sx[c * total + j];
            var den = 0.0;
            for (var d = 0; d < k; d = d + 1) { den = fma(sx[c * total + m + d], w[d * m + j], den); }
            ${terms((b) => `{
              var mw = 0.0;
              for (var d = 0; d < k; d = d + 1) { mw = fma(sb${b}[c * total + m + d], w[d * m + j], mw); }
              num = num + uniforms.alpha${b} * mw;
              den = den + uniforms.alpha${b} * sb${b}[c * total + j];
            }`)}`
        : `var num = sx[c * total + j];
            var den = sx[c * total + m];
            ${terms((b) => `num = num + uniforms.alpha${b} * sb${b}[c * total + m];
            den = den + uniforms.alpha${b} * sb${b}[c * total + j];`)}`;
    return `
      fn main(index : i32) {
        let k = uniforms.wShape[0];
        let m = uniforms.wShape[1];
        let total = uniforms.sxShape[1];
        if (index < k * m) {
          let c = index / m;
          let j = index % m;
          ${body}
          let ratio = num / (den + uniforms.eps);
          result[index] = w[index] * ${applyDamping(this.power, 'ratio')};
        }
      }
    `;
  }
}
