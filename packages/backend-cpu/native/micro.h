/*
 * The micro-kernels the operations are built from: register-blocked products of four
 * data rows with a thin matrix (4 x 24 floats of accumulators), the cross products of a
 * block of rows with its coefficients, the Poisson ratio of four rows, and for CSR rows
 * the gathers, scatters and dot products over a row's stored entries. Also the padded
 * layouts and the sums of the threads' partial results that the operations share.
 *
 * The dense micro-kernels are always inlined into the operation that calls them (their
 * accumulators must stay in registers across the caller's loops), so they are defined
 * here; the CSR row kernels and the layout helpers are called out of line (micro.c).
 */
#ifndef BCNMF_NATIVE_MICRO_H
#define BCNMF_NATIVE_MICRO_H

#include "common.h"
#if defined(__AVX__)
#include <immintrin.h>
#endif

/* Rows of a block processed together by the micro-kernels. */
#define ROWS 4
/* Most data rows per cache block of the fused passes (see block_rows). */
#define BLOCK 64

/* Rows per block for m features: a block of data (and one of ratios) stays within about
 * 256 KB, so that it is still in the core's L2 cache for the block's second product. */
static inline size_t block_rows(size_t m) {
  size_t rows = (65536 / (m ? m : 1)) / ROWS * ROWS;
  if (rows < 8) rows = 8;
  if (rows > BLOCK) rows = BLOCK;
  return rows;
}

/* ------------------------------------------------------ dense micro-kernels */

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

#if defined(__AVX512F__)
/*
 * The AVX-512 form of rows_times_thin: a chunk of 16 A + 8 B columns of T (A vectors of
 * 16 floats, B of 8) for four rows; at most 12 accumulators and 4 vectors of T, so with
 * AVX-512's 32 registers nothing spills. Each output's sum runs over j in the same order
 * as in the 8-float kernels, so the builds agree bit for bit.
 */
#define FMA16_ROW(ACC, S, A, B)     \
  {                                 \
    const float f = (S);            \
    ACC##0 += f * w0;               \
    if (A > 1) ACC##1 += f * w1;    \
    if (A > 2) ACC##2 += f * w2;    \
    if (B) ACC##h += f * wh;        \
  }
#define LOAD_ACC16(ACC, O, A, B)                      \
  v16 ACC##0 = LOAD16(O + c), ACC##1 = {0}, ACC##2 = {0}; \
  v8 ACC##h = {0};                                    \
  if (A > 1) ACC##1 = LOAD16(O + c + 16);             \
  if (A > 2) ACC##2 = LOAD16(O + c + 32);             \
  if (B) ACC##h = LOAD(O + c + 16 * A);
