import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { labelsForSamples, readDelimited } from '@bcnmf/data';
import { UsageError } from './errors.js';
import { readInputs, rowNamesOf, type InputFlags, type Inputs, type InputShape } from './input.js';
import type { ReportLabels } from './report.js';

/**
 * Labels of samples from a CSV/TSV whose first column is the sample name and whose second
 * column (or the one named `column`) is the label, returned for `samples` in their order
 * (@bcnmf/data's labelsForSamples, as the web page matches a labels file). Every sample
 * must have a label; the file may hold others (e.g. the background's).
 */
export async function readLabels(path: string, samples: readonly string[], column?: string): Promise<string[]> {
  if (!existsSync(path)) throw new UsageError(`--labels ${path}: no such file`);
  const table = await readDelimited(path, { features: [] });
  return labelsForSamples(table, samples, { column, source: `--labels ${path}` });
}

/**
 * Refuses labels that cannot test an embedding: one group (every clustering into one
 * cluster scores ARI 1), or one group per sample (so does every clustering into as many
 * clusters). `source` names them (`--labels labels.csv`).
 */
export function refuseMeaninglessLabels(labels: readonly string[], source: string): void {
  const groups = new Set(labels);
  if (groups.size < 2) {
    throw new UsageError(`${source}: the labels hold ${groups.size} distinct value${groups.size === 1 ? ` ('${[...groups][0]}')` : 's'}; an ARI needs at least 2 groups (with one, any clustering scores 1)`);
  }
  if (groups.size === labels.length) {
    throw new UsageError(`${source}: the labels hold a different value for each of the ${labels.length} samples; that is no grouping (a clustering into as many clusters scores ARI 1): give labels of groups`);
  }
}

/**
 * The target's labels for the report: --labels FILE, or --label-column NAME of a split
 * input; undefined without either. They only colour the report and give its ARI, so
 * labels that cannot test an embedding (one group, one per sample) are warned about and
 * left out, not a reason to refuse the fit.
 */
export async function labelsForReport(
  inputs: Inputs<InputShape>,
  file: string | undefined,
  column: string | undefined,
  warn: (message: string) => void,
): Promise<ReportLabels | undefined> {
  let labels: ReportLabels | undefined;
  if (file !== undefined) {
    labels = { source: `--labels ${basename(file)}${column ? ` (${column})` : ''}`, target: await readLabels(file, rowNamesOf(inputs.target), column) };
  } else if (inputs.targetLabels && column !== undefined) {
    labels = { source: `--label-column ${column}`, target: inputs.targetLabels };
  }
  if (!labels) return undefined;
  try {
    refuseMeaninglessLabels(labels.target, labels.source);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    warn(`${error.message}; the report shows no ARI`);
    return undefined;
  }
  return labels;
}

/**
 * A fit's inputs and the labels its report colours by (fit and fit --alpha auto):
 * --label-column names a column of --labels when that file is given, else of the split input.
 */
export async function readInputsAndLabels(
  values: InputFlags & { labels?: string },
  warn: (message: string) => void,
  signal?: AbortSignal,
): Promise<{ inputs: Inputs; reportLabels: ReportLabels | undefined }> {
  const labelsFile = values.labels;
  if (labelsFile !== undefined && !existsSync(labelsFile)) throw new UsageError(`--labels ${labelsFile}: no such file`);
  const inputs = await readInputs({ ...values, 'label-column': labelsFile === undefined ? values['label-column'] : undefined }, { warn, signal });
  const reportLabels = await labelsForReport(inputs, labelsFile, values['label-column'], warn);
  return { inputs, reportLabels };
}
