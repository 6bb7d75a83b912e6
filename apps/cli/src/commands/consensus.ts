import { writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProgressEvent } from '@bcnmf/core';
import { CONSENSUS_DEFAULTS, consensusBcnmf, consensusMemory, consensusSvg, type ConsensusResult } from '@bcnmf/consensus';
import { pngRenderer } from '@bcnmf/reproduce';
import type { CommandContext } from '../context.js';
import { describeInputs } from '../describe.js';
import { UsageError } from '../errors.js';
import { defined, FIT_SETTING_OPTIONS, fitSettings, fitSettingsUsage, requireNumber, startBackend } from '../fit-options.js';
import { csvLine, formatEnrichment, formatSeconds, formatShort } from '../format.js';
import { fitInput, INPUT_OPTIONS, INPUT_USAGE, readInputs } from '../input.js';
import { choiceOption, numberOption, parseCommand } from '../options.js';
import { checkOutputDir, writeOutputDir } from '../output.js';
import { etaSeconds, fitProgress, type FitProgress } from '../progress.js';
import { writeFitOutputs } from '../results.js';
import { alphasFor } from './fit.js';

/** The consensus flags shared by consensus and select (parseArgs specs). */
export const CONSENSUS_OPTIONS = {
  restarts: { type: 'string' },
  'density-threshold': { type: 'string' },
  'neighbour-fraction': { type: 'string' },
  'kmeans-inits': { type: 'string' },
} as const;

/** Usage of the consensus flags; `restarts` and `threshold` are the command's defaults. */
export function consensusUsage(restarts: number, threshold: number, thresholdNote: string): string {
  return `  --restarts R           bcNMF fits from R random starts (seeds of --seed), at least 2 (default ${restarts})
  --density-threshold D  drop restart topics whose local density (mean distance of the unit-length
                         topic to its nearest neighbours) is at least D (default ${threshold}${thresholdNote}; 2 keeps all)
  --neighbour-fraction F neighbours of the local density, as a fraction of R (default ${CONSENSUS_DEFAULTS.neighbourFraction})
  --kmeans-inits N       k-means++ starts of the topic clustering (default ${CONSENSUS_DEFAULTS.kmeansInits})
                         The clustering's time grows with (R x k)^2 and its memory with R x k; R x k
                         whose restarts and clustering would need more than 4 GiB (or half this
                         machine's memory, where less) is refused before any fit. Ctrl-C stops it.`;
}

type ConsensusFlags = { [K in keyof typeof CONSENSUS_OPTIONS]?: string };

/** The consensus options the flags set (undefined where the library's default applies). */
export function consensusSettings(values: ConsensusFlags, defaults: { restarts: number; densityThreshold: number }) {
  const threshold = numberOption('--density-threshold', values['density-threshold'], defaults.densityThreshold, { min: 0 });
  if (!(threshold > 0)) throw new UsageError(`--density-threshold must be > 0, got '${values['density-threshold']}'`);
  const fraction = numberOption('--neighbour-fraction', values['neighbour-fraction'], CONSENSUS_DEFAULTS.neighbourFraction, { min: 0, max: 1 });
  if (!(fraction > 0)) throw new UsageError(`--neighbour-fraction must be in (0, 1], got '${values['neighbour-fraction']}'`);
  return {
    restarts: numberOption('--restarts', values.restarts, defaults.restarts, { min: 2, integer: true }),
    densityThreshold: threshold,
    neighbourFraction: fraction,
    kmeansInits: numberOption('--kmeans-inits', values['kmeans-inits'], CONSENSUS_DEFAULTS.kmeansInits, { min: 1, integer: true }),
  };
}

/**
 * The memory a consensus may take here: 4 GiB (the library's default: Node's default
 * JavaScript heap on a 64-bit machine with 16 GB or more), or half the machine's memory
 * where that is less.
 */
export function consensusMemoryLimit(): number {
  return Math.min(CONSENSUS_DEFAULTS.memoryLimit, Math.floor(totalmem() / 2));
}

