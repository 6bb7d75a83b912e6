import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { ALPHA_PATH_DEFAULTS } from '@bcnmf/baselines';
import { CsrMatrix, fitBcnmf, type BcnmfModel } from '@bcnmf/core';
import {
  checkSweepCell,
  gridCells,
  recommendationRule,
  selectionSvg,
  selectionSweep,
  SWEEP_DEFAULTS,
  type AutoAlphaChoice,
  type AutoAlphaOptions,
  type Recommendation,
  type SelectionSweep,
  type SweepCell,
  type SweepProgress,
} from '@bcnmf/consensus';
import type { CommandContext } from '../context.js';
import { describeInputs } from '../describe.js';
import { InterruptedError, isAbort, UsageError } from '../errors.js';
import { defined, FIT_SETTING_OPTIONS, fitSettings, fitSettingsUsage, startBackend } from '../fit-options.js';
import { csvLine, formatSeconds, formatShort } from '../format.js';
import { fitInput, INPUT_OPTIONS, INPUT_USAGE, readInputs, type AnyMatrix, type Inputs } from '../input.js';
import { choiceOption, listOption, numberOption, optionalNumber, parseCommand } from '../options.js';
import { checkOutputDir, markOutputDir, writeFileAtomically, writeOutputDir } from '../output.js';
import { checkRestartsMemory, CONSENSUS_OPTIONS, consensusSettings, consensusUsage, refuseStartFlags, writeFigure } from './consensus.js';

/** The marker of a sweep folder: select.json's `generator`. */
export const SELECT_GENERATOR = 'bcnmf select';
const STATE_FILE = 'select.json';
const CELLS_DIR = 'cells';

/** Most values of k a sweep takes (a range is checked against it before it is expanded). */
export const MAX_KS = 1000;

export const SELECT_USAGE = `bcnmf select (--target FILE --background FILE | --input FILE --split-by COLUMN --target-values A,B --background-values C)
          --k LIST --alpha LIST|auto --out DIR [--restarts R] [--resume] [options]

Chooses k and alpha from stability, as consensus NMF (cNMF) chooses k, extended by
bcNMF's alpha: a consensus (bcnmf consensus: --restarts fits, their topics clustered,
the median of each cluster) at every (k, alpha) of the grid. Prints the number of fits
and an estimate of the time first, then a progress bar; at the end a table (k, alpha,
stability, target error, background error, contrastive score, enrichment of the top
topic, reproducibility) and the recommended setting with its reason.

  --k LIST               numbers of topics: 2..10, or 2,3,5, or 2..4,8 (each >= 2, at most
                         ${MAX_KS} of them, no empty entry)
  --alpha LIST|auto      alphas: 0,1,2,5 (no empty entry); or auto: the alphas that bcnmf fit --alpha auto
                         chooses on one alpha path at --auto-k (alpha 0 and one per cluster)
  --error-tolerance T    the recommendation: the highest stability among the settings whose
                         target error is within T of the smallest at their alpha (default
                         ${SWEEP_DEFAULTS.errorTolerance}, i.e. 10%); alpha 0 (plain NMF) only when the grid has no other

Writes to DIR: selection.csv (the table), selection.svg and .png (stability and target
error against k, one line per alpha; the recommendation ringed), select.json (this tool's
mark: the settings, the data's fingerprint, the alphas and the result) and, per cell,
cells/k<K>_alpha<A>/ with cell.json (its row) and model.json (its consensus model, for
bcnmf topics and transform).

Resuming: cells are written as they finish. --resume reruns the sweep in DIR: finished
cells are kept and skipped, the rest run (a cell missing a file, e.g. its model.json,
runs again, said on stderr); the grid may grow, the other settings and the
data must be those of the sweep in DIR (a difference is refused, named). Without
--resume a non-empty DIR is refused, as for fit; --overwrite replaces it (the old folder
stays until the new sweep is complete). Ctrl-C keeps the finished cells of a new or
resumed sweep and says so.

${INPUT_USAGE}
(one background)

Fit (every restart; --n-starts, --init and --init-from do not apply):
${fitSettingsUsage({ omit: ['--k', '--alpha', '--n-starts', '--init'] })}

Consensus (every cell):
${consensusUsage(SWEEP_DEFAULTS.restarts, SWEEP_DEFAULTS.densityThreshold, ': no filter, as cNMF\'s k-selection plot')}

With --alpha auto (bcnmf fit --alpha auto's path):
  --auto-k K             the path's k (default: the middle of --k)
  --path-alphas LIST     the path's alphas, including 0 (default 0 and --n-alphas log-spaced)
  --n-alphas N           log-spaced alphas besides 0 (default ${ALPHA_PATH_DEFAULTS.nAlphas})
  --max-log-alpha X      largest alpha 10^X (default ${ALPHA_PATH_DEFAULTS.maxLogAlpha})
  --path-max-iter N      iterations of each warm-started fit after the first (default ${ALPHA_PATH_DEFAULTS.pathMaxIter})
  --clusters N           clusters of the path (default ${ALPHA_PATH_DEFAULTS.nClusters})
  --compare WHAT         embedding (default) or basis

Output:
  --out DIR              output folder (see Resuming)
  --resume               continue the sweep in DIR
  --overwrite            replace a non-empty DIR
  --quiet                no plan or progress on stderr
  --json                 print the results as JSON`;

