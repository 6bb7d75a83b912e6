/*
 * bcnmf's native kernels for the `cpu` backend: the products of one bcNMF iteration
 * with a thin matrix (k columns), and fused passes that update a data set's coefficients
 * and gather its basis statistics while each block of data rows is still in cache.
 *
 * Plain C (GCC/Clang vector extensions, pthreads), compiled on the user's machine by
 * scripts/build-native.mjs at install time and called through koffi. On x86-64 it is
 * built twice, generic and with AVX2+FMA; the loader asks the generic build
 * (bcnmf_cpu_has_avx2) before it loads the other.
 *
 * Layouts are row-major, samples x features, as in core: data X is n x m, the basis W is
 * k x m, coefficients H are n x k. All arithmetic is float32 (with fused multiply-adds
 * where the CPU has them), as the other backends compute it.
 */
#include "common.h"

/* Rows of a block processed together by the micro-kernels. */
#define ROWS 4
/* Most data rows per cache block of the fused passes (see block_rows). */
#define BLOCK 64

/* Rows per block for m features: a block of data (and one of ratios) stays within about
 * 256 KB, so that it is still in the core's L2 cache for the block's second product. */
static size_t block_rows(size_t m) {
  size_t rows = (65536 / (m ? m : 1)) / ROWS * ROWS;
  if (rows < 8) rows = 8;
  if (rows > BLOCK) rows = BLOCK;
  return rows;
}

/* ---------------------------------------------------------------- threads */

typedef struct {
  range_fn fn;
  void *ctx;
  int thread;
  size_t begin, end;
} range_job;

static void *run_range(void *arg) {
  range_job *job = (range_job *)arg;
  job->fn(job->ctx, job->thread, job->begin, job->end);
  return NULL;
}

/* 1 where this CPU runs the AVX2+FMA build (x86-64 with both), else 0. */
int bcnmf_cpu_has_avx2(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

/* 1 when this build uses AVX2+FMA. */
int bcnmf_build_avx2(void) {
#if defined(__AVX2__) && defined(__FMA__)
  return 1;
#else
  return 0;
#endif
}

/* Number of threads the kernels use when the caller passes 0: the online CPUs. */
int bcnmf_default_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if (n > 64) n = 64;
  return (int)n;
}

int bcnmf_pick_threads(int threads, double work) {
  if (threads < 1) threads = bcnmf_default_threads();
  return work < SMALL_WORK ? 1 : threads;
}

/*
 * A pool of worker threads, started on first use and kept: creating and joining a thread
 * costs about 0.1 ms on a VM, as much as a small pass's work. Workers sleep on a
 * condition variable between calls. One caller at a time uses the pool; a concurrent
 * caller (none in bcnmf: koffi calls come from the JavaScript thread) starts threads of
 * its own instead.
 */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t pool_owner = PTHREAD_MUTEX_INITIALIZER;
static unsigned long pool_generation = 0;
static int pool_size = 0;    /* ranges in the current round (job 0 is the caller's) */
static int pool_pending = 0; /* worker jobs of the current round not finished */
static int pool_workers = 0; /* workers started: they take jobs 1..pool_workers */
static range_job pool_jobs[64];

static void *pool_worker(void *arg) {
  const int index = (int)(intptr_t)arg;
  unsigned long seen = 0;
  pthread_mutex_lock(&pool_lock);
  for (;;) {
    while (pool_generation == seen) pthread_cond_wait(&pool_wake, &pool_lock);
    seen = pool_generation;
    if (index >= pool_size) continue;
    const range_job job = pool_jobs[index];
    pthread_mutex_unlock(&pool_lock);
    job.fn(job.ctx, job.thread, job.begin, job.end);
    pthread_mutex_lock(&pool_lock);
    if (--pool_pending == 0) pthread_cond_signal(&pool_done);
  }
  return NULL;
}

/* Starts workers until `wanted` run (or creation fails); returns how many run. */
static int pool_grow(int wanted) {
  while (pool_workers < wanted) {
    pthread_t id;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int failed = pthread_create(&id, &attr, pool_worker, (void *)(intptr_t)(pool_workers + 1));
    pthread_attr_destroy(&attr);
    if (failed) break;
    pool_workers++;
  }
  return pool_workers;
}

/*
 * Splits [0, count) into `threads` contiguous ranges (boundaries on multiples of
 * `align`) and runs fn on each, the first on the calling thread and the others on the
 * pool. Returns the number of ranges run (a range whose worker could not be started
 * runs on the calling thread instead).
 */