function bytesText(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.max(1, Math.round(bytes / 1024 ** 2))} MiB`;
}

/**
 * Refuses, before any fit, --restarts at k whose restart models and topic clustering would
 * need more than {@link consensusMemoryLimit} (estimated by the library's
 * `consensusMemory` from the data's shape), saying how much and how many restarts fit.
 */
export function checkRestartsMemory(
  command: string,
  shape: { restarts: number; k: number; features: number; samples: number; maxIter?: number; scoreEvery?: number },
): number {
  const limit = consensusMemoryLimit();
  const scoreRecords = Math.ceil((shape.maxIter ?? 200) / Math.max(1, shape.scoreEvery ?? 10)) + 2;
  const { bytes, perRestart } = consensusMemory({ ...shape, scoreRecords });
  if (bytes > limit) {
    const most = Math.floor(limit / perRestart);
    throw new UsageError(
      `--restarts ${shape.restarts} at k ${shape.k} (${shape.features} features, ${shape.samples} samples) would need about ${bytesText(bytes)} ` +
        `for the restarts' models and their topic clustering, more than the limit of ${bytesText(limit)} ` +
        `(4 GiB, or half of this machine's memory where that is less); ` +
        (most >= 2 ? `use fewer restarts: at most ${most} fit here` : 'the data are too large for a consensus at this k'),
    );
  }
  return limit;
}

/** Refuses the fit flags that do not apply to restarts. */
export function refuseStartFlags(values: { 'n-starts'?: string; init?: string; 'init-from'?: string }, command: string): void {
  if (values['n-starts'] !== undefined) throw new UsageError(`--n-starts does not apply to ${command}: its starts are --restarts`);
  if (values.init !== undefined) throw new UsageError(`--init does not apply to ${command}: its restarts are random starts`);
}

/**
 * Progress of the restarts: on a terminal fit's bar (restart r/R, iteration, score, ETA);
 * otherwise one line per finished restart (not one per score check), nothing with quiet.
 */
export function restartProgress(ctx: CommandContext, label: string, quiet: boolean): FitProgress & { done: () => void } {
  if (quiet || (ctx.isTTY && ctx.errStream)) return { ...fitProgress(ctx, label, quiet), done: () => {} };
  let last: ProgressEvent | null = null;
  const line = (event: ProgressEvent) => {
    const done = (event.start + 1) * event.maxIter;
    const eta = etaSeconds(event.elapsedMs, done, event.nStarts * event.maxIter);
    return `${label}: restart ${event.start + 1}/${event.nStarts} done: score ${formatShort(event.score)}, target error ${formatShort(event.targetError)}, ` +
      `${event.iteration} iterations; elapsed ${formatSeconds(event.elapsedMs / 1000)}, ETA ${event.start + 1 === event.nStarts ? '0 s' : eta === null ? '?' : formatSeconds(eta)}`;
  };
  return {
    onProgress(event) {
      if (last && event.start !== last.start) ctx.err(line(last));
      last = event;
    },
    /** The restarts all ran: the last one's line. */
    done() {
      if (last) ctx.err(line(last));
      last = null;
    },
    stop() {
      last = null;
    },
  };
}

/**
 * Writes a figure as `<stem>.svg` and, where @resvg/resvg-js runs, `<stem>.png`; returns
 * the files written and, when the PNG was not, why.
 */
export async function writeFigure(dir: string, stem: string, svg: string): Promise<{ files: string[]; pngReason: string | null }> {
  writeFileSync(join(dir, `${stem}.svg`), svg);
  const png = await pngRenderer();
  if (!png.ok) return { files: [`${stem}.svg`], pngReason: png.reason };
  writeFileSync(join(dir, `${stem}.png`), png.render(svg));
  return { files: [`${stem}.svg`, `${stem}.png`], pngReason: null };
}

