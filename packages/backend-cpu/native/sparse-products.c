/*
 * bcnmf's native kernels for sparse (CSR) data on the `cpu` backend: the products of one
 * bcNMF iteration with a thin matrix over the stored entries only, and the
 * reconstruction and the Poisson ratio at the stored entries.
 *
 * CSR arrays as in csr.h. Dense layouts are row-major as in dense-products.c: the basis
 * W is k x m, coefficients H are n x k. Every k-long loop runs over a row of a matrix
 * padded with zero columns to `ldt` (a multiple of 8) by the CSR row kernels (micro.c).
 * Threads get contiguous row ranges with about the same number of stored entries
 * (split_row). All arithmetic is float32. Each exported function returns 0, or -1 when
 * memory for its work buffers ran out (nothing is written then).
 */
#include "csr.h"
#include "micro.h"

/* --------------------------------------------------- CSR (n x m) times thin (m x k) */

typedef struct {
  csr_shape s;
  const float *T; /* m x ldt */
  float *out;     /* n x k */
  float *scratch; /* parts x ldt */
} times_thin_ctx;

static void csr_times_thin_range(void *arg, int thread, size_t part, size_t part_end) {
  (void)part_end;
  times_thin_ctx *c = (times_thin_ctx *)arg;
  const csr_shape *s = &c->s;
  float *row = c->scratch + (size_t)thread * s->ldt;
  size_t begin, end;
  part_rows(s, part, &begin, &end);
  for (size_t i = begin; i < end; i++) {
    const size_t p = (size_t)s->indptr[i], count = (size_t)s->indptr[i + 1] - p;
    rows_axpy(s->indices + p, s->values + p, count, c->T, s->ldt, row);
    memcpy(c->out + i * s->k, row, s->k * sizeof(float));
  }
}

/* out (n x k) = X (CSR, n x m) · thin (m x k). */
int bcnmf_csr_times_thin(int n, int m, int k, const int32_t *indptr, const int32_t *indices, const float *values,
                         const float *thin, float *out, int threads) {
  const size_t ldt = round_up((size_t)k, 8);
  threads = csr_threads(threads, indptr, n, (double)k, 0);
  float *T = pad_columns(thin, (size_t)m, (size_t)k, ldt);
  float *scratch = (float *)malloc(((size_t)threads * ldt + 1) * sizeof(float));
  if (!T || !scratch) {
    free(T);
    free(scratch);
    return -1;
  }
  times_thin_ctx c = {{(size_t)n, (size_t)m, (size_t)k, ldt, indptr, indices, values, 1, 1.0}, T, out, scratch};
  run_parts(&c.s, threads, csr_times_thin_range, &c);
  free(T);
  free(scratch);
  return 0;
}

/* ------------------------------------------------ thinT (k x n) times CSR (n x m) */

typedef struct {
  csr_shape s;
  const float *thinT; /* k x n */
  float *partial;     /* parts x m x ldt: per-thread (X^T thin) accumulators */
  float *scratch;     /* parts x ldt */
} t_times_ctx;

static void thin_t_times_csr_range(void *arg, int thread, size_t part, size_t part_end) {
  (void)part_end;
  t_times_ctx *c = (t_times_ctx *)arg;
  const csr_shape *s = &c->s;
  float *acc = c->partial + (size_t)thread * s->m * s->ldt;
  float *h = c->scratch + (size_t)thread * s->ldt;
  memset(h, 0, s->ldt * sizeof(float));
  size_t begin, end;
  part_rows(s, part, &begin, &end);
  for (size_t i = begin; i < end; i++) {
    const size_t p = (size_t)s->indptr[i], count = (size_t)s->indptr[i + 1] - p;
    if (!count) continue;
    for (size_t q = 0; q < s->k; q++) h[q] = c->thinT[q * s->n + i];
    rows_scatter(s->indices + p, s->values + p, count, h, s->ldt, acc);
  }
}

