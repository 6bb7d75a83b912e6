/*
 * bcnmf's native kernels for sparse (CSR) data on the `cpu` backend: the products of one
 * bcNMF iteration with a thin matrix over the stored entries only, the reconstruction
 * and the Poisson ratio at the stored entries, and a fused per-data-set pass with the
 * contract of bcnmf_fused_pass (kernels.c) for CSR data.
 *
 * CSR arrays as core stores them: row pointers `indptr` (n + 1, int32), column indices
 * `indices` and `values` (float32) of the stored entries in row order. Dense layouts are
 * row-major as in kernels.c: the basis W is k x m, coefficients H are n x k.
 *
 * Every k-long loop runs over a row of a matrix padded with zero columns to `ldt` (a
 * multiple of 8), in chunks of up to four 8-float vectors kept in registers. Threads get
 * contiguous row ranges with about the same number of stored entries (split_row).
 * All arithmetic is float32. Each exported function returns 0, or -1 when memory for
 * its work buffers ran out (nothing is written then).
 */
#include "common.h"
#if defined(__AVX__)
#include <immintrin.h>
#endif

/* ------------------------------------------------------------- helpers */

/* v[0] + ... + v[7], as ((v0 + v4) + (v2 + v6)) + ((v1 + v5) + (v3 + v7)). */
INLINE float hsum(v8 v) {
#if defined(__AVX__)
  const __m128 a = _mm_add_ps(_mm256_castps256_ps128((__m256)v), _mm256_extractf128_ps((__m256)v, 1));
  const __m128 b = _mm_add_ps(a, _mm_movehl_ps(a, a));
  return _mm_cvtss_f32(_mm_add_ss(b, _mm_movehdup_ps(b)));
#else
  const float s0 = v[0] + v[4], s1 = v[1] + v[5], s2 = v[2] + v[6], s3 = v[3] + v[7];
  return (s0 + s2) + (s1 + s3);
#endif
}

INLINE v8 broadcast(float f) { return (v8){f, f, f, f, f, f, f, f}; }

/* Runs CALL(NV) over the 8-float chunks of a row of ldt floats: NV = 4 while 32 or more
 * columns remain (c the chunk's first column), then one call with NV = 3, 2 or 1. */
#define FOR_CHUNKS(ldt, CALL)                  \
  do {                                         \
    size_t c = 0;                              \
    for (; c + 32 <= (ldt); c += 32) CALL(4);  \
    switch (((ldt) - c) / 8) {                 \
      case 3: CALL(3); break;                  \
      case 2: CALL(2); break;                  \
      case 1: CALL(1); break;                  \
      default: break;                          \
    }                                          \
  } while (0)

/*
 * out[c .. c + 8 NV) = Σ_e s[e] · R[idx[e] ldt + c ..]: the sum of rows of R (ldt floats
 * each) picked by idx, weighted by s. Two entries per step with separate accumulators,
 * so that the multiply-adds are not paced by their latency.
 */
INLINE void axpy_chunk(const int32_t *idx, const float *s, size_t count, const float *R, size_t ldt, size_t c,
                       float *out, const int NV) {
  v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, b0 = {0}, b1 = {0}, b2 = {0}, b3 = {0};
  const float *Rc = R + c;
  size_t e = 0;
  for (; e + 2 <= count; e += 2) {
    const float *t = Rc + (size_t)idx[e] * ldt, *u = Rc + (size_t)idx[e + 1] * ldt;
    const v8 f = broadcast(s[e]), g = broadcast(s[e + 1]);
    a0 += f * LOAD(t);
    b0 += g * LOAD(u);
    if (NV > 1) { a1 += f * LOAD(t + 8); b1 += g * LOAD(u + 8); }
    if (NV > 2) { a2 += f * LOAD(t + 16); b2 += g * LOAD(u + 16); }
    if (NV > 3) { a3 += f * LOAD(t + 24); b3 += g * LOAD(u + 24); }
  }
  if (e < count) {
    const float *t = Rc + (size_t)idx[e] * ldt;
    const v8 f = broadcast(s[e]);
    a0 += f * LOAD(t);
    if (NV > 1) a1 += f * LOAD(t + 8);
    if (NV > 2) a2 += f * LOAD(t + 16);
    if (NV > 3) a3 += f * LOAD(t + 24);
  }
  STORE(out + c, a0 + b0);
  if (NV > 1) STORE(out + c + 8, a1 + b1);
  if (NV > 2) STORE(out + c + 16, a2 + b2);
  if (NV > 3) STORE(out + c + 24, a3 + b3);
}

