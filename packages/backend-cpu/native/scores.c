/*
 * The score sums in one pass each, without the n x m reconstruction: float32 terms
 * summed in float64 (layouts as in dense-products.c).
 */
#include "micro.h"
#include "pool.h"

typedef struct {
  int poisson;
  const float *X, *W, *H;
  size_t m, k;
  float eps;
  const float *zero_row;
  double *partial; /* one per thread */
} sum_ctx;

HOT static void sum_range(void *arg, int thread, size_t begin, size_t end) {
  sum_ctx *c = (sum_ctx *)arg;
  const size_t m = c->m, k = c->k;
  double total = 0;
  for (size_t i = begin; i < end; i += ROWS) {
    const int real = end - i < ROWS ? (int)(end - i) : ROWS;
    const float *x[ROWS], *h[ROWS];
    for (int r = 0; r < ROWS; r++) {
      x[r] = r < real ? c->X + (i + r) * m : c->zero_row;
      h[r] = r < real ? c->H + (i + r) * k : c->zero_row;
    }
    v8 rowsSum = {0};
    size_t j = 0;
    for (; j + 8 <= m; j += 8) {
      v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
      const float *w = c->W + j;
      for (size_t q = 0; q < k; q++, w += m) {
        v8 wq = LOAD(w);
        KEEP(wq);
        a0 += h[0][q] * wq; a1 += h[1][q] * wq; a2 += h[2][q] * wq; a3 += h[3][q] * wq;
      }
      v8 acc[ROWS] = {a0, a1, a2, a3};
      for (int r = 0; r < real; r++) {
        const v8 xv = LOAD(x[r] + j);
        if (c->poisson) {
          v8 t;
          for (int l = 0; l < 8; l++) t[l] = xv[l] * logf(acc[r][l] + c->eps) - acc[r][l];
          rowsSum += t;
        } else {
          const v8 d = xv - acc[r];
          rowsSum += d * d;
        }
      }
    }
    double rowsTotal = 0;
    for (int l = 0; l < 8; l++) rowsTotal += rowsSum[l];
    for (; j < m; j++) {
      for (int r = 0; r < real; r++) {
        float s = 0;
        for (size_t q = 0; q < k; q++) s += h[r][q] * c->W[q * m + j];
        rowsTotal += c->poisson ? (double)(x[r][j] * logf(s + c->eps) - s) : (double)((x[r][j] - s) * (x[r][j] - s));
      }
    }
    total += rowsTotal;
  }
  c->partial[thread] = total;
}

/*
 * Σ over the entries of (X − H W)² (poisson = 0) or of X ∘ log(H W + eps) − H W
 * (poisson = 1), in one pass without storing the reconstruction; float32 terms summed
 * in float64 per group of rows. Writes the sum to *out. Returns 0, or -1 when memory ran
 * out.
 */
int bcnmf_reconstruction_sum(int poisson, int n, int m, int k, const float *X, const float *H, const float *W, float eps,
                             double *out, int threads) {
  threads = bcnmf_pick_threads(threads, (double)n * m * k);
  const size_t zero_len = (size_t)m > (size_t)k ? (size_t)m : (size_t)k;
  float *zero = (float *)calloc(zero_len + 1, sizeof(float));
  double *partial = (double *)calloc(64, sizeof(double));
  if (!zero || !partial) {
    free(zero);
    free(partial);
    return -1;
  }
  sum_ctx c = {poisson, X, W, H, (size_t)m, (size_t)k, eps, zero, partial};
  const int used = bcnmf_parallel_ranges(threads, (size_t)n, ROWS, sum_range, &c);
  double total = 0;
  for (int t = 0; t < used; t++) total += partial[t];
  *out = total;
  free(zero);
  free(partial);
  return 0;
}

typedef struct {
  const float *X;
  double *partial;
} entropy_ctx;

HOT static void entropy_range(void *arg, int thread, size_t begin, size_t end) {
  entropy_ctx *c = (entropy_ctx *)arg;
  double total = 0;
  for (size_t i = begin; i < end; i += 4096) {
    const size_t stop = end - i < 4096 ? end : i + 4096;
    float s = 0;
    for (size_t p = i; p < stop; p++) {
      const float x = c->X[p];
      s += (x > 0 ? x * logf(x) : 0.0f) - x;
    }
    total += s;
  }
  c->partial[thread] = total;
}

/*
 * Σ (X log X − X) over `count` values, with 0 log 0 = 0: the constant that turns the
 * Poisson log-likelihood into a KL divergence. Float32 terms, float64 sums of each
 * 4096 values. Writes the sum to *out; returns 0, or -1 when memory ran out.
 */
int bcnmf_divergence_constant(int64_t count, const float *X, double *out, int threads) {
  threads = bcnmf_pick_threads(threads, (double)count * 20);
  double *partial = (double *)calloc(64, sizeof(double));
  if (!partial) return -1;
  entropy_ctx c = {X, partial};
  const int used = bcnmf_parallel_ranges(threads, (size_t)count, 4096, entropy_range, &c);
  double total = 0;
  for (int t = 0; t < used; t++) total += partial[t];
  *out = total;
  free(partial);
  return 0;
}
