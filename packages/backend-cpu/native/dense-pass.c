/*
 * The fused pass over a dense data set: its new coefficients and its basis statistics
 * while each block of data rows is still in cache (layouts as in dense-products.c).
 */
#include "micro.h"
#include "pool.h"

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

/* The Poisson ratio rows X ⊘ (H W + eps) of the block of `rows` rows from row i into
 * `ratio` (rows x m), the block's coefficients at h (a row every ld floats); the padding
 * rows of the last group of ROWS read zeros and write to `sink`. */
INLINE void block_ratio(const pass_ctx *c, size_t i, size_t rows, const float *h, size_t ld, float *ratio, float *sink) {
  const size_t m = c->m, ldt = c->ldt;
  for (size_t r0 = 0; r0 < rows; r0 += ROWS) {
    const float *x[ROWS], *hr[ROWS];
    float *rr[ROWS];
    for (int r = 0; r < ROWS; r++) {
      const int real = r0 + r < rows;
      x[r] = real ? c->X + (i + r0 + r) * m : c->zero_row;
      hr[r] = real ? h + (r0 + r) * ld : c->zero_row;
      rr[r] = real ? ratio + (r0 + r) * m : sink + r * (m + ldt);
    }
    poisson_ratio_rows(x, hr, c->k, c->W, m, c->eps, rr);
  }
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
    if (c->poisson) block_ratio(c, i, rows, c->H + i * k, k, ratio, sink);
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
      block_ratio(c, i, rows, hblock, ldh, ratio, sink);
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
  const size_t block = block_rows((size_t)m);
  const size_t partialMassSize = poisson ? ldh : ldh * ldh;
  /* every buffer carved from one kept work area (pool.c), each on a 64-byte boundary */
  const size_t sizes[7] = {
      (size_t)m * ldt,                                        /* T, the padded transpose of W */
      (size_t)k * ldt,                                        /* G */
      (size_t)k,                                              /* wsum */
      zero_len,                                               /* zero row */
      (size_t)threads * pass_scratch_floats(block, m, ldt, ldh), /* scratch */
      cross ? (size_t)threads * ldh * m : 0,                  /* partial_cross */
      cross ? (size_t)threads * partialMassSize : 0,          /* partial_mass */
  };
  size_t offsets[7], total = 0;
  for (int b = 0; b < 7; b++) {
    offsets[b] = total;
    total += round_up(sizes[b] + 1, 16);
  }
  float *area = bcnmf_work_acquire(total);
  if (!area) return -1;
  float *T = area + offsets[0], *G = area + offsets[1], *wsum = area + offsets[2], *zero = area + offsets[3];
  float *scratch = area + offsets[4];
  float *partial_cross = cross ? area + offsets[5] : NULL;
  float *partial_mass = cross ? area + offsets[6] : NULL;
  transpose_padded_into(W, (size_t)k, (size_t)m, ldt, T);
  memset(G, 0, sizes[1] * sizeof(float));
  memset(zero, 0, sizes[3] * sizeof(float));
  if (cross) {
    memset(partial_cross, 0, sizes[5] * sizeof(float));
    memset(partial_mass, 0, sizes[6] * sizeof(float));
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
  bcnmf_work_release(area);
  return 0;
}
