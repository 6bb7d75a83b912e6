import { fitAlphaPath, selectFromAlphaPath, type AlphaPathOptions } from '@bcnmf/baselines';
import { BcnmfError, toDataMatrix, type MatrixInput, type ProgressEvent } from '@bcnmf/core';
import { checkConsensusMemory, consensusBcnmf, resolveConsensusOptions, type ConsensusOptions, type ConsensusResult } from './consensus.js';
import { SWEEP_DEFAULTS } from './defaults.js';
import { checkInteger, ConsensusError, invalidOption } from './errors.js';
import { recommendSetting, type Recommendation } from './recommend.js';

/** How `alphas: 'auto'` picks the sweep's alphas: one alpha path, at one k, and its selection. */
export interface AutoAlphaOptions {
  /** The k of the path (default: the middle k of the grid). */
  k?: number;
  /** The path's alphas (must include 0), or `nAlphas` log-spaced ones up to 10^maxLogAlpha (as `fitAlphaPath`). */
  alphas?: readonly number[];
  nAlphas?: number;
  maxLogAlpha?: number;
  /** Iterations of the path's first fit and of each warm-started one after it (`fitAlphaPath`'s defaults). */
  maxIter?: number;
  pathMaxIter?: number;
  /** Clusters of the path (`selectFromAlphaPath`; the one holding alpha 0 is dropped). */
  nClusters?: number;
  compare?: 'embedding' | 'basis';
}

/** What `alphas: 'auto'` chose. */
export interface AutoAlphaChoice {
  /** The k the path was fitted at. */
  k: number;
  /** The alphas of the path. */
  pathAlphas: number[];
  /** The chosen alphas (0 and one per other cluster of the path), increasing: the sweep's alphas. */
  alphas: number[];
}

/** One cell of the grid: a consensus at (k, alpha), in numbers. */
export interface SweepCell {
  k: number;
  alpha: number;
  /** 'failed': the restarts diverged or their topics could not be clustered (see `message`). */
  status: 'done' | 'failed';
  /** Why it failed; null when done. */
  message: string | null;
  /** Silhouette of the topic clustering. */
  stability: number | null;
  /** The consensus model's target error, (first) background error and tracked score. */
  targetError: number | null;
  backgroundError: number | null;
  score: number | null;
  /** The largest enrichment (log2 target / background mean loading) over the consensus topics. */
  topEnrichment: number | null;
  /** Smallest and mean reproducibility over the consensus topics. */
  minReproducibility: number | null;
  meanReproducibility: number | null;
  /** Restart topics kept by the outlier filter, and in all. */
  keptTopics: number | null;
  totalTopics: number;
  /** Iterations of all restarts. */
  restartIterations: number | null;
  seconds: number;
}

/** A progress event of {@link selectionSweep}: a restart's score check, with the sweep's position. */
export interface SweepProgress {
  /** The cell running, its position among the cells to run, and how many are to run. */
  k: number;
  alpha: number;
  cell: number;
  cells: number;
  /** The restart's own event (start = restart). */
  fit: ProgressEvent;
  /** Work done and planned, in topic-iterations (an iteration at k counts k), over the cells to run. */
  done: number;
  total: number;
  /** Milliseconds since the sweep began. */
  elapsedMs: number;
}

/** Options of {@link selectionSweep}; defaults in {@link SWEEP_DEFAULTS} and {@link CONSENSUS_DEFAULTS}. */
export interface SelectionSweepOptions extends Omit<ConsensusOptions, 'k' | 'alpha' | 'onProgress'> {
  /** The numbers of topics, each >= 2. */
  ks: readonly number[];
  /** The alphas, each >= 0; or 'auto' (chosen by an alpha path, see `autoAlpha`). */
  alphas: readonly number[] | 'auto';
  autoAlpha?: AutoAlphaOptions;
  /** The recommendation's tolerance on the target error (default 0.1: within 10% of the smallest at the alpha). */
  errorTolerance?: number;
  /** Cells finished by an earlier run with the same settings (a resumed sweep): kept, not run again. */
  finished?: readonly SweepCell[];
  /** Called when alpha 'auto' has chosen the alphas (before any cell runs). */
  onAlphas?: (choice: AutoAlphaChoice) => void | Promise<void>;
  /** Called after each cell that ran (done or failed), e.g. to keep it on disk. */
  onCell?: (done: { cell: SweepCell; result: ConsensusResult | null; index: number; cells: number }) => void | Promise<void>;
  onProgress?: (event: SweepProgress) => void;
}

