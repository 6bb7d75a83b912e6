import cliProgress from 'cli-progress';
import type { ProgressEvent } from '@bcnmf/core';
import type { CommandContext } from './context.js';
import { formatSeconds, formatShort } from './format.js';

/** Receives a fit's progress events; `stop` ends the display (a bar is finished and its line kept). */
export interface FitProgress {
  onProgress: (event: ProgressEvent) => void;
  stop: () => void;
}

/** Iterations done, over all starts, and the total planned. */
function position(event: ProgressEvent): { done: number; total: number } {
  return { done: event.start * event.maxIter + event.iteration, total: event.nStarts * event.maxIter };
}

/** Seconds left at the pace so far (null before any iteration). */
export function etaSeconds(elapsedMs: number, done: number, total: number): number | null {
  if (done <= 0) return null;
  return ((elapsedMs / done) * Math.max(0, total - done)) / 1000;
}

/**
 * One plain progress line (used when stderr is not a terminal), e.g.
 * `bcnmf fit: iteration 20/200  score 0.0123  target error 0.05  background error 0.04  elapsed 1.2 s  ETA 11 s`.
 */
export function progressLine(label: string, event: ProgressEvent): string {
  const { done, total } = position(event);
  const eta = etaSeconds(event.elapsedMs, done, total);
  const start = event.nStarts > 1 ? `start ${event.start + 1}/${event.nStarts}  ` : '';
  const background = event.backgroundError === null ? '' : `  background error ${formatShort(event.backgroundError)}`;
  return (
    `${label}: ${start}iteration ${event.iteration}/${event.maxIter}  score ${formatShort(event.score)}` +
    `  target error ${formatShort(event.targetError)}${background}` +
    `  elapsed ${formatSeconds(event.elapsedMs / 1000)}  ETA ${eta === null ? '?' : formatSeconds(eta)}`
  );
}

/**
 * Progress of a fit on stderr: a cli-progress bar (iteration, score, elapsed, ETA) when
 * stderr is a terminal, a plain line per score check otherwise, nothing with `quiet`.
 */
export function fitProgress(ctx: CommandContext, label: string, quiet: boolean): FitProgress {
  if (quiet) return { onProgress: () => {}, stop: () => {} };
  if (!ctx.isTTY || !ctx.errStream) {
    return { onProgress: (event) => ctx.err(progressLine(label, event)), stop: () => {} };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: ctx.errStream,
      format: `${label} |{bar}| {percentage}% | {startText}iteration {iteration}/{maxIter} | score {scoreText} | {elapsedText} elapsed | ETA {etaText}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      // the score arrives every scoreEvery iterations: redraw then, not on a timer
      fps: 1,
      forceRedraw: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(event) {
      const { done, total } = position(event);
      const eta = etaSeconds(event.elapsedMs, done, total);
      const payload = {
        startText: event.nStarts > 1 ? `start ${event.start + 1}/${event.nStarts} ` : '',
        iteration: event.iteration,
        maxIter: event.maxIter,
        scoreText: formatShort(event.score),
        elapsedText: formatSeconds(event.elapsedMs / 1000),
        etaText: eta === null ? '?' : formatSeconds(eta),
      };
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      } else {
        bar.update(done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
