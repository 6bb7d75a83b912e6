import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isWithin, realPathOrResolved } from '@bcnmf/data';
import { labelsForReport, readInputsAndLabels } from '../labels.js';
import { diagnoseFit, fitBcnmf, type BcnmfModel, type BcnmfOptions, type FitDiagnosis } from '@bcnmf/core';
import type { CommandContext } from '../context.js';
import { describeInputs } from '../describe.js';
import { UsageError } from '../errors.js';
import { defined, FIT_SETTING_OPTIONS, fitSettings, fitSettingsUsage, requireNumber, startBackend } from '../fit-options.js';
import { choiceOption, optionalNumber } from '../options.js';
import { formatEnrichment, formatSeconds, formatShort } from '../format.js';
import { fitInput, INPUT_OPTIONS, INPUT_USAGE, type Inputs } from '../input.js';
import type { ReportLabels } from '../report.js';
import { openStreamedInputs, refuseWholeMatrixFlags, summarizeSource, type StreamedInputs } from '../stream-input.js';
import { parseCommand } from '../options.js';
import { checkOutputDir, checkOutputFile, writeOutputDir } from '../output.js';
import { checkH5adOutNames, writeH5adOut } from '../h5ad-out.js';
import { fitProgress } from '../progress.js';
import { readInitFrom, resultsKeyOption, writeFitOutputs, type WLayout } from '../results.js';
import { ALPHA_AUTO_OPTIONS, ALPHA_AUTO_USAGE, runAlphaAuto, type AlphaAutoSummary } from './alpha-auto.js';

export const FIT_USAGE = `bcnmf fit (--target FILE --background FILE [--background FILE2 ...] | --input FILE --split-by COLUMN --target-values A,B --background-values C)
          --k N (--alpha A [--alpha A2 ...] | --alpha auto) --out DIR [options]

Fits bcNMF and writes to DIR: W.csv (a row per feature: feature,topic_1..topic_k),
H_target.csv and H_background.csv (a row per sample, with the samples' annotation columns
after the topics), topics.csv (topic,rank,feature,weight: each topic's top 50 features),
model.json (the model, for transform and topics), history.csv (the scores at each check),
a report (report.md, report.html that opens offline, figures/*.svg and *.png: settings,
score curves, convergence and warnings, the topic table, a topic x feature heatmap, a
scatter of the coefficients coloured by --label-column or --labels, with the ARI of
k-means on them) and, for an .h5ad input, a copy of it with the results added
(obsm['X_bcnmf'], varm['bcnmf_W'], uns['bcnmf']; with --use-raw, W in uns['bcnmf']['W'];
--key NAME stores them as obsm['X_NAME'], varm['NAME_W'], uns['NAME'], e.g. to refit an
.h5ad that bcnmf wrote). bcnmf-output.json lists every file written.

Several backgrounds: repeat --background FILE, and give one --alpha per background (the
i-th --alpha goes with the i-th --background) or one --alpha for all of them. W is pushed
away from every background; each has its own coefficients, written as H_background_1.csv,
H_background_2.csv, ... (in --background order) instead of H_background.csv, and
history.csv has a background_error_N column per background. A split --input has one
background (one --background-values group).

${INPUT_USAGE}

Fit:
${fitSettingsUsage({ notes: { '--alpha': "(repeat it per --background; or 'auto', below)" } })}
  --init-from DIR      start from W.csv, H_target.csv and H_background.csv of an earlier
                       run (rows matched by sample name, columns by feature name); --k may
                       then be left out
  --batch-size N       fit in minibatches of N samples: each iteration (an epoch) updates
                       every batch's coefficients and W once, and the backend holds two
                       batches at a time instead of the whole data (for data larger than a
                       GPU's memory or the wasm heap); starts random or from --init-from
  --stream             with --batch-size: read the inputs in batches instead of loading
                       them (.h5ad X, CSR or dense; a 10x folder; CSV/TSV with samples in
                       rows), so data larger than memory can be fitted; --features, --align
                       and --labels apply; annotations are not read (the H files hold the
                       topics only); not with --init-from, --h5ad-out, a split --input,
                       --layer, --use-raw, --impute or --alpha auto

${ALPHA_AUTO_USAGE}

Output:
  --key NAME           name of the results in --h5ad-out and in the .h5ad copies (default
                       bcnmf: obsm['X_bcnmf'], varm['bcnmf_W'], uns['bcnmf'],
                       obs['bcnmf_role']); an .h5ad input that already holds results under
                       it is refused before the fit
  --out DIR            output folder (a new one, or an earlier output of bcnmf); written as
                       a whole or not at all, with bcnmf-output.json listing its files
  --h5ad-out PATH      also an AnnData file of the fit, for any input: X = the fitted data,
                       obs = the target and background samples with their annotations and
                       obs['<key>_role'] (target / background), var = the features,
                       obsm['X_<key>'] = coefficients, varm['<key>_W'] = loadings (W
                       transposed), uns['<key>'] = settings and scores (anndata opens it);
                       written at once, an existing file refused unless --overwrite
  --w-layout L         W.csv as features-as-rows (default) or topics-as-rows (the old layout);
                       --init-from reads either
  --labels FILE        CSV/TSV: sample name, then label (second column, or --label-column
                       NAME): colours the report's scatter and gives its ARI
  --no-report          no report.md, report.html and figures/
  --overwrite          replace an earlier output of bcnmf in --out (a folder holding
                       anything else is refused, naming the files that would be lost) and
                       an existing --h5ad-out
  --quiet              no progress on stderr
  --json               print the results as JSON`;