int bcnmf_parallel_ranges(int threads, size_t count, size_t align, range_fn fn, void *ctx) {
  if (threads < 1) threads = bcnmf_default_threads();
  size_t chunks = (count + align - 1) / align;
  if ((size_t)threads > chunks) threads = chunks > 0 ? (int)chunks : 1;
  if (threads > 64) threads = 64;
  range_job jobs[64];
  for (int t = 0; t < threads; t++) {
    size_t b = chunks * t / threads * align, e = chunks * (t + 1) / threads * align;
    if (e > count) e = count;
    if (b > count) b = count;
    jobs[t] = (range_job){fn, ctx, t, b, e};
  }
  if (threads == 1) {
    run_range(&jobs[0]);
    return 1;
  }
  if (pthread_mutex_trylock(&pool_owner) != 0) {
    /* the pool is in use by another caller: threads of this call's own */
    pthread_t ids[64];
    int started[64];
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&ids[t], NULL, run_range, &jobs[t]) == 0;
    run_range(&jobs[0]);
    for (int t = 1; t < threads; t++) {
      if (started[t]) pthread_join(ids[t], NULL);
      else run_range(&jobs[t]);
    }
    return threads;
  }
  pthread_mutex_lock(&pool_lock);
  const int workers = pool_grow(threads - 1);
  const int pooled = workers < threads - 1 ? workers : threads - 1;
  for (int t = 1; t <= pooled; t++) pool_jobs[t] = jobs[t];
  pool_size = pooled + 1;
  pool_pending = pooled;
  pool_generation++;
  pthread_cond_broadcast(&pool_wake);
  pthread_mutex_unlock(&pool_lock);
  run_range(&jobs[0]);
  for (int t = pooled + 1; t < threads; t++) run_range(&jobs[t]);
  pthread_mutex_lock(&pool_lock);
  while (pool_pending > 0) pthread_cond_wait(&pool_done, &pool_lock);
  pthread_mutex_unlock(&pool_lock);
  pthread_mutex_unlock(&pool_owner);
  return threads;
}

/* ------------------------------------------------------------ micro-kernels */

/*
 * out_r[c .. c + 8*NV) += sum_j a_r[j] * T[j*ldt + c .. + 8*NV) for ROWS rows a_0..a_3 (T is
 * the thin matrix, m x ldt, padded with zeros to a multiple of 8 columns). Each row's
 * scalar is broadcast just before its multiply-adds, so that 4 x NV accumulators, NV
 * vectors of T and one broadcast fit the 16 vector registers.
 */
#define FMA_ROW(ACC, S, NV)            \
  {                                    \
    const float f = (S);               \
    const v8 b = {f, f, f, f, f, f, f, f}; \
    ACC##0 += b * w0;                  \
    if (NV > 1) ACC##1 += b * w1;      \
    if (NV > 2) ACC##2 += b * w2;      \
  }
#define DEFINE_ROWS_TIMES_THIN(NV)                                                                     \
  INLINE void rows_times_thin_##NV(const float *a0, const float *a1, const float *a2, const float *a3, \
                                   size_t m, const float *T, size_t ldt, size_t c, float *o0, float *o1, \
                                   float *o2, float *o3) {                                             \
    v8 p0 = LOAD(o0 + c), p1 = {0}, p2 = {0}, q0 = LOAD(o1 + c), q1 = {0}, q2 = {0};                   \
    v8 r0 = LOAD(o2 + c), r1 = {0}, r2 = {0}, s0 = LOAD(o3 + c), s1 = {0}, s2 = {0};                   \
    if (NV > 1) { p1 = LOAD(o0 + c + 8); q1 = LOAD(o1 + c + 8); r1 = LOAD(o2 + c + 8); s1 = LOAD(o3 + c + 8); } \
    if (NV > 2) { p2 = LOAD(o0 + c + 16); q2 = LOAD(o1 + c + 16); r2 = LOAD(o2 + c + 16); s2 = LOAD(o3 + c + 16); } \
    const float *t = T + c;                                                                            \
    for (size_t j = 0; j < m; j++, t += ldt) {                                                         \
      v8 w0 = LOAD(t), w1 = {0}, w2 = {0};                                                             \
      KEEP(w0);                                                                                        \
      if (NV > 1) { w1 = LOAD(t + 8); KEEP(w1); }                                                      \
      if (NV > 2) { w2 = LOAD(t + 16); KEEP(w2); }                                                     \
      FMA_ROW(p, a0[j], NV)                                                                            \
      FMA_ROW(q, a1[j], NV)                                                                            \
      FMA_ROW(r, a2[j], NV)                                                                            \
      FMA_ROW(s, a3[j], NV)                                                                            \
    }                                                                                                  \
    STORE(o0 + c, p0); STORE(o1 + c, q0); STORE(o2 + c, r0); STORE(o3 + c, s0);                        \
    if (NV > 1) { STORE(o0 + c + 8, p1); STORE(o1 + c + 8, q1); STORE(o2 + c + 8, r1); STORE(o3 + c + 8, s1); } \
    if (NV > 2) { STORE(o0 + c + 16, p2); STORE(o1 + c + 16, q2); STORE(o2 + c + 16, r2); STORE(o3 + c + 16, s2); } \
  }