#define STORE_ACC16(ACC, O, A, B)                     \
  STORE16(O + c, ACC##0);                             \
  if (A > 1) STORE16(O + c + 16, ACC##1);             \
  if (A > 2) STORE16(O + c + 32, ACC##2);             \
  if (B) STORE(O + c + 16 * A, ACC##h);
#define DEFINE_ROWS_TIMES_THIN16(A, B)                                                                   \
  INLINE void rows_times_thin16_##A##_##B(const float *a0, const float *a1, const float *a2, const float *a3, \
                                          size_t m, const float *T, size_t ldt, size_t c, float *o0,         \
                                          float *o1, float *o2, float *o3) {                                 \
    LOAD_ACC16(p, o0, A, B) LOAD_ACC16(q, o1, A, B) LOAD_ACC16(r, o2, A, B) LOAD_ACC16(s, o3, A, B)         \
    const float *t = T + c;                                                                                \
    for (size_t j = 0; j < m; j++, t += ldt) {                                                             \
      v16 w0 = LOAD16(t), w1 = {0}, w2 = {0};                                                              \
      v8 wh = {0};                                                                                         \
      KEEP(w0);                                                                                            \
      if (A > 1) { w1 = LOAD16(t + 16); KEEP(w1); }                                                        \
      if (A > 2) { w2 = LOAD16(t + 32); KEEP(w2); }                                                        \
      if (B) { wh = LOAD(t + 16 * A); KEEP(wh); }                                                          \
      FMA16_ROW(p, a0[j], A, B)                                                                            \
      FMA16_ROW(q, a1[j], A, B)                                                                            \
      FMA16_ROW(r, a2[j], A, B)                                                                            \
      FMA16_ROW(s, a3[j], A, B)                                                                            \
    }                                                                                                      \
    STORE_ACC16(p, o0, A, B) STORE_ACC16(q, o1, A, B) STORE_ACC16(r, o2, A, B) STORE_ACC16(s, o3, A, B)    \
  }
DEFINE_ROWS_TIMES_THIN16(1, 0)
DEFINE_ROWS_TIMES_THIN16(1, 1)
DEFINE_ROWS_TIMES_THIN16(2, 0)
DEFINE_ROWS_TIMES_THIN16(2, 1)
DEFINE_ROWS_TIMES_THIN16(3, 0)

/* Eight rows at a time (up to 24 accumulators): twice the independent multiply-add
 * chains of the four-row kernel, and each vector of T loaded once for eight rows. */
#define DEFINE_ROWS8_TIMES_THIN16(A, B)                                                                   \
  INLINE void rows8_times_thin16_##A##_##B(const float *const *a, size_t j0, size_t m, const float *T,     \
                                           size_t ldt, size_t c, float *const *o) {                       \
    const float *a0 = a[0] + j0, *a1 = a[1] + j0, *a2 = a[2] + j0, *a3 = a[3] + j0;                       \
    const float *a4 = a[4] + j0, *a5 = a[5] + j0, *a6 = a[6] + j0, *a7 = a[7] + j0;                       \
    float *o0 = o[0], *o1 = o[1], *o2 = o[2], *o3 = o[3], *o4 = o[4], *o5 = o[5], *o6 = o[6], *o7 = o[7]; \
    LOAD_ACC16(p, o0, A, B) LOAD_ACC16(q, o1, A, B) LOAD_ACC16(r, o2, A, B) LOAD_ACC16(s, o3, A, B)       \
    LOAD_ACC16(t, o4, A, B) LOAD_ACC16(u, o5, A, B) LOAD_ACC16(v, o6, A, B) LOAD_ACC16(x, o7, A, B)       \
    const float *tr = T + c;                                                                             \
    for (size_t j = 0; j < m; j++, tr += ldt) {                                                          \
      v16 w0 = LOAD16(tr), w1 = {0}, w2 = {0};                                                           \
      v8 wh = {0};                                                                                       \
      KEEP(w0);                                                                                          \
      if (A > 1) { w1 = LOAD16(tr + 16); KEEP(w1); }                                                     \
      if (A > 2) { w2 = LOAD16(tr + 32); KEEP(w2); }                                                     \
      if (B) { wh = LOAD(tr + 16 * A); KEEP(wh); }                                                       \
      FMA16_ROW(p, a0[j], A, B) FMA16_ROW(q, a1[j], A, B) FMA16_ROW(r, a2[j], A, B)                      \
      FMA16_ROW(s, a3[j], A, B) FMA16_ROW(t, a4[j], A, B) FMA16_ROW(u, a5[j], A, B)                      \
      FMA16_ROW(v, a6[j], A, B) FMA16_ROW(x, a7[j], A, B)                                                \
    }                                                                                                    \
    STORE_ACC16(p, o0, A, B) STORE_ACC16(q, o1, A, B) STORE_ACC16(r, o2, A, B) STORE_ACC16(s, o3, A, B)  \
    STORE_ACC16(t, o4, A, B) STORE_ACC16(u, o5, A, B) STORE_ACC16(v, o6, A, B) STORE_ACC16(x, o7, A, B)  \
  }
DEFINE_ROWS8_TIMES_THIN16(1, 0)
DEFINE_ROWS8_TIMES_THIN16(1, 1)
DEFINE_ROWS8_TIMES_THIN16(2, 0)
DEFINE_ROWS8_TIMES_THIN16(2, 1)
DEFINE_ROWS8_TIMES_THIN16(3, 0)

/* The columns of the next chunk of T from column c (ldt a multiple of 8): 48 (three
 * 16-float vectors) while enough are left; the last 8 to 40 in one chunk, but 56 as
 * 40 + 16 (a lone 8 is load-bound). */
static inline size_t chunk16(size_t ldt, size_t c) {
  const size_t left = (ldt - c) / 8;
  return left == 7 ? 40 : left >= 6 ? 48 : left * 8;
}
#endif

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
#if defined(__AVX512F__)
  for (size_t c = 0, w; c < ldt; c += w) {
    w = chunk16(ldt, c);
    for (size_t j0 = 0; j0 < m; j0 += JTILE) {
      const size_t len = m - j0 < JTILE ? m - j0 : JTILE;
      const float *t = T + j0 * ldt;
      size_t r = 0;
      for (; r + 8 <= rows && w >= 16; r += 8) {
        switch (w) {
          case 48: rows8_times_thin16_3_0(a + r, j0, len, t, ldt, c, o + r); break;
          case 40: rows8_times_thin16_2_1(a + r, j0, len, t, ldt, c, o + r); break;
          case 32: rows8_times_thin16_2_0(a + r, j0, len, t, ldt, c, o + r); break;
          case 24: rows8_times_thin16_1_1(a + r, j0, len, t, ldt, c, o + r); break;
          default: rows8_times_thin16_1_0(a + r, j0, len, t, ldt, c, o + r);
        }
      }
      for (; r < rows; r += ROWS) {
        const float *a0 = a[r] + j0, *a1 = a[r + 1] + j0, *a2 = a[r + 2] + j0, *a3 = a[r + 3] + j0;
        float *o0 = o[r], *o1 = o[r + 1], *o2 = o[r + 2], *o3 = o[r + 3];
        switch (w) {
          case 48: rows_times_thin16_3_0(a0, a1, a2, a3, len, t, ldt, c, o0, o1, o2, o3); break;
          case 40: rows_times_thin16_2_1(a0, a1, a2, a3, len, t, ldt, c, o0, o1, o2, o3); break;
          case 32: rows_times_thin16_2_0(a0, a1, a2, a3, len, t, ldt, c, o0, o1, o2, o3); break;
          case 24: rows_times_thin16_1_1(a0, a1, a2, a3, len, t, ldt, c, o0, o1, o2, o3); break;
          case 16: rows_times_thin16_1_0(a0, a1, a2, a3, len, t, ldt, c, o0, o1, o2, o3); break;
          default: rows_times_thin_1(a0, a1, a2, a3, len, t, ldt, c, o0, o1, o2, o3);
        }
      }
    }
  }
#else
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
#endif
}

/*
 * C[q][j] += sum_r Hb[r][q] * A_r[j] for q in 0..ldh (a multiple of 4), j in 0..m, over
 * `rows` rows (at most BLOCK): the block's share of Hᵀ A. C is ldh x m.
 */
INLINE void thin_t_times_rows(const float *Hb, size_t ldh, const float *const *a, size_t rows, size_t m, float *C) {
  size_t j = 0;
#if defined(__AVX512F__)
  /* 48 columns at a time in 16-float vectors; the rest as below */
  for (; j + 48 <= m; j += 48) {
    for (size_t q = 0; q < ldh; q += 4) {
      float *c0 = C + q * m + j, *c1 = c0 + m, *c2 = c1 + m, *c3 = c2 + m;
      v16 x0 = LOAD16(c0), x1 = LOAD16(c0 + 16), x2 = LOAD16(c0 + 32);
      v16 y0 = LOAD16(c1), y1 = LOAD16(c1 + 16), y2 = LOAD16(c1 + 32);
      v16 z0 = LOAD16(c2), z1 = LOAD16(c2 + 16), z2 = LOAD16(c2 + 32);
      v16 u0 = LOAD16(c3), u1 = LOAD16(c3 + 16), u2 = LOAD16(c3 + 32);
      for (size_t r = 0; r < rows; r++) {
        const float *ar = a[r] + j;
        v16 d0 = LOAD16(ar), d1 = LOAD16(ar + 16), d2 = LOAD16(ar + 32);
        KEEP(d0); KEEP(d1); KEEP(d2);
        const float *h = Hb + r * ldh + q;
        const float h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3];
        x0 += h0 * d0; x1 += h0 * d1; x2 += h0 * d2;
        y0 += h1 * d0; y1 += h1 * d1; y2 += h1 * d2;
        z0 += h2 * d0; z1 += h2 * d1; z2 += h2 * d2;
        u0 += h3 * d0; u1 += h3 * d1; u2 += h3 * d2;
      }
      STORE16(c0, x0); STORE16(c0 + 16, x1); STORE16(c0 + 32, x2);
      STORE16(c1, y0); STORE16(c1 + 16, y1); STORE16(c1 + 32, y2);
      STORE16(c2, z0); STORE16(c2 + 16, z1); STORE16(c2 + 32, z2);
      STORE16(c3, u0); STORE16(c3 + 16, u1); STORE16(c3 + 32, u2);
    }
  }
#endif
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
#if defined(__AVX512F__)
  const v16 e16 = (v16){0} + eps;
  for (; j + 48 <= m; j += 48) {
    v16 a0 = {0}, a1 = {0}, a2 = {0}, b0 = {0}, b1 = {0}, b2 = {0};
    v16 c0 = {0}, c1 = {0}, c2 = {0}, d0 = {0}, d1 = {0}, d2 = {0};
    const float *w = W + j;
    for (size_t q = 0; q < k; q++, w += m) {
      v16 w0 = LOAD16(w), w1 = LOAD16(w + 16), w2 = LOAD16(w + 32);
      KEEP(w0); KEEP(w1); KEEP(w2);
      const float s0 = h[0][q], s1 = h[1][q], s2 = h[2][q], s3 = h[3][q];
      a0 += s0 * w0; a1 += s0 * w1; a2 += s0 * w2;
      b0 += s1 * w0; b1 += s1 * w1; b2 += s1 * w2;
      c0 += s2 * w0; c1 += s2 * w1; c2 += s2 * w2;
      d0 += s3 * w0; d1 += s3 * w1; d2 += s3 * w2;
    }
#define RATIO16(R, A0, A1, A2)                                    \
  STORE16(out[R] + j, LOAD16(x[R] + j) / (A0 + e16));             \
  STORE16(out[R] + j + 16, LOAD16(x[R] + j + 16) / (A1 + e16));   \
  STORE16(out[R] + j + 32, LOAD16(x[R] + j + 32) / (A2 + e16));
    RATIO16(0, a0, a1, a2)
    RATIO16(1, b0, b1, b2)
    RATIO16(2, c0, c1, c2)
    RATIO16(3, d0, d1, d2)
#undef RATIO16
  }
#endif
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

/* --------------------------------------------------------- vector helpers */

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

/* ---------------------------------------------- CSR row kernels (micro.c) */

/* out[0 .. ldt) = Σ_e s[e] · R[idx[e]] (rows of R, ldt floats each). */
void rows_axpy(const int32_t *idx, const float *s, size_t count, const float *R, size_t ldt, float *out) HIDDEN;

/* acc[idx[e]] += s[e] · h for each entry e (rows of acc and h: ldt floats). */
void rows_scatter(const int32_t *idx, const float *s, size_t count, const float *h, size_t ldt, float *acc) HIDDEN;

/* out[e] = h · R[idx[e]] for each entry e (h and the rows of R: ldt floats, zero padded). */
void rows_dot(const int32_t *idx, size_t count, const float *R, size_t ldt, const float *h, float *out) HIDDEN;

/* ------------------------------------------- layouts and partial sums (micro.c) */

/* m x k `thin` copied into a new m x ldt array with zero columns after k (free it); NULL
 * when memory ran out. */
float *pad_columns(const float *thin, size_t m, size_t k, size_t ldt) HIDDEN;

/* k x m `basis` transposed into a new m x ldt array with zero columns after k (free it);
 * NULL when memory ran out. */
float *bcnmf_transpose_padded(const float *basis, size_t k, size_t m, size_t ldt) HIDDEN;

/* The same into T (m x ldt floats). */
void transpose_padded_into(const float *basis, size_t k, size_t m, size_t ldt, float *T) HIDDEN;

/* Sums the threads' partial ldh x m products into out (k x m). */
void reduce_partials(const float *partial, int used, size_t ldh, size_t k, size_t m, float *out) HIDDEN;

/* Columns per tile of reduce_transposed: each output row gets 8 neighbouring floats. */
#define TILE 8

/* out (k x m) = Σ over the parts of their m x ldt accumulators, transposed, TILE
 * accumulator rows at a time (tile: TILE x ldt floats). */
void reduce_transposed(const float *partial, int used, size_t m, size_t k, size_t ldt, float *out, float *tile)
    HIDDEN;

#endif