const OPTIONS = {
  ...INPUT_OPTIONS,
  ...FIT_SETTING_OPTIONS,
  ...CONSENSUS_OPTIONS,
  'init-from': { type: 'string' },
  'error-tolerance': { type: 'string' },
  'auto-k': { type: 'string' },
  'path-alphas': { type: 'string' },
  'n-alphas': { type: 'string' },
  'max-log-alpha': { type: 'string' },
  'path-max-iter': { type: 'string' },
  clusters: { type: 'string' },
  compare: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  overwrite: { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const AUTO_FLAGS = ['auto-k', 'path-alphas', 'n-alphas', 'max-log-alpha', 'path-max-iter', 'clusters', 'compare'] as const;

/** The entries of a comma-separated list, trimmed; an empty entry (`1,,2`, a trailing comma) is refused. */
function listEntries(flag: string, raw: string, example: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.length === 1 && items[0] === '') return [];
  const empty = items.findIndex((item) => item === '');
  if (empty >= 0) throw new UsageError(`${flag} '${raw}' has an empty entry (entry ${empty + 1}); list values separated by single commas, e.g. ${example}`);
  return items;
}

/** `--k 2..10`, `2,3,5`, `2..4,8`: sorted, each >= 2, none twice, at most {@link MAX_KS} of them. */
export function parseKList(raw: string | undefined): number[] {
  if (raw === undefined) throw new UsageError('--k is required: a list such as 2..10 or 2,3,5');
  const items = listEntries('--k', raw, '2..10 or 2,3,5');
  if (items.length === 0) throw new UsageError('--k needs numbers of topics, e.g. 2..10 or 2,3,5');
  // every item as a range, checked, before any range is expanded
  const ranges: [number, number][] = [];
  let count = 0;
  for (const item of items) {
    const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(item);
    let from: number;
    let to: number;
    if (range) {
      [from, to] = [Number(range[1]), Number(range[2])];
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new UsageError(`--k ${item}: the numbers are too large for a number of topics`);
      if (from > to) throw new UsageError(`--k ${item}: the range must go up (e.g. 2..10)`);
    } else {
      from = to = numberOption('--k', item, 0, { integer: true });
    }
    if (from < 2) throw new UsageError(`--k ${from}: every k must be at least 2 (the stability is a silhouette of k clusters)`);
    count += to - from + 1;
    if (count > MAX_KS) {
      throw new UsageError(`--k ${raw} lists more than ${MAX_KS} values of k (a sweep takes at most ${MAX_KS}; ` +
        'every k must also be at most min(features, target samples)); give a shorter range, e.g. 2..30');
    }
    ranges.push([from, to]);
  }
  const seen = new Set<number>();
  for (const [from, to] of ranges) {
    for (let k = from; k <= to; k++) {
      if (seen.has(k)) throw new UsageError(`--k lists ${k} twice`);
      seen.add(k);
    }
  }
  return [...seen].sort((a, b) => a - b);
}

/** `--alpha 0,1,2,5` or `auto`. */
export function parseAlphaGrid(raw: string | undefined): number[] | 'auto' {
  if (raw === undefined) throw new UsageError('--alpha is required: a list such as 0,1,2,5, or auto');
  if (raw.trim() === 'auto') return 'auto';
  const items = listEntries('--alpha', raw, '0,1,2,5');
  if (items.length === 0) throw new UsageError('--alpha needs alphas, e.g. 0,1,2,5, or auto');
  const alphas = items.map((item) => numberOption('--alpha', item, 0, { min: 0 }));
  const seen = new Set<number>();
  for (const a of alphas) {
    if (seen.has(a)) throw new UsageError(`--alpha lists ${a} twice`);
    seen.add(a);
  }
  return alphas.sort((a, b) => a - b);
}

/** A cell's folder under cells/: k<K>_alpha<A> with the alpha exactly as JavaScript writes it. */
export function cellFolder(k: number, alpha: number): string {
  return `k${k}_alpha${String(alpha).replace('+', '')}`;
}

/** The settings a resumed sweep must share with the sweep in its folder. */
interface SweepSettings {
  restarts: number;
  seed: number;
  loss: string;
  maxIter: number;
  tol: number;
  scoreEvery: number;
  damping: number | null;
  densityThreshold: number;
  neighbourFraction: number;
  kmeansInits: number;
  backend: string;
}

/** What select.json holds. */
interface SweepState {
  generator: typeof SELECT_GENERATOR;
  version: 1;
  settings: SweepSettings;
  /** Fingerprints of the data: shape and sha256 of names and values. */
  data: { target: DataPrint; background: DataPrint };
  /** What --alpha auto chose (and with which path settings), so a resume runs the same alphas. */
  autoAlpha: (AutoAlphaChoice & { options: AutoAlphaOptions }) | null;
  /** The last grid asked for. */
  grid: { ks: number[]; alphas: number[] | 'auto' };
  /** The last completed run's result; null while a sweep runs. */
  result: { recommendation: Recommendation | null; rule: string; cells: number; failed: number } | null;
}

interface DataPrint {
  rows: number;
  columns: number;
  sha256: string;
}

function dataPrint(m: AnyMatrix): DataPrint {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([m.rows, m.columns, m.columnNames ?? null, m.rowNames ?? null]));
  if (m instanceof CsrMatrix) {
    hash.update(Buffer.from(Float64Array.from(m.indptr, Number).buffer));
    hash.update(Buffer.from(Int32Array.from(m.indices).buffer));
  }
  // values in float32, as the fits see them
  hash.update(Buffer.from(Float32Array.from(m.data).buffer));
  return { rows: m.rows, columns: m.columns, sha256: hash.digest('hex') };
}

