// The C signatures of bcnmf's native kernels (native/*.c), each declared once: the loader
// binds them all from this table and refuses a library that lacks one (a stale build).
// `threads`: the last C parameter is the thread count, passed by the binding; `status`:
// the int result is 0, or -1 when the kernel could not allocate its work buffers.
import type { SignatureTable } from '@bcnmf/native';

/** What the library says about itself (build-info.c, pool.c). */
export const BUILD_SIGNATURES = {
  bcnmf_build_avx2: { result: 'int', parameters: '' },
  bcnmf_cpu_has_avx2: { result: 'int', parameters: '' },
  bcnmf_default_threads: { result: 'int', parameters: '' },
} as const satisfies SignatureTable;

/** Added with the AVX-512 build (build-info.c): a library without them is a stale build. */
export const VARIANT_SIGNATURES = {
  bcnmf_build_avx512: { result: 'int', parameters: '' },
  bcnmf_cpu_has_avx512: { result: 'int', parameters: '' },
} as const satisfies SignatureTable;

/** The dense operations (dense-products.c, dense-pass.c, basis-update.c, scores.c). */
export const DENSE_SIGNATURES = {
  bcnmf_dense_times_thin: {
    result: 'int',
    parameters: 'int n, int m, int k, float *x, float *thin, float *out',
    threads: true,
    status: true,
  },
  bcnmf_thin_t_times_dense: {
    result: 'int',
    parameters: 'int n, int m, int k, float *thinT, float *x, float *out',
    threads: true,
    status: true,
  },
  bcnmf_poisson_ratio: {
    result: 'int',
    parameters: 'int n, int m, int k, float *x, float *h, float *w, float eps, float *out',
    threads: true,
    status: true,
  },
  bcnmf_fused_pass: {
    result: 'int',
    parameters:
      'int poisson, int n, int m, int k, float *x, float *h, float *w, float eps, float damping, float *hNew, ' +
      'float *cross, float *mass',
    threads: true,
    status: true,
  },
  bcnmf_basis_update: {
    result: 'int',
    parameters:
      'int poisson, int k, int m, int backgrounds, float *w, float *cross, float *mass, float *alphas, float eps, ' +
      'float damping, float *wNew',
    status: true,
  },
  bcnmf_reconstruction_sum: {
    result: 'int',
    parameters: 'int poisson, int n, int m, int k, float *x, float *h, float *w, float eps, _Out_ double *out',
    threads: true,
    status: true,
  },
  bcnmf_divergence_constant: {
    result: 'int',
    parameters: 'int64_t count, float *x, _Out_ double *out',
    threads: true,
    status: true,
  },
} as const satisfies SignatureTable;

/** The CSR operations (sparse-products.c, sparse-pass.c). */
export const SPARSE_SIGNATURES = {
  bcnmf_csr_times_thin: {
    result: 'int',
    parameters: 'int n, int m, int k, int *indptr, int *indices, float *values, float *thin, float *out',
    threads: true,
    status: true,
  },
  bcnmf_thin_t_times_csr: {
    result: 'int',
    parameters: 'int n, int m, int k, float *thinT, int *indptr, int *indices, float *values, float *out',
    threads: true,
    status: true,
  },
  bcnmf_csr_reconstruction: {
    result: 'int',
    parameters: 'int n, int m, int k, int *indptr, int *indices, float *h, float *w, float *out',
    threads: true,
    status: true,
  },
  bcnmf_csr_poisson_ratio: {
    result: 'int',
    parameters: 'int n, int m, int k, int *indptr, int *indices, float *values, float *h, float *w, float eps, float *out',
    threads: true,
    status: true,
  },
  bcnmf_csr_fused_pass: {
    result: 'int',
    parameters:
      'int poisson, int n, int m, int k, int *indptr, int *indices, float *values, float *h, float *w, float eps, ' +
      'float damping, float *hNew, float *cross, float *mass',
    threads: true,
    status: true,
  },
} as const satisfies SignatureTable;

/** Every exported function of the library. */
export const KERNEL_SIGNATURES = { ...BUILD_SIGNATURES, ...DENSE_SIGNATURES, ...SPARSE_SIGNATURES } as const satisfies SignatureTable;
