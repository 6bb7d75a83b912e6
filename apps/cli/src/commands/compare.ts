import { extname, resolve } from 'node:path';
import { getMethod, METHOD_NAMES, type MethodName, type SharedSettings } from '@bcnmf/baselines';
import { EVALUATION_PROTOCOLS, evaluateEmbedding, type EvaluationProtocol } from '@bcnmf/metrics';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { defined, FIT_SETTING_OPTIONS, FIT_SETTINGS_USAGE, fitSettings, requireNumber, startBackend } from '../fit-options.js';
import { csvLine } from '../format.js';
import { fitInput, INPUT_OPTIONS, INPUT_USAGE, readInputs, rowNamesOf } from '../input.js';
import { readLabels, refuseMeaninglessLabels } from '../labels.js';
import { choiceOption, listOption, numberOption, optionalNumber, parseCommand } from '../options.js';
import { checkOutputFile, writeFileAtomically } from '../output.js';
import { assertFinite } from '../results.js';
import { fitProgress } from '../progress.js';
import { describeInputs } from './fit.js';

export const COMPARE_USAGE = `bcnmf compare (--target FILE --background FILE | --input FILE --split-by COLUMN ...) --k N --alpha A [options]

Fits every method of @bcnmf/baselines (${METHOD_NAMES.join(', ')}) to the same inputs, each with k
components, and prints a table. With labels for the target samples, each method's target
embedding is clustered by k-means under a protocol and scored by ARI (and NMI) against them.

${INPUT_USAGE}

Methods:
${FIT_SETTINGS_USAGE}
                       (--k is every method's number of components; --alpha is bcNMF's;
                       loss, iterations, tol, seed, init, damping and backend apply to NMF too)
  --cpca-alpha A       cPCA's contrast strength (default: auto, its spectral selection)
  --methods LIST       which, comma-separated (default: all, ${METHOD_NAMES.join(',')})

Scoring:
  --labels FILE        CSV/TSV: sample name, then label (second column, or --label-column NAME)
  --label-column NAME  the label column of --labels, or of a split --input
  --protocol NAME      raw (default), row-normalized or umap: what k-means clusters
  --clusters N         k-means clusters (default: the number of distinct labels)
  --n-init N           k-means starts (default 10)

Output:
  --out FILE           also write the table: JSON when FILE ends in .json, else CSV
  --overwrite          replace an existing --out
  --quiet              no progress on stderr
  --json               print the results as JSON`;

