import type { ScoreRecord } from '../compute/score.js';
import type { UpdateRule } from '../compute/updates.js';
import type { ResolvedOptions } from '../options.js';

/** The names of the data sets in messages: target, then background (or background 1, 2, ...). */
export function datasetRoles(backgroundCount: number): string[] {
  return ['target', ...Array.from({ length: backgroundCount }, (_, b) => (backgroundCount === 1 ? 'background' : `background ${b + 1}`))];
}

/** What one start returns, full batch or minibatch alike. */
export interface StartResult {
  basis: Float32Array;
  targetCoefficients: Float32Array;
  backgroundCoefficients: Float32Array[];
  history: ScoreRecord[];
  iterations: number;
  converged: boolean;
  score: number;
}

/** The update rule of a fit: its loss with eps and damping. */
export function updateRule(options: ResolvedOptions): UpdateRule {
  return { loss: options.lossDefinition, eps: options.eps, damping: options.damping };
}

/** Reports a score record as a progress event. */
export function progressReporter(options: ResolvedOptions, start: number, startedAt: number): (record: ScoreRecord) => void {
  return (record) => options.onProgress?.({
    ...record,
    start,
    nStarts: options.nStarts,
    maxIter: options.maxIter,
    elapsedMs: performance.now() - startedAt,
  });
}
