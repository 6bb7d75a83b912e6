// Measurements in rounds, for ratios a shared machine does not distort: every round runs
// each implementation once (its own process, chosen by the caller), the order reversed on
// odd rounds so that none always runs first after a pause; a ratio is taken within each
// round, and the benchmarks report the median of those ratios with their spread.
import { loadavg } from 'node:os';

/** The median; the mean of the two middle values for an even count; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The order in which round `round` runs `count` implementations: 0..count-1, reversed on odd rounds. */
export function roundOrder(count: number, round: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  return round % 2 === 1 ? order.reverse() : order;
}

export interface RatioSummary {
  /** ours / reference for each round; null where either failed or either time was not positive. */
  perRound: Array<number | null>;
  /** Rounds that gave a ratio. */
  count: number;
  /** The median of the per-round ratios (null when no round gave one). */
  median: number | null;
  /** The smallest and largest per-round ratio: the spread reported. */
  min: number | null;
  max: number | null;
}

/**
 * The per-round ratios ours / reference (times of the same round) and their median and
 * min–max. A round gives no ratio where either side failed (null) or a time is not a
 * positive finite number (a difference of two fits can come out at or below zero at tiny
 * sizes: timing noise, not a speed).
 */
export function ratioSummary(reference: ReadonlyArray<number | null>, ours: ReadonlyArray<number | null>): RatioSummary {
  if (reference.length !== ours.length) throw new Error(`ratioSummary: ${reference.length} reference rounds but ${ours.length} of ours`);
  const usable = (v: number | null): v is number => v !== null && Number.isFinite(v) && v > 0;
  const perRound = reference.map((r, i) => {
    const o = ours[i];
    return usable(r) && usable(o) ? o / r : null;
  });
  const ratios = perRound.filter((v): v is number => v !== null);
  return {
    perRound,
    count: ratios.length,
    median: median(ratios),
    min: ratios.length ? Math.min(...ratios) : null,
    max: ratios.length ? Math.max(...ratios) : null,
  };
}

export type Outcome<M> = M | { error: string };

export interface RoundsResult<M> {
  /** results[i][r]: implementation i's measurement in round r, null where it failed. */
  results: Array<Array<M | null>>;
  /** errors[i][r]: why implementation i failed in round r (undefined where it did not). */
  errors: Array<Array<string | undefined>>;
  /** The 1-minute load average before the first round and after the last. */
  loadStart: number;
  loadEnd: number;
}

/**
 * Runs every implementation once per round, in roundOrder, and collects what each returned
 * (a failed run is recorded, the others go on).
 */
export async function runRounds<M>(
  implementations: ReadonlyArray<() => Outcome<M> | Promise<Outcome<M>>>,
  options: { rounds: number; loadAverage?: () => number; onResult?: (impl: number, round: number, outcome: Outcome<M>) => void },
): Promise<RoundsResult<M>> {
  const loadAverage = options.loadAverage ?? (() => loadavg()[0]);
  const results: Array<Array<M | null>> = implementations.map(() => []);
  const errors: Array<Array<string | undefined>> = implementations.map(() => []);
  const loadStart = loadAverage();
  for (let round = 0; round < options.rounds; round++) {
    for (const i of roundOrder(implementations.length, round)) {
      let outcome: Outcome<M>;
      try {
        outcome = await implementations[i]();
      } catch (error) {
        outcome = { error: error instanceof Error ? error.message : String(error) };
      }
      const failed = typeof outcome === 'object' && outcome !== null && 'error' in outcome;
      results[i][round] = failed ? null : (outcome as M);
      errors[i][round] = failed ? (outcome as { error: string }).error : undefined;
      options.onResult?.(i, round, outcome);
    }
  }
  return { results, errors, loadStart, loadEnd: loadAverage() };
}

/** A ratio's cells: its median, and its spread as "min–max" ('' where there is none). */
export function ratioCells(summary: RatioSummary): { median: string; spread: string } {
  if (summary.median === null) return { median: 'n/a', spread: '' };
  return { median: summary.median.toFixed(2), spread: `${summary.min!.toFixed(2)}–${summary.max!.toFixed(2)}` };
}

/** A load cell: the 1-minute load average at the start and end of a configuration's rounds. */
export const loadCell = (r: { loadStart: number; loadEnd: number }): string => `${r.loadStart.toFixed(2)} → ${r.loadEnd.toFixed(2)}`;

/** Parses --rounds: a whole number, at least 1, and at least 5 where the results are written (unless quick). */
export function parseRounds(text: string, options: { writes: boolean; quick: boolean }): number {
  const rounds = Number(text);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds ${text}: expected a whole number of at least 1`);
  if (options.writes && !options.quick && rounds < 5) {
    throw new Error(`--rounds ${text}: at least 5 rounds for written results (pass --no-write to try fewer)`);
  }
  return rounds;
}

/**
 * `--rounds` (default 5, 2 with --quick) and `--repeats` of a benchmark command, checked
 * as one: a bad value is a usage error, printed, exit 2, before anything is measured.
 */
export function roundsOrExit(values: { rounds?: string; repeats?: string; quick?: boolean; 'no-write'?: boolean }, repeats: number): number {
  try {
    const rounds = parseRounds(values.rounds ?? (values.quick ? '2' : '5'), { writes: !values['no-write'], quick: values.quick ?? false });
    if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats ${values.repeats}: expected a whole number of at least 1`);
    return rounds;
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
