import { existsSync } from 'node:fs';
import { readDelimited } from '@bcnmf/data';
import { UsageError } from './errors.js';
import { someNames } from './input.js';

/**
 * Labels of samples from a CSV/TSV whose first column is the sample name and whose second
 * column (or the one named `column`) is the label, returned for `samples` in their order.
 * Every sample must have a label; the file may hold others (e.g. the background's).
 */
export async function readLabels(path: string, samples: readonly string[], column?: string): Promise<string[]> {
  if (!existsSync(path)) throw new UsageError(`--labels ${path}: no such file`);
  const { matrix, annotations } = await readDelimited(path, { features: [] });
  const columns = Object.keys(annotations);
  if (columns.length === 0) throw new UsageError(`--labels ${path} has no label column (first column: sample names, second: labels)`);
  const name = column ?? columns[0];
  if (!(name in annotations)) throw new UsageError(`--labels ${path} has no column '${name}' (it has ${someNames(columns, 10)})`);
  const byName = new Map<string, string>();
  const names = matrix.rowNames ?? [];
  names.forEach((sample, i) => {
    if (byName.has(sample) && byName.get(sample) !== annotations[name][i]) {
      throw new UsageError(`--labels ${path}: sample '${sample}' has two different labels`);
    }
    byName.set(sample, annotations[name][i]);
  });
  const absent = samples.filter((s) => !byName.has(s));
  if (absent.length > 0) throw new UsageError(`--labels ${path} has no label for ${absent.length} target samples (${someNames(absent)})`);
  return samples.map((s) => byName.get(s)!);
}