function readState(out: string): SweepState {
  const path = join(out, STATE_FILE);
  let state: Partial<SweepState> | null = null;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as Partial<SweepState>;
  } catch {
    state = null;
  }
  if (!state || state.generator !== SELECT_GENERATOR) {
    throw new UsageError(`--out ${out} is not a bcnmf select folder (no ${STATE_FILE} of ${SELECT_GENERATOR}); --resume continues a sweep that bcnmf select started there`);
  }
  if (state.version !== 1 || !state.settings || !state.data) throw new UsageError(`--out ${out}: ${STATE_FILE} is damaged or of another version; start a new folder`);
  return state as SweepState;
}

/** The first setting that differs, as a message; null when they agree. */
function settingsDifference(now: SweepSettings, then: SweepSettings): string | null {
  const flags: Record<keyof SweepSettings, string> = {
    restarts: '--restarts', seed: '--seed', loss: '--loss', maxIter: '--max-iter', tol: '--tol', scoreEvery: '--score-every',
    damping: '--damping', densityThreshold: '--density-threshold', neighbourFraction: '--neighbour-fraction',
    kmeansInits: '--kmeans-inits', backend: '--backend',
  };
  for (const key of Object.keys(flags) as (keyof SweepSettings)[]) {
    if (now[key] !== then[key]) return `${flags[key]} is ${now[key] ?? 'the default'} here but the sweep in the folder used ${then[key] ?? 'the default'}`;
  }
  return null;
}

/**
 * The finished cells in a sweep folder (cells/*\/cell.json), checked; a cell missing one
 * of its files (a done cell's model.json) is not finished: it is listed in `incomplete`
 * (its folder name and the missing file) and runs again.
 */
function readCells(out: string): { cells: SweepCell[]; incomplete: { folder: string; missing: string }[] } {
  const dir = join(out, CELLS_DIR);
  const cells: SweepCell[] = [];
  const incomplete: { folder: string; missing: string }[] = [];
  if (!existsSync(dir)) return { cells, incomplete };
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const file = join(dir, name, 'cell.json');
    if (!existsSync(file)) continue;
    let cell: SweepCell;
    try {
      cell = checkSweepCell(JSON.parse(readFileSync(file, 'utf8')));
      if (cellFolder(cell.k, cell.alpha) !== name) throw new Error(`it is the cell of k ${cell.k}, alpha ${cell.alpha}`);
    } catch (error) {
      throw new UsageError(`--resume: ${file} is damaged (${(error as Error).message}); remove that cell's folder to run it again`);
    }
    const model = join(dir, name, 'model.json');
    if (cell.status === 'done' && !(existsSync(model) && statSync(model).isFile() && statSync(model).size > 0)) {
      incomplete.push({ folder: `${CELLS_DIR}/${name}`, missing: 'model.json' });
      continue;
    }
    cells.push(cell);
  }
  return { cells, incomplete };
}