/** What {@link selectionSweep} returns. */
export interface SelectionSweep {
  ks: number[];
  alphas: number[];
  /** Every cell of the grid (k-major, then alpha), run now or finished before. */
  cells: SweepCell[];
  /** How many of them ran now. */
  ran: number;
  /** What alpha 'auto' chose; null for given alphas. */
  autoAlpha: AutoAlphaChoice | null;
  /** The recommended setting (null when no cell finished), with the rule and the reason. */
  recommendation: Recommendation | null;
  errorTolerance: number;
  seconds: number;
}

/** The cells of a grid, k-major. */
export function gridCells(ks: readonly number[], alphas: readonly number[]): { k: number; alpha: number }[] {
  return ks.flatMap((k) => alphas.map((alpha) => ({ k, alpha })));
}

/** Restart fits and coefficient fits a grid needs (the alpha path of 'auto' not included). */
export function sweepFits(cells: number, restarts: number): { restarts: number; refits: number } {
  return { restarts: cells * restarts, refits: cells };
}

function checkList(name: string, values: unknown, check: (value: unknown, i: number) => number): number[] {
  if (!Array.isArray(values) || values.length === 0) throw invalidOption(`${name} must be a non-empty list`);
  const out = values.map(check);
  const repeated = out.find((v, i) => out.indexOf(v) !== i);
  if (repeated !== undefined) throw invalidOption(`${name} lists ${repeated} twice`);
  return out.sort((a, b) => a - b);
}

