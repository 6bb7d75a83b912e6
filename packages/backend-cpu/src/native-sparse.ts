// bcnmf's native CSR kernels (native/sparse.c), bound through koffi beside the dense ones
// (native.ts). Sparse data are given as CSR arrays: row pointers `indptr` (n + 1), column
// indices and values of the stored entries in row order; dense operands row-major as in
// native.ts. The kernels trust the CSR arrays (callers check them: src/kernels/sparse-tensor.ts).
import { bindWithThreads, type KoffiLib } from './ffi.js';

/** The native CSR kernels, on the caller's arrays (see native/sparse.c). */
export interface NativeSparseKernels {
  /** out (n x k) = X (CSR, n x m) · thin (m x k). */
  csrTimesThin(
    n: number,
    m: number,
    k: number,
    indptr: Int32Array,
    indices: Int32Array,
    values: Float32Array,
    thin: Float32Array,
    out: Float32Array,
  ): void;
  /** out (k x m) = thinT (k x n) · X (CSR, n x m). */
  thinTransposedTimesCsr(
    n: number,
    m: number,
    k: number,
    thinT: Float32Array,
    indptr: Int32Array,
    indices: Int32Array,
    values: Float32Array,
    out: Float32Array,
  ): void;
  /** out[p] = (H W)[row_p, col_p] at each stored entry p (out: nnz), H n x k, W k x m. */
  csrReconstruction(
    n: number,
    m: number,
    k: number,
    indptr: Int32Array,
    indices: Int32Array,
    h: Float32Array,
    w: Float32Array,
    out: Float32Array,
  ): void;
  /** out[p] = values[p] / ((H W)[row_p, col_p] + eps) at each stored entry p. */
  csrPoissonRatio(
    n: number,
    m: number,
    k: number,
    indptr: Int32Array,
    indices: Int32Array,
    values: Float32Array,
    h: Float32Array,
    w: Float32Array,
    eps: number,
    out: Float32Array,
  ): void;
  /**
   * `fusedPass` (native.ts) for CSR data: one data set's new coefficients into `hNew`
   * and, when `cross` is given, its basis statistics (`cross` k x m; `mass` k x k for
   * Frobenius, k for Poisson), row by row over the stored entries only. See
   * native/sparse.c, bcnmf_csr_fused_pass.
   */
  fusedPass(
    poisson: boolean,
    n: number,
    m: number,
    k: number,
    indptr: Int32Array,
    indices: Int32Array,
    values: Float32Array,
    h: Float32Array,
    w: Float32Array,
    eps: number,
    damping: number,
    hNew: Float32Array,
    cross: Float32Array | null,
    mass: Float32Array | null,
  ): void;
}


/**
 * Binds the CSR kernels of a loaded library; each call runs on `threads` threads (0: all
 * online CPUs) and throws where the kernel could not allocate its work buffers. Throws
 * when the library lacks one of them.
 */
export function bindSparseKernels(lib: KoffiLib, threads: number): NativeSparseKernels {
  const fn = (signature: string) => bindWithThreads(lib, signature, threads);
  const csrTimesThin = fn(
    'int bcnmf_csr_times_thin(int n, int m, int k, int *indptr, int *indices, float *values, float *thin, float *out, int threads)',
  );
  const thinTransposedTimesCsr = fn(
    'int bcnmf_thin_t_times_csr(int n, int m, int k, float *thinT, int *indptr, int *indices, float *values, float *out, int threads)',
  );
  const csrReconstruction = fn(
    'int bcnmf_csr_reconstruction(int n, int m, int k, int *indptr, int *indices, float *h, float *w, float *out, int threads)',
  );
  const csrPoissonRatio = fn(
    'int bcnmf_csr_poisson_ratio(int n, int m, int k, int *indptr, int *indices, float *values, float *h, float *w, ' +
      'float eps, float *out, int threads)',
  );
  const fusedPass = fn(
    'int bcnmf_csr_fused_pass(int poisson, int n, int m, int k, int *indptr, int *indices, float *values, float *h, ' +
      'float *w, float eps, float damping, float *hNew, float *cross, float *mass, int threads)',
  );
  return {
    csrTimesThin: (n, m, k, indptr, indices, values, thin, out) => csrTimesThin(n, m, k, indptr, indices, values, thin, out),
    thinTransposedTimesCsr: (n, m, k, thinT, indptr, indices, values, out) =>
      thinTransposedTimesCsr(n, m, k, thinT, indptr, indices, values, out),
    csrReconstruction: (n, m, k, indptr, indices, h, w, out) => csrReconstruction(n, m, k, indptr, indices, h, w, out),
    csrPoissonRatio: (n, m, k, indptr, indices, values, h, w, eps, out) =>
      csrPoissonRatio(n, m, k, indptr, indices, values, h, w, eps, out),
    fusedPass: (poisson, n, m, k, indptr, indices, values, h, w, eps, damping, hNew, cross, mass) =>
      fusedPass(poisson ? 1 : 0, n, m, k, indptr, indices, values, h, w, eps, damping, hNew, cross, mass),
  };
}
