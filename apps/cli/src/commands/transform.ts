import { resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { choiceOption, optionalNumber, parseCommand, patternOption } from '../options.js';
import { backendOption, startBackend } from '../fit-options.js';
import { fitInput, columnNamesOf, IMPUTE_METHODS, imputeTogether, imputeWords, matchNames, readInputFile, refuseMissing, someNames } from '../input.js';
import { loadModel } from '../model-file.js';
import { checkOutputFile, writeFileAtomically } from '../output.js';
import { matrixCsv } from '../results.js';
import { selectColumns } from '@bcnmf/data';

export const TRANSFORM_USAGE = `bcnmf transform --model DIR/model.json --input FILE --out FILE [options]

Coefficients of new samples through a saved model, with its W fixed (the model's own
coefficient update). The input's features are matched to the model's by name; features
the model does not know are left out. Writes a CSV with a row per sample:
sample,topic_1,...,topic_k.

  --model FILE         model.json written by bcnmf fit (or its folder)
  --input FILE         samples: CSV/TSV, .h5ad or a 10x folder
  --features PATTERN   read only the features whose name matches (e.g. to skip annotation columns)
  --features-in-rows   CSV/TSV with one feature per line
  --impute mean|zero   fill missing values with the input's column means, or with 0 (default: refused)
  --out FILE           the coefficients (CSV)
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
  impute: { type: 'string' },
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
  checkOutputFile(values.out!, overwrite, { inputs: [values.model, values.input] });
  const { model } = loadModel(values.model!);
  await startBackend(backend);
  const modelFeatures = model.featureNames;
  if (!modelFeatures) throw new UsageError(`--model ${values.model}: the model has no feature names to match the input's by`);

  const features = patternOption('--features', values.features);
  const file = await readInputFile(values.input!, { features, featuresInRows: values['features-in-rows'] ?? false });
  const match = matchNames(columnNamesOf(file.matrix), modelFeatures);
  if (!match.indices) {
    const why = match.absent.length > 0
      ? `it lacks ${match.absent.length} of the model's ${modelFeatures.length} features (${someNames(match.absent)})`
      : `feature names repeat (${someNames(match.duplicates)})`;
    throw new UsageError(`${values.input} does not fit the model: ${why}`);
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