/** Checks a sweep's grid; the alphas are null for 'auto'. */
export function checkGrid(ks: unknown, alphas: unknown): { ks: number[]; alphas: number[] | null } {
  const kList = checkList('ks', ks, (k, i) => checkInteger(`ks[${i}]`, k, 2));
  if (alphas === 'auto') return { ks: kList, alphas: null };
  const aList = checkList('alphas', alphas, (a, i) => {
    if (typeof a !== 'number' || !Number.isFinite(a) || a < 0) throw invalidOption(`alphas[${i}] must be a finite number >= 0, got ${JSON.stringify(a)}`);
    return a;
  });
  return { ks: kList, alphas: aList };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * The selection sweep, consensus NMF's choice of k (Kotliar et al. 2019) extended by
 * bcNMF's alpha: a consensus ({@link consensusBcnmf}, `restarts` restarts) at every
 * (k, alpha) of the grid, each summarised by its stability (silhouette of the topic
 * clustering), the consensus model's target and background errors and tracked score, the
 * enrichment of its most target-specific topic and the topics' reproducibility; then a
 * recommended setting by a stated rule ({@link recommendSetting}). `alphas: 'auto'` takes
 * the alphas that `selectFromAlphaPath` picks from one alpha path (at `autoAlpha.k`,
 * default the middle k), so that every k is run at the same alphas.
 *
 * A cell whose restarts diverge, or whose topics cannot be clustered, is kept as
 * 'failed' with the reason and the sweep goes on; an abort (signal) stops it at once.
 * Cells given in `finished` are not run again (a resumed sweep); `onCell` is called after
 * each cell that runs, so a caller can keep it.
 *
 * @example
 * const sweep = await selectionSweep(target, background, { ks: [2, 3, 4], alphas: [0, 1], restarts: 5 });
 * sweep.cells.length;       // 6
 * sweep.recommendation?.k;  // e.g. 3
 */
export async function selectionSweep(
  target: MatrixInput,
  background: MatrixInput | readonly MatrixInput[] | null,
  options: SelectionSweepOptions,
): Promise<SelectionSweep> {
  const started = performance.now();
  if (options === null || typeof options !== 'object') throw invalidOption('options must be an object with ks and alphas');
  const { ks: givenKs, alphas: givenAlphas, autoAlpha = {}, errorTolerance = SWEEP_DEFAULTS.errorTolerance, finished = [], onAlphas, onCell, onProgress, ...rest } = options;
  const grid = checkGrid(givenKs, givenAlphas);
  const restarts = rest.restarts ?? SWEEP_DEFAULTS.restarts;
  const densityThreshold = rest.densityThreshold ?? SWEEP_DEFAULTS.densityThreshold;
  // every cell's options, checked once before any work (with the grid's first k)
  const base: ConsensusOptions = { ...rest, restarts, densityThreshold, k: grid.ks[0] };
  const { memoryLimit } = resolveConsensusOptions(base);
  recommendSetting([], { errorTolerance });
  const targetMatrix = await toDataMatrix(target, 'target');
  const largest = grid.ks[grid.ks.length - 1];
  const limit = Math.min(targetMatrix.rows, targetMatrix.columns);
  if (largest > limit) throw invalidOption(`k = ${largest} is more than min(features, target samples) = ${limit}`);
  // the largest k's cell needs the most: refused before any cell runs
  checkConsensusMemory(targetMatrix, background, { restarts, k: largest, memoryLimit, maxIter: rest.maxIter, scoreEvery: rest.scoreEvery });
  if (!Array.isArray(finished)) throw invalidOption('finished must be a list of cells');

  let autoChoice: AutoAlphaChoice | null = null;
  let alphas = grid.alphas;
  if (alphas === null) {
    if (background === null || (Array.isArray(background) && !isRowsInput(background) && background.length !== 1)) {
      throw invalidOption("alphas 'auto' needs exactly one background");
    }
    const one = Array.isArray(background) && !isRowsInput(background) ? (background as readonly MatrixInput[])[0] : (background as MatrixInput);
    const pathK = autoAlpha.k ?? grid.ks[Math.floor((grid.ks.length - 1) / 2)];
    checkInteger('autoAlpha.k', pathK, 2);
    const { signal, onWarning, loss, tol, scoreEvery, damping, eps, backend, seed, featureNames, alignFeaturesByName } = rest;
    const pathOptions: AlphaPathOptions = Object.fromEntries(Object.entries({
      k: pathK, signal, onWarning, loss, tol, scoreEvery, damping, eps, backend, seed, featureNames, alignFeaturesByName,
      alphas: autoAlpha.alphas, nAlphas: autoAlpha.nAlphas, maxLogAlpha: autoAlpha.maxLogAlpha,
      maxIter: autoAlpha.maxIter, pathMaxIter: autoAlpha.pathMaxIter,
    }).filter(([, v]) => v !== undefined)) as AlphaPathOptions;
    const path = await fitAlphaPath(targetMatrix, one, pathOptions);
    const selection = selectFromAlphaPath(path, {
      ...(autoAlpha.nClusters !== undefined ? { nClusters: autoAlpha.nClusters } : {}),
      ...(autoAlpha.compare !== undefined ? { compare: autoAlpha.compare } : {}),
      seed: seed ?? 0,
    });
    autoChoice = { k: pathK, pathAlphas: [...path.alphas], alphas: [...selection.alphas] };
    alphas = autoChoice.alphas;
    await onAlphas?.(autoChoice);
  }

  const all = gridCells(grid.ks, alphas);
  const previous = new Map(finished.map((c) => [`${c.k}/${c.alpha}`, c]));
  const toRun = all.filter((c) => !previous.has(`${c.k}/${c.alpha}`));
  const maxIter = rest.maxIter ?? 200;
  const work = (k: number) => restarts * maxIter * k;
  const total = toRun.reduce((sum, c) => sum + work(c.k), 0);
  let done = 0;
  const ran = new Map<string, SweepCell>();
  for (const [index, { k, alpha }] of toRun.entries()) {
    const cellStarted = performance.now();
    let cell: SweepCell;
    let result: ConsensusResult | null = null;
    try {
      result = await consensusBcnmf(target, background, {
        ...base,
        k,
        alpha,
        onProgress: onProgress && ((fit: ProgressEvent) => onProgress({
          k, alpha, cell: index, cells: toRun.length, fit,
          done: done + (fit.start * fit.maxIter + fit.iteration) * k,
          total,
          elapsedMs: performance.now() - started,
        })),
      });
      cell = cellOf(k, alpha, result, (performance.now() - cellStarted) / 1000);
    } catch (error) {
      if (isAbort(error) || !(error instanceof ConsensusError || (error instanceof BcnmfError && error.code === 'DIVERGED'))) throw error;
      cell = failedCell(k, alpha, restarts * k, (error as Error).message, (performance.now() - cellStarted) / 1000);
    }
    done += work(k);
    ran.set(`${k}/${alpha}`, cell);
    await onCell?.({ cell, result, index, cells: toRun.length });
  }
  const cells = all.map(({ k, alpha }) => ran.get(`${k}/${alpha}`) ?? previous.get(`${k}/${alpha}`)!);
  const ranked = cells.filter((c) => c.status === 'done').map((c) => ({ k: c.k, alpha: c.alpha, stability: c.stability!, targetError: c.targetError! }));
  return {
    ks: grid.ks,
    alphas: [...alphas],
    cells,
    ran: ran.size,
    autoAlpha: autoChoice,
    recommendation: recommendSetting(ranked, { errorTolerance }),
    errorTolerance,
    seconds: (performance.now() - started) / 1000,
  };
}

/** An array of rows (one matrix), as opposed to a list of matrices. */
function isRowsInput(value: readonly unknown[]): boolean {
  return value.length === 0 || ArrayBuffer.isView(value[0]) || (Array.isArray(value[0]) && typeof value[0][0] === 'number');
}

/** A finished cell from a consensus. */
export function cellOf(k: number, alpha: number, result: ConsensusResult, seconds: number): SweepCell {
  const reproducibility = result.topics.map((t) => t.reproducibility);
  return {
    k,
    alpha,
    status: 'done',
    message: null,
    stability: result.stability,
    targetError: result.targetError,
    backgroundError: result.backgroundError,
    score: result.score,
    topEnrichment: result.topEnrichment,
    minReproducibility: Math.min(...reproducibility),
    meanReproducibility: reproducibility.reduce((a, b) => a + b, 0) / reproducibility.length,
    keptTopics: result.clustering.kept,
    totalTopics: result.clustering.total,
    restartIterations: result.restarts.reduce((sum, r) => sum + r.iterations, 0),
    seconds,
  };
}

function failedCell(k: number, alpha: number, totalTopics: number, message: string, seconds: number): SweepCell {
  return {
    k, alpha, status: 'failed', message,
    stability: null, targetError: null, backgroundError: null, score: null, topEnrichment: null,
    minReproducibility: null, meanReproducibility: null, keptTopics: null, totalTopics, restartIterations: null, seconds,
  };
}

/**
 * A cell read back (e.g. from a resumed sweep's files), checked field by field; throws
 * an INVALID_OPTION error naming the first bad field.
 */
export function checkSweepCell(value: unknown): SweepCell {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidOption('a sweep cell must be an object');
  const c = value as Record<string, unknown>;
  const numberOrNull = (name: string): number | null => {
    const v = c[name];
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidOption(`cell.${name} must be a finite number or null, got ${JSON.stringify(v)}`);
    return v;
  };
  const k = checkInteger('cell.k', c.k, 2);
  const alpha = numberOrNull('alpha');
  if (alpha === null || alpha < 0) throw invalidOption(`cell.alpha must be a number >= 0, got ${JSON.stringify(c.alpha)}`);
  if (c.status !== 'done' && c.status !== 'failed') throw invalidOption(`cell.status must be 'done' or 'failed', got ${JSON.stringify(c.status)}`);
  if (c.message !== null && typeof c.message !== 'string') throw invalidOption('cell.message must be text or null');
  const cell: SweepCell = {
    k,
    alpha,
    status: c.status,
    message: c.message as string | null,
    stability: numberOrNull('stability'),
    targetError: numberOrNull('targetError'),
    backgroundError: numberOrNull('backgroundError'),
    score: numberOrNull('score'),
    topEnrichment: numberOrNull('topEnrichment'),
    minReproducibility: numberOrNull('minReproducibility'),
    meanReproducibility: numberOrNull('meanReproducibility'),
    keptTopics: numberOrNull('keptTopics'),
    totalTopics: checkInteger('cell.totalTopics', c.totalTopics, 1),
    restartIterations: numberOrNull('restartIterations'),
    seconds: numberOrNull('seconds') ?? 0,
  };
  if (cell.status === 'done' && (cell.stability === null || cell.targetError === null)) {
    throw invalidOption('a done cell needs its stability and target error');
  }
  return cell;
}
