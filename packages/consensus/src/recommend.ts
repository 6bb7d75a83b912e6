import { SWEEP_DEFAULTS } from './defaults.js';
import { checkRange } from './errors.js';

/** The numbers of one finished cell that the rule reads. */
export interface RankedCell {
  k: number;
  alpha: number;
  stability: number;
  targetError: number;
}

/** What {@link recommendSetting} chose, and why. */
export interface Recommendation {
  k: number;
  alpha: number;
  stability: number;
  targetError: number;
  /** The rule, in words (the same for every sweep with this tolerance). */
  rule: string;
  /** Why this cell: the numbers that decided. */
  reason: string;
  /** The cells the rule compared (within the error tolerance at their alpha). */
  candidates: { k: number; alpha: number }[];
}

/** The rule of {@link recommendSetting}, in words. */
export function recommendationRule(errorTolerance: number): string {
  const percent = Number((errorTolerance * 100).toPrecision(4));
  return `the highest stability among the settings whose target error is within ${percent}% of the smallest target error at their alpha; ` +
    'alpha 0 (plain NMF) only when the grid has no other alpha; ties go to the smaller k, then the smaller alpha';
}

/**
 * Recommends a setting of a selection sweep by a stated rule ({@link recommendationRule}):
 * per alpha, the k whose target error is within `errorTolerance` (default 10%) of the
 * smallest target error at that alpha (more topics stop paying for themselves in error);
 * among all those, the most stable one (highest silhouette of the topic clustering).
 * Alpha 0 is plain NMF, the reference a contrastive fit is compared with, so it is
 * recommended only when the grid has no alpha > 0. Null when no cell finished.
 *
 * @example
 * recommendSetting([
 *   { k: 2, alpha: 1, stability: 0.9, targetError: 1.5 },
 *   { k: 3, alpha: 1, stability: 0.8, targetError: 1.05 },
 *   { k: 4, alpha: 1, stability: 0.7, targetError: 1.0 },
 * ])!.k; // 3: k 3 and 4 are within 10% of the smallest error (1.0), and k 3 is the more stable
 */
export function recommendSetting(cells: readonly RankedCell[], options: { errorTolerance?: number } = {}): Recommendation | null {
  const errorTolerance = checkRange('errorTolerance', options.errorTolerance ?? SWEEP_DEFAULTS.errorTolerance, 0, Infinity, true);
  const finished = cells.filter((c) => Number.isFinite(c.stability) && Number.isFinite(c.targetError));
  if (finished.length === 0) return null;
  const contrastive = finished.some((c) => c.alpha > 0);
  const considered = contrastive ? finished.filter((c) => c.alpha > 0) : finished;
  const smallest = new Map<number, number>();
  for (const c of considered) smallest.set(c.alpha, Math.min(smallest.get(c.alpha) ?? Infinity, c.targetError));
  const candidates = considered.filter((c) => c.targetError <= (1 + errorTolerance) * smallest.get(c.alpha)!);
  const best = [...candidates].sort((a, b) => b.stability - a.stability || a.k - b.k || a.alpha - b.alpha)[0];
  const percent = Number((errorTolerance * 100).toPrecision(4));
  const limit = (1 + errorTolerance) * smallest.get(best.alpha)!;
  const others = candidates.filter((c) => c !== best);
  const runnerUp = [...others].sort((a, b) => b.stability - a.stability)[0];
  const reason =
    `k ${best.k}, alpha ${best.alpha}: stability ${best.stability.toFixed(3)}, the highest of the ${candidates.length} setting${candidates.length === 1 ? '' : 's'} ` +
    `whose target error is within ${percent}% of the smallest at their alpha (target error ${formatNumber(best.targetError)} <= ${formatNumber(limit)} at alpha ${best.alpha})` +
    (runnerUp ? `; next: k ${runnerUp.k}, alpha ${runnerUp.alpha} (stability ${runnerUp.stability.toFixed(3)})` : '') +
    (contrastive && finished.some((c) => c.alpha === 0) ? '; alpha 0 (plain NMF) is shown as the reference, not recommended' : '');
  return {
    k: best.k,
    alpha: best.alpha,
    stability: best.stability,
    targetError: best.targetError,
    rule: recommendationRule(errorTolerance),
    reason,
    candidates: candidates.map((c) => ({ k: c.k, alpha: c.alpha })),
  };
}

function formatNumber(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}
