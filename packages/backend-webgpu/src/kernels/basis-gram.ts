import type { KernelProgram } from './shared.js';

const THREADS = 256;

/**
 * The basis's k x (k + 1) summary for the fused step: columns 0..k-1 are the Gram
 * matrix W Wᵀ (the Frobenius coefficient update's denominator factor), column k the
 * row sums W 1 (the Poisson coefficient update's denominator). One workgroup of 256
 * threads per output entry: the threads stride the m features (coalesced), then add
 * their sums in workgroup memory.
 */
export class BasisGramProgram implements KernelProgram {
  variableNames = ['w'];
  outputShape: number[];
  shaderKey = 'bcnmfBasisGram';
  dispatchLayout = { x: [1], y: [0] }; // not flat: main() takes no index
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(k: number) {
    this.outputShape = [k, k + 1];
    this.dispatch = [k * (k + 1), 1, 1];
  }

  getUserCode(): string {
    return `
      var<workgroup> partial: array<f32, ${THREADS}>;
      fn main() {
        let k = uniforms.wShape[0];
        let m = uniforms.wShape[1];
        let entry = i32(workgroupId.x);
        let a = entry / (k + 1);
        let b = entry % (k + 1);
        let tid = i32(localIndex);
        var sum = 0.0;
        if (b < k) {
          for (var j = tid; j < m; j = j + ${THREADS}) { sum = fma(w[a * m + j], w[b * m + j], sum); }
        } else {
          for (var j = tid; j < m; j = j + ${THREADS}) { sum = sum + w[a * m + j]; }
        }
        partial[tid] = sum;
        for (var half = ${THREADS / 2}; half > 0; half = half / 2) {
          workgroupBarrier();
          if (tid < half) { partial[tid] = partial[tid] + partial[tid + half]; }
        }
        if (tid == 0) { result[entry] = partial[0]; }
      }
    `;
  }
}
