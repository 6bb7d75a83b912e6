import { crossProduct, gram } from '../linalg/dense.js';
import { topEigenpairs } from '../linalg/symmetric-eigs.js';

/**
 * The joint pre-projection of the cPCA reference: the top `dim` principal axes of the
 * stacked (already centred) target and background, `dim x p` row-major with unit rows.
 * Axes with (numerically) zero variance are left out, so fewer than `dim` rows come back
 * when the stacked data have lower rank; the projection then loses nothing.
 *
 * Computed from the smaller of the Gram matrix `Z Z^T` and the scatter `Z^T Z`.
 */
export function jointPrincipalAxes(zfg: Float64Array, nFg: number, zbg: Float64Array, nBg: number, p: number, dim: number, seed: number): { axes: Float64Array; dim: number } {
  const n = nFg + nBg;
  const z = new Float64Array(n * p);
  z.set(zfg, 0);
  z.set(zbg, nFg * p);
  const want = Math.min(dim, n, p);
  if (n <= p) {
    const g = gram(z, n, p);
    const { values, vectors } = topEigenpairs(g, n, want, { seed });
    const keep = values.filter((v) => v > 1e-12 * Math.max(values[0], 0)).length;
    const axes = new Float64Array(keep * p);
    for (let c = 0; c < keep; c++) {
      const inv = 1 / Math.sqrt(values[c]);
      const u = vectors[c];
      for (let i = 0; i < n; i++) {
        const w = u[i] * inv;
        if (w === 0) continue;
        const o = i * p;
        for (let j = 0; j < p; j++) axes[c * p + j] += w * z[o + j];
      }
    }
    return { axes, dim: keep };
  }
  const s = crossProduct(z, n, p, 1);
  const { values, vectors } = topEigenpairs(s, p, want, { seed });
  const keep = values.filter((v) => v > 1e-12 * Math.max(values[0], 0)).length;
  const axes = new Float64Array(keep * p);
  for (let c = 0; c < keep; c++) axes.set(vectors[c], c * p);
  return { axes, dim: keep };
}
