// bcnmf's native CSR kernels (native/sparse-products.c, native/sparse-pass.c), bound
// beside the dense ones (native.ts). Sparse data are given as CSR arrays: row pointers
// `indptr` (n + 1), column indices and values of the stored entries in row order; dense
// operands row-major as in native.ts. The kernels trust the CSR arrays (callers check
// them: src/kernels/sparse-tensor.ts).
import type { Bindings } from '@bcnmf/native';
import type { SPARSE_SIGNATURES } from './kernel-signatures.js';

/** A kernel's sizes: n data rows, m features, k components. */
export type Sizes = [n: number, m: number, k: number];

/** A CSR matrix's arrays: row pointers (n + 1), and column indices and values of the stored entries. */
export type CsrArrays = [indptr: Int32Array, indices: Int32Array, values: Float32Array];

/**
 * What a fused pass takes after its data: the factors H (n x k) and W (k x m), eps and
 * damping, and where it writes: the new coefficients and, when `cross` is given, the
 * basis statistics (`cross` k x m; `mass` k x k for Frobenius, k for Poisson).
 */
export type FusedPassOperands = [
  h: Float32Array,
  w: Float32Array,
  eps: number,
  damping: number,
  hNew: Float32Array,
  cross: Float32Array | null,
  mass: Float32Array | null,
];

/** The native CSR kernels, on the caller's arrays (see native/sparse-products.c, native/sparse-pass.c). */
export interface NativeSparseKernels {
  /** out (n x k) = X (CSR, n x m) · thin (m x k). */
  csrTimesThin(...args: [...Sizes, ...CsrArrays, thin: Float32Array, out: Float32Array]): void;
  /** out (k x m) = thinT (k x n) · X (CSR, n x m). */
  thinTransposedTimesCsr(...args: [...Sizes, thinT: Float32Array, ...CsrArrays, out: Float32Array]): void;
  /** out[p] = (H W)[row_p, col_p] at each stored entry p (out: nnz), H n x k, W k x m. */
  csrReconstruction(
    ...args: [...Sizes, indptr: Int32Array, indices: Int32Array, h: Float32Array, w: Float32Array, out: Float32Array]
  ): void;
  /** out[p] = values[p] / ((H W)[row_p, col_p] + eps) at each stored entry p. */
  csrPoissonRatio(...args: [...Sizes, ...CsrArrays, h: Float32Array, w: Float32Array, eps: number, out: Float32Array]): void;
  /**
   * `fusedPass` (native.ts) for CSR data: one data set's new coefficients and, when
   * `cross` is given, its basis statistics, row by row over the stored entries only. See
   * native/sparse-pass.c, bcnmf_csr_fused_pass.
   */
  fusedPass(...args: [poisson: boolean, ...Sizes, ...CsrArrays, ...FusedPassOperands]): void;
}

/** The CSR kernels from their bindings (kernel-signatures.ts); `flag` turns a boolean into the C int. */
export function sparseKernels(
  f: Bindings<typeof SPARSE_SIGNATURES>,
  flag: (on: boolean) => number,
): NativeSparseKernels {
  return {
    csrTimesThin: f.bcnmf_csr_times_thin,
    thinTransposedTimesCsr: f.bcnmf_thin_t_times_csr,
    csrReconstruction: f.bcnmf_csr_reconstruction,
    csrPoissonRatio: f.bcnmf_csr_poisson_ratio,
    fusedPass: (poisson, ...rest) => f.bcnmf_csr_fused_pass(flag(poisson), ...rest),
  };
}
