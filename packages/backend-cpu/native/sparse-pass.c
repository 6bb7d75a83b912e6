/*
 * The fused pass over a CSR data set, with the contract of bcnmf_fused_pass
 * (dense-pass.c): conventions as in sparse-products.c.
 */
#include "csr.h"
#include "micro.h"


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
  /* multiply-adds: per entry k for each product with the entry (2 to 4 of them); per
   * row k x k for H G and Hnewᵀ Hnew (Frobenius) */
  const double entry_work = (double)k * (poisson ? (cross ? 4 : 2) : (cross ? 2 : 1));
  const double row_work = poisson ? (double)k : (double)k * k * (cross ? 2 : 1);
  threads = csr_threads(threads, indptr, n, entry_work, row_work);
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
