import { spectralClustering } from '../cluster/spectral.js';
import { determinant, Matrix } from 'ml-matrix';
import { orthonormalColumns } from '../linalg/dense.js';

/** What the automatic alpha selection saw and chose. */
export interface AlphaSelection {
  /** The candidates: 0 followed by `nAlphas` values log-spaced from 0.1 to 10^maxLogAlpha. */
  candidates: number[];
  /** Subspace affinity between the candidates' 2-D target projections (1 on the diagonal). */
  affinity: number[][];
  /** Spectral cluster of each candidate. */
  labels: number[];
  /** The selection: 0 followed by the exemplars of the clusters not holding alpha = 0, sorted. */
  alphas: number[];
}

/**
 * The alpha candidates of the cPCA reference: `[0, ...logspace(-1, maxLogAlpha, nAlphas)]`,
 * computed as numpy's `logspace` (10 to the power of evenly spaced exponents).
 *
 * @example
 * alphaCandidates(3, 1); // [0, 0.1, 1, 10]
 */
export function alphaCandidates(nAlphas: number, maxLogAlpha: number): number[] {
  const out = [0];
  if (nAlphas === 1) return [0, 10 ** -1];
  const step = (maxLogAlpha + 1) / (nAlphas - 1);
  for (let i = 0; i < nAlphas; i++) out.push(10 ** (i === nAlphas - 1 ? maxLogAlpha : -1 + i * step));
  return out;
}

/**
 * Affinity between `dim`-dimensional subspaces given by `n x dim` projections
 * (row-major): each is orthonormalised (Gram–Schmidt) to `Q_i`, and `affinity(i, j)` is
 * the product of the singular values of `Q_i^T Q_j` (the cosines of the principal
 * angles), i.e. `|det(Q_i^T Q_j)|`. cPCA uses `dim = 2`.
 *
 * @example
 * subspaceAffinity([new Float64Array([1, 0, 0, 1, 0, 0]), new Float64Array([0, 1, 1, 0, 0, 0])], 3); // [[1, 1], [1, 1]]
 */
export function subspaceAffinity(projections: readonly Float64Array[], n: number, dim = 2): number[][] {
  if (dim !== 2) return subspaceAffinityAnyDim(projections, n, dim);
  const qs = projections.map((p) => orthonormalColumns(p, n, 2));
  const m = qs.length;
  const out: number[][] = [];
  for (let i = 0; i < m; i++) out.push(new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) {
    out[i][i] = 1;
    for (let j = i + 1; j < m; j++) {
      const a = qs[i];
      const b = qs[j];
      let m00 = 0;
      let m01 = 0;
      let m10 = 0;
      let m11 = 0;
      for (let r = 0; r < n; r++) {
        const a0 = a[2 * r];
        const a1 = a[2 * r + 1];
        const b0 = b[2 * r];
        const b1 = b[2 * r + 1];
        m00 += a0 * b0;
        m01 += a0 * b1;
        m10 += a1 * b0;
        m11 += a1 * b1;
      }
      const v = Math.abs(m00 * m11 - m01 * m10);
      const value = Number.isFinite(v) ? Math.min(v, 1) : 0;
      out[i][j] = value;
      out[j][i] = value;
    }
  }
  return out;
}

function subspaceAffinityAnyDim(projections: readonly Float64Array[], n: number, dim: number): number[][] {
  const qs = projections.map((p) => orthonormalColumns(p, n, dim));
  const m = qs.length;
  const out: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) {
    out[i][i] = 1;
    for (let j = i + 1; j < m; j++) {
      const cross = new Matrix(dim, dim);
      for (let r = 0; r < n; r++) {
        for (let a = 0; a < dim; a++) {
          const qa = qs[i][r * dim + a];
          if (qa === 0) continue;
          for (let b = 0; b < dim; b++) cross.set(a, b, cross.get(a, b) + qa * qs[j][r * dim + b]);
        }
      }
      const v = Math.abs(determinant(cross));
      const value = Number.isFinite(v) ? Math.min(v, 1) : 0;
      out[i][j] = value;
      out[j][i] = value;
    }
  }
  return out;
}

/**
 * The reference's choice of alphas from the candidates' affinity: spectral clustering
 * into `nClusters`, the cluster holding alpha = 0 (candidate 0) dropped, and in each other
 * cluster the exemplar, the candidate with the largest summed affinity to its cluster;
 * returns 0 followed by the exemplars in increasing order.
 */
export function selectAlphas(candidates: readonly number[], affinity: number[][], nClusters: number, seed: number): AlphaSelection {
  const labels = spectralClustering(affinity, nClusters, { seed });
  const exemplars: number[] = [];
  for (let c = 0; c < nClusters; c++) {
    const idx: number[] = [];
    labels.forEach((l, i) => {
      if (l === c) idx.push(i);
    });
    if (idx.length === 0 || idx.includes(0)) continue;
    let best = idx[0];
    let bestSum = Number.NEGATIVE_INFINITY;
    for (const j of idx) {
      let s = 0;
      for (const i of idx) s += affinity[i][j];
      if (s > bestSum) {
        bestSum = s;
        best = j;
      }
    }
    exemplars.push(candidates[best]);
  }
  exemplars.sort((x, y) => x - y);
  return { candidates: [...candidates], affinity, labels, alphas: [0, ...exemplars] };
}
