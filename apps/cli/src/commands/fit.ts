import { resolve } from 'node:path';
import { fitBcnmf, type BcnmfModel, type BcnmfOptions } from '@bcnmf/core';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { defined, FIT_SETTING_OPTIONS, FIT_SETTINGS_USAGE, fitSettings, requireNumber } from '../fit-options.js';
import { formatSeconds, formatShort } from '../format.js';
import { fitInput, INPUT_OPTIONS, INPUT_USAGE, readInputs, type Inputs } from '../input.js';
import { parseCommand } from '../options.js';
import { checkOutputDir, writeOutputDir } from '../output.js';
import { fitProgress } from '../progress.js';
import { readInitFrom, writeFitOutputs } from '../results.js';

export const FIT_USAGE = `bcnmf fit (--target FILE --background FILE | --input FILE --split-by COLUMN --target-values A,B --background-values C)
          --k N --alpha A --out DIR [options]

Fits bcNMF and writes to DIR: W.csv (a row per topic), H_target.csv and H_background.csv
(a row per sample), model.json (the model, for transform and topics), history.csv (the
scores at each check) and, for an .h5ad input, a copy of it with the results added
(obsm['X_bcnmf'], varm['bcnmf_W'], uns['bcnmf']).

${INPUT_USAGE}

Fit:
${FIT_SETTINGS_USAGE}
  --init-from DIR      start from W.csv, H_target.csv and H_background.csv of an earlier
                       run (rows matched by sample name, columns by feature name); --k may
                       then be left out

Output:
  --out DIR            output folder; written as a whole or not at all
  --overwrite          replace a non-empty --out
  --quiet              no progress on stderr
  --json               print the results as JSON`;

const OPTIONS = {
  ...INPUT_OPTIONS,
  ...FIT_SETTING_OPTIONS,
  'init-from': { type: 'string' },
  out: { type: 'string' },
  overwrite: { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** What `bcnmf fit` did (also its --json output). */
export interface FitSummary {
  out: string;
  files: string[];
  target: { samples: number; features: number; source: string };
  background: { samples: number; features: number; source: string };
  imputed: number;
  k: number;
  alpha: number;
  loss: string;
  iterations: number;
  converged: boolean;
  finalScore: number;
  targetError: number;
  backgroundError: number | null;
  seconds: number;
  topics: { topic: string; targetMean: number; backgroundMean: number | null; enrichment: number | null }[];
}

/** Describes the inputs on stderr before a fit (unless quiet). */
export function describeInputs(ctx: CommandContext, label: string, inputs: Inputs): void {
  const t = inputs.target;
  const b = inputs.background;
  ctx.err(`${label}: target ${t.rows} x ${t.columns} (${inputs.targetSource}), background ${b.rows} x ${b.columns} (${inputs.backgroundSource})` +
    (inputs.imputed > 0 ? `; ${inputs.imputed} missing values filled with column means` : ''));
}

export async function runFit(argv: string[], ctx: CommandContext): Promise<FitSummary> {
  const values = parseCommand(argv, OPTIONS, 'fit');
  const settings = fitSettings(values);
  if (values.out === undefined) throw new UsageError('--out DIR is required (bcnmf help fit)');
  const alpha = requireNumber('--alpha', settings.alpha);
  if (values['init-from'] !== undefined && values.init !== undefined) {
    throw new UsageError('--init and --init-from both say how to start; give one');
  }
  if (values['init-from'] === undefined) requireNumber('--k', settings.k);
  const overwrite = values.overwrite ?? false;
  const quiet = values.quiet ?? false;
  checkOutputDir(values.out, overwrite);

  const inputs = await readInputs(values);
  let options: BcnmfOptions = { ...settings, alpha };
  if (values['init-from'] !== undefined) {
    const { k, ...init } = await readInitFrom(values['init-from'], inputs, settings.k);
    options = { ...options, k, init };
  }
  if (!quiet) describeInputs(ctx, 'bcnmf fit', inputs);
  const progress = fitProgress(ctx, 'bcnmf fit', quiet);
  let model: BcnmfModel;
  try {
    model = await fitBcnmf(fitInput(inputs.target), fitInput(inputs.background), defined({
      ...options,
      onProgress: progress.onProgress,
      onWarning: (message: string) => ctx.err(`bcnmf: warning: ${message}`),
      signal: ctx.signal,
    }));
  } finally {
    progress.stop();
  }
  const files = await writeOutputDir(values.out, overwrite, (dir) => writeFitOutputs(dir, model, inputs));
  const last = model.history[model.history.length - 1];
  const summary: FitSummary = {
    out: resolve(values.out),
    files,
    target: { samples: inputs.target.rows, features: inputs.target.columns, source: inputs.targetSource },
    background: { samples: inputs.background.rows, features: inputs.background.columns, source: inputs.backgroundSource },
    imputed: inputs.imputed,
    k: model.settings.k,
    alpha: model.settings.alpha,
    loss: model.settings.loss,
    iterations: model.iterations,
    converged: model.converged,
    finalScore: model.finalScore,
    targetError: last.targetError,
    backgroundError: last.backgroundError,
    seconds: model.wallTimeMs / 1000,
    topics: model.topics({ top: 0 }).map(({ topic, targetMean, backgroundMean, enrichment }) => ({ topic, targetMean, backgroundMean, enrichment })),
  };
  if (values.json) {
    ctx.print(JSON.stringify(summary, null, 2));
    return summary;
  }
  const stopped = model.converged ? `converged after ${model.iterations} iterations` : `${model.iterations} iterations`;
  ctx.print(`bcnmf fit: k ${summary.k}, alpha ${summary.alpha}, ${summary.loss} loss: ${stopped} in ${formatSeconds(summary.seconds)}`);
  ctx.print(`  final score ${formatShort(summary.finalScore)} (target error ${formatShort(summary.targetError)}, background error ${formatShort(summary.backgroundError)})`);
  const ranked = [...summary.topics].sort((a, b) => (b.enrichment ?? 0) - (a.enrichment ?? 0));
  ctx.print(`  topics by enrichment in the target (log2 target/background mean loading): ${ranked.map((t) => `${t.topic} ${formatShort(t.enrichment)}`).join(', ')}`);
  ctx.print(`wrote ${values.out}: ${files.join(' ')}`);
  return summary;
}