/* out[0 .. ldt) = Σ_e s[e] · R[idx[e]] (rows of R, ldt floats each). */
static void rows_axpy(const int32_t *idx, const float *s, size_t count, const float *R, size_t ldt, float *out) {
#define AXPY(NV) axpy_chunk(idx, s, count, R, ldt, c, out, NV)
  FOR_CHUNKS(ldt, AXPY);
#undef AXPY
}

/* acc[idx[e] ldt + c ..] += s[e] · h[c .. c + 8 NV) for each entry e. */
INLINE void scatter_chunk(const int32_t *idx, const float *s, size_t count, const float *h, size_t ldt, size_t c,
                          float *acc, const int NV) {
  const v8 h0 = LOAD(h + c), h1 = NV > 1 ? LOAD(h + c + 8) : h0, h2 = NV > 2 ? LOAD(h + c + 16) : h0,
           h3 = NV > 3 ? LOAD(h + c + 24) : h0;
  for (size_t e = 0; e < count; e++) {
    float *a = acc + (size_t)idx[e] * ldt + c;
    const v8 f = broadcast(s[e]);
    STORE(a, LOAD(a) + f * h0);
    if (NV > 1) STORE(a + 8, LOAD(a + 8) + f * h1);
    if (NV > 2) STORE(a + 16, LOAD(a + 16) + f * h2);
    if (NV > 3) STORE(a + 24, LOAD(a + 24) + f * h3);
  }
}

/* acc[idx[e]] += s[e] · h for each entry e (rows of acc and h: ldt floats). */
static void rows_scatter(const int32_t *idx, const float *s, size_t count, const float *h, size_t ldt, float *acc) {
#define SCATTER(NV) scatter_chunk(idx, s, count, h, ldt, c, acc, NV)
  FOR_CHUNKS(ldt, SCATTER);
#undef SCATTER
}

/* out[e] (+)= h[c .. c + 8 NV) · R[idx[e] ldt + c ..] for each entry e (= on the first chunk). */
INLINE void dot_chunk(const int32_t *idx, size_t count, const float *R, size_t ldt, size_t c, const float *h,
                      float *out, const int NV) {
  const v8 h0 = LOAD(h + c), h1 = NV > 1 ? LOAD(h + c + 8) : h0, h2 = NV > 2 ? LOAD(h + c + 16) : h0,
           h3 = NV > 3 ? LOAD(h + c + 24) : h0;
  const float *Rc = R + c;
  for (size_t e = 0; e < count; e++) {
    const float *t = Rc + (size_t)idx[e] * ldt;
    v8 a = h0 * LOAD(t);
    if (NV > 1) a += h1 * LOAD(t + 8);
    if (NV > 2) a += h2 * LOAD(t + 16);
    if (NV > 3) a += h3 * LOAD(t + 24);
    const float d = hsum(a);
    out[e] = c == 0 ? d : out[e] + d;
  }
}

/* out[e] = h · R[idx[e]] for each entry e (h and the rows of R: ldt floats, zero padded). */
static void rows_dot(const int32_t *idx, size_t count, const float *R, size_t ldt, const float *h, float *out) {
#define DOT(NV) dot_chunk(idx, count, R, ldt, c, h, out, NV)
  FOR_CHUNKS(ldt, DOT);
#undef DOT
}

/* m x k `thin` copied into m x ldt with zero columns after k. */
static float *padded_copy(const float *thin, size_t m, size_t k, size_t ldt) {
  float *T = (float *)calloc(m * ldt + 1, sizeof(float));
  if (!T) return NULL;
  for (size_t j = 0; j < m; j++) memcpy(T + j * ldt, thin + j * k, k * sizeof(float));
  return T;
}


/* G = W Wᵀ (k x k) into the first k columns of G (k x ldt, zero elsewhere): one m-long
 * dot product per pair p >= q, so that G is exactly symmetric. */