DEFINE_ROWS_TIMES_THIN(1)
DEFINE_ROWS_TIMES_THIN(2)
DEFINE_ROWS_TIMES_THIN(3)

/* Columns of T per tile of block_times_thin: a tile of 24 of T's columns (12 KB) stays
 * in the L1 cache while every row of the block passes over it. */
#define JTILE 128

/*
 * o_r[0..ldt) = a_r (length m) · T (m x ldt, ldt a multiple of 8) for `rows` rows (a
 * multiple of ROWS; padding rows read a zero row and write a sink). Tiled over j and
 * over 24-column chunks of T, so that each tile of T is read once per block of rows
 * rather than once per four rows (T itself, m x ldt, need not fit any cache).
 */
INLINE void block_times_thin(const float *const *a, float *const *o, size_t rows, size_t m, const float *T, size_t ldt) {
  for (size_t r = 0; r < rows; r++) memset(o[r], 0, ldt * sizeof(float));
  for (size_t c = 0, nv; c < ldt; c += 8 * nv) {
    /* chunks of 3 vectors; a last 3 + 1 is split 2 + 2 (a 1-vector chunk is load-bound) */
    const size_t left = (ldt - c) / 8;
    nv = left == 4 ? 2 : left >= 3 ? 3 : left;
    for (size_t j0 = 0; j0 < m; j0 += JTILE) {
      const size_t len = m - j0 < JTILE ? m - j0 : JTILE;
      const float *t = T + j0 * ldt;
      for (size_t r = 0; r < rows; r += ROWS) {
        const float *a0 = a[r] + j0, *a1 = a[r + 1] + j0, *a2 = a[r + 2] + j0, *a3 = a[r + 3] + j0;
        if (nv == 3) rows_times_thin_3(a0, a1, a2, a3, len, t, ldt, c, o[r], o[r + 1], o[r + 2], o[r + 3]);
        else if (nv == 2) rows_times_thin_2(a0, a1, a2, a3, len, t, ldt, c, o[r], o[r + 1], o[r + 2], o[r + 3]);
        else rows_times_thin_1(a0, a1, a2, a3, len, t, ldt, c, o[r], o[r + 1], o[r + 2], o[r + 3]);
      }
    }
  }
}

/*
 * C[q][j] += sum_r Hb[r][q] * A_r[j] for q in 0..ldh (a multiple of 4), j in 0..m, over
 * `rows` rows (at most BLOCK): the block's share of Hᵀ A. C is ldh x m.
 */