export const CONSENSUS_USAGE = `bcnmf consensus (--target FILE --background FILE [--background FILE2 ...] | --input FILE --split-by COLUMN --target-values A,B --background-values C)
          --k N --alpha A [--alpha A2 ...] --out DIR [options]

Consensus bcNMF (as consensus NMF, cNMF): --restarts fits of bcNMF from different random
starts; their topics (rows of W, scaled to unit length) clustered into k groups by k-means
after the outliers are dropped by their local density; the consensus W = the median of
each group; then the coefficients of target and background fitted once with that W fixed.
Reports the stability (silhouette of the topic clustering) and, per consensus topic, its
reproducibility (the fraction of restarts that contribute a member).

Writes to DIR: W.csv, H_target.csv, H_background.csv, topics.csv, model.json, history.csv
and the fit's report (report.md, report.html, figures/) of the consensus model, as bcnmf
fit writes them (bcnmf topics and transform read model.json),
consensus-topics.csv (per consensus topic: members, reproducibility, silhouette, mean
loadings, enrichment, top features), restart-topics.csv (every restart topic: norm, local
density, kept, cluster, silhouette), restarts.csv (each restart's score, errors,
iterations), consensus.json (all of it, as --json prints), consensus.svg and .png (the
density histogram with the threshold; reproducibility and silhouette per topic).

${INPUT_USAGE}

Fit (every restart; --n-starts, --init and --init-from do not apply):
${fitSettingsUsage({ omit: ['--n-starts', '--init'], notes: { '--alpha': '(one per --background, or one for all)' } })}

Consensus:
${consensusUsage(CONSENSUS_DEFAULTS.restarts, CONSENSUS_DEFAULTS.densityThreshold, ", cNMF's")}

Output:
  --out DIR            output folder; written as a whole or not at all
  --w-layout L         W.csv as features-as-rows (default) or topics-as-rows, as in bcnmf fit
  --no-report          no report.md, report.html and figures/
  --overwrite          replace a non-empty --out
  --quiet              no progress on stderr
  --json               print the results as JSON`;

