import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';

function sameKind(data: Float32Array | Float64Array, length: number): Float32Array | Float64Array {
  return data instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
}

function checkIndices(what: string, indices: readonly number[], size: number): void {
  for (const k of indices) {
    if (!Number.isInteger(k) || k < 0 || k >= size) {
      throw new BcnmfError('INVALID_OPTION', `${what} index ${k} is outside 0..${size - 1}`);
    }
  }
}

/**
 * The columns at the given indices, in the given order (names carried along); dense or CSR.
 *
 * @example
 * selectColumns(DenseMatrix.fromRows([[1, 2, 3]]), [2, 0]).toArray(); // [[3, 1]]
 */
export function selectColumns(m: DenseMatrix, indices: readonly number[]): DenseMatrix;
export function selectColumns(m: CsrMatrix, indices: readonly number[]): CsrMatrix;
export function selectColumns(m: DenseMatrix | CsrMatrix, indices: readonly number[]): DenseMatrix | CsrMatrix;
export function selectColumns(m: DenseMatrix | CsrMatrix, indices: readonly number[]): DenseMatrix | CsrMatrix {
  checkIndices('column', indices, m.columns);
  if (m instanceof CsrMatrix) return m.selectColumns(indices);
  const n = indices.length;
  const out = sameKind(m.data, m.rows * n);
  for (let i = 0; i < m.rows; i++) {
    const base = i * m.columns;
    for (let j = 0; j < n; j++) out[i * n + j] = m.data[base + indices[j]];
  }
  return new DenseMatrix({
    data: out,
    shape: [m.rows, n],
    rowNames: m.rowNames,
    columnNames: m.columnNames === undefined ? undefined : indices.map((k) => m.columnNames![k]),
  });
}

/**
 * The rows at the given indices, in the given order (names carried along); dense or CSR.
 *
 * @example
 * selectRows(DenseMatrix.fromRows([[1], [2], [3]]), [2, 0]).toArray(); // [[3], [1]]
 */
export function selectRows(m: DenseMatrix, indices: readonly number[]): DenseMatrix;
export function selectRows(m: CsrMatrix, indices: readonly number[]): CsrMatrix;
export function selectRows(m: DenseMatrix | CsrMatrix, indices: readonly number[]): DenseMatrix | CsrMatrix;
export function selectRows(m: DenseMatrix | CsrMatrix, indices: readonly number[]): DenseMatrix | CsrMatrix {
  checkIndices('row', indices, m.rows);
  if (m instanceof CsrMatrix) return m.selectRows(indices);
  const c = m.columns;
  const out = sameKind(m.data, indices.length * c);
  indices.forEach((k, i) => out.set(m.data.subarray(k * c, (k + 1) * c), i * c));
  return new DenseMatrix({
    data: out,
    shape: [indices.length, c],
    rowNames: m.rowNames === undefined ? undefined : indices.map((k) => m.rowNames![k]),
    columnNames: m.columnNames,
  });
}

/** Options of {@link selectFeatures}. */
export interface SelectFeaturesOptions {
  /**
   * `'matrix'` (default): keep the matrix's column order; `'list'`: the order of `names`.
   */
  order?: 'matrix' | 'list';
  /** What to do with names the matrix lacks: `'ignore'` (default) or `'error'` (INVALID_DATA). */
  onMissing?: 'ignore' | 'error';
}

/** What {@link selectFeatures} returns. */
export interface SelectFeaturesResult<M extends DenseMatrix | CsrMatrix = DenseMatrix> {
  /** The matrix restricted to the kept features (same kind as the input). */
  matrix: M;
  /** Requested names the matrix does not have, in the order of the list. */
  missing: string[];
}

/** Index of each column name; refuses unnamed columns and duplicate names. */
export function columnIndex(m: DenseMatrix | CsrMatrix, what = 'matrix'): Map<string, number> {
  if (m.columnNames === undefined) {
    throw new BcnmfError('INVALID_DATA', `the ${what} has no column (feature) names`);
  }
  const index = new Map<string, number>();
  m.columnNames.forEach((name, j) => {
    if (index.has(name)) throw new BcnmfError('INVALID_DATA', `the ${what} has the feature name "${name}" more than once`);
    index.set(name, j);
  });
  return index;
}

/**
 * Keeps the features (columns) whose names are in `names`, e.g. the protein-coding genes;
 * dense or CSR.
 *
 * @example
 * const m = DenseMatrix.fromRows([[1, 2, 3]], { columnNames: ['A', 'B', 'C'] });
 * const r = selectFeatures(m, ['C', 'A', 'Z']);
 * r.matrix.columnNames; // ['A', 'C']
 * r.missing;            // ['Z']
 */
export function selectFeatures<M extends DenseMatrix | CsrMatrix>(
  m: M,
  names: Iterable<string>,
  options: SelectFeaturesOptions = {},
): SelectFeaturesResult<M> {
  const index = columnIndex(m);
  const order = options.order ?? 'matrix';
  const missing: string[] = [];
  const wanted = new Set<string>();
  const listed: number[] = [];
  for (const name of names) {
    if (wanted.has(name)) continue;
    wanted.add(name);
    const j = index.get(name);
    if (j === undefined) missing.push(name);
    else listed.push(j);
  }
  if (missing.length > 0 && options.onMissing === 'error') {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', ...' : '');
    throw new BcnmfError('INVALID_DATA', `${missing.length} requested features are not in the matrix: ${shown}`);
  }
  const indices = order === 'list' ? listed : [...listed].sort((a, b) => a - b);
  return { matrix: selectColumns(m, indices) as M, missing };
}