/** Writes a folder at `path` as a whole: filled in a hidden sibling, then renamed into place. */
function writeFolderAtomically(path: string, fill: (dir: string) => void): void {
  const parent = join(path, '..');
  const temp = join(parent, `.${path.split('/').pop()}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(temp);
  try {
    fill(temp);
    if (existsSync(path)) rmSync(path, { recursive: true, force: true });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** selection.csv: one line per cell. */
export function selectionCsv(cells: readonly SweepCell[], recommendation: Recommendation | null): string {
  const lines = ['k,alpha,status,stability,target_error,background_error,score,top_enrichment,min_reproducibility,mean_reproducibility,kept_topics,total_topics,restart_iterations,seconds,recommended,message'];
  const value = (v: number | null) => (v === null ? '' : String(v));
  for (const c of cells) {
    const recommended = recommendation !== null && recommendation.k === c.k && recommendation.alpha === c.alpha;
    lines.push(csvLine([
      String(c.k), String(c.alpha), c.status, value(c.stability), value(c.targetError), value(c.backgroundError), value(c.score),
      value(c.topEnrichment), value(c.minReproducibility), value(c.meanReproducibility), value(c.keptTopics), String(c.totalTopics),
      value(c.restartIterations), String(c.seconds), recommended ? 'yes' : 'no', c.message ?? '',
    ]));
  }
  return lines.join('\n') + '\n';
}

/** The table printed at the end, aligned; the recommended row marked with *. */
export function selectionTable(cells: readonly SweepCell[], recommendation: Recommendation | null): string[] {
  const header = ['k', 'alpha', 'stability', 'target error', 'background error', 'score', 'top enrichment', 'min reproducibility', ''];
  const rows = cells.map((c) => {
    const mark = recommendation !== null && recommendation.k === c.k && recommendation.alpha === c.alpha ? '*' : '';
    if (c.status === 'failed') return [String(c.k), String(c.alpha), 'failed', '-', '-', '-', '-', '-', c.message ?? ''];
    return [
      String(c.k), String(c.alpha), c.stability!.toFixed(3), formatShort(c.targetError), formatShort(c.backgroundError), formatShort(c.score),
      formatShort(c.topEnrichment), c.minReproducibility!.toFixed(2), mark,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === header.length - 1 ? 0 : r[i].length))));
  return [header, ...rows].map((cells) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

/** Progress of a sweep on stderr: a bar with ETA on a terminal, a line per finished cell otherwise. */
function sweepProgress(ctx: CommandContext, quiet: boolean) {
  let started: number | null = null;
  let last = { done: 0, total: 0 };
  const eta = () => {
    if (started === null || last.done <= 0) return '?';
    return formatSeconds((((performance.now() - started) / last.done) * Math.max(0, last.total - last.done)) / 1000);
  };
  if (quiet) return { onProgress: () => {}, onCell: () => {}, stop: () => {} };
  const onCellLine = (cell: SweepCell, index: number, cells: number) => {
    const what = cell.status === 'done'
      ? `stability ${cell.stability!.toFixed(3)}, target error ${formatShort(cell.targetError)}, top enrichment ${formatShort(cell.topEnrichment)}`
      : `failed: ${cell.message}`;
    return `bcnmf select: cell ${index + 1}/${cells} (k ${cell.k}, alpha ${cell.alpha}): ${what} in ${formatSeconds(cell.seconds)}; ` +
      `elapsed ${formatSeconds(started === null ? 0 : (performance.now() - started) / 1000)}, ETA ${index + 1 === cells ? '0 s' : eta()}`;
  };
  if (!ctx.isTTY || !ctx.errStream) {
    return {
      onProgress: (event: SweepProgress) => {
        started ??= performance.now();
        last = event;
      },
      onCell: (cell: SweepCell, index: number, cells: number) => ctx.err(onCellLine(cell, index, cells)),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: ctx.errStream,
      format: 'bcnmf select |{bar}| {percentage}% | cell {cell}/{cells} (k {k}, α {alpha}) | restart {restart}/{restarts} | {elapsedText} elapsed | ETA {etaText}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      fps: 2,
      forceRedraw: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let barStarted = false;
  return {
    onProgress(event: SweepProgress) {
      started ??= performance.now();
      last = event;
      const payload = {
        cell: event.cell + 1, cells: event.cells, k: event.k, alpha: String(event.alpha),
        restart: event.fit.start + 1, restarts: event.fit.nStarts,
        elapsedText: formatSeconds((performance.now() - started) / 1000), etaText: eta(),
      };
      if (!barStarted) {
        bar.start(event.total, event.done, payload);
        barStarted = true;
      } else {
        bar.update(event.done, payload);
      }
    },
    onCell: () => {},
    stop: () => {
      if (barStarted) bar.stop();
    },
  };
}

/**
 * Times fits of 2 and 2 + min(50, maxIter) iterations at the largest k to estimate the
 * sweep: per restart fit, a fixed cost and maxIter iterations, an iteration's cost taken
 * as proportional to k.
 */
async function estimateSeconds(
  inputs: Inputs,
  fitOptions: Record<string, unknown>,
  plan: { cells: { k: number }[]; restarts: number; maxIter: number; pathFits: number; pathIterations: number; pathK: number },
  signal: AbortSignal | undefined,
): Promise<{ seconds: number; perIterationMs: number; k: number }> {
  const k = Math.max(...plan.cells.map((c) => c.k), plan.pathK);
  const time = async (iterations: number) => (await fitBcnmf(fitInput(inputs.target), fitInput(inputs.background), {
    ...fitOptions, k, alpha: 1, maxIter: iterations, tol: 0, scoreEvery: iterations, nStarts: 1, signal, onWarning: () => {},
  } as Parameters<typeof fitBcnmf>[2])).wallTimeMs;
  await time(2); // the backend's first run
  const span = Math.max(10, Math.min(50, plan.maxIter));
  const short = await time(2);
  const long = await time(2 + span);
  const perIteration = Math.max(0, (long - short) / span);
  const fixed = Math.max(0, short - 2 * perIteration);
  let ms = 0;
  for (const cell of plan.cells) ms += (plan.restarts + 1) * (fixed + plan.maxIter * perIteration * (cell.k / k));
  ms += plan.pathFits * fixed + plan.pathIterations * perIteration * (plan.pathK / k);
  return { seconds: ms / 1000, perIterationMs: perIteration, k };
}

/** What `bcnmf select` did (also its --json output). */
export interface SelectSummary {
  out: string;
  files: string[];
  ks: number[];
  alphas: number[];
  autoAlpha: AutoAlphaChoice | null;
  restarts: number;
  cells: SweepCell[];
  /** Cells run now, and kept from an earlier run (--resume). */
  ran: number;
  kept: number;
  recommendation: Recommendation | null;
  rule: string;
  fits: { restarts: number; coefficientFits: number; pathFits: number };
  estimateSeconds: number | null;
  seconds: number;
  png: string;
}

function interruptedWith(error: Error, what: string): Error {
  const sigterm = error instanceof InterruptedError && error.exitCode === 143;
  const amended: Error = error instanceof InterruptedError ? new InterruptedError(sigterm ? 'SIGTERM' : 'SIGINT') : Object.assign(new Error(), { name: 'AbortError' });
  amended.message = `${sigterm ? 'terminated (SIGTERM)' : 'interrupted (Ctrl-C)'}; ${what}`;
  return amended;
}

/**
 * `bcnmf select`: the selection sweep over a (k, alpha) grid, resumable, with the table,
 * the figure and a recommendation.
 */
export async function runSelect(argv: string[], ctx: CommandContext): Promise<SelectSummary> {
  const started = performance.now();
  const values = parseCommand(argv, OPTIONS, 'select');
  if (values['init-from'] !== undefined) throw new UsageError('--init-from does not apply to select: its restarts are random starts');
  refuseStartFlags(values, 'select');
  const ks = parseKList(values.k);
  const alphaGrid = parseAlphaGrid(values.alpha);
  const settings = fitSettings({ ...values, k: undefined, alpha: undefined });
  const { nStarts: _nStarts, k: _k, alpha: _alpha, ...fitOptions } = settings;
  const consensus = consensusSettings(values, SWEEP_DEFAULTS);
  const errorTolerance = numberOption('--error-tolerance', values['error-tolerance'], SWEEP_DEFAULTS.errorTolerance, { min: 0 });
  let autoOptions: AutoAlphaOptions = {};
  if (alphaGrid === 'auto') {
    const pathAlphas = listOption(values['path-alphas'])?.map((a) => numberOption('--path-alphas', a, 0, { min: 0 }));
    if (pathAlphas && !pathAlphas.includes(0)) throw new UsageError('--path-alphas must include 0 (the selection drops the cluster of alpha 0)');
    if (pathAlphas && (values['n-alphas'] !== undefined || values['max-log-alpha'] !== undefined)) {
      throw new UsageError('--path-alphas lists the alphas; --n-alphas and --max-log-alpha make a grid instead: give one or the other');
    }
    const autoK = optionalNumber('--auto-k', values['auto-k'], { min: 2, integer: true });
    const nAlphas = optionalNumber('--n-alphas', values['n-alphas'], { min: 1, integer: true });
    const nClusters = numberOption('--clusters', values.clusters, ALPHA_PATH_DEFAULTS.nClusters, { min: 2, integer: true });
    const pathFits = pathAlphas?.length ?? (nAlphas ?? ALPHA_PATH_DEFAULTS.nAlphas) + 1;
    if (pathFits < nClusters) throw new UsageError(`--clusters ${nClusters} needs at least ${nClusters} alphas on the path; it has ${pathFits}`);
    autoOptions = defined({
      k: autoK,
      alphas: pathAlphas,
      nAlphas,
      maxLogAlpha: optionalNumber('--max-log-alpha', values['max-log-alpha'], { min: -1 }),
      pathMaxIter: optionalNumber('--path-max-iter', values['path-max-iter'], { min: 1, integer: true }),
      nClusters,
      compare: choiceOption('--compare', values.compare, ['embedding', 'basis'] as const),
    });
  } else {
    for (const flag of AUTO_FLAGS) if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --alpha auto`);
  }
  if (values.out === undefined) throw new UsageError('--out DIR is required (bcnmf help select)');
  const out = values.out;
  const resume = values.resume ?? false;
  const overwrite = values.overwrite ?? false;
  const quiet = values.quiet ?? false;
  if (resume && overwrite) throw new UsageError('--resume continues the sweep in --out and --overwrite replaces it: give one');
  const inputPaths = [values.target, ...(values.background ?? []), values.input];
  let previous: SweepState | null = null;
  if (resume && existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new UsageError(`--out ${out} exists and is not a directory`);
    previous = readState(out);
  } else {
    checkOutputDir(out, overwrite, { inputs: inputPaths });
  }
  const replace = !resume && overwrite && existsSync(out) && readdirSync(out).length > 0;
  await startBackend(fitOptions.backend);

  const inputs = await readInputs(values, { signal: ctx.signal });
  if (inputs.backgrounds.length !== 1) throw new UsageError('select takes one background');
  const sweepSettings: SweepSettings = {
    restarts: consensus.restarts,
    seed: fitOptions.seed ?? 0,
    loss: fitOptions.loss ?? 'frobenius',
    maxIter: fitOptions.maxIter ?? 200,
    tol: fitOptions.tol ?? 1e-4,
    scoreEvery: fitOptions.scoreEvery ?? 10,
    damping: fitOptions.damping ?? null,
    densityThreshold: consensus.densityThreshold,
    neighbourFraction: consensus.neighbourFraction,
    kmeansInits: consensus.kmeansInits,
    backend: fitOptions.backend ?? 'auto',
  };
  const data = { target: dataPrint(inputs.target), background: dataPrint(inputs.background) };
  let finished: SweepCell[] = [];
  let alphas: number[] | 'auto' = alphaGrid;
  let autoChoice: SweepState['autoAlpha'] = null;
  if (previous) {
    const differs = settingsDifference(sweepSettings, previous.settings);
    if (differs) throw new UsageError(`--resume: ${differs}; resume with the same settings, or start a new folder`);
    for (const role of ['target', 'background'] as const) {
      const [now, then] = [data[role], previous.data[role]];
      if (now.sha256 !== then.sha256) {
        throw new UsageError(`--resume: the ${role} differs from the sweep's in ${out} (${now.rows} x ${now.columns} here, ${then.rows} x ${then.columns} there` +
          `${now.rows === then.rows && now.columns === then.columns ? ', other values or names' : ''}); resume with the same inputs, or start a new folder`);
      }
    }
    const read = readCells(out);
    finished = read.cells;
    for (const { folder, missing } of read.incomplete) {
      ctx.err(`bcnmf select: --resume: ${folder} has no ${missing}; that cell runs again`);
    }
    if (alphaGrid === 'auto' && previous.autoAlpha && JSON.stringify(previous.autoAlpha.options) === JSON.stringify(autoOptions)) {
      autoChoice = previous.autoAlpha;
      alphas = [...previous.autoAlpha.alphas];
    }
  }
  if (!quiet) describeInputs(ctx, 'bcnmf select', inputs);

  // the plan, and an estimate of its time, before any work
  const limit = Math.min(inputs.target.rows, inputs.target.columns);
  if (ks[ks.length - 1] > limit) throw new UsageError(`--k ${ks[ks.length - 1]} is more than min(features, target samples) = ${limit}`);
  // the largest k's cell needs the most memory: refused before any fit
  const memoryLimit = checkRestartsMemory('bcnmf select', {
    restarts: consensus.restarts, k: ks[ks.length - 1], features: inputs.target.columns,
    samples: inputs.target.rows + inputs.background.rows, maxIter: fitOptions.maxIter, scoreEvery: fitOptions.scoreEvery,
  });
  const pathK = alphas === 'auto' ? autoOptions.k ?? ks[Math.floor((ks.length - 1) / 2)] : 0;
  const pathFits = alphas === 'auto' ? (autoOptions.alphas?.length ?? (autoOptions.nAlphas ?? ALPHA_PATH_DEFAULTS.nAlphas) + 1) : 0;
  const pathIterations = alphas === 'auto' ? (fitOptions.maxIter ?? ALPHA_PATH_DEFAULTS.maxIter) + (pathFits - 1) * (autoOptions.pathMaxIter ?? ALPHA_PATH_DEFAULTS.pathMaxIter) : 0;
  const done = new Set(finished.map((c) => `${c.k}/${c.alpha}`));
  const planned = alphas === 'auto' ? null : gridCells(ks, alphas);
  const toRun = planned ? planned.filter((c) => !done.has(`${c.k}/${c.alpha}`)) : null;
  // with auto, the alphas are not known yet: the estimate assumes --clusters of them
  const plannedCount = toRun ? toRun.length : ks.length * (autoOptions.nClusters ?? ALPHA_PATH_DEFAULTS.nClusters);
  const fits = { restarts: plannedCount * consensus.restarts, coefficientFits: plannedCount, pathFits };
  let estimate: { seconds: number; perIterationMs: number; k: number } | null = null;
  if (!quiet) {
    const gridText = `k ${ks.join(', ')} x ${alphas === 'auto' ? 'alpha auto' : `alpha ${alphas.join(', ')} (${ks.length * alphas.length} cells)`}`;
    ctx.err(`bcnmf select: ${gridText}; ${consensus.restarts} restarts per cell: ` +
      `${fits.restarts} restart fits + ${fits.coefficientFits} coefficient fits${pathFits > 0 ? ` (+ ${pathFits} fits of the alpha path at k ${pathK}; about ${plannedCount} cells if it picks ${autoOptions.nClusters ?? ALPHA_PATH_DEFAULTS.nClusters} alphas)` : ''}` +
      `${finished.length > 0 ? `; ${finished.length} finished cell${finished.length === 1 ? '' : 's'} kept from ${out}` : ''}`);
  }
  if (plannedCount > 0 && !quiet) {
    estimate = await estimateSeconds(inputs, fitOptions, {
      cells: toRun ?? gridCells(ks, new Array(autoOptions.nClusters ?? ALPHA_PATH_DEFAULTS.nClusters).fill(0).map((_, i) => i)),
      restarts: consensus.restarts,
      maxIter: sweepSettings.maxIter,
      pathFits,
      pathIterations,
      pathK: pathK || ks[0],
    }, ctx.signal);
    {
      ctx.err(`bcnmf select: about ${formatSeconds(estimate.seconds)} here (${formatShort(estimate.perIterationMs)} ms per iteration at k ${estimate.k}, timed just now, ` +
        `every fit running --max-iter iterations; fits that converge by --tol stop sooner, and a busy machine is slower)`);
    }
  }

  const state = (result: SweepState['result']): SweepState => ({
    generator: SELECT_GENERATOR,
    version: 1,
    settings: sweepSettings,
    data,
    autoAlpha: autoChoice,
    grid: { ks, alphas: alphaGrid },
    result,
  });

  /** The sweep, writing into `dir` as it goes; returns the sweep and the files of the end. */
  const sweepInto = async (dir: string): Promise<{ sweep: SelectionSweep; files: string[]; png: string }> => {
    mkdirSync(join(dir, CELLS_DIR), { recursive: true });
    writeFileAtomically(join(dir, STATE_FILE), JSON.stringify(state(null), null, 2) + '\n');
    const progress = sweepProgress(ctx, quiet);
    let sweep: SelectionSweep;
    try {
      sweep = await selectionSweep(fitInput(inputs.target), fitInput(inputs.background), defined({
        ...fitOptions,
        ...consensus,
        memoryLimit,
        ks,
        alphas,
        errorTolerance,
        finished,
        ...(alphas === 'auto' ? { autoAlpha: autoOptions } : {}),
        onAlphas: (choice: AutoAlphaChoice) => {
          autoChoice = { ...choice, options: autoOptions };
          writeFileAtomically(join(dir, STATE_FILE), JSON.stringify(state(null), null, 2) + '\n');
          if (!quiet) ctx.err(`bcnmf select: alpha auto: the path at k ${choice.k} (alphas ${choice.pathAlphas.map((a) => formatShort(a)).join(', ')}) chose alphas ${choice.alphas.map((a) => formatShort(a)).join(', ')}`);
        },
        onCell: ({ cell, result, index, cells }: { cell: SweepCell; result: { model: BcnmfModel } | null; index: number; cells: number }) => {
          writeFolderAtomically(join(dir, CELLS_DIR, cellFolder(cell.k, cell.alpha)), (folder) => {
            writeFileSync(join(folder, 'cell.json'), JSON.stringify(cell, null, 2) + '\n');
            if (result) writeFileSync(join(folder, 'model.json'), JSON.stringify(result.model.toJSON()) + '\n');
          });
          progress.onCell(cell, index, cells);
        },
        onProgress: progress.onProgress,
        onWarning: (message: string) => ctx.err(`bcnmf: warning: ${message}`),
        signal: ctx.signal,
      }));
    } finally {
      progress.stop();
    }
    writeFileAtomically(join(dir, 'selection.csv'), selectionCsv(sweep.cells, sweep.recommendation));
    const figureDir = join(dir, `.figure-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(figureDir);
    let figure: Awaited<ReturnType<typeof writeFigure>>;
    try {
      figure = await writeFigure(figureDir, 'selection', selectionSvg(sweep.cells, sweep.recommendation));
      for (const file of figure.files) renameSync(join(figureDir, file), join(dir, file));
    } finally {
      rmSync(figureDir, { recursive: true, force: true });
    }
    const failed = sweep.cells.filter((c) => c.status === 'failed').length;
    writeFileAtomically(join(dir, STATE_FILE), JSON.stringify(state({
      recommendation: sweep.recommendation, rule: recommendationRule(errorTolerance), cells: sweep.cells.length, failed,
    }), null, 2) + '\n');
    const cellFiles = sweep.cells.map((c) => `${CELLS_DIR}/${cellFolder(c.k, c.alpha)}/`);
    return { sweep, files: ['selection.csv', ...figure.files, STATE_FILE, ...cellFiles], png: figure.pngReason ?? 'PNG rendered by @resvg/resvg-js' };
  };

  let ran: { sweep: SelectionSweep; files: string[]; png: string };
  if (replace) {
    try {
      ran = await writeOutputDir(out, { overwrite: true, command: 'bcnmf select', inputs: inputPaths, signal: ctx.signal }, sweepInto);
    } catch (error) {
      if (isAbort(error)) throw interruptedWith(error as Error, `nothing was written; ${out} is as it was`);
      throw error;
    }
  } else {
    const existed = existsSync(out);
    mkdirSync(out, { recursive: true });
    try {
      ran = await sweepInto(out);
      markOutputDir(out, 'bcnmf select');
    } catch (error) {
      const kept = readCells(out).cells.length;
      if (kept > 0) markOutputDir(out, 'bcnmf select');
      if (kept === 0 && !previous) {
        // a new sweep that finished no cell leaves nothing: the folder was absent or empty
        if (existed) for (const name of readdirSync(out)) rmSync(join(out, name), { recursive: true, force: true });
        else rmSync(out, { recursive: true, force: true });
      }
      if (isAbort(error)) {
        throw interruptedWith(error as Error, kept === 0
          ? 'nothing was written'
          : `${kept} finished cell${kept === 1 ? '' : 's'} kept in ${out}: rerun the same command with --resume to continue`);
      }
      throw error;
    }
  }
  const { sweep, files, png } = ran;
  const summary: SelectSummary = {
    out: resolve(out),
    files,
    ks: sweep.ks,
    alphas: sweep.alphas,
    autoAlpha: sweep.autoAlpha,
    restarts: consensus.restarts,
    cells: sweep.cells,
    ran: sweep.ran,
    kept: sweep.cells.length - sweep.ran,
    recommendation: sweep.recommendation,
    rule: recommendationRule(errorTolerance),
    fits: { ...fits, restarts: sweep.ran * consensus.restarts, coefficientFits: sweep.ran },
    estimateSeconds: estimate?.seconds ?? null,
    seconds: (performance.now() - started) / 1000,
    png,
  };
  if (values.json) {
    ctx.print(JSON.stringify(summary, null, 2));
    return summary;
  }
  ctx.print(`bcnmf select: ${sweep.cells.length} cells (${sweep.ran} run now${summary.kept > 0 ? `, ${summary.kept} kept from the earlier run` : ''}), ` +
    `${consensus.restarts} restarts each, in ${formatSeconds(summary.seconds)}`);
  for (const line of selectionTable(sweep.cells, sweep.recommendation)) ctx.print(`  ${line}`);
  if (sweep.recommendation) {
    ctx.print(`recommended (*): ${sweep.recommendation.reason}`);
    ctx.print(`  rule: ${sweep.recommendation.rule}`);
  } else {
    ctx.print('no recommendation: no cell finished (see the messages in the table)');
  }
  ctx.print(`wrote ${out}: ${files.filter((f) => !f.startsWith(`${CELLS_DIR}/`)).join(' ')} ${CELLS_DIR}/ (${sweep.cells.length} cells)` +
    `${png.startsWith('PNG') ? '' : ` (no PNG: ${png})`}`);
  return summary;
}