static void padded_gram(const float *W, size_t k, size_t m, size_t ldt, float *G) {
  memset(G, 0, k * ldt * sizeof(float));
  for (size_t p = 0; p < k; p++) {
    const float *a = W + p * m;
    for (size_t q = 0; q <= p; q++) {
      const float *b = W + q * m;
      v8 s0 = {0}, s1 = {0};
      size_t j = 0;
      for (; j + 16 <= m; j += 16) {
        s0 += LOAD(a + j) * LOAD(b + j);
        s1 += LOAD(a + j + 8) * LOAD(b + j + 8);
      }
      if (j + 8 <= m) {
        s0 += LOAD(a + j) * LOAD(b + j);
        j += 8;
      }
      float sum = hsum(s0 + s1);
      for (; j < m; j++) sum += a[j] * b[j];
      G[p * ldt + q] = G[q * ldt + p] = sum;
    }
  }
}

/* Copies a k-long row into h, whose floats k .. ldt stay zero. */
INLINE void load_row(float *h, const float *row, size_t k) { memcpy(h, row, k * sizeof(float)); }

/* The most stored entries in one row. */
static size_t longest_row(const int32_t *indptr, size_t n) {
  size_t most = 0;
  for (size_t i = 0; i < n; i++) {
    const size_t count = (size_t)(indptr[i + 1] - indptr[i]);
    if (count > most) most = count;
  }
  return most;
}

/*
 * The first row of part t of `parts` when rows are split so that each part gets about
 * the same weight, a row weighing its stored entries plus row_cost: the first i with
 * indptr[i] + row_cost i >= t / parts of the total (binary search; weights increase).
 */