const OPTIONS = {
  ...INPUT_OPTIONS,
  ...FIT_SETTING_OPTIONS,
  'cpca-alpha': { type: 'string' },
  methods: { type: 'string' },
  labels: { type: 'string' },
  protocol: { type: 'string' },
  clusters: { type: 'string' },
  'n-init': { type: 'string' },
  out: { type: 'string' },
  overwrite: { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** One method's line of the comparison. */
export interface CompareRow {
  method: MethodName;
  name: string;
  components: number;
  ari: number | null;
  nmi: number | null;
  seconds: number;
}

export interface CompareResult {
  k: number;
  alpha: number;
  protocol: EvaluationProtocol | null;
  labelled: number;
  results: CompareRow[];
}

function table(result: CompareResult): string[] {
  const header = ['method', 'components', 'ARI', 'NMI', 'seconds'];
  const rows = result.results.map((r) => [
    r.name,
    String(r.components),
    r.ari === null ? '-' : r.ari.toFixed(3),
    r.nmi === null ? '-' : r.nmi.toFixed(3),
    r.seconds.toFixed(1),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  return [header, ...rows].map((cells) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

export async function runCompare(argv: string[], ctx: CommandContext): Promise<CompareResult> {
  const values = parseCommand(argv, OPTIONS, 'compare');
  const settings = fitSettings(values);
  const k = requireNumber('--k', settings.k);
  const alpha = requireNumber('--alpha', settings.alpha);
  const cpcaAlpha = values['cpca-alpha'] === undefined || values['cpca-alpha'] === 'auto'
    ? 'auto'
    : optionalNumber('--cpca-alpha', values['cpca-alpha'], { min: 0 })!;
  const methods = listOption(values.methods) ?? [...METHOD_NAMES];
  for (const m of methods) choiceOption('--methods', m, METHOD_NAMES);
  if (methods.length === 0) throw new UsageError('--methods names no method');
  const protocol = choiceOption('--protocol', values.protocol, EVALUATION_PROTOCOLS, 'raw');
  const clusters = optionalNumber('--clusters', values.clusters, { min: 1, integer: true });
  const nInit = numberOption('--n-init', values['n-init'], 10, { min: 1, integer: true });
  const quiet = values.quiet ?? false;
  const overwrite = values.overwrite ?? false;
  if (values.out !== undefined) {
    checkOutputFile(values.out, overwrite, { inputs: [values.target, values.background, values.input, values.labels] });
  }
  await startBackend(settings.backend);

  // --label-column names a column of --labels when that is given, else of the split input
  const labelsFile = values.labels;
  const inputs = await readInputs(
    { ...values, 'label-column': labelsFile === undefined ? values['label-column'] : undefined },
    { warn: (message) => ctx.err(`bcnmf: warning: ${message}`), command: 'compare', signal: ctx.signal },
  );
  let labels: string[] | null = inputs.targetLabels ?? null;
  if (labelsFile !== undefined) labels = await readLabels(labelsFile, rowNamesOf(inputs.target), values['label-column']);
  if (labels) refuseMeaninglessLabels(labels, labelsFile !== undefined ? `--labels ${labelsFile}` : `--label-column ${values['label-column']}`);
  if (!quiet) describeInputs(ctx, 'bcnmf compare', inputs);

  const target = fitInput(inputs.target);
  const background = fitInput(inputs.background);
  // every method's options from the shared settings (@bcnmf/baselines' sharedOptions: a new
  // baseline needs no entry here), and on top what only one method takes
  const shared: SharedSettings = {
    k,
    seed: settings.seed,
    loss: settings.loss,
    init: typeof settings.init === 'string' ? settings.init : undefined, // --init names a method; compare takes no --init-from
    maxIter: settings.maxIter,
    tol: settings.tol,
    damping: settings.damping,
    backend: settings.backend,
    signal: ctx.signal,
  };
  const ownOptions: Partial<Record<string, object>> = {
    bcnmf: defined({ ...settings, k, alpha, onWarning: (m: string) => ctx.err(`bcnmf: warning: bcNMF: ${m}`), signal: ctx.signal }),
    cpca: defined({ alpha: cpcaAlpha }),
  };
  const rows: CompareRow[] = [];
  for (const name of methods as MethodName[]) {
    // bcNMF and NMF stop within an iteration; PCA and cPCA are one linear-algebra call
    // each, so Ctrl-C is also checked between methods
    ctx.signal?.throwIfAborted();
    const method = getMethod(name);
    let methodOptions: unknown = { ...(method.sharedOptions(shared) as object), ...ownOptions[name] };
    const progress = name === 'bcnmf' ? fitProgress(ctx, 'bcnmf compare: bcNMF', quiet) : null;
    if (progress) methodOptions = { ...(methodOptions as object), onProgress: progress.onProgress };
    else if (!quiet) ctx.err(`bcnmf compare: fitting ${name}`);
    const started = performance.now();
    let fitted;
    try {
      fitted = await method.fit(target, method.usesBackground ? background : null, methodOptions);
    } finally {
      progress?.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    let ari: number | null = null;
    let nmi: number | null = null;
    if (labels) {
      const evaluation = evaluateEmbedding(fitted.embedding, labels, defined({ protocol, k: clusters, nInit, seed: settings.seed ?? 0 }));
      ari = evaluation.ari;
      nmi = evaluation.nmi;
    }
    rows.push({ method: name, name: fitted.name, components: fitted.embedding.columns, ari, nmi, seconds });
  }
  ctx.signal?.throwIfAborted();
  const result: CompareResult = { k, alpha, protocol: labels ? protocol : null, labelled: labels?.length ?? 0, results: rows };
  if (values.out !== undefined) {
    for (const r of rows) assertFinite([r.ari ?? 0, r.nmi ?? 0, r.seconds], 0, `${values.out} (${r.name})`);
    const text = extname(values.out).toLowerCase() === '.json'
      ? JSON.stringify(result, null, 2) + '\n'
      : [csvLine(['method', 'components', 'ari', 'nmi', 'seconds']),
        ...rows.map((r) => [r.name, r.components, r.ari ?? '', r.nmi ?? '', r.seconds].map(String).join(','))].join('\n') + '\n';
    writeFileAtomically(values.out, text);
  }
  if (values.json) {
    ctx.print(JSON.stringify(values.out !== undefined ? { ...result, out: resolve(values.out) } : result, null, 2));
    return result;
  }
  for (const line of table(result)) ctx.print(line);
  ctx.print(labels
    ? `ARI/NMI: k-means (${clusters ?? 'one cluster per label'}, ${nInit} starts, protocol ${protocol}) on each method's target embedding against ${labels.length} labels`
    : 'no labels (--labels FILE, or --label-column NAME on a split input): fits only, no scores');
  if (values.out !== undefined) ctx.print(`wrote ${values.out}`);
  return result;
}
