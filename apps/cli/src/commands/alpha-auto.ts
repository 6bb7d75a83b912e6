import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { ALPHA_PATH_DEFAULTS, fitAlphaPath, selectFromAlphaPath, type AlphaPath, type AlphaPathSelection } from '@bcnmf/baselines';
import { diagnoseFit, type BcnmfModel, type FitDiagnosis } from '@bcnmf/core';
import type { CommandContext } from '../context.js';
import { describeInputs } from '../describe.js';
import { UsageError } from '../errors.js';
import { defined, FIT_SETTING_OPTIONS, fitSettings, requireNumber, startBackend } from '../fit-options.js';
import { csvLine, formatSeconds, formatShort } from '../format.js';
import { fitInput, type InputFlags } from '../input.js';
import { choiceOption, numberListOption, numberOption, optionalNumber } from '../options.js';
import { checkOutputDir, writeOutputDir } from '../output.js';
import { assertFinite, resultsKeyOption, writeFitOutputs } from '../results.js';
import { readInputsAndLabels } from '../labels.js';

/** parseArgs option specs of the flags that go with `--alpha auto`. */
export const ALPHA_AUTO_OPTIONS = {
  alphas: { type: 'string' },
  'n-alphas': { type: 'string' },
  'max-log-alpha': { type: 'string' },
  'path-max-iter': { type: 'string' },
  clusters: { type: 'string' },
  compare: { type: 'string' },
} as const;

export const ALPHA_AUTO_USAGE = `Automatic alpha (--alpha auto; one background): fits bcNMF along a path of alphas, each
fit warm-started from the previous one, clusters the fits by how alike their target
embeddings (or bases) are and keeps alpha 0 and one exemplar per other cluster
(@bcnmf/baselines' fitAlphaPath and selectFromAlphaPath). Writes each chosen alpha's
results (W.csv, H_target.csv, H_background.csv, model.json, history.csv) to DIR/alpha_<value>
(e.g. alpha_0, alpha_1.179), and alpha-path.csv (every alpha: score, errors, iterations,
cluster, selected, converged, why it was dropped) and affinity.csv (the clustered fits'
affinity matrix) to DIR. A degenerate fit (W or a topic collapsed to zeros, or a target
error within 1% of the all-zero model's: a large alpha explains nothing of the target) is
never chosen: it is dropped before the clustering, with a warning saying which and why;
when every alpha above 0 is degenerate the command fails (exit 1) with the table of fits.
  --alphas LIST        the alphas to fit, e.g. 0,0.5,1,2,4 or 0..4 (must include 0; default 0 and
                       --n-alphas values log-spaced from 0.1 to 10^--max-log-alpha)
  --n-alphas N         log-spaced alphas besides 0 (default ${ALPHA_PATH_DEFAULTS.nAlphas})
  --max-log-alpha X    largest alpha is 10^X (default ${ALPHA_PATH_DEFAULTS.maxLogAlpha})
  --path-max-iter N    iterations of each warm-started fit after the first (default ${ALPHA_PATH_DEFAULTS.pathMaxIter});
                       --max-iter is the first fit's (default ${ALPHA_PATH_DEFAULTS.maxIter})
  --clusters N         clusters of the path (default ${ALPHA_PATH_DEFAULTS.nClusters}); the one holding alpha 0 is dropped
  --compare WHAT       embedding (default: the target coefficients) or basis (W)
  (--n-starts, --init and --init-from do not apply: the path starts once, at alpha 0)`;

/** Flags `--alpha auto` reads (fit's parsed flags). */
export type AlphaAutoFlags = InputFlags & { [K in keyof typeof FIT_SETTING_OPTIONS]?: string | string[] } & {
  [K in keyof typeof ALPHA_AUTO_OPTIONS]?: string;
} & {
  background?: string[];
  alpha?: string[];
  'init-from'?: string;
  key?: string;
  out?: string;
  'h5ad-out'?: string;
  'w-layout'?: string;
  'no-report'?: boolean;
  labels?: string;
  overwrite?: boolean;
  quiet?: boolean;
  json?: boolean;
};