INLINE void thin_t_times_rows(const float *Hb, size_t ldh, const float *const *a, size_t rows, size_t m, float *C) {
  size_t j = 0;
  for (; j + 24 <= m; j += 24) {
    for (size_t q = 0; q < ldh; q += 4) {
      float *c0 = C + q * m + j, *c1 = c0 + m, *c2 = c1 + m, *c3 = c2 + m;
      v8 x0 = LOAD(c0), x1 = LOAD(c0 + 8), x2 = LOAD(c0 + 16);
      v8 y0 = LOAD(c1), y1 = LOAD(c1 + 8), y2 = LOAD(c1 + 16);
      v8 z0 = LOAD(c2), z1 = LOAD(c2 + 8), z2 = LOAD(c2 + 16);
      v8 u0 = LOAD(c3), u1 = LOAD(c3 + 8), u2 = LOAD(c3 + 16);
      for (size_t r = 0; r < rows; r++) {
        const float *ar = a[r] + j;
        v8 d0 = LOAD(ar), d1 = LOAD(ar + 8), d2 = LOAD(ar + 16);
        KEEP(d0); KEEP(d1); KEEP(d2);
        const float *h = Hb + r * ldh + q;
        const float h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3];
        x0 += h0 * d0; x1 += h0 * d1; x2 += h0 * d2;
        y0 += h1 * d0; y1 += h1 * d1; y2 += h1 * d2;
        z0 += h2 * d0; z1 += h2 * d1; z2 += h2 * d2;
        u0 += h3 * d0; u1 += h3 * d1; u2 += h3 * d2;
      }
      STORE(c0, x0); STORE(c0 + 8, x1); STORE(c0 + 16, x2);
      STORE(c1, y0); STORE(c1 + 8, y1); STORE(c1 + 16, y2);
      STORE(c2, z0); STORE(c2 + 8, z1); STORE(c2 + 16, z2);
      STORE(c3, u0); STORE(c3 + 8, u1); STORE(c3 + 16, u2);
    }
  }
  /* the last columns: 8 at a time; the last 1 to 7 copied into zero-padded rows of 8 */
  float tail[BLOCK][8];
  const size_t rem = (m - j) % 8;
  if (rem) {
    for (size_t r = 0; r < rows; r++) {
      memset(tail[r], 0, sizeof tail[r]);
      memcpy(tail[r], a[r] + (m - rem), rem * sizeof(float));
    }
  }
  for (; j < m; j += 8) {
    const int partial = j + 8 > m;
    for (size_t q = 0; q < ldh; q += 4) {
      float buffer[4][8];
      float *cq[4];
      for (int i = 0; i < 4; i++) {
        cq[i] = C + (q + i) * m + j;
        if (partial) {
          memset(buffer[i], 0, sizeof buffer[i]);
          memcpy(buffer[i], cq[i], rem * sizeof(float));
        }
      }
      v8 x0 = LOAD(partial ? buffer[0] : cq[0]), y0 = LOAD(partial ? buffer[1] : cq[1]);
      v8 z0 = LOAD(partial ? buffer[2] : cq[2]), u0 = LOAD(partial ? buffer[3] : cq[3]);
      for (size_t r = 0; r < rows; r++) {
        v8 d0 = LOAD(partial ? tail[r] : a[r] + j);
        KEEP(d0);
        const float *h = Hb + r * ldh + q;
        x0 += h[0] * d0; y0 += h[1] * d0; z0 += h[2] * d0; u0 += h[3] * d0;
      }
      if (partial) {
        STORE(buffer[0], x0); STORE(buffer[1], y0); STORE(buffer[2], z0); STORE(buffer[3], u0);
        for (int i = 0; i < 4; i++) memcpy(cq[i], buffer[i], rem * sizeof(float));
      } else {
        STORE(cq[0], x0); STORE(cq[1], y0); STORE(cq[2], z0); STORE(cq[3], u0);
      }
    }
  }
}

/*
 * The Poisson ratio for four rows: out_r[j] = x_r[j] / (sum_q h_r[q] W[q][j] + eps), the
 * reconstruction never stored. h_r are padded coefficient rows (ldh floats), W is k x m.
 */
