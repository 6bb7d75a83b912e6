// The labels rules of the page, checked before a fit (and again in the worker): which
// label choices give an ARI, and which obs / text column the page picks by itself. Pure
// functions, no DOM (the worker and the unit tests import them).
import { LABEL_COLUMN_NAME } from '@bcnmf/data/browser';
import { counted } from './words.js';

/** Column names that read as labels (as `features: 'numeric'` of @bcnmf/data reads them): the page prefers them as the default labels. */
export { LABEL_COLUMN_NAME };

/** The page picks a column by itself only up to this many groups (fine clusterings can be chosen by hand). */
export const MAX_LABEL_GROUPS = 50;

/**
 * Why labels cannot score an embedding (an ARI of k-means with one cluster per label),
 * or null when they can: a label for every sample (none empty), at least 2 groups and fewer than the samples (a
 * column with one value per sample, e.g. n_counts, is no grouping).
 *
 * @example
 * labelsProblem(['a', 'b', 'a'], 'column "group" of t.csv'); // null
 * labelsProblem(['1.5', '2.5', '3.5'], 'column "n_counts" of t.h5ad');
 * // 'the labels (column "n_counts" of t.h5ad) hold 3 distinct values for 3 samples: ...'
 */
export function labelsProblem(labels: readonly string[], source = 'chosen'): string | null {
  // a missing label (an empty cell, a missing category) is no label: kept, it would be a group of its own
  const blank = labels.filter((label) => label.trim() === '').length;
  if (blank > 0) {
    return `the labels (${source}) are missing for ${counted(blank, 'sample')}; the ARI needs a label for every target sample: choose another labels column, or none`;
  }
  const distinct = new Set(labels);
  const n = labels.length;
  if (distinct.size < 2) {
    const only = distinct.size === 1 ? ` (${JSON.stringify([...distinct][0])})` : '';
    return `the labels (${source}) hold ${counted(distinct.size, 'distinct value')}${only}; the ARI needs at least 2 groups: choose another labels column, or none`;
  }
  // as the CLI's rule: one group per sample is no grouping (any clustering into as many scores 1)
  if (distinct.size >= n) {
    return (
      `the labels (${source}) hold ${counted(distinct.size, 'distinct value')} for ${counted(n, 'sample')}, ` +
      'a different one for each: that is no grouping; choose a column of groups, or none'
    );
  }
  return null;
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** True when every non-empty value is a decimal number (e.g. n_counts, or cluster codes 0, 1, 2). */
export function isNumberColumn(values: readonly string[]): boolean {
  let numbers = 0;
  for (const v of values) {
    if (v.trim() === '') continue;
    if (!NUMBER.test(v)) return false;
    numbers++;
  }
  return numbers > 0;
}

/**
 * The label column the page picks by itself among a target's annotations, or null:
 * one that passes {@link labelsProblem}, first a column named like a label (label,
 * class, group, cell_type, digit, ...), then any other text column, and a column of
 * numbers (e.g. an .h5ad obs of cluster codes) only when neither exists, the one with
 * the fewest groups. A column with one value per sample is never picked.
 */
export function defaultLabelColumn(annotations: Readonly<Record<string, readonly string[]>>): string | null {
  const usable = Object.entries(annotations).filter(([, values]) => labelsProblem(values) === null && new Set(values).size <= MAX_LABEL_GROUPS);
  // a batch column is read as a label (not a feature), but the biology is the better default
  const named = usable.filter(([name]) => LABEL_COLUMN_NAME.test(name.trim())).sort(([a], [b]) => Number(/^batch$/i.test(a.trim())) - Number(/^batch$/i.test(b.trim())))[0];
  if (named) return named[0];
  const text = usable.find(([, values]) => !isNumberColumn(values));
  if (text) return text[0];
  let best: { name: string; groups: number } | null = null;
  for (const [name, values] of usable) {
    const groups = new Set(values).size;
    if (!best || groups < best.groups) best = { name, groups };
  }
  return best?.name ?? null;
}