static size_t split_row(const int32_t *indptr, size_t n, double row_cost, int parts, int t) {
  if (t <= 0) return 0;
  if (t >= parts) return n;
  const double base = (double)indptr[0];
  const double target = ((double)indptr[n] - base + row_cost * (double)n) * t / parts;
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if ((double)indptr[mid] - base + row_cost * (double)mid < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* What every CSR range function knows: the matrix and how its rows are split. */
typedef struct {
  size_t n, m, k, ldt;
  const int32_t *indptr, *indices;
  const float *values;
  int parts;
  double row_cost;
} csr_shape;

/* Runs fn over `parts` row ranges of about equal weight (part t: thread t). Returns the
 * number of parts run. The range function receives its part's index as `begin`. */
static int run_parts(csr_shape *shape, int threads, range_fn fn, void *ctx) {
  shape->parts = threads < 1 ? 1 : threads > 64 ? 64 : threads;
  return bcnmf_parallel_ranges(shape->parts, (size_t)shape->parts, 1, fn, ctx);
}

/* The rows of part t. */
INLINE void part_rows(const csr_shape *s, size_t t, size_t *begin, size_t *end) {
  *begin = split_row(s->indptr, s->n, s->row_cost, s->parts, (int)t);
  *end = split_row(s->indptr, s->n, s->row_cost, s->parts, (int)t + 1);
}

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
  const double nnz = (double)(indptr[n] - indptr[0]);
  threads = bcnmf_pick_threads(threads, nnz * k);
  if (threads > 64) threads = 64;
  float *T = padded_copy(thin, (size_t)m, (size_t)k, ldt);
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

/* Columns per tile of reduce_transposed: each output row gets 8 neighbouring floats. */
#define TILE 8

/* out (k x m) = Σ over the parts of their m x ldt accumulators, transposed, TILE
 * accumulator rows at a time (tile: TILE x ldt floats). */
static void reduce_transposed(const float *partial, int used, size_t m, size_t k, size_t ldt, float *out,
                              float *tile) {
  for (size_t j0 = 0; j0 < m; j0 += TILE) {
    const size_t width = m - j0 < TILE ? m - j0 : TILE;
    memcpy(tile, partial + j0 * ldt, width * ldt * sizeof(float));
    for (int t = 1; t < used; t++) {
      const float *p = partial + ((size_t)t * m + j0) * ldt;
      for (size_t i = 0; i < width * ldt; i++) tile[i] += p[i];
    }
    for (size_t q = 0; q < k; q++) {
      float *o = out + q * m + j0;
      for (size_t jj = 0; jj < width; jj++) o[jj] = tile[jj * ldt + q];
    }
  }
}

/* out (k x m) = thinT (k x n) · X (CSR, n x m). */
int bcnmf_thin_t_times_csr(int n, int m, int k, const float *thinT, const int32_t *indptr, const int32_t *indices,
                           const float *values, float *out, int threads) {
  const size_t ldt = round_up((size_t)k, 8);
  const double nnz = (double)(indptr[n] - indptr[0]);
  threads = bcnmf_pick_threads(threads, nnz * k);
  if (threads > 64) threads = 64;
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
  const double nnz = (double)(indptr[n] - indptr[0]);
  threads = bcnmf_pick_threads(threads, nnz * k);
  if (threads > 64) threads = 64;
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

/* ------------------------------------------------------------ fused CSR pass */

/*
 * bcnmf_fused_pass (kernels.c) for CSR data, row by row over the stored entries only:
 *   Frobenius: Hnew = H ∘ ((X Wᵀ) ⊘ (H G + eps))^damping, G = W Wᵀ;
 *              cross = Hnewᵀ X (k x m), mass = Hnewᵀ Hnew (k x k)
 *   Poisson:   Hnew = H ∘ (((X ⊘ (H W + eps)) Wᵀ) ⊘ (W 1 + eps)ᵀ)^damping;
 *              cross = Hnewᵀ (X ⊘ (Hnew W + eps)) (k x m), mass = colsum(Hnew) (k)
 * where the ratio X ⊘ (H W + eps) is taken at the stored entries (it is 0 elsewhere, as
 * core's sparse path computes it). With cross == NULL only Hnew is computed.
 */
typedef struct {
  csr_shape s;
  int poisson;
  const float *H;
  const float *T;      /* m x ldt, W transposed */
  const float *G;      /* k x ldt, W Wᵀ (Frobenius) */
  const float *wsum;   /* k, the row sums of W (Poisson) */
  const int32_t *iota; /* 0 .. k-1 */
  float eps, damping;
  float *Hnew;
  float *partial_cross; /* parts x m x ldt, or NULL */
  float *partial_mass;  /* parts x k x ldt (Frobenius) or parts x ldt (Poisson) */
  float *scratch;       /* parts x scratch_floats */
  size_t scratch_floats;
} csr_pass_ctx;

static void csr_pass_range(void *arg, int thread, size_t part, size_t part_end) {
  (void)part_end;
  csr_pass_ctx *c = (csr_pass_ctx *)arg;
  const csr_shape *s = &c->s;
  const size_t k = s->k, ldt = s->ldt, m = s->m;
  float *h = c->scratch + (size_t)thread * c->scratch_floats; /* ldt: the row of H, zero padded */
  float *hn = h + ldt;                                        /* ldt: the row of Hnew, zero padded */
  float *numerator = hn + ldt;                                /* ldt */
  float *denominator = numerator + ldt;                       /* ldt (Frobenius: H G) */
  float *ratio = denominator + ldt;                           /* the row's entries */
  float *cross = c->partial_cross ? c->partial_cross + (size_t)thread * m * ldt : NULL;
  float *mass = c->partial_mass ? c->partial_mass + (size_t)thread * (c->poisson ? ldt : k * ldt) : NULL;
  memset(h, 0, 2 * ldt * sizeof(float));
  size_t begin, end;
  part_rows(s, part, &begin, &end);
  for (size_t i = begin; i < end; i++) {
    const size_t p = (size_t)s->indptr[i], count = (size_t)s->indptr[i + 1] - p;
    const int32_t *idx = s->indices + p;
    const float *x = s->values + p;
    load_row(h, c->H + i * k, k);
    /* 1. the new coefficients */
    if (c->poisson) {
      rows_dot(idx, count, c->T, ldt, h, ratio);
      for (size_t e = 0; e < count; e++) ratio[e] = x[e] / (ratio[e] + c->eps);
      rows_axpy(idx, ratio, count, c->T, ldt, numerator);
      for (size_t q = 0; q < k; q++) hn[q] = damped(h[q], numerator[q], c->wsum[q] + c->eps, c->damping);
    } else {
      rows_axpy(idx, x, count, c->T, ldt, numerator);
      rows_axpy(c->iota, h, k, c->G, ldt, denominator);
      for (size_t q = 0; q < k; q++) hn[q] = damped(h[q], numerator[q], denominator[q] + c->eps, c->damping);
    }
    memcpy(c->Hnew + i * k, hn, k * sizeof(float));
    if (!cross) continue;
    /* 2. the basis statistics from the new coefficients */
    if (c->poisson) {
      rows_dot(idx, count, c->T, ldt, hn, ratio);
      for (size_t e = 0; e < count; e++) ratio[e] = x[e] / (ratio[e] + c->eps);
      rows_scatter(idx, ratio, count, hn, ldt, cross);
      for (size_t q = 0; q < k; q++) mass[q] += hn[q];
    } else {
      rows_scatter(idx, x, count, hn, ldt, cross);
      rows_scatter(c->iota, hn, k, hn, ldt, mass);
    }
  }
}

/*
 * The fused pass (see csr_pass_ctx) over X (CSR, n x m) with coefficients H (n x k) and
 * basis W (k x m). Writes Hnew (n x k) and, when cross is not NULL, cross (k x m) and
 * mass (k x k for Frobenius, k for Poisson). Returns 0, or -1 when memory ran out
 * (nothing written then).
 */
int bcnmf_csr_fused_pass(int poisson, int n, int m, int k, const int32_t *indptr, const int32_t *indices,
                         const float *values, const float *H, const float *W, float eps, float damping, float *Hnew,
                         float *cross, float *mass, int threads) {
  const size_t K = (size_t)k, M = (size_t)m, ldt = round_up(K, 8);
  const double nnz = (double)(indptr[n] - indptr[0]);
  /* multiply-adds: per entry k for each product with the entry (2 to 4 of them); per
   * row k x k for H G and Hnewᵀ Hnew (Frobenius) */
  const double entry_work = (double)k * (poisson ? (cross ? 4 : 2) : (cross ? 2 : 1));
  const double row_work = poisson ? (double)k : (double)k * k * (cross ? 2 : 1);
  threads = bcnmf_pick_threads(threads, nnz * entry_work + (double)n * row_work);
  if (threads > 64) threads = 64;
  const size_t scratch_floats = 4 * ldt + longest_row(indptr, (size_t)n) + 8;
  const size_t mass_floats = poisson ? ldt : K * ldt;
  float *T = bcnmf_transpose_padded(W, K, M, ldt);
  float *G = poisson ? NULL : (float *)malloc((K * ldt + 1) * sizeof(float));
  float *wsum = (float *)calloc(K + 1, sizeof(float));
  int32_t *iota = (int32_t *)malloc((K + 1) * sizeof(int32_t));
  float *scratch = (float *)malloc(((size_t)threads * scratch_floats + TILE * ldt + 1) * sizeof(float));
  float *partial_cross = cross ? (float *)calloc((size_t)threads * M * ldt + 1, sizeof(float)) : NULL;
  float *partial_mass = cross ? (float *)calloc((size_t)threads * mass_floats + 1, sizeof(float)) : NULL;
  if (!T || (!poisson && !G) || !wsum || !iota || !scratch || (cross && (!partial_cross || !partial_mass))) {
    free(T); free(G); free(wsum); free(iota); free(scratch); free(partial_cross); free(partial_mass);
    return -1;
  }
  for (size_t q = 0; q < K; q++) iota[q] = (int32_t)q;
  if (poisson) {
    for (size_t q = 0; q < K; q++) {
      const float *w = W + q * M;
      v8 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
      size_t j = 0;
      for (; j + 32 <= M; j += 32) {
        s0 += LOAD(w + j);
        s1 += LOAD(w + j + 8);
        s2 += LOAD(w + j + 16);
        s3 += LOAD(w + j + 24);
      }
      for (; j + 8 <= M; j += 8) s0 += LOAD(w + j);
      float sum = hsum((s0 + s1) + (s2 + s3));
      for (; j < M; j++) sum += w[j];
      wsum[q] = sum;
    }
  } else {
    padded_gram(W, K, M, ldt, G);
  }
  const double row_cost = row_work / entry_work;
  csr_pass_ctx c = {{(size_t)n, M, K, ldt, indptr, indices, values, 1, row_cost},
                    poisson, H, T, G, wsum, iota, eps, damping, Hnew, partial_cross, partial_mass, scratch,
                    scratch_floats};
  const int used = run_parts(&c.s, threads, csr_pass_range, &c);
  if (cross) {
    reduce_transposed(partial_cross, used, M, K, ldt, cross, scratch);
    for (size_t r = 0; r < (poisson ? 1 : K); r++) {
      for (size_t q = 0; q < K; q++) {
        float sum = partial_mass[r * ldt + q];
        for (int t = 1; t < used; t++) sum += partial_mass[(size_t)t * mass_floats + r * ldt + q];
        mass[r * K + q] = sum;
      }
    }
  }
  free(T); free(G); free(wsum); free(iota); free(scratch); free(partial_cross); free(partial_mass);
  return 0;
}
