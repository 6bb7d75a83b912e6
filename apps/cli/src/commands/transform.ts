import { resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { choiceOption, optionalNumber, parseCommand, patternOption } from '../options.js';
import { backendOption, startBackend } from '../fit-options.js';
import { fitInput, columnNamesOf, refuseMatrixMarketFile, IMPUTE_METHODS, imputeTogether, imputeWords, matchNames, readInputFile, refuseMissing, someNames } from '../input.js';
import { loadModel, modelFilePath } from '../model-file.js';
import { distinctSamples } from '../names.js';
import { checkOutputFile, writeFileAtomically } from '../output.js';
import { matrixCsv } from '../results.js';
import { readDelimitedLayout, selectColumns } from '@bcnmf/data';
import { repeatedNames } from '@bcnmf/core';
import { existsSync, statSync } from 'node:fs';

export const TRANSFORM_USAGE = `bcnmf transform --model DIR/model.json --input FILE --out FILE [options]

Coefficients of new samples through a saved model, with its W fixed (the model's own
coefficient update). The input's features are matched to the model's by name; features
the model does not know are left out. Writes a CSV with a row per sample:
sample,topic_1,...,topic_k.

  --model FILE         model.json written by bcnmf fit (or its folder)
  --input FILE         samples: CSV/TSV, .h5ad or a 10x folder
  --features PATTERN   read only the features whose name matches (e.g. to skip annotation columns)
  --orientation auto|samples-in-rows|features-in-rows
                       how a CSV/TSV input lies; auto (default): features in rows when its
                       row names, rather than its column names, are the model's features
  --features-in-rows   the same as --orientation features-in-rows
  --impute mean|zero   fill missing values with the input's column means, or with 0 (default: refused)
  --make-features-unique
                       rename repeated feature names name_2, name_3, ... as fit does with
                       this flag (a model fit so names them that way)
  --out FILE           the coefficients (CSV); repeated sample names keep their rows,
                       the repeats named name_2, name_3, ... (warned), as fit does
  --overwrite          replace an existing --out
  --max-iter N         most coefficient updates (default 500)
  --tol T              stop when the error changes by at most this fraction (default 1e-5)
  --seed S             seed of the coefficients' random start (default the model's)
  --backend NAME       auto (default), cpu, wasm, webgpu or cuda (bcnmf backends)
  --quiet              no progress line on stderr
  --json               print a JSON summary`;

const OPTIONS = {
  model: { type: 'string' },
  input: { type: 'string' },
  features: { type: 'string' },
  'features-in-rows': { type: 'boolean' },
  orientation: { type: 'string' },
  impute: { type: 'string' },
  'make-features-unique': { type: 'boolean' },
  out: { type: 'string' },
  overwrite: { type: 'boolean' },
  'max-iter': { type: 'string' },
  tol: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

export interface TransformSummary {
  out: string;
  samples: number;
  k: number;
  features: number;
  ignoredFeatures: number;
  imputed: number;
}

/** The share of `wanted` names found among `names`. */
function coverage(names: readonly string[], wanted: readonly string[]): number {
  const set = new Set(names);
  return wanted.length === 0 ? 0 : wanted.filter((n) => set.has(n)).length / wanted.length;
}

/**
 * How a CSV/TSV input of transform lies: as --orientation or --features-in-rows say, else
 * features in rows where its row names hold more of the model's features than its column
 * names do (at least half of them), with a note saying so.
 */
async function transformOrientation(
  path: string,
  raw: string | undefined,
  featuresInRowsFlag: boolean,
  modelFeatures: readonly string[],
  signal?: AbortSignal,
): Promise<{ featuresInRows: boolean; note?: string; given: string | null }> {
  const given = choiceOption('--orientation', raw, ['auto', 'samples-in-rows', 'features-in-rows'] as const, 'auto');
  if (featuresInRowsFlag) {
    if (given === 'samples-in-rows') throw new UsageError('--features-in-rows and --orientation samples-in-rows contradict each other');
    return { featuresInRows: true, given: '--features-in-rows' };
  }
  if (given !== 'auto') return { featuresInRows: given === 'features-in-rows', given: `--orientation ${given}` };
  refuseMatrixMarketFile(path);
  if (!existsSync(path) || !statSync(path).isFile() || /\.h5ad$/i.test(path)) return { featuresInRows: false, given: null };
  const layout = await readDelimitedLayout(path, signal ? { signal } : {});
  const rows = coverage(layout.rowNames ?? [], modelFeatures);
  const columns = coverage(layout.columnNames, modelFeatures);
  if (rows > columns && rows >= 0.5) {
    const found = Math.round(rows * modelFeatures.length);
    return {
      featuresInRows: true,
      note: `features in rows (detected: its row names hold ${found} of the model's ${modelFeatures.length} features, its column names ${Math.round(columns * modelFeatures.length)}); --orientation samples-in-rows reads it the other way`,
      given: null,
    };
  }
  return { featuresInRows: false, given: null };
}

export async function runTransform(argv: string[], ctx: CommandContext): Promise<TransformSummary> {
  const values = parseCommand(argv, OPTIONS, 'transform');
  for (const flag of ['model', 'input', 'out'] as const) {
    if (values[flag] === undefined) throw new UsageError(`--${flag} is required (bcnmf help transform)`);
  }
  const impute = choiceOption('--impute', values.impute, IMPUTE_METHODS);
  const maxIter = optionalNumber('--max-iter', values['max-iter'], { min: 1, integer: true });
  const tol = optionalNumber('--tol', values.tol, { min: 0 });
  const seed = optionalNumber('--seed', values.seed, { min: 0, integer: true });
  const backend = backendOption(values.backend);
  const overwrite = values.overwrite ?? false;
  // the model's own file, where --model names its folder: --out there would replace the model
  checkOutputFile(values.out!, overwrite, { inputs: [values.model, modelFilePath(values.model!), values.input] });
  // the coefficients are CSV: a name that says otherwise (compare writes JSON for .json) would mislead
  if (/\.(json|tsv|tab|h5ad|txt|gz)$/i.test(values.out!)) {
    throw new UsageError(`--out ${values.out} would hold CSV (transform writes the coefficients as CSV): name it .csv`);
  }
  const { model } = await loadModel(values.model!, { signal: ctx.signal });
  await startBackend(backend);
  const modelFeatures = model.featureNames;
  if (!modelFeatures) throw new UsageError(`--model ${values.model}: the model has no feature names to match the input's by`);

  const features = patternOption('--features', values.features);
  const { featuresInRows, note, given } = await transformOrientation(values.input!, values.orientation, values['features-in-rows'] ?? false, modelFeatures, ctx.signal);
  if (note && !values.quiet) ctx.err(`bcnmf transform: ${note}`);
  const makeUnique = values['make-features-unique'] ?? false;
  const file = await readInputFile(values.input!, {
    features,
    signal: ctx.signal,
    featuresInRows,
    ...(makeUnique ? { uniqueFeatures: { makeUnique, warn: (message: string) => ctx.err(`bcnmf: warning: ${message}`) } } : {}),
  });
  // repeated sample names: each row kept, named as fit names them (name_2, ...), with fit's warning
  file.matrix = distinctSamples(file.matrix, values.input!, (message) => ctx.err(`bcnmf: warning: ${message}`));
  const match = matchNames(columnNamesOf(file.matrix), modelFeatures);
  if (!match.indices) {
    const why = match.absent.length > 0
      ? `it lacks ${match.absent.length} of the model's ${modelFeatures.length} features (${someNames(match.absent)})`
      : `feature names repeat (${someNames(match.duplicates)})`;
    // the right hint: read the other way where the other side holds the model's features
    const otherSide = file.kind === 'delimited' ? coverage(file.matrix.rowNames ?? [], modelFeatures) : 0;
    // repeated input names and a model fit with renamed ones: the same renaming here
    const renamed = !makeUnique && repeatedNames(columnNamesOf(file.matrix)).length > 0
      ? '; its feature names repeat: if the model was fit with --make-features-unique, pass it here too'
      : '';
    const hint = renamed || (match.absent.length > 0 && otherSide >= 0.5
      ? `; its ${featuresInRows ? 'column' : 'row'} names are ${Math.round(otherSide * 100)}% of the model's features, so read it with --orientation ${featuresInRows ? 'samples-in-rows' : 'features-in-rows'}` +
        (given !== null ? ` (or leave out ${given}: auto detects it)` : '')
      : '');
    throw new UsageError(`${values.input} does not fit the model: ${why}${hint}`);
  }
  let samples = selectColumns(file.matrix, match.indices);
  let imputed = 0;
  if (impute) {
    const result = imputeTogether([samples], impute);
    samples = result.parts[0];
    imputed = result.filled;
  } else {
    refuseMissing(samples, values.input!);
  }
  if (!values.quiet) {
    ctx.err(`bcnmf transform: ${samples.rows} samples x ${samples.columns} features through the ${model.settings.k}-topic model ${values.model}`);
  }
  const H = await model.transform(fitInput(samples), { maxIter, tol, seed, backend, signal: ctx.signal, onWarning: (w) => ctx.err(`bcnmf: ${w}`) });
  ctx.signal?.throwIfAborted();
  writeFileAtomically(values.out!, matrixCsv(H, 'sample', values.out!));
  const summary: TransformSummary = {
    out: resolve(values.out!),
    samples: H.rows,
    k: H.columns,
    features: modelFeatures.length,
    ignoredFeatures: match.extra.length,
    imputed,
  };
  if (values.json) {
    ctx.print(JSON.stringify(summary, null, 2));
  } else {
    const ignored = summary.ignoredFeatures > 0 ? `; ${summary.ignoredFeatures} input features the model does not use were left out` : '';
    const filled = imputed > 0 && impute ? `; ${imputed} missing values filled ${imputeWords(impute)}` : '';
    ctx.print(`bcnmf transform: ${summary.samples} samples x ${summary.k} topics written to ${values.out}${ignored}${filled}`);
  }
  return summary;
}