/* out (k x m) = thinT (k x n) · X (CSR, n x m). */
int bcnmf_thin_t_times_csr(int n, int m, int k, const float *thinT, const int32_t *indptr, const int32_t *indices,
                           const float *values, float *out, int threads) {
  const size_t ldt = round_up((size_t)k, 8);
  threads = csr_threads(threads, indptr, n, (double)k, 0);
  float *partial = (float *)calloc((size_t)threads * m * ldt + 1, sizeof(float));
  float *scratch = (float *)malloc(((size_t)threads * ldt + TILE * ldt + 1) * sizeof(float));
  if (!partial || !scratch) {
    free(partial);
    free(scratch);
    return -1;
  }
  t_times_ctx c = {{(size_t)n, (size_t)m, (size_t)k, ldt, indptr, indices, values, 1, 1.0}, thinT, partial, scratch};
  const int used = run_parts(&c.s, threads, thin_t_times_csr_range, &c);
  reduce_transposed(partial, used, (size_t)m, (size_t)k, ldt, out, scratch + (size_t)threads * ldt);
  free(partial);
  free(scratch);
  return 0;
}

/* --------------------------------- reconstruction and Poisson ratio at the entries */

typedef struct {
  csr_shape s;
  const float *H; /* n x k */
  const float *T; /* m x ldt, W transposed */
  int ratio;      /* 1: out = values / (reconstruction + eps) */
  float eps;
  float *out;     /* nnz */
  float *scratch; /* parts x ldt */
} entries_ctx;

static void entries_range(void *arg, int thread, size_t part, size_t part_end) {
  (void)part_end;
  entries_ctx *c = (entries_ctx *)arg;
  const csr_shape *s = &c->s;
  float *h = c->scratch + (size_t)thread * s->ldt;
  memset(h, 0, s->ldt * sizeof(float));
  const size_t base = (size_t)s->indptr[0];
  size_t begin, end;
  part_rows(s, part, &begin, &end);
  for (size_t i = begin; i < end; i++) {
    const size_t p = (size_t)s->indptr[i], count = (size_t)s->indptr[i + 1] - p;
    if (!count) continue;
    load_row(h, c->H + i * s->k, s->k);
    float *o = c->out + (p - base);
    rows_dot(s->indices + p, count, c->T, s->ldt, h, o);
    if (c->ratio) {
      const float *x = s->values + p;
      for (size_t e = 0; e < count; e++) o[e] = x[e] / (o[e] + c->eps);
    }
  }
}

static int csr_entries(int ratio, int n, int m, int k, const int32_t *indptr, const int32_t *indices,
                       const float *values, const float *H, const float *W, float eps, float *out, int threads) {
  const size_t ldt = round_up((size_t)k, 8);
  threads = csr_threads(threads, indptr, n, (double)k, 0);
  float *T = bcnmf_transpose_padded(W, (size_t)k, (size_t)m, ldt);
  float *scratch = (float *)malloc(((size_t)threads * ldt + 1) * sizeof(float));
  if (!T || !scratch) {
    free(T);
    free(scratch);
    return -1;
  }
  entries_ctx c = {{(size_t)n, (size_t)m, (size_t)k, ldt, indptr, indices, values, 1, 1.0}, H, T, ratio, eps, out,
                   scratch};
  run_parts(&c.s, threads, entries_range, &c);
  free(T);
  free(scratch);
  return 0;
}

/* out[p] = (H W)[row_p, col_p] for each stored entry p of X (CSR, n x m); H n x k, W k x m. */
int bcnmf_csr_reconstruction(int n, int m, int k, const int32_t *indptr, const int32_t *indices, const float *H,
                             const float *W, float *out, int threads) {
  return csr_entries(0, n, m, k, indptr, indices, NULL, H, W, 0.0f, out, threads);
}

/* out[p] = values[p] / ((H W)[row_p, col_p] + eps) for each stored entry p. */
int bcnmf_csr_poisson_ratio(int n, int m, int k, const int32_t *indptr, const int32_t *indices, const float *values,
                            const float *H, const float *W, float eps, float *out, int threads) {
  return csr_entries(1, n, m, k, indptr, indices, values, H, W, eps, out, threads);
}
