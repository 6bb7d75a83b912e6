import { existsSync } from 'node:fs';
import { labelsForSamples, readDelimited } from '@bcnmf/data';
import { UsageError } from './errors.js';

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