INLINE void poisson_ratio_rows(const float *const x[ROWS], const float *const h[ROWS], size_t k, const float *W,
                               size_t m, float eps, float *const out[ROWS]) {
  size_t j = 0;
  const v8 e = (v8){0} + eps;
  for (; j + 24 <= m; j += 24) {
    v8 a0 = {0}, a1 = {0}, a2 = {0}, b0 = {0}, b1 = {0}, b2 = {0};
    v8 c0 = {0}, c1 = {0}, c2 = {0}, d0 = {0}, d1 = {0}, d2 = {0};
    const float *w = W + j;
    for (size_t q = 0; q < k; q++, w += m) {
      v8 w0 = LOAD(w), w1 = LOAD(w + 8), w2 = LOAD(w + 16);
      KEEP(w0); KEEP(w1); KEEP(w2);
      const float s0 = h[0][q], s1 = h[1][q], s2 = h[2][q], s3 = h[3][q];
      a0 += s0 * w0; a1 += s0 * w1; a2 += s0 * w2;
      b0 += s1 * w0; b1 += s1 * w1; b2 += s1 * w2;
      c0 += s2 * w0; c1 += s2 * w1; c2 += s2 * w2;
      d0 += s3 * w0; d1 += s3 * w1; d2 += s3 * w2;
    }
#define RATIO(R, A0, A1, A2)                                   \
  STORE(out[R] + j, LOAD(x[R] + j) / (A0 + e));                \
  STORE(out[R] + j + 8, LOAD(x[R] + j + 8) / (A1 + e));        \
  STORE(out[R] + j + 16, LOAD(x[R] + j + 16) / (A2 + e));
    RATIO(0, a0, a1, a2)
    RATIO(1, b0, b1, b2)
    RATIO(2, c0, c1, c2)
    RATIO(3, d0, d1, d2)
#undef RATIO
  }
  /* the last columns: 8 at a time, then one by one */
  for (; j + 8 <= m; j += 8) {
    v8 a0 = {0}, b0 = {0}, c0 = {0}, d0 = {0};
    const float *w = W + j;
    for (size_t q = 0; q < k; q++, w += m) {
      v8 w0 = LOAD(w);
      KEEP(w0);
      a0 += h[0][q] * w0; b0 += h[1][q] * w0; c0 += h[2][q] * w0; d0 += h[3][q] * w0;
    }
    STORE(out[0] + j, LOAD(x[0] + j) / (a0 + e));
    STORE(out[1] + j, LOAD(x[1] + j) / (b0 + e));
    STORE(out[2] + j, LOAD(x[2] + j) / (c0 + e));
    STORE(out[3] + j, LOAD(x[3] + j) / (d0 + e));
  }
  for (; j < m; j++) {
    for (int r = 0; r < ROWS; r++) {
      float s = 0;
      for (size_t q = 0; q < k; q++) s += h[r][q] * W[q * m + j];
      out[r][j] = x[r][j] / (s + eps);
    }
  }
}

/* m x k `thin` copied into m x ldt with zero columns after k. */
static float *pad_columns(const float *thin, size_t m, size_t k, size_t ldt) {
  float *T = (float *)calloc(m * ldt + 1, sizeof(float));
  if (!T) return NULL;
  for (size_t j = 0; j < m; j++) memcpy(T + j * ldt, thin + j * k, k * sizeof(float));
  return T;
}

/* k x m `basis` transposed into m x ldt with zero columns after k (written row by row:
 * the k source rows are read as k sequential streams). */
float *bcnmf_transpose_padded(const float *basis, size_t k, size_t m, size_t ldt) {
  float *T = (float *)calloc(m * ldt + 1, sizeof(float));
  if (!T) return NULL;
  for (size_t j = 0; j < m; j++) {
    float *t = T + j * ldt;
    for (size_t q = 0; q < k; q++) t[q] = basis[q * m + j];
  }
  return T;
}

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

