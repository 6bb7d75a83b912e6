/*
 * The products of one bcNMF iteration with a thin matrix (k columns) on dense data, and
 * the Poisson ratio X ⊘ (H W + eps) without the reconstruction: each a range function
 * over rows on the worker pool (pool.c) around the micro-kernels (micro.h).
 *
 * Layouts are row-major, samples x features, as in core: data X is n x m, the basis W is
 * k x m, coefficients H are n x k. All arithmetic is float32 (with fused multiply-adds
 * where the CPU has them), as the other backends compute it. Each exported function
 * returns 0, or -1 when memory for its work buffers ran out (nothing is written then).
 */
#include "micro.h"
#include "pool.h"

/* ------------------------------------------------- data (n x m) times thin (m x k) */

typedef struct {
  const float *X;
  size_t m, k, ldt;
  const float *T;
  float *out;
  const float *zero_row;
} times_thin_ctx;

HOT static void times_thin_range(void *arg, int thread, size_t begin, size_t end) {
  (void)thread;
  times_thin_ctx *c = (times_thin_ctx *)arg;
  enum { B = 32 };
  float *scratch = (float *)malloc((B + ROWS) * c->ldt * sizeof(float));
  if (!scratch) return; /* the caller checked the big allocations; this one is 36 x k */
  for (size_t i = begin; i < end; i += B) {
    const size_t rows = end - i < B ? end - i : B, padded = round_up(rows, ROWS);
    const float *a[B];
    float *o[B];
    for (size_t r = 0; r < padded; r++) {
      a[r] = r < rows ? c->X + (i + r) * c->m : c->zero_row;
      o[r] = scratch + r * c->ldt;
    }
    block_times_thin(a, o, padded, c->m, c->T, c->ldt);
    for (size_t r = 0; r < rows; r++) memcpy(c->out + (i + r) * c->k, o[r], c->k * sizeof(float));
  }
  free(scratch);
}

/* out (n x k) = X (n x m) · thin (m x k). Returns 0, or -1 when memory ran out. */
int bcnmf_dense_times_thin(int n, int m, int k, const float *X, const float *thin, float *out, int threads) {
  size_t ldt = round_up((size_t)k, 8);
  float *T = pad_columns(thin, m, k, ldt);
  float *zero = (float *)calloc((size_t)m + 1, sizeof(float));
  if (!T || !zero) {
    free(T);
    free(zero);
    return -1;
  }
  times_thin_ctx c = {X, (size_t)m, (size_t)k, ldt, T, out, zero};
  threads = bcnmf_pick_threads(threads, (double)n * m * k);
  bcnmf_parallel_ranges(threads, (size_t)n, ROWS, times_thin_range, &c);
  free(T);
  free(zero);
  return 0;
}

/* ---------------------------------------------- thinT (k x n) times data (n x m) */

typedef struct {
  const float *X;
  size_t n, m, k, ldh;
  const float *Hp; /* n x ldh, padded coefficient rows */
  float *partial;  /* threads x ldh x m */
} t_times_ctx;

HOT static void t_times_range(void *arg, int thread, size_t begin, size_t end) {
  t_times_ctx *c = (t_times_ctx *)arg;
  float *C = c->partial + (size_t)thread * c->ldh * c->m;
  const size_t block = block_rows(c->m);
  for (size_t i = begin; i < end; i += block) {
    size_t rows = end - i < block ? end - i : block;
    const float *a[BLOCK];
    for (size_t r = 0; r < rows; r++) a[r] = c->X + (i + r) * c->m;
    thin_t_times_rows(c->Hp + i * c->ldh, c->ldh, a, rows, c->m, C);
  }
}

/* out (k x m) = thinT (k x n) · X (n x m). Returns 0, or -1 when memory ran out. */
int bcnmf_thin_t_times_dense(int n, int m, int k, const float *thinT, const float *X, float *out, int threads) {
  size_t ldh = round_up((size_t)k, 4);
  threads = bcnmf_pick_threads(threads, (double)n * m * k);
  float *Hp = (float *)calloc((size_t)n * ldh + 1, sizeof(float));
  float *partial = (float *)calloc((size_t)threads * ldh * m + 1, sizeof(float));
  if (!Hp || !partial) {
    free(Hp);
    free(partial);
    return -1;
  }
  for (size_t q = 0; q < (size_t)k; q++)
    for (size_t i = 0; i < (size_t)n; i++) Hp[i * ldh + q] = thinT[q * n + i];
  t_times_ctx c = {X, (size_t)n, (size_t)m, (size_t)k, ldh, Hp, partial};
  int used = bcnmf_parallel_ranges(threads, (size_t)n, block_rows((size_t)m), t_times_range, &c);
  reduce_partials(partial, used, ldh, k, m, out);
  free(Hp);
  free(partial);
  return 0;
}

/* ------------------------------------------------------------- Poisson ratio */

typedef struct {
  const float *X, *W;
  size_t m, k, ldh;
  const float *Hp;
  float eps;
  float *out;
  const float *zero_row;
  float *scratch_rows; /* threads x ROWS x m */
} ratio_ctx;

HOT static void ratio_range(void *arg, int thread, size_t begin, size_t end) {
  ratio_ctx *c = (ratio_ctx *)arg;
  float *scratch = c->scratch_rows + (size_t)thread * ROWS * c->m;
  for (size_t i = begin; i < end; i += ROWS) {
    const float *x[ROWS], *h[ROWS];
    float *o[ROWS];
    for (int r = 0; r < ROWS; r++) {
      int real = i + r < end;
      x[r] = real ? c->X + (i + r) * c->m : c->zero_row;
      h[r] = real ? c->Hp + (i + r) * c->ldh : c->zero_row;
      o[r] = real ? c->out + (i + r) * c->m : scratch + r * c->m;
    }
    poisson_ratio_rows(x, h, c->k, c->W, c->m, c->eps, o);
  }
}

/* out (n x m) = X ⊘ (H W + eps). Returns 0, or -1 when memory ran out. */
int bcnmf_poisson_ratio(int n, int m, int k, const float *X, const float *H, const float *W, float eps, float *out,
                        int threads) {
  threads = bcnmf_pick_threads(threads, (double)n * m * k);
  size_t ldh = (size_t)k;
  size_t zero_len = (size_t)m > ldh ? (size_t)m : ldh;
  float *zero = (float *)calloc(zero_len + 1, sizeof(float));
  float *scratch = (float *)malloc(((size_t)threads * ROWS * m + 1) * sizeof(float));
  if (!zero || !scratch) {
    free(zero);
    free(scratch);
    return -1;
  }
  ratio_ctx c = {X, W, (size_t)m, (size_t)k, ldh, H, eps, out, zero, scratch};
  bcnmf_parallel_ranges(threads, (size_t)n, ROWS, ratio_range, &c);
  free(zero);
  free(scratch);
  return 0;
}