const OPTIONS = {
  ...INPUT_OPTIONS,
  ...FIT_SETTING_OPTIONS,
  ...CONSENSUS_OPTIONS,
  background: { type: 'string', multiple: true },
  alpha: { type: 'string', multiple: true },
  'init-from': { type: 'string' },
  out: { type: 'string' },
  'w-layout': { type: 'string' },
  'no-report': { type: 'boolean' },
  overwrite: { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** What `bcnmf consensus` did (also its --json output and consensus.json). */
export interface ConsensusSummary {
  out: string;
  files: string[];
  k: number;
  alphas: number[];
  restarts: number;
  seed: number;
  loss: string;
  stability: number;
  topics: {
    topic: string;
    members: number;
    reproducibility: number;
    silhouette: number;
    targetMean: number;
    backgroundMean: number | null;
    enrichment: number | null;
    topFeatures: string[];
  }[];
  clustering: { kept: number; total: number; neighbours: number; densityThreshold: number; inertia: number };
  model: { score: number; targetError: number; backgroundError: number | null; backgroundErrors: number[]; iterations: number; converged: boolean };
  restartScores: number[];
  seconds: { restarts: number; clustering: number; refit: number; total: number };
  png: string;
}

/** consensus-topics.csv. */
export function consensusTopicsCsv(result: ConsensusResult): string {
  const lines = ['topic,members,reproducibility,silhouette,target_mean,background_mean,enrichment,top_features'];
  for (const t of result.topics) {
    lines.push(csvLine([
      t.topic, String(t.members), String(t.reproducibility), String(t.silhouette), String(t.targetMean),
      t.backgroundMean === null ? '' : String(t.backgroundMean), t.enrichment === null ? '' : String(t.enrichment),
      t.topFeatures.map((f) => f.name).join(' '),
    ]));
  }
  return lines.join('\n') + '\n';
}

/** restart-topics.csv. */
export function restartTopicsCsv(result: ConsensusResult): string {
  const lines = ['restart,topic,norm,density,kept,cluster,silhouette'];
  for (const t of result.clustering.topics) {
    lines.push([
      t.restart, `topic_${t.topic + 1}`, t.norm, t.density ?? '', t.kept ? 'yes' : 'no',
      t.cluster === null ? '' : `topic_${t.cluster + 1}`, t.silhouette ?? '',
    ].map(String).join(','));
  }
  return lines.join('\n') + '\n';
}

/** restarts.csv. */
export function restartsCsv(result: ConsensusResult): string {
  const lines = ['restart,score,target_error,background_error,iterations,converged'];
  for (const r of result.restarts) {
    lines.push([r.restart, r.score, r.targetError, r.backgroundError ?? '', r.iterations, r.converged ? 'yes' : 'no'].map(String).join(','));
  }
  return lines.join('\n') + '\n';
}

function summaryOf(result: ConsensusResult, out: string, files: string[], png: string): ConsensusSummary {
  const m = result.model;
  return {
    out,
    files,
    k: result.settings.k,
    alphas: result.settings.alphas,
    restarts: result.settings.restarts,
    seed: result.settings.seed,
    loss: m.settings.loss,
    stability: result.stability,
    topics: result.topics.map((t) => ({
      topic: t.topic,
      members: t.members,
      reproducibility: t.reproducibility,
      silhouette: t.silhouette,
      targetMean: t.targetMean,
      backgroundMean: t.backgroundMean,
      enrichment: t.enrichment,
      topFeatures: t.topFeatures.map((f) => f.name),
    })),
    clustering: {
      kept: result.clustering.kept,
      total: result.clustering.total,
      neighbours: result.clustering.neighbours,
      densityThreshold: result.settings.densityThreshold,
      inertia: result.clustering.inertia,
    },
    model: {
      score: result.score,
      targetError: result.targetError,
      backgroundError: result.backgroundError,
      backgroundErrors: result.backgroundErrors,
      iterations: m.iterations,
      converged: m.converged,
    },
    restartScores: result.restarts.map((r) => r.score),
    seconds: result.seconds,
    png,
  };
}

/**
 * `bcnmf consensus`: the consensus of --restarts bcNMF fits at one (k, alpha), written as
 * a whole into --out (or not at all: a failed or interrupted run leaves nothing).
 */
export async function runConsensus(argv: string[], ctx: CommandContext): Promise<ConsensusSummary> {
  const values = parseCommand(argv, OPTIONS, 'consensus');
  if (values['init-from'] !== undefined) throw new UsageError('--init-from does not apply to consensus: its restarts are random starts');
  refuseStartFlags(values, 'consensus');
  const settings = fitSettings({ ...values, alpha: undefined });
  const k = requireNumber('--k', settings.k);
  if (k < 2) throw new UsageError('--k must be at least 2 for a consensus (its stability is a silhouette of k clusters)');
  const consensus = consensusSettings(values, CONSENSUS_DEFAULTS);
  if (values.out === undefined) throw new UsageError('--out DIR is required (bcnmf help consensus)');
  const nBackgrounds = values.input !== undefined ? 1 : Math.max(1, values.background?.length ?? 0);
  const alphas = alphasFor(values.alpha ?? [], nBackgrounds);
  const overwrite = values.overwrite ?? false;
  const wLayout = choiceOption('--w-layout', values['w-layout'], ['features-as-rows', 'topics-as-rows'] as const, 'features-as-rows');
  const quiet = values.quiet ?? false;
  const inputPaths = [values.target, ...(values.background ?? []), values.input];
  checkOutputDir(values.out, overwrite, { inputs: inputPaths });
  await startBackend(settings.backend);

  const inputs = await readInputs(values, { signal: ctx.signal });
  const several = inputs.backgrounds.length > 1;
  const memoryLimit = checkRestartsMemory('bcnmf consensus', {
    restarts: consensus.restarts, k, features: inputs.target.columns,
    samples: inputs.target.rows + inputs.backgrounds.reduce((sum, b) => sum + b.rows, 0),
    maxIter: settings.maxIter, scoreEvery: settings.scoreEvery,
  });
  if (!quiet) describeInputs(ctx, 'bcnmf consensus', inputs);
  const progress = restartProgress(ctx, 'bcnmf consensus', quiet);
  let stopped = false;
  const stopProgress = () => {
    if (!stopped) progress.stop();
    stopped = true;
  };
  let result: ConsensusResult;
  try {
    const { nStarts: _nStarts, ...fitOptions } = settings;
    result = await consensusBcnmf(
      fitInput(inputs.target),
      several ? inputs.backgrounds.map(fitInput) : fitInput(inputs.background),
      defined({
        ...fitOptions,
        ...consensus,
        k,
        alpha: several ? alphas : alphas[0],
        memoryLimit,
        onProgress: progress.onProgress,
        onClustering: ({ topics }: { topics: number }) => {
          progress.done();
          stopProgress();
          if (!quiet) ctx.err(`bcnmf consensus: clustering the ${topics} restart topics (density filter, k-means, silhouette; Ctrl-C stops it)`);
        },
        onWarning: (message: string) => ctx.err(`bcnmf: warning: ${message}`),
        signal: ctx.signal,
      }),
    );
  } finally {
    stopProgress();
  }
  const out = resolve(values.out);
  let png = '';
  const files = await writeOutputDir(values.out, { overwrite, command: 'bcnmf consensus', inputs: inputPaths, signal: ctx.signal }, async (dir) => {
    const report = values['no-report'] ? null : { command: ['bcnmf', 'consensus', ...argv].join(' ') };
    const written = await writeFitOutputs(dir, result.model, inputs, { wLayout, report });
    writeFileSync(join(dir, 'consensus-topics.csv'), consensusTopicsCsv(result));
    writeFileSync(join(dir, 'restart-topics.csv'), restartTopicsCsv(result));
    writeFileSync(join(dir, 'restarts.csv'), restartsCsv(result));
    const figure = await writeFigure(dir, 'consensus', consensusSvg(result));
    png = figure.pngReason ?? 'PNG rendered by @resvg/resvg-js';
    const all = [...written, 'consensus-topics.csv', 'restart-topics.csv', 'restarts.csv', ...figure.files, 'consensus.json'];
    writeFileSync(join(dir, 'consensus.json'), JSON.stringify(summaryOf(result, out, all, png), null, 2) + '\n');
    return all;
  });
  const summary = summaryOf(result, out, files, png);
  if (values.json) {
    ctx.print(JSON.stringify(summary, null, 2));
    return summary;
  }
  const alphaText = alphas.length > 1 ? `alphas ${alphas.join(', ')}` : `alpha ${alphas[0]}`;
  const s = result.seconds;
  ctx.print(`bcnmf consensus: k ${k}, ${alphaText}, ${summary.loss} loss: ${summary.restarts} restarts in ${formatSeconds(s.total)} ` +
    `(restarts ${formatSeconds(s.restarts)}, clustering ${formatSeconds(s.clustering)}, coefficients ${formatSeconds(s.refit)})`);
  const c = summary.clustering;
  ctx.print(`  stability ${result.stability.toFixed(3)} (silhouette of ${c.kept} restart topics in ${k} clusters; ` +
    `${c.total - c.kept} of ${c.total} dropped by the outlier filter, density >= ${c.densityThreshold}, ${c.neighbours} neighbours)`);
  ctx.print(`  consensus topics (reproducibility, silhouette, enrichment in the target): ` +
    summary.topics.map((t) => `${t.topic} ${t.reproducibility.toFixed(2)} ${t.silhouette.toFixed(2)} ${formatEnrichment(t)}`).join(', '));
  ctx.print(`  consensus model: score ${formatShort(result.score)} (target error ${formatShort(result.targetError)}, background error ${formatShort(result.backgroundError)}); ` +
    `restarts' scores ${formatShort(Math.min(...summary.restartScores))} to ${formatShort(Math.max(...summary.restartScores))}`);
  ctx.print(`wrote ${values.out}: ${files.join(' ')}${png.startsWith('PNG') ? '' : ` (no PNG: ${png})`}`);
  return summary;
}
