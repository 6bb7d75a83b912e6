/*
 * The basis update from the data sets' statistics, in one pass over the basis (layouts
 * as in dense-products.c).
 */
#include "common.h"

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
