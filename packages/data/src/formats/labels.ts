import { BcnmfError } from '@bcnmf/core';
import { someNames } from '../names.js';
import type { DelimitedTable } from './delimited-table.js';

/** Options of {@link labelsForSamples}. */
export interface LabelsForSamplesOptions {
  /** The label column. Default: the table's first annotation column. */
  column?: string;
  /** Names the labels table in messages. Default: `'the labels'`. */
  source?: string;
}

/**
 * The labels of `samples`, in their order, from a table of sample names and labels (a
 * CSV / TSV read with `features: []`: names in the first column, the other columns as
 * annotations). Samples are matched by name; every sample needs a label, and the table
 * may hold others (e.g. the background's). Refused with `BcnmfError('INVALID_DATA')`: no
 * label column, an unknown column, a sample with two different labels, samples without a
 * label or with an empty one (which would count as a class of its own).
 *
 * @example
 * const table = await parseDelimited('sample,digit\nb,1\na,0\nc,1\n', { name: 'labels.csv', features: [] });
 * labelsForSamples(table, ['a', 'b'], { source: 'labels.csv' }); // ['0', '1']
 */
export function labelsForSamples(table: DelimitedTable, samples: readonly string[], options: LabelsForSamplesOptions = {}): string[] {
  const source = options.source ?? 'the labels';
  const columns = Object.keys(table.annotations);
  if (columns.length === 0) throw new BcnmfError('INVALID_DATA', `${source} has no label column (first column: sample names, second: labels)`);
  const column = options.column ?? columns[0];
  if (!(column in table.annotations)) throw new BcnmfError('INVALID_DATA', `${source} has no column '${column}' (it has ${someNames(columns, 10)})`);
  const values = table.annotations[column];
  const byName = new Map<string, string>();
  (table.matrix.rowNames ?? []).forEach((sample, i) => {
    if (byName.has(sample) && byName.get(sample) !== values[i]) {
      throw new BcnmfError('INVALID_DATA', `${source}: sample '${sample}' has two different labels`);
    }
    byName.set(sample, values[i]);
  });
  const absent = samples.filter((s) => !byName.has(s));
  if (absent.length > 0) throw new BcnmfError('INVALID_DATA', `${source} has no label for ${absent.length} target samples (${someNames(absent)})`);
  // an empty label cell is no label: kept, it would be a class of its own in the ARI
  const blank = samples.filter((s) => byName.get(s)!.trim() === '');
  if (blank.length > 0) {
    throw new BcnmfError('INVALID_DATA', `${source}: the label of ${blank.length} target sample${blank.length > 1 ? 's is' : ' is'} empty (${someNames(blank)}); every target sample needs a label (leave out the unlabelled samples, or give them one)`);
  }
  return samples.map((s) => byName.get(s)!);
}
