import { matmul } from '../linalg/dense.js';
import { gramOf, scatterOf, timesTransposed, topSymmetric, transposedTimes } from '../linalg/fast.js';
import type { NativeLinalg } from '../linalg/lapack.js';

/** Eigenvalues at or below this fraction of the largest are (numerically) zero variance. */
export const NULL_VARIANCE = 1e-12;

/**
 * How vectors of a reduced space (`dim` coordinates) map back to the `p` features: the
 * rows of `axes` (`dim x p`, unit rows), given explicitly or as `weights^T Z` (`weights`
 * `n x dim`, `Z` the stacked `n x p` data) so that they need not be formed.
 */
export type Lift = { kind: 'axes'; axes: Float64Array } | { kind: 'scores'; weights: Float64Array; z: Float64Array; n: number };

/** The stacked data's top principal subspace: reduced coordinates of both data sets and the way back to features. */
export interface JointReduction {
  /** Number of axes kept (those with non-zero variance, at most the number asked for). */
  dim: number;
  /** Target rows in reduced coordinates, `nFg x dim`. */
  rfg: Float64Array;
  /** Background rows in reduced coordinates, `nBg x dim`. */
  rbg: Float64Array;
  lift: Lift;
}

/** `vectors` (`k x dim`, rows in reduced coordinates) in feature space: `k x p`. */
export function liftRows(lift: Lift, vectors: Float64Array, k: number, dim: number, p: number, lib: NativeLinalg | null): Float64Array {
  if (lift.kind === 'axes') return matmul(vectors, k, dim, lift.axes, p);
  // (weights · vectors^T)^T Z: an n x k combination of the stacked rows
  const w = timesTransposed(lift.weights, lift.n, dim, vectors, k, null);
  return transposedTimes(w, lift.n, k, lift.z, p, lib);
}

/**
 * The top `dim` principal axes of the stacked (already centred) target and background,
 * as the cPCA reference's joint pre-projection, in the form cPCA needs: both data sets'
 * coordinates on the axes, and a {@link Lift} back to the features. Axes with
 * (numerically) zero variance (eigenvalue at most {@link NULL_VARIANCE} times the largest)
 * are left out, so `dim` is smaller when the stacked data have lower rank; the projection
 * then loses nothing.
 *
 * With fewer stacked rows than features the Gram matrix `Z Z^T = U Λ U^T` is decomposed:
 * the coordinates on the axes are `U Λ^{1/2}` (so the axes `Λ^{-1/2} U^T Z`, `dim x p`,
 * are never formed: that product and the two projections onto the axes were half the
 * cost of a 2,000 x 3,000 pre-projection); otherwise the scatter `Z^T Z` gives the axes,
 * and the data are projected onto them. OpenBLAS `dgemm` and LAPACK `dsyevr` when `lib`
 * is given, JavaScript (block Krylov) otherwise.
 */
export function jointReduction(
  zfg: Float64Array,
  nFg: number,
  zbg: Float64Array,
  nBg: number,
  p: number,
  dim: number,
  seed: number,
  lib: NativeLinalg | null = null,
): JointReduction {
  const n = nFg + nBg;
  const z = new Float64Array(n * p);
  z.set(zfg, 0);
  z.set(zbg, nFg * p);
  const want = Math.min(dim, n, p);
  if (n <= p) {
    const { values, vectors } = topSymmetric(gramOf(z, n, p, lib), n, want, seed, lib);
    const keep = nonNull(values);
    // reduced coordinates U Λ^{1/2}; lift weights U Λ^{-1/2} (both n x keep)
    const reduced = new Float64Array(n * keep);
    const weights = new Float64Array(n * keep);
    for (let c = 0; c < keep; c++) {
      const root = Math.sqrt(values[c]);
      for (let i = 0; i < n; i++) {
        const u = vectors[c * n + i];
        reduced[i * keep + c] = u * root;
        weights[i * keep + c] = u / root;
      }
    }
    return { dim: keep, rfg: reduced.slice(0, nFg * keep), rbg: reduced.slice(nFg * keep), lift: { kind: 'scores', weights, z, n } };
  }
  const { values, vectors } = topSymmetric(scatterOf(z, n, p, 1, lib), p, want, seed, lib);
  const keep = nonNull(values);
  const axes = vectors.slice(0, keep * p);
  return {
    dim: keep,
    rfg: timesTransposed(zfg, nFg, p, axes, keep, lib),
    rbg: timesTransposed(zbg, nBg, p, axes, keep, lib),
    lift: { kind: 'axes', axes },
  };
}

/**
 * The joint pre-projection's axes themselves, `dim x p` row-major with unit rows (see
 * {@link jointReduction}; formed here from the Gram side's weights).
 */
export function jointPrincipalAxes(
  zfg: Float64Array,
  nFg: number,
  zbg: Float64Array,
  nBg: number,
  p: number,
  dim: number,
  seed: number,
  lib: NativeLinalg | null = null,
): { axes: Float64Array; dim: number } {
  const r = jointReduction(zfg, nFg, zbg, nBg, p, dim, seed, lib);
  if (r.lift.kind === 'axes') return { axes: r.lift.axes, dim: r.dim };
  const identity = new Float64Array(r.dim * r.dim);
  for (let c = 0; c < r.dim; c++) identity[c * r.dim + c] = 1;
  return { axes: liftRows(r.lift, identity, r.dim, r.dim, p, lib), dim: r.dim };
}

/** How many leading eigenvalues (decreasing) are above {@link NULL_VARIANCE} times the largest. */
function nonNull(values: readonly number[]): number {
  const top = Math.max(values[0] ?? 0, 0);
  return values.filter((v) => v > NULL_VARIANCE * top).length;
}