const OPTIONS = {
  ...INPUT_OPTIONS,
  ...FIT_SETTING_OPTIONS,
  ...ALPHA_AUTO_OPTIONS,
  background: { type: 'string', multiple: true },
  alpha: { type: 'string', multiple: true },
  'init-from': { type: 'string' },
  'batch-size': { type: 'string' },
  stream: { type: 'boolean' },
  key: { type: 'string' },
  out: { type: 'string' },
  'h5ad-out': { type: 'string' },
  'w-layout': { type: 'string' },
  'no-report': { type: 'boolean' },
  labels: { type: 'string' },
  overwrite: { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** What `bcnmf fit` did (also its --json output). */
export interface FitSummary {
  out: string;
  files: string[];
  /** The --h5ad-out file, resolved; null without it. */
  h5adOut: string | null;
  target: { samples: number; features: number; source: string };
  /** The (first) background. */
  background: { samples: number; features: number; source: string };
  /** Every background, in --background order. */
  backgrounds: { samples: number; features: number; source: string }[];
  imputed: number;
  k: number;
  /** The (first) background's alpha. */
  alpha: number;
  /** One alpha per background. */
  alphas: number[];
  loss: string;
  /** --batch-size: the samples per minibatch; null for a full-batch fit. */
  batchSize: number | null;
  /** --stream: the inputs were read in batches, never whole. */
  stream: boolean;
  iterations: number;
  converged: boolean;
  finalScore: number;
  targetError: number;
  /** The (first) background's error. */
  backgroundError: number | null;
  /** Every background's error, in --background order. */
  backgroundErrors: number[];
  seconds: number;
  /** True when W or a topic collapsed to zeros, or the target error is at the all-zero model's (also warned about). */
  degenerate: boolean;
  /** Not converged, degenerate fit (W or a topic collapsed, target error at the all-zero model's): one sentence each, also on stderr. */
  warnings: string[];
  topics: { topic: string; targetMean: number; backgroundMean: number | null; enrichment: number | null }[];
}

export { describeInputs };

/**
 * The alphas of --alpha: one number per background, or one for all; a count that matches
 * neither is refused.
 */
export function alphasFor(raw: readonly string[], backgrounds: number): number[] {
  if (raw.length === 0) throw new UsageError('--alpha is required');
  const values = raw.map((a) => requireNumber('--alpha', optionalNumber('--alpha', a, { min: 0 })));
  if (values.length === 1) return new Array<number>(backgrounds).fill(values[0]);
  if (values.length !== backgrounds) {
    throw new UsageError(
      `${values.length} --alpha values for ${backgrounds} background${backgrounds === 1 ? '' : 's'}: give one --alpha per --background ` +
        '(the i-th --alpha goes with the i-th --background), or one --alpha for all',
    );
  }
  return values;
}

export async function runFit(argv: string[], ctx: CommandContext): Promise<FitSummary | AlphaAutoSummary> {
  const values = parseCommand(argv, OPTIONS, 'fit');
  const alphaFlags = values.alpha ?? [];
  const batchSize = optionalNumber('--batch-size', values['batch-size'], { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
  if (values.stream && alphaFlags.includes('auto')) {
    throw new UsageError('--stream does not go with --alpha auto (its path fits the whole data at each alpha); give --alpha A');
  }
  if (batchSize !== undefined && alphaFlags.includes('auto')) {
    throw new UsageError('--batch-size does not go with --alpha auto (its path fits the whole data at each alpha)');
  }
  const init = choiceOption('--init', values.init, ['random', 'nndsvd', 'nndsvda']);
  if (batchSize !== undefined && init !== undefined && init !== 'random') {
    throw new UsageError(`--init ${values.init} needs the whole target at once; with --batch-size start random (the default)${values.stream ? '' : ' or from --init-from'}`);
  }
  if (alphaFlags.includes('auto')) return runAlphaAuto(values, ctx);
  for (const flag of Object.keys(ALPHA_AUTO_OPTIONS) as (keyof typeof ALPHA_AUTO_OPTIONS)[]) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --alpha auto`);
  }
  const settings = fitSettings({ ...values, alpha: undefined });
  if (values.out === undefined) throw new UsageError('--out DIR is required (bcnmf help fit)');
  const nBackgrounds = values.input !== undefined ? 1 : Math.max(1, values.background?.length ?? 0);
  const alphas = alphasFor(alphaFlags, nBackgrounds);
  if (values['init-from'] !== undefined && values.init !== undefined) {
    throw new UsageError('--init and --init-from both say how to start; give one');
  }
  if (values['init-from'] === undefined) requireNumber('--k', settings.k);
  const stream = values.stream ?? false;
  if (stream) {
    if (batchSize === undefined) throw new UsageError('--stream fits in minibatches: give --batch-size N as well (e.g. --batch-size 10000)');
    if (values['init-from'] !== undefined) {
      throw new UsageError('--init-from does not go with --stream: it matches the earlier H files to the samples in memory; start random');
    }
    if (values['h5ad-out'] !== undefined) {
      throw new UsageError("--h5ad-out does not go with --stream: its X is the whole fitted data; an .h5ad input's copy in --out holds the results");
    }
    // --label-column names a column of --labels when that file is given
    refuseWholeMatrixFlags({ ...values, 'label-column': values.labels === undefined ? values['label-column'] : undefined });
  }
  const overwrite = values.overwrite ?? false;
  const quiet = values.quiet ?? false;
  const inputPaths = [values.target, ...(values.background ?? []), values.input, values['init-from'], values.labels];
  checkOutputDir(values.out, overwrite, { inputs: inputPaths });
  const h5adOut = values['h5ad-out'];
  if (h5adOut !== undefined) {
    if (!/\.h5ad$/i.test(h5adOut)) throw new UsageError(`--h5ad-out ${h5adOut}: give a file name ending in .h5ad`);
    checkOutputFile(h5adOut, overwrite, { flag: '--h5ad-out', inputs: inputPaths });
    // real paths: a link to the --out folder is inside it too
    if (isWithin(realPathOrResolved(h5adOut), realPathOrResolved(values.out))) {
      throw new UsageError(`--h5ad-out ${h5adOut} is inside --out ${values.out}, which is written as a whole; give a path outside it`);
    }
  }
  await startBackend(settings.backend);
  const key = await resultsKeyOption(values.key, inputPaths);

  const wLayout = choiceOption('--w-layout', values['w-layout'], ['features-as-rows', 'topics-as-rows'] as const, 'features-as-rows');
  const warn = (message: string): void => ctx.err(`bcnmf: warning: ${message}`);
  if (stream) {
    if (values.labels !== undefined && !existsSync(values.labels)) throw new UsageError(`--labels ${values.labels}: no such file`);
    // opening reads each file once (an index of its rows): long for large files
    if (!quiet) ctx.err('bcnmf fit: opening the inputs to read them in batches (--stream)');
    const streamed = await openStreamedInputs(values, { warn, signal: ctx.signal });
    try {
      const reportLabels = await labelsForReport(streamed, values.labels, values['label-column'], warn);
      return await fitAndWrite(values, argv, ctx, { settings, alphas, batchSize, key, wLayout, h5adOut, overwrite, quiet, inputPaths }, streamed, reportLabels);
    } finally {
      await streamed.close();
    }
  }
  const { inputs, reportLabels } = await readInputsAndLabels(values, warn, ctx.signal);
  return fitAndWrite(values, argv, ctx, { settings, alphas, batchSize, key, wLayout, h5adOut, overwrite, quiet, inputPaths }, inputs, reportLabels);
}

function isStreamed(inputs: Inputs | StreamedInputs): inputs is StreamedInputs {
  return 'close' in inputs;
}

/** What runFit decided before reading the inputs. */
interface FitPlan {
  settings: ReturnType<typeof fitSettings>;
  alphas: number[];
  batchSize: number | undefined;
  key: string;
  wLayout: WLayout;
  h5adOut: string | undefined;
  overwrite: boolean;
  quiet: boolean;
  inputPaths: (string | undefined)[];
}

/** Fits read (or, with --stream, opened) inputs and writes the output folder. */
async function fitAndWrite(
  values: ReturnType<typeof parseCommand<typeof OPTIONS>>,
  argv: string[],
  ctx: CommandContext,
  plan: FitPlan,
  inputs: Inputs | StreamedInputs,
  reportLabels: ReportLabels | undefined,
): Promise<FitSummary> {
  const { settings, alphas, batchSize, key, wLayout, h5adOut, overwrite, quiet, inputPaths } = plan;
  const out = values.out!;
  const streamed = isStreamed(inputs);
  // one background: exactly the single-background call; several: a list and an alpha each
  const several = inputs.backgrounds.length > 1;
  let options: BcnmfOptions = { ...settings, alpha: several ? alphas : alphas[0], ...(batchSize !== undefined ? { batchSize } : {}) };
  if (values['init-from'] !== undefined && !streamed) {
    const { k, ...init } = await readInitFrom(values['init-from'], inputs, settings.k);
    options = { ...options, k, init };
  }
  if (h5adOut !== undefined && !streamed) checkH5adOutNames(inputs, key);
  if (!quiet) describeInputs(ctx, 'bcnmf fit', inputs);
  const progress = fitProgress(ctx, 'bcnmf fit', quiet);
  let model: BcnmfModel;
  try {
    model = await fitBcnmf(
      streamed ? inputs.target : fitInput(inputs.target),
      streamed ? (several ? inputs.backgrounds : inputs.background) : several ? inputs.backgrounds.map(fitInput) : fitInput(inputs.background),
      defined({
        ...options,
        onProgress: progress.onProgress,
        onWarning: (message: string) => ctx.err(`bcnmf: warning: ${message}`),
        signal: ctx.signal,
      }),
    );
  } finally {
    progress.stop();
  }
  let diagnosis: FitDiagnosis;
  if (streamed) {
    // the checks need the target's sum and sum of squares: one more pass over its batches
    if (!quiet) ctx.err('bcnmf fit: reading the target once more for the checks of the fit');
    diagnosis = diagnoseFit(model, await summarizeSource(inputs.target, batchSize!, ctx.signal));
  } else {
    diagnosis = diagnoseFit(model, inputs.target);
  }
  // the .h5ad is part of the output: written with the folder and renamed into place with it
  const alongside = h5adOut !== undefined && !isStreamed(inputs)
    ? [{ path: h5adOut, write: (temp: string) => writeH5adOut({ path: temp, model, inputs, key, diagnosis }) }]
    : [];
  const files = await writeOutputDir(out, { overwrite, command: 'bcnmf fit', inputs: inputPaths, signal: ctx.signal, alongside }, async (dir) => {
    const report = values['no-report'] ? null : {
      command: ['bcnmf', 'fit', ...argv].join(' '),
      ...(reportLabels ? { labels: reportLabels } : {}),
      // --stream reads no annotations: only a labels file can colour its report
      ...(values.stream ? { labelsHint: '--labels FILE (sample name, then label)' } : {}),
    };
    return writeFitOutputs(dir, model, inputs, { key, diagnosis, wLayout, report, signal: ctx.signal });
  });
  const last = model.history[model.history.length - 1];
  const summary: FitSummary = {
    out: resolve(out),
    files,
    h5adOut: h5adOut === undefined ? null : resolve(h5adOut),
    target: { samples: inputs.target.rows, features: inputs.target.columns, source: inputs.targetSource },
    background: { samples: inputs.background.rows, features: inputs.background.columns, source: inputs.backgroundSource },
    backgrounds: inputs.backgrounds.map((b, i) => ({ samples: b.rows, features: b.columns, source: inputs.backgroundSources[i] })),
    imputed: inputs.imputed,
    k: model.settings.k,
    alpha: model.settings.alpha,
    alphas: [...model.settings.alphas],
    loss: model.settings.loss,
    batchSize: model.settings.batchSize ?? null,
    stream: streamed,
    iterations: model.iterations,
    converged: model.converged,
    finalScore: model.finalScore,
    targetError: last.targetError,
    backgroundError: last.backgroundError,
    backgroundErrors: [...(last.backgroundErrors ?? [])],
    seconds: model.wallTimeMs / 1000,
    degenerate: diagnosis.degenerate,
    warnings: diagnosis.warnings,
    topics: model.topics({ top: 0 }).map(({ topic, targetMean, backgroundMean, enrichment }) => ({ topic, targetMean, backgroundMean, enrichment })),
  };
  // warnings are not progress: --quiet keeps them
  for (const warning of diagnosis.warnings) ctx.err(`bcnmf: warning: ${warning}`);
  if (values.json) {
    ctx.print(JSON.stringify(summary, null, 2));
    return summary;
  }
  const stopped = model.converged
    ? `converged after ${model.iterations} iterations`
    : diagnosis.converged ? `${model.iterations} iterations (--tol 0)` : `not converged: stopped at --max-iter, ${model.iterations} iterations`;
  const alphaText = summary.alphas.length > 1 ? `alphas ${summary.alphas.join(', ')}` : `alpha ${summary.alpha}`;
  const batches = summary.batchSize === null ? '' : `, minibatches of ${summary.batchSize} samples${streamed ? ' read from the files (--stream)' : ''}`;
  ctx.print(`bcnmf fit: k ${summary.k}, ${alphaText}, ${summary.loss} loss${batches}: ${stopped} in ${formatSeconds(summary.seconds)}`);
  const backgroundText = summary.backgroundErrors.length > 1
    ? `background errors ${summary.backgroundErrors.map((e) => formatShort(e)).join(', ')}`
    : `background error ${formatShort(summary.backgroundError)}`;
  ctx.print(`  final score ${formatShort(summary.finalScore)} (target error ${formatShort(summary.targetError)}, ${backgroundText})`);
  const ranked = [...summary.topics].sort((a, b) => (b.enrichment ?? 0) - (a.enrichment ?? 0));
  ctx.print(`  topics by enrichment in the target (log2 target/background mean loading): ${ranked.map((t) => `${t.topic} ${formatEnrichment(t)}`).join(', ')}`);
  ctx.print(`wrote ${values.out}: ${files.join(' ')}`);
  if (h5adOut !== undefined) ctx.print(`wrote ${h5adOut}: obsm['X_${key}'], varm['${key}_W'], uns['${key}'], obs['${key}_role']`);
  return summary;
}
