import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { checkSparse, type SparseInputs } from './sparse-index-cache.js';
import { FLAT_WORKGROUP, checkMatrices, flatDispatch, type KernelProgram, type WebGPUBackendLike } from './shared.js';

/** (coefficients · basis) at each stored entry of sparse data: the sparse scores' reconstruction. */
export const SPARSE_RECONSTRUCTION = 'BcnmfSparseReconstruction';

/**
 * A thread per stored entry p computes Σ_c h[row_p, c] · w[c, col_p] (k multiply-adds:
 * a row of the coefficients, read contiguously, and a column of the basis). With
 * `ratio`, it writes values_p / (that + eps) instead: the Poisson ratio at the entries
 * (the SparsePoissonRatio kernel).
 */
export class SparseEntryProductProgram implements KernelProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [FLAT_WORKGROUP, 1, 1];
  uniforms?: string;
  private readonly ratio: boolean;

  constructor(entries: number, ratio: boolean) {
    this.ratio = ratio;
    this.variableNames = ratio ? ['rows', 'cols', 'h', 'w', 'vals'] : ['rows', 'cols', 'h', 'w'];
    if (ratio) this.uniforms = 'eps : f32,';
    this.outputShape = [entries];
    this.dispatch = flatDispatch(entries);
    this.shaderKey = ratio ? 'bcnmfSparsePoissonRatio' : 'bcnmfSparseReconstruction';
  }

  getUserCode(): string {
    return `
      fn main(p : i32) {
        if (p >= uniforms.rowsShape) { return; }
        let k = uniforms.hShape[1];
        let m = uniforms.wShape[1];
        let h0 = rows[p] * k;
        let j = cols[p];
        var s = 0.0;
        for (var c = 0; c < k; c = c + 1) { s = fma(h[h0 + c], w[c * m + j], s); }
        result[p] = ${this.ratio ? 'vals[p] / (s + uniforms.eps)' : 's'};
      }
    `;
  }
}

/** Checks a sparse entry product's inputs; returns the inputs in the program's order. */
export function entryProductInputs(kernel: string, inputs: SparseInputs & { coefficients: TensorInfo; basis: TensorInfo }, attrs: NamedAttrMap): TensorInfo[] {
  const { coefficients, basis, ...sparse } = inputs;
  const [rows, columns] = checkSparse(kernel, sparse, attrs);
  checkMatrices(kernel, { coefficients, basis });
  if (coefficients.shape[0] !== rows || basis.shape[1] !== columns || coefficients.shape[1] !== basis.shape[0]) {
    throw new Error(`${kernel}: sparse data [${rows},${columns}], coefficients [${coefficients.shape}] and basis [${basis.shape}] do not fit`);
  }
  if (basis.shape[0] === 0) throw new Error(`${kernel}: k = 0 (the op handles it without the kernel)`);
  return [sparse.rowIds, sparse.colIds, coefficients, basis];
}

function sparseReconstruction({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const args = inputs as unknown as SparseInputs & { coefficients: TensorInfo; basis: TensorInfo };
  const programInputs = entryProductInputs(SPARSE_RECONSTRUCTION, args, attrs as NamedAttrMap);
  const entries = args.values.shape[0];
  return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(new SparseEntryProductProgram(entries, false), programInputs, 'float32');
}

/** The kernel, for `registerKernel`: inputs `rowIds`, `colIds`, `values`, `coefficients`, `basis`; attr `shape` [n, m]. */
export const sparseReconstructionConfig: KernelConfig = {
  kernelName: SPARSE_RECONSTRUCTION,
  backendName: 'webgpu',
  kernelFunc: sparseReconstruction as unknown as KernelFunc,
};