/* Sums the threads' partial ldh x m products into out (k x m). */
static void reduce_partials(const float *partial, int used, size_t ldh, size_t k, size_t m, float *out) {
  memcpy(out, partial, k * m * sizeof(float));
  for (int t = 1; t < used; t++) {
    const float *p = partial + (size_t)t * ldh * m;
    for (size_t i = 0; i < k * m; i++) out[i] += p[i];
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

/* ---------------------------------------------------------- fused data passes */

/*
 * One data set's share of a bcNMF iteration, in one pass over its rows (each block of
 * BLOCK rows is read from memory once and reused from cache):
 *   Frobenius: Hnew = H ∘ ((X Wᵀ) ⊘ (H G + eps))^damping, G = W Wᵀ;
 *              cross = Hnewᵀ X (k x m), mass = Hnewᵀ Hnew (k x k)
 *   Poisson:   Hnew = H ∘ (((X ⊘ (H W + eps)) Wᵀ) ⊘ (W 1 + eps)ᵀ)^damping;
 *              cross = Hnewᵀ (X ⊘ (Hnew W + eps)) (k x m), mass = colsum(Hnew) (k)
 * With cross == NULL only Hnew is computed (a background whose weight is 0).
 */
typedef struct {
  int poisson;
  const float *X, *W, *T, *G, *wsum, *H;
  size_t n, m, k, ldt, ldh;
  float eps, damping;
  size_t block;
  float *Hnew;
  float *partial_cross; /* threads x ldh x m, or NULL */
  float *partial_mass;  /* threads x k x ldh (Frobenius) or threads x ldh (Poisson) */
  float *scratch;       /* threads x (BLOCK x m ratio rows + BLOCK x ldt + BLOCK x ldh) */
  const float *zero_row;
} pass_ctx;

/* G = W Wᵀ (k rows of ldt floats, zero after column k) and the row sums of W, from the
 * padded transpose T (m x ldt). */
HOT static void basis_gram(const float *W, size_t k, size_t m, const float *T, size_t ldt, float *G, float *wsum) {
  /* row sums of W as column sums of T: k-wide vector adds instead of k dependent chains */
  float sums[512];
  if (ldt <= 512) {
    memset(sums, 0, ldt * sizeof(float));
    for (size_t j = 0; j < m; j++) {
      const float *t = T + j * ldt;
      for (size_t q = 0; q < ldt; q++) sums[q] += t[q];
    }
    memcpy(wsum, sums, k * sizeof(float));
  } else {
    for (size_t p = 0; p < k; p++) {
      float s = 0;
      for (size_t j = 0; j < m; j++) s += W[p * m + j];
      wsum[p] = s;
    }
  }
  float row[512];
  for (size_t p = 0; p < k; p++) {
    if (ldt <= 512) {
      memset(row, 0, ldt * sizeof(float));
      for (size_t j = 0; j < m; j++) {
        const float wp = T[j * ldt + p];
        const float *t = T + j * ldt;
        for (size_t q = 0; q < ldt; q++) row[q] += wp * t[q];
      }
      memcpy(G + p * ldt, row, ldt * sizeof(float));
    } else {
      for (size_t q = 0; q < k; q++) {
        float g = 0;
        for (size_t j = 0; j < m; j++) g += W[p * m + j] * W[q * m + j];
        G[p * ldt + q] = g;
      }
    }
  }
}

static size_t pass_scratch_floats(size_t block, size_t m, size_t ldt, size_t ldh) {
  return block * m + block * ldt + block * ldh + ROWS * (m + ldt) + block * ldt;
}

HOT static void pass_range(void *arg, int thread, size_t begin, size_t end) {
  pass_ctx *c = (pass_ctx *)arg;
  const size_t m = c->m, k = c->k, ldt = c->ldt, ldh = c->ldh, block = c->block;
  float *scratch = c->scratch + (size_t)thread * pass_scratch_floats(block, m, ldt, ldh);
  float *ratio = scratch;                  /* block x m */
  float *numerator = ratio + block * m;    /* block x ldt */
  float *hblock = numerator + block * ldt; /* block x ldh, new coefficients, zero padded */
  float *sink = hblock + block * ldh;      /* ROWS x (m + ldt), outputs of padding rows */
  float *dens = sink + ROWS * (m + ldt);   /* block x ldt, the Frobenius denominators H G */
  float *cross = c->partial_cross ? c->partial_cross + (size_t)thread * ldh * m : NULL;
  float *mass = c->partial_mass ? c->partial_mass + (size_t)thread * (c->poisson ? ldh : ldh * ldh) : NULL;
  memset(hblock, 0, block * ldh * sizeof(float));

  for (size_t i = begin; i < end; i += block) {
    const size_t rows = end - i < block ? end - i : block;
    /* 1. the numerator rows: X Wᵀ (Frobenius) or (X ⊘ (H W + eps)) Wᵀ (Poisson), the
     *    ratio rows made first for the whole block */
    const size_t padded = round_up(rows, ROWS);
    const float *a[BLOCK];
    float *o[BLOCK];
    for (size_t r = 0; r < padded; r++) {
      a[r] = r < rows ? (c->poisson ? ratio + r * m : c->X + (i + r) * m) : c->zero_row;
      o[r] = r < rows ? numerator + r * ldt : sink + (r - rows) * (m + ldt);
    }
    if (c->poisson) {
      for (size_t r0 = 0; r0 < rows; r0 += ROWS) {
        const float *x[ROWS], *h[ROWS];
        float *rr[ROWS];
        for (int r = 0; r < ROWS; r++) {
          const int real = r0 + r < rows;
          x[r] = real ? c->X + (i + r0 + r) * m : c->zero_row;
          h[r] = real ? c->H + (i + r0 + r) * k : c->zero_row;
          rr[r] = real ? ratio + (r0 + r) * m : sink + r * (m + ldt);
        }
        poisson_ratio_rows(x, h, k, c->W, m, c->eps, rr);
      }
    }
    block_times_thin(a, o, padded, m, c->T, ldt);
    /* 2. the new coefficients; the Frobenius denominators H G for the whole block by the
     *    same kernel as step 1 (G is k x ldt, like T) */
    if (!c->poisson) {
      const float *hr[BLOCK];
      float *dr[BLOCK];
      for (size_t r = 0; r < padded; r++) {
        hr[r] = r < rows ? c->H + (i + r) * k : c->zero_row;
        dr[r] = dens + r * ldt;
      }
      block_times_thin(hr, dr, padded, k, c->G, ldt);
    }
    for (size_t r = 0; r < rows; r++) {
      const float *h = c->H + (i + r) * k;
      float *hn = c->Hnew + (i + r) * k;
      const float *num = numerator + r * ldt;
      float *hb = hblock + r * ldh;
      const float *den = c->poisson ? c->wsum : dens + r * ldt;
      for (size_t q = 0; q < k; q++) hn[q] = hb[q] = damped(h[q], num[q], den[q] + c->eps, c->damping);
    }
    for (size_t r = rows; r < block; r++) memset(hblock + r * ldh, 0, ldh * sizeof(float));
    if (!cross) continue;
    /* 3. the basis statistics from the new coefficients */
    const float *rowsForCross[BLOCK];
    if (c->poisson) {
      for (size_t r0 = 0; r0 < rows; r0 += ROWS) {
        const float *x[ROWS], *h[ROWS];
        float *rr[ROWS];
        for (int r = 0; r < ROWS; r++) {
          const int real = r0 + r < rows;
          x[r] = real ? c->X + (i + r0 + r) * m : c->zero_row;
          h[r] = real ? hblock + (r0 + r) * ldh : c->zero_row;
          rr[r] = real ? ratio + (r0 + r) * m : sink + r * (m + ldt);
        }
        poisson_ratio_rows(x, h, k, c->W, m, c->eps, rr);
      }
      for (size_t r = 0; r < rows; r++) rowsForCross[r] = ratio + r * m;
    } else {
      for (size_t r = 0; r < rows; r++) rowsForCross[r] = c->X + (i + r) * m;
    }
    thin_t_times_rows(hblock, ldh, rowsForCross, rows, m, cross);
    if (c->poisson) {
      for (size_t r = 0; r < rows; r++)
        for (size_t q = 0; q < k; q++) mass[q] += hblock[r * ldh + q];
    } else {
      /* Hnewᵀ Hnew of the block by the cross-product kernel (ldh x ldh, padded) */
      const float *hr[BLOCK];
      for (size_t r = 0; r < rows; r++) hr[r] = hblock + r * ldh;
      thin_t_times_rows(hblock, ldh, hr, rows, ldh, mass);
    }
  }
}

/*
 * The fused pass (see pass_ctx) over X (n x m) with coefficients H (n x k) and basis W
 * (k x m). Writes Hnew (n x k) and, when cross is not NULL, cross (k x m) and mass
 * (k x k for Frobenius, k for Poisson). Returns 0, or -1 when memory ran out (nothing
 * written then).
 */
int bcnmf_fused_pass(int poisson, int n, int m, int k, const float *X, const float *H, const float *W, float eps,
                     float damping, float *Hnew, float *cross, float *mass, int threads) {
  threads = bcnmf_pick_threads(threads, (double)n * m * k * (cross ? 2 : 1) * (poisson ? 2 : 1));
  const size_t ldt = round_up((size_t)k, 8), ldh = round_up((size_t)k, 4);
  const size_t zero_len = (size_t)m > ldh ? (size_t)m : ldh;
  float *T = bcnmf_transpose_padded(W, k, m, ldt);
  float *G = (float *)calloc((size_t)k * ldt + 1, sizeof(float));
  float *wsum = (float *)calloc((size_t)k + 1, sizeof(float));
  float *zero = (float *)calloc(zero_len + 1, sizeof(float));
  const size_t block = block_rows((size_t)m);
  float *scratch = (float *)malloc(((size_t)threads * pass_scratch_floats(block, m, ldt, ldh) + 1) * sizeof(float));
  float *partial_cross = cross ? (float *)calloc((size_t)threads * ldh * m + 1, sizeof(float)) : NULL;
  const size_t partialMassSize = poisson ? ldh : ldh * ldh;
  float *partial_mass = cross ? (float *)calloc((size_t)threads * partialMassSize + 1, sizeof(float)) : NULL;
  if (!T || !G || !wsum || !zero || !scratch || (cross && (!partial_cross || !partial_mass))) {
    free(T); free(G); free(wsum); free(zero); free(scratch); free(partial_cross); free(partial_mass);
    return -1;
  }
  basis_gram(W, (size_t)k, (size_t)m, T, ldt, G, wsum);
  pass_ctx c = {poisson, X, W, T, G, wsum, H, (size_t)n, (size_t)m, (size_t)k, ldt, ldh, eps, damping, block, Hnew,
                partial_cross, partial_mass, scratch, zero};
  const int used = bcnmf_parallel_ranges(threads, (size_t)n, block, pass_range, &c);
  if (cross) {
    reduce_partials(partial_cross, used, ldh, k, m, cross);
    /* the threads' padded partial masses summed into k x k (or k) */
    const size_t rowsOfMass = poisson ? 1 : (size_t)k;
    for (size_t p = 0; p < rowsOfMass; p++)
      for (size_t q = 0; q < (size_t)k; q++) {
        float sum = 0;
        for (int t = 0; t < used; t++) sum += partial_mass[(size_t)t * partialMassSize + p * ldh + q];
        mass[p * k + q] = sum;
      }
  }
  free(T); free(G); free(wsum); free(zero); free(scratch); free(partial_cross); free(partial_mass);
  return 0;
}

/* ------------------------------------------------------------- basis update */

/*
 * The basis update from the statistics of the target (slot 0) and `backgrounds` more
 * data sets (slots 1..), each slot k x m in `cross` and k x k (Frobenius) or k (Poisson)
 * in `mass`, weighted by alphas[b] (slots with alpha <= 0 are skipped):
 *   Frobenius: W ∘ (Cx + Σ α_b M_b W) ⊘ (Mx W + Σ α_b C_b + eps)
 *   Poisson:   W ∘ (Cx + Σ α_b m_b 1ᵀ) ⊘ (mx 1ᵀ + Σ α_b C_b + eps)
 * each ratio raised to `damping`, summed in the order core's composed update uses.
 */
HOT int bcnmf_basis_update(int poisson, int k, int m, int backgrounds, const float *W, const float *cross,
                           const float *mass, const float *alphas, float eps, float damping, float *Wnew) {
  const size_t K = (size_t)k, M = (size_t)m, massSize = poisson ? K : K * K;
  float *numerator = (float *)malloc((M + 1) * sizeof(float));
  float *denominator = (float *)malloc((M + 1) * sizeof(float));
  float *product = (float *)malloc((M + 1) * sizeof(float));
  if (!numerator || !denominator || !product) {
    free(numerator); free(denominator); free(product);
    return -1;
  }
  for (size_t q = 0; q < K; q++) {
    memcpy(numerator, cross + q * M, M * sizeof(float));
    if (poisson) {
      for (size_t j = 0; j < M; j++) denominator[j] = mass[q];
    } else {
      const float *mq = mass + q * K;
      memset(denominator, 0, M * sizeof(float));
      for (size_t p = 0; p < K; p++) {
        const float s = mq[p];
        const float *wp = W + p * M;
        for (size_t j = 0; j < M; j++) denominator[j] += s * wp[j];
      }
    }
    for (int b = 1; b <= backgrounds; b++) {
      const float alpha = alphas[b - 1];
      if (!(alpha > 0)) continue;
      const float *cb = cross + (size_t)b * K * M + q * M;
      if (poisson) {
        const float add = mass[(size_t)b * massSize + q] * alpha;
        for (size_t j = 0; j < M; j++) numerator[j] += add;
      } else {
        const float *mq = mass + (size_t)b * massSize + q * K;
        memset(product, 0, M * sizeof(float));
        for (size_t p = 0; p < K; p++) {
          const float s = mq[p];
          const float *wp = W + p * M;
          for (size_t j = 0; j < M; j++) product[j] += s * wp[j];
        }
        for (size_t j = 0; j < M; j++) numerator[j] += product[j] * alpha;
      }
      for (size_t j = 0; j < M; j++) denominator[j] += cb[j] * alpha;
    }
    const float *wq = W + q * M;
    float *out = Wnew + q * M;
    for (size_t j = 0; j < M; j++) out[j] = damped(wq[j], numerator[j], denominator[j] + eps, damping);
  }
  free(numerator); free(denominator); free(product);
  return 0;
}

/* ------------------------------------------------------------------- scores */

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