/** One fit of the path, as alpha-path.csv and --json give it. */
export interface AlphaPathRow {
  alpha: number;
  score: number;
  targetError: number;
  backgroundError: number | null;
  iterations: number;
  converged: boolean;
  /** Its cluster; null for a dropped (degenerate) fit, which is not clustered. */
  cluster: number | null;
  selected: boolean;
  /** Why the fit was dropped before the selection (degenerate); null for a kept one. */
  dropped: string | null;
  /** The chosen alphas' folder under --out; null for the others. */
  folder: string | null;
}

/** What `bcnmf fit --alpha auto` did (also its --json output). */
export interface AlphaAutoSummary {
  out: string;
  files: string[];
  k: number;
  loss: string;
  compare: 'embedding' | 'basis';
  clusters: number;
  /** The clusters used: --clusters, or fewer when fewer fits were kept. */
  clustersUsed: number;
  /** The chosen alphas, increasing, 0 first; never a degenerate fit. */
  selected: {
    alpha: number;
    folder: string;
    finalScore: number;
    targetError: number;
    backgroundError: number | null;
    iterations: number;
    converged: boolean;
    warnings: string[];
  }[];
  /** The alphas whose fits were degenerate, dropped before the selection, with why. */
  dropped: { alpha: number; reason: string }[];
  path: AlphaPathRow[];
  /** Affinity between the fits, in path order. */
  affinity: number[][];
  totalIterations: number;
  seconds: number;
}

/**
 * A stable, filesystem-safe folder name for an alpha: `alpha_` and its value to 4
 * significant digits (alpha_0, alpha_0.5, alpha_1.179, alpha_1e-7), or all its digits
 * where 4 would give two alphas the same name.
 */
export function alphaFolderNames(alphas: readonly number[]): string[] {
  const clean = (text: string) => `alpha_${text.replace('+', '')}`;
  const short = alphas.map((a) => clean(String(Number(a.toPrecision(4)))));
  return short.map((name, i) => (short.indexOf(name) === short.lastIndexOf(name) ? name : clean(String(alphas[i]))));
}

function parseAlphaList(raw: string | undefined): number[] | undefined {
  if (raw !== undefined && raw.trim() === '') throw new UsageError('--alphas needs a list of numbers, e.g. 0,0.5,1,2');
  const alphas = numberListOption('--alphas', raw, { min: 0 });
  if (alphas === undefined) return undefined;
  if (!alphas.includes(0)) throw new UsageError('--alphas must include 0 (the selection drops the cluster of alpha 0)');
  if (new Set(alphas).size !== alphas.length) throw new UsageError(`--alphas lists an alpha twice: ${raw}`);
  return alphas.sort((a, b) => a - b);
}

function last(model: BcnmfModel): { targetError: number; backgroundError: number | null } {
  const r = model.history[model.history.length - 1];
  return { targetError: r.targetError, backgroundError: r.backgroundError };
}

/**
 * An alpha as people read it: 3 to 4 significant digits (1.179, 17.78, 0.1638, 100);
 * the files and --json keep every digit.
 */
export function formatAlpha(alpha: number): string {
  return String(Number(alpha.toPrecision(4)));
}

/** alpha-path.csv: every alpha of the path with its scores, cluster, whether it was chosen and why it was dropped. */
export function alphaPathCsv(rows: readonly AlphaPathRow[]): string {
  const lines = ['alpha,score,target_error,background_error,iterations,cluster,selected,folder,converged,dropped'];
  for (const r of rows) {
    assertFinite([r.alpha, r.score, r.targetError, r.backgroundError ?? 0], 0, `alpha-path.csv (alpha ${r.alpha})`);
    lines.push(csvLine([
      r.alpha, r.score, r.targetError, r.backgroundError ?? '', r.iterations, r.cluster ?? '', r.selected ? 'yes' : 'no', r.folder ?? '',
      r.converged ? 'yes' : 'no', r.dropped ?? '',
    ].map(String)));
  }
  return lines.join('\n') + '\n';
}

