import { checkSameLength, encodeLabels, type Label } from './labels.js';

/** The result of {@link contingencyTable}. */
export interface ContingencyTable {
  /** Distinct values of `labelsTrue`, sorted (numbers ascending, then strings). */
  classes: Label[];
  /** Distinct values of `labelsPred`, sorted the same way. */
  clusters: Label[];
  /** `counts[i][j]`: how many samples have class `classes[i]` and cluster `clusters[j]`. */
  counts: number[][];
}

/** @internal A contingency table kept sparse: only non-zero cells, row-major order. */
export interface SparseContingency {
  n: number;
  nClasses: number;
  nClusters: number;
  /** Row index, column index and count of each non-zero cell, sorted row-major. */
  rowIndex: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
  /** Samples per class (row sums) and per cluster (column sums). */
  rowSums: Float64Array;
  colSums: Float64Array;
  classes: Label[];
  clusters: Label[];
}

/** @internal Validates both labelings and counts the non-zero cells of their contingency table. */
export function sparseContingency(labelsTrue: ArrayLike<Label>, labelsPred: ArrayLike<Label>): SparseContingency {
  if (labelsTrue != null && labelsPred != null && typeof labelsTrue === 'object' && typeof labelsPred === 'object') {
    checkSameLength(labelsTrue, labelsPred, 'labelsTrue', 'labelsPred');
  }
  const t = encodeLabels(labelsTrue, 'labelsTrue');
  const p = encodeLabels(labelsPred, 'labelsPred');
  const n = t.codes.length;
  const nClasses = t.values.length;
  const nClusters = p.values.length;
  const cells = new Map<number, number>();
  const rowSums = new Float64Array(nClasses);
  const colSums = new Float64Array(nClusters);
  for (let s = 0; s < n; s++) {
    const i = t.codes[s];
    const j = p.codes[s];
    const key = i * nClusters + j;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rowSums[i] += 1;
    colSums[j] += 1;
  }
  const keys = [...cells.keys()].sort((a, b) => a - b);
  const rowIndex = new Int32Array(keys.length);
  const colIndex = new Int32Array(keys.length);
  const values = new Float64Array(keys.length);
  keys.forEach((key, c) => {
    rowIndex[c] = Math.floor(key / nClusters);
    colIndex[c] = key % nClusters;
    values[c] = cells.get(key)!;
  });
  return { n, nClasses, nClusters, rowIndex, colIndex, values, rowSums, colSums, classes: t.values, clusters: p.values };
}

/**
 * The contingency table of two labelings (scikit-learn's `contingency_matrix`, dense),
 * with the class and cluster values that its rows and columns stand for.
 *
 * @param labelsTrue - reference labels, numbers or strings
 * @param labelsPred - cluster labels, numbers or strings, as many as `labelsTrue`
 * @throws {MetricsError} `INVALID_DATA` for empty or mismatched labelings or bad labels
 *
 * @example
 * contingencyTable(['a', 'a', 'b', 'b'], [0, 1, 1, 1]);
 * // { classes: ['a', 'b'], clusters: [0, 1], counts: [[1, 1], [0, 2]] }
 */
export function contingencyTable(labelsTrue: ArrayLike<Label>, labelsPred: ArrayLike<Label>): ContingencyTable {
  const c = sparseContingency(labelsTrue, labelsPred);
  const counts = Array.from({ length: c.nClasses }, () => new Array<number>(c.nClusters).fill(0));
  for (let e = 0; e < c.values.length; e++) counts[c.rowIndex[e]][c.colIndex[e]] = c.values[e];
  return { classes: c.classes, clusters: c.clusters, counts };
}
