import type { ScoreRecord } from '../compute/score.js';
import { BcnmfError } from '../errors.js';

/** What an aborted fit rejects with: the signal's reason, an AbortError by default. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The fit was aborted', 'AbortError');
}

/** Throws the signal's reason (an AbortError by default) when it has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw abortReason(signal);
}

/**
 * Relative change of the tracked score between two checks. The denominator takes the
 * larger magnitude of the two, so a score crossing zero (MSE_X − α MSE_Y can) does not
 * look converged or explode.
 */
export function relativeChange(previous: number, current: number): number {
  const scale = Math.max(Math.abs(previous), Math.abs(current), 1e-300);
  return Math.abs(current - previous) / scale;
}

// Timers and signal handlers (Ctrl-C, AbortSignal.timeout) run only when the loop gives
// the event loop a turn; iterations run synchronous tfjs ops, so the loop yields at
// least this often (a macrotask: a resolved promise would not let timers run).
const YIELD_EVERY_MS = 20;
const nextTask: (resume: () => void) => void = typeof setImmediate === 'function'
  ? (resume) => setImmediate(resume)
  : (resume) => setTimeout(resume, 0);

/** Gives the event loop a turn when the last one was at least {@link YIELD_EVERY_MS} ago. */
export function eventLoopTurns(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < YIELD_EVERY_MS) return;
    await new Promise<void>((resume) => nextTask(resume));
    last = performance.now();
  };
}

/** What to try when a fit diverges, for the message. */
export interface DivergenceHints {
  /** The contrastive weights, to suggest a smaller one. */
  alphas: readonly number[];
  damping: number;
}

/**
 * The divergence error for `record`, or null when every number in it is finite: which
 * iteration (or epoch), which data set, and what to try.
 */
export function divergence(record: ScoreRecord, roles: readonly string[], unit: string, hints: DivergenceHints): BcnmfError | null {
  const errors = [record.targetError, ...record.backgroundErrors];
  if (errors.every(Number.isFinite) && Number.isFinite(record.score)) return null;
  const bad = errors.findIndex((e) => !Number.isFinite(e));
  const what = bad >= 0 ? `the ${roles[bad] ?? `data set ${bad}`}'s error became ${errors[bad]}` : `the tracked score became ${record.score}`;
  const tries = ['scale the data down (divide by its largest value, or log1p for counts)'];
  const largest = Math.max(0, ...hints.alphas);
  if (largest > 0) tries.push(`lower alpha (now ${largest})`);
  if (hints.damping === 1) tries.push('damp the updates (damping 0.5)');
  return new BcnmfError(
    'DIVERGED',
    `the fit diverged at ${unit} ${record.iteration}: ${what} (float32 overflow or a collapsed factor); try: ${tries.join('; ')}`,
  );
}

/** The problem the loop iterates: how to take one step, and how to score the state. */
export interface IterationProblem {
  /**
   * Runs iteration `iteration` (1-based). When `scoring`, returns the score record of the
   * new state; otherwise may return null.
   */
  advance(iteration: number, scoring: boolean): Promise<ScoreRecord | null> | ScoreRecord | null;
  /** The record of the start state (iteration 0), where the problem has one. */
  initial?: ScoreRecord;
}

/** Settings of {@link runIterations}. */
export interface IterationSettings {
  maxIter: number;
  /** Score every this many iterations (and after the last). */
  scoreEvery: number;
  /** Converged when the score's relative change between two checks is at most `tol` (0: never). */
  tol: number;
  signal?: AbortSignal;
  /** Called with each score record, as it is taken. */
  onRecord?: (record: ScoreRecord) => void;
  /** For divergence messages: the data sets in the order of the record's errors. */
  roles: readonly string[];
  /** 'iteration', or 'epoch' for minibatches. */
  unit: string;
  hints: DivergenceHints;
}

/** What {@link runIterations} returns. */
export interface IterationResult {
  /** The initial record (when given), then every score check. */
  history: ScoreRecord[];
  iterations: number;
  converged: boolean;
}

/**
 * The one iteration loop of bcnmf: full-batch fits, minibatch epochs and `transform` (the
 * coefficients with W fixed) all run through it, so aborting, divergence, tolerance and
 * progress work the same everywhere. It scores every `scoreEvery` iterations and after
 * the last; stops converged when the tracked score changes by at most `tol` between two
 * checks; throws a `BcnmfError` ('DIVERGED') at the first check whose numbers are not
 * finite; and gives the event loop a turn every few milliseconds so that an AbortSignal
 * (or Ctrl-C) stops it within an iteration, rejecting with the signal's reason.
 */
export async function runIterations(problem: IterationProblem, settings: IterationSettings): Promise<IterationResult> {
  const { maxIter, scoreEvery, tol, signal, onRecord, roles, unit, hints } = settings;
  const history: ScoreRecord[] = [];
  const check = (record: ScoreRecord): void => {
    const diverged = divergence(record, roles, unit, hints);
    if (diverged) throw diverged;
    history.push(record);
    onRecord?.(record);
  };
  if (problem.initial) check(problem.initial);
  const turn = eventLoopTurns();
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    await turn();
    throwIfAborted(signal);
    iterations++;
    const scoring = iterations % scoreEvery === 0 || iterations === maxIter;
    const record = await problem.advance(iterations, scoring);
    if (!scoring || !record) continue;
    const previous = history[history.length - 1];
    check(record);
    if (previous && tol > 0 && relativeChange(previous.score, record.score) <= tol) {
      converged = true;
      break;
    }
  }
  throwIfAborted(signal);
  return { history, iterations, converged };
}
