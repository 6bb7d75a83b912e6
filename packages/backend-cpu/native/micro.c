/*
 * The micro-kernels called out of line (see micro.h): the CSR row kernels, over a row's
 * stored entries, in chunks of up to four 8-float vectors kept in registers; the padded
 * layouts; and the sums of the threads' partial results.
 */
#include "micro.h"

/* ------------------------------------------------------------ CSR row kernels */

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
void rows_axpy(const int32_t *idx, const float *s, size_t count, const float *R, size_t ldt, float *out) {
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
void rows_scatter(const int32_t *idx, const float *s, size_t count, const float *h, size_t ldt, float *acc) {
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
void rows_dot(const int32_t *idx, size_t count, const float *R, size_t ldt, const float *h, float *out) {
#define DOT(NV) dot_chunk(idx, count, R, ldt, c, h, out, NV)
  FOR_CHUNKS(ldt, DOT);
#undef DOT
}

/* ----------------------------------------------------------------- layouts */

/* m x k `thin` copied into m x ldt with zero columns after k. */
float *pad_columns(const float *thin, size_t m, size_t k, size_t ldt) {
  float *T = (float *)calloc(m * ldt + 1, sizeof(float));
  if (!T) return NULL;
  for (size_t j = 0; j < m; j++) memcpy(T + j * ldt, thin + j * k, k * sizeof(float));
  return T;
}

/* k x m `basis` transposed into T (m x ldt) with zero columns after k (written row by row:
 * the k source rows are read as k sequential streams). */
void transpose_padded_into(const float *basis, size_t k, size_t m, size_t ldt, float *T) {
  for (size_t j = 0; j < m; j++) {
    float *t = T + j * ldt;
    for (size_t q = 0; q < k; q++) t[q] = basis[q * m + j];
    for (size_t q = k; q < ldt; q++) t[q] = 0;
  }
}

/* The same into new memory (free it); NULL when memory ran out. */
float *bcnmf_transpose_padded(const float *basis, size_t k, size_t m, size_t ldt) {
  float *T = (float *)malloc((m * ldt + 1) * sizeof(float));
  if (T) transpose_padded_into(basis, k, m, ldt, T);
  return T;
}

/* ------------------------------------------------------------- partial sums */

/* Sums the threads' partial ldh x m products into out (k x m). */
void reduce_partials(const float *partial, int used, size_t ldh, size_t k, size_t m, float *out) {
  memcpy(out, partial, k * m * sizeof(float));
  for (int t = 1; t < used; t++) {
    const float *p = partial + (size_t)t * ldh * m;
    for (size_t i = 0; i < k * m; i++) out[i] += p[i];
  }
}

/* out (k x m) = Σ over the parts of their m x ldt accumulators, transposed, TILE
 * accumulator rows at a time (tile: TILE x ldt floats). */
void reduce_transposed(const float *partial, int used, size_t m, size_t k, size_t ldt, float *out,
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
