import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { checkMatrices, spread, unroll, type KernelProgram, type WebGPUBackendLike } from './shared.js';

/** data ⊘ (coefficients · basis + eps), the ratio of the Poisson updates, without forming coefficients · basis. */
export const POISSON_RATIO = 'BcnmfPoissonRatio';

const COLUMN_THREADS = 64;
const ROWS_PER_THREAD = 4;

/**
 * A thread computes one column of 4 adjacent rows: it reads the column of the basis
 * once (coalesced across the 64 threads of a workgroup) and the rows' coefficients as
 * broadcasts, and writes the 4 ratios.
 */
export class PoissonRatioProgram implements KernelProgram {
  variableNames = ['x', 'h', 'w'];
  outputShape: number[];
  shaderKey = 'bcnmfPoissonRatio';
  dispatchLayout = { x: [1], y: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [COLUMN_THREADS, 1, 1];
  uniforms = 'eps : f32,';

  constructor(rows: number, columns: number) {
    this.outputShape = [rows, columns];
    const [y, z] = spread(Math.ceil(rows / ROWS_PER_THREAD));
    this.dispatch = [Math.ceil(columns / COLUMN_THREADS), y, z];
  }

  getUserCode(): string {
    const R = ROWS_PER_THREAD;
    return `
      fn main() {
        let n = uniforms.xShape[0];
        let m = uniforms.xShape[1];
        let k = uniforms.wShape[0];
        let j = i32(workgroupId.x) * ${COLUMN_THREADS} + i32(localId.x);
        let row0 = i32(workgroupId.z * numWorkgroups.y + workgroupId.y) * ${ROWS_PER_THREAD};
        if (j >= m || row0 >= n) { return; }
        ${unroll(R, (r) => `var s${r} = 0.0;\n        let h${r} = min(row0 + ${r}, n - 1) * k;`)}
        for (var c = 0; c < k; c = c + 1) {
          let wv = w[c * m + j];
          ${unroll(R, (r) => `s${r} = fma(h[h${r} + c], wv, s${r});`)}
        }
        ${unroll(R, (r) => `if (row0 + ${r} < n) {
          let index${r} = (row0 + ${r}) * m + j;
          result[index${r}] = x[index${r}] / (s${r} + uniforms.eps);
        }`)}
      }
    `;
  }
}

function poissonRatio({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { data, coefficients, basis } = inputs as Record<'data' | 'coefficients' | 'basis', TensorInfo>;
  checkMatrices(POISSON_RATIO, { data, coefficients, basis });
  const [rows, columns] = data.shape;
  if (coefficients.shape[0] !== rows || basis.shape[1] !== columns || coefficients.shape[1] !== basis.shape[0]) {
    throw new Error(`${POISSON_RATIO}: data [${data.shape}], coefficients [${coefficients.shape}] and basis [${basis.shape}] do not fit`);
  }
  const { eps } = attrs as NamedAttrMap as { eps: number };
  return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(
    new PoissonRatioProgram(rows, columns),
    [data, coefficients, basis],
    'float32',
    [{ type: 'float32', data: [eps] }],
  );
}

/** The kernel, for `registerKernel`. */
export const poissonRatioConfig: KernelConfig = {
  kernelName: POISSON_RATIO,
  backendName: 'webgpu',
  kernelFunc: poissonRatio as unknown as KernelFunc,
};