/** The path as a table for stderr: alpha, scores, iterations and what became of each fit. */
export function candidatesTable(rows: readonly AlphaPathRow[]): string[] {
  const head = ['alpha', 'score', 'target error', 'background error', 'iterations', 'fit'];
  const body = rows.map((r) => [
    formatAlpha(r.alpha), formatShort(r.score), formatShort(r.targetError), formatShort(r.backgroundError), String(r.iterations),
    r.dropped !== null ? `dropped: ${r.dropped}` : r.selected ? `chosen -> ${r.folder}` : r.cluster !== null ? `cluster ${r.cluster}` : 'kept',
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  return [head, ...body].map((cells) => cells.map((c, j) => (j === cells.length - 1 ? c : c.padEnd(widths[j]))).join('  ').trimEnd());
}

/** Why a fit was dropped, in a few words: the first degenerate-fit warning without its prefix. */
function dropReason(diagnosis: FitDiagnosis): string {
  const first = diagnosis.warnings.find((w) => w.startsWith('degenerate fit: ')) ?? 'degenerate fit';
  return first.replace(/^degenerate fit: /, '');
}

/** affinity.csv: the affinity matrix, a header and a first column of alphas. */
export function affinityCsv(alphas: readonly number[], affinity: readonly (readonly number[])[]): string {
  const lines = [csvLine(['alpha', ...alphas.map(String)])];
  affinity.forEach((row) => assertFinite(row, 0, 'affinity.csv'));
  affinity.forEach((row, i) => lines.push(csvLine([String(alphas[i]), ...row.map(String)])));
  return lines.join('\n') + '\n';
}

/** Progress of the path: a bar over the fits on a terminal, a line per fit otherwise. */
function pathProgress(ctx: CommandContext, quiet: boolean, total: number) {
  const line = (index: number, alpha: number, model: BcnmfModel, elapsedMs: number) => {
    const { targetError, backgroundError } = last(model);
    return `bcnmf fit: alpha ${formatAlpha(alpha)} (${index + 1}/${total})  score ${formatShort(model.finalScore)}  target error ${formatShort(targetError)}` +
      `  background error ${formatShort(backgroundError)}  ${model.iterations} iterations  elapsed ${formatSeconds(elapsedMs / 1000)}`;
  };
  if (quiet) return { onFit: () => {}, stop: () => {} };
  const started = Date.now();
  if (!ctx.isTTY || !ctx.errStream) {
    return {
      onFit: ({ index, alpha, model }: { index: number; alpha: number; model: BcnmfModel }) => ctx.err(line(index, alpha, model, Date.now() - started)),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: ctx.errStream,
      format: 'bcnmf fit --alpha auto |{bar}| fit {value}/{total} | alpha {alpha} | score {score} | {elapsedText} elapsed',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      fps: 1,
      forceRedraw: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { alpha: '-', score: '-', elapsedText: '0.0 s' });
  return {
    onFit: ({ index, alpha, model }: { index: number; alpha: number; model: BcnmfModel }) =>
      bar.update(index + 1, { alpha: formatAlpha(alpha), score: formatShort(model.finalScore), elapsedText: formatSeconds((Date.now() - started) / 1000) }),
    stop: () => bar.stop(),
  };
}

/**
 * `bcnmf fit --alpha auto`: the alpha path, its selection, and each chosen alpha's
 * results in its own folder of --out (written as a whole, or not at all).
 */
export async function runAlphaAuto(values: AlphaAutoFlags, ctx: CommandContext): Promise<AlphaAutoSummary> {
  if ((values.alpha ?? []).length > 1) throw new UsageError('--alpha auto is one --alpha; auto needs exactly one background');
  if ((values.background ?? []).length > 1) throw new UsageError('--alpha auto needs exactly one background; got several --background');
  if (values['init-from'] !== undefined) throw new UsageError('--init-from does not go with --alpha auto (the path starts at alpha 0)');
  if (values.init !== undefined) throw new UsageError('--init does not go with --alpha auto (the path starts at alpha 0 from a random start)');
  if (values['n-starts'] !== undefined) throw new UsageError('--n-starts does not go with --alpha auto (the path is fitted once)');
  if (values['h5ad-out'] !== undefined) {
    throw new UsageError('--h5ad-out writes one fit; --alpha auto chooses several: run bcnmf fit --alpha A --h5ad-out PATH with the chosen alpha');
  }
  const settings = fitSettings({ ...values, alpha: undefined } as Parameters<typeof fitSettings>[0]);
  const { k: givenK, alpha: _alpha, nStarts: _nStarts, ...fitOptions } = settings;
  const k = requireNumber('--k', givenK);
  if (values.out === undefined) throw new UsageError('--out DIR is required (bcnmf help fit)');
  const alphas = parseAlphaList(values.alphas);
  if (alphas !== undefined && (values['n-alphas'] !== undefined || values['max-log-alpha'] !== undefined)) {
    throw new UsageError('--alphas lists the alphas; --n-alphas and --max-log-alpha make a grid instead: give one or the other');
  }
  const nAlphas = numberOption('--n-alphas', values['n-alphas'], ALPHA_PATH_DEFAULTS.nAlphas, { min: 1, integer: true });
  const maxLogAlpha = numberOption('--max-log-alpha', values['max-log-alpha'], ALPHA_PATH_DEFAULTS.maxLogAlpha, { min: -1 });
  const pathMaxIter = optionalNumber('--path-max-iter', values['path-max-iter'], { min: 1, integer: true });
  const nClusters = numberOption('--clusters', values.clusters, ALPHA_PATH_DEFAULTS.nClusters, { min: 2, integer: true });
  const compare = choiceOption('--compare', values.compare, ['embedding', 'basis'] as const, ALPHA_PATH_DEFAULTS.compare);
  const nFits = alphas?.length ?? nAlphas + 1;
  if (nFits < nClusters) throw new UsageError(`--clusters ${nClusters} needs at least ${nClusters} alphas on the path; it has ${nFits}`);
  const overwrite = values.overwrite ?? false;
  const quiet = values.quiet ?? false;
  const inputPaths = [values.target, ...(values.background ?? []), values.input, values.labels];
  checkOutputDir(values.out, overwrite, { inputs: inputPaths });
  await startBackend(fitOptions.backend);
  const key = await resultsKeyOption(values.key, inputPaths);

  const wLayout = choiceOption('--w-layout', values['w-layout'], ['features-as-rows', 'topics-as-rows'] as const, 'features-as-rows');
  const { inputs, reportLabels } = await readInputsAndLabels(values, (message) => ctx.err(`bcnmf: warning: ${message}`), ctx.signal);
  if (!quiet) describeInputs(ctx, 'bcnmf fit --alpha auto', inputs);
  const progress = pathProgress(ctx, quiet, nFits);
  const started = Date.now();
  let path: AlphaPath;
  try {
    path = await fitAlphaPath(fitInput(inputs.target), fitInput(inputs.background), defined({
      ...fitOptions,
      k,
      ...(alphas !== undefined ? { alphas } : { nAlphas, maxLogAlpha }),
      pathMaxIter,
      onFit: progress.onFit,
      onWarning: (message: string) => ctx.err(`bcnmf: warning: ${message}`),
      signal: ctx.signal,
    }));
  } finally {
    progress.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  // a degenerate fit (W or a topic collapsed, nothing of the target explained) is never a candidate
  const diagnoses = path.fits.map((fit) => diagnoseFit(fit, inputs.target));
  const keptIndices = path.alphas.map((_, i) => i).filter((i) => !diagnoses[i].degenerate);
  const rowOf = (i: number, cluster: number | null, folder: string | null): AlphaPathRow => ({
    alpha: path.alphas[i],
    score: path.fits[i].finalScore,
    ...last(path.fits[i]),
    iterations: path.fits[i].iterations,
    converged: path.fits[i].converged,
    cluster,
    selected: folder !== null,
    folder,
    dropped: diagnoses[i].degenerate ? dropReason(diagnoses[i]) : null,
  });
  if (diagnoses[0].degenerate || keptIndices.length < 2) {
    for (const line of candidatesTable(path.alphas.map((_, i) => rowOf(i, null, null)))) ctx.err(`bcnmf fit --alpha auto: ${line}`);
    throw new Error(
      diagnoses[0].degenerate
        ? `--alpha auto: even alpha 0 (plain NMF) gives a degenerate fit (table above): ${dropReason(diagnoses[0])}; try another --k or --loss; nothing was written`
        : `--alpha auto: every alpha above 0 gives a degenerate fit (table above); try smaller alphas (--max-log-alpha, --alphas); nothing was written`,
    );
  }
  const keptPath: AlphaPath = { alphas: keptIndices.map((i) => path.alphas[i]), fits: keptIndices.map((i) => path.fits[i]), totalIterations: path.totalIterations };
  const clustersUsed = Math.min(nClusters, keptPath.fits.length);
  const selection: AlphaPathSelection = selectFromAlphaPath(keptPath, {
    nClusters: clustersUsed,
    compare,
    ...(fitOptions.seed !== undefined ? { seed: fitOptions.seed } : {}),
  });
  const folders = alphaFolderNames(selection.alphas);
  const folderOf = new Map(selection.alphas.map((a, i) => [a, folders[i]]));
  const rows: AlphaPathRow[] = path.alphas.map((alpha, i) => {
    const kept = keptIndices.indexOf(i);
    return rowOf(i, kept >= 0 ? selection.labels[kept] : null, folderOf.get(alpha) ?? null);
  });
  const dropped = rows.filter((r) => r.dropped !== null).map((r) => ({ alpha: r.alpha, reason: r.dropped! }));

  const files = await writeOutputDir(values.out, { overwrite, command: 'bcnmf fit --alpha auto', inputs: inputPaths, signal: ctx.signal }, async (dir) => {
    const written: string[] = [];
    for (const [i, model] of selection.fits.entries()) {
      mkdirSync(join(dir, folders[i]));
      const report = values['no-report'] ? null : { command: `bcnmf fit (--alpha auto: alpha ${formatAlpha(selection.alphas[i])})`, ...(reportLabels ? { labels: reportLabels } : {}) };
      const inside = await writeFitOutputs(join(dir, folders[i]), model, inputs, { key, diagnosis: diagnoses[path.fits.indexOf(model)], wLayout, report });
      written.push(...inside.map((f) => `${folders[i]}/${f}`));
    }
    writeFileSync(join(dir, 'alpha-path.csv'), alphaPathCsv(rows));
    writeFileSync(join(dir, 'affinity.csv'), affinityCsv(keptPath.alphas, selection.affinity));
    return ['alpha-path.csv', 'affinity.csv', ...written];
  });

  const summary: AlphaAutoSummary = {
    out: resolve(values.out),
    files,
    k,
    loss: path.fits[0].settings.loss,
    compare,
    clusters: nClusters,
    clustersUsed,
    selected: selection.fits.map((model, i) => ({
      alpha: selection.alphas[i],
      folder: folders[i],
      finalScore: model.finalScore,
      ...last(model),
      iterations: model.iterations,
      converged: model.converged,
      warnings: diagnoses[path.fits.indexOf(model)].warnings,
    })),
    dropped,
    path: rows,
    affinity: selection.affinity.map((row) => [...row]),
    totalIterations: path.totalIterations,
    seconds,
  };
  // warnings are not progress: --quiet keeps them
  if (dropped.length > 0) {
    ctx.err(`bcnmf: warning: --alpha auto dropped ${dropped.length} of ${path.alphas.length} alphas whose fits are degenerate:`);
    for (const d of dropped) ctx.err(`bcnmf: warning:   alpha ${formatAlpha(d.alpha)}: ${d.reason}`);
    if (clustersUsed < nClusters) ctx.err(`bcnmf: warning: ${keptPath.fits.length} fits kept: ${clustersUsed} clusters instead of --clusters ${nClusters}`);
  }
  for (const s of summary.selected) {
    for (const warning of s.warnings) ctx.err(`bcnmf: warning: alpha ${formatAlpha(s.alpha)}: ${warning}`);
  }
  if (values.json) {
    ctx.print(JSON.stringify(summary, null, 2));
    return summary;
  }
  ctx.print(`bcnmf fit --alpha auto: k ${k}, ${summary.loss} loss: ${path.alphas.length} alphas fitted (${path.totalIterations} iterations) in ${formatSeconds(seconds)}`);
  if (dropped.length > 0) ctx.print(`  dropped as degenerate: ${dropped.map((d) => formatAlpha(d.alpha)).join(', ')} (alpha-path.csv says why)`);
  ctx.print(`  chosen alphas (alpha 0 and one per cluster of ${compare}s, ${clustersUsed} clusters): ${selection.alphas.map(formatAlpha).join(', ')}`);
  for (const s of summary.selected) {
    ctx.print(`  alpha ${formatAlpha(s.alpha)}: final score ${formatShort(s.finalScore)} (target error ${formatShort(s.targetError)}, background error ${formatShort(s.backgroundError)}), ${s.iterations} iterations -> ${s.folder}`);
  }
  ctx.print(`wrote ${values.out}: alpha-path.csv affinity.csv ${folders.map((f) => `${f}/`).join(' ')}`);
  return summary;
}
