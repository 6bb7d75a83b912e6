import { BcnmfError } from '../errors.js';
import { DenseMatrix } from './dense-matrix.js';
import type { DenseData } from './dense-matrix.js';

/** Row pointers of a {@link CsrMatrix}: Int32Array, or Float64Array once nnz exceeds 2^31 - 1. */
export type CsrIndptr = Int32Array | Float64Array;

/** Stored values of a {@link CsrMatrix}. */
export type SparseData = Float32Array | Float64Array;

/** Construction options of a {@link CsrMatrix}. */
export interface CsrMatrixInit {
  /** `rows + 1` row pointers: row `i` holds entries `indptr[i] .. indptr[i + 1] - 1`. */
  indptr: CsrIndptr;
  /** Column index of each stored entry, `nnz` long. */
  indices: Int32Array;
  /** Value of each stored entry, `nnz` long. */
  data: SparseData;
  /** `[rows, columns]`. */
  shape: readonly [number, number];
  /** Optional names of the rows (samples), `rows` long. */
  rowNames?: readonly string[] | undefined;
  /** Optional names of the columns (features), `columns` long. */
  columnNames?: readonly string[] | undefined;
}

/** Options of {@link CsrMatrix.fromCoo}. */
export interface FromCooOptions {
  /**
   * Entries at the same (row, column) are added together when true; when false a repeated
   * position is refused with `INVALID_DATA`. Default: `true` (as scipy.sparse does).
   */
  sumDuplicates?: boolean;
  /** Storage of the values. Default: `'float32'` when `values` is a Float32Array, else `'float64'`. */
  dtype?: 'float32' | 'float64';
  rowNames?: readonly string[] | undefined;
  columnNames?: readonly string[] | undefined;
}

const INT32_MAX = 2147483647;

function allocIndptr(length: number, nnz: number): CsrIndptr {
  return nnz > INT32_MAX ? new Float64Array(length) : new Int32Array(length);
}

function allocData(kind: 'float32' | 'float64', length: number): SparseData {
  return kind === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

function dataKind(data: DenseData | SparseData): 'float32' | 'float64' {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

/**
 * A compressed sparse row (CSR) matrix with optional row and column names: the sparse
 * counterpart of {@link DenseMatrix} (rows are samples, columns features, as in
 * scipy.sparse.csr_matrix and AnnData's `X`).
 *
 * The constructor takes the given arrays over (no copy) and checks them: `indptr` starts
 * at 0, never decreases and ends at `nnz`; every column index is in range. Rows whose
 * column indices are not increasing are sorted in place; a column repeated within a row
 * is refused. After construction the indices of every row are strictly increasing.
 *
 * @example
 * const m = CsrMatrix.fromCoo([0, 1, 1], [2, 0, 2], [5, 6, 7], [2, 3]);
 * m.nnz;                 // 3
 * Array.from(m.indptr);  // [0, 1, 3]
 * Array.from(m.indices); // [2, 0, 2]
 * m.toDense().toArray(); // [[0, 0, 5], [6, 0, 7]]
 * m.density;             // 0.5
 */
export class CsrMatrix {
  readonly indptr: CsrIndptr;
  readonly indices: Int32Array;
  readonly data: SparseData;
  readonly rows: number;
  readonly columns: number;
  readonly rowNames: readonly string[] | undefined;
  readonly columnNames: readonly string[] | undefined;

  constructor(init: CsrMatrixInit) {
    const [rows, columns] = init.shape;
    if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 0 || columns < 0) {
      throw new BcnmfError('INVALID_DATA', `sparse matrix shape must be two non-negative integers, got [${rows}, ${columns}]`);
    }
    const { indptr, indices, data } = init;
    if (!(indptr instanceof Int32Array) && !(indptr instanceof Float64Array)) {
      throw new BcnmfError('INVALID_DATA', 'CSR indptr must be an Int32Array or a Float64Array');
    }
    if (!(indices instanceof Int32Array)) {
      throw new BcnmfError('INVALID_DATA', 'CSR indices must be an Int32Array');
    }
    if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
      throw new BcnmfError('INVALID_DATA', 'CSR data must be a Float32Array or a Float64Array');
    }
    if (indptr.length !== rows + 1) {
      throw new BcnmfError('INVALID_DATA', `CSR indptr has ${indptr.length} entries but ${rows} rows need ${rows + 1}`);
    }
    if (indices.length !== data.length) {
      throw new BcnmfError('INVALID_DATA', `CSR indices has ${indices.length} entries but data has ${data.length}`);
    }
    if (indptr[0] !== 0) {
      throw new BcnmfError('INVALID_DATA', `CSR indptr[0] must be 0, got ${indptr[0]}`);
    }
    for (let i = 0; i < rows; i++) {
      const a = indptr[i];
      const b = indptr[i + 1];
      if (!(b >= a) || !Number.isInteger(b)) {
        throw new BcnmfError('INVALID_DATA', `CSR indptr must be non-decreasing integers: indptr[${i}] = ${a}, indptr[${i + 1}] = ${b}`);
      }
    }
    if (indptr[rows] !== indices.length) {
      throw new BcnmfError('INVALID_DATA', `CSR indptr ends at ${indptr[rows]} but there are ${indices.length} stored entries`);
    }
    if (init.rowNames !== undefined && init.rowNames.length !== rows) {
      throw new BcnmfError('INVALID_DATA', `${init.rowNames.length} row names for ${rows} rows`);
    }
    if (init.columnNames !== undefined && init.columnNames.length !== columns) {
      throw new BcnmfError('INVALID_DATA', `${init.columnNames.length} column names for ${columns} columns`);
    }
    for (let i = 0; i < rows; i++) {
      const start = indptr[i];
      const end = indptr[i + 1];
      let sorted = true;
      for (let p = start; p < end; p++) {
        const c = indices[p];
        if (c < 0 || c >= columns) {
          throw new BcnmfError('INVALID_DATA', `CSR column index ${c} in row ${i} is outside 0..${columns - 1}`);
        }
        if (p > start && c <= indices[p - 1]) sorted = false;
      }
      if (!sorted) {
        sortRow(indices, data, start, end);
        for (let p = start + 1; p < end; p++) {
          if (indices[p] === indices[p - 1]) {
            throw new BcnmfError('INVALID_DATA', `CSR row ${i} stores column ${indices[p]} more than once`);
          }
        }
      }
    }
    this.indptr = indptr;
    this.indices = indices;
    this.data = data;
    this.rows = rows;
    this.columns = columns;
    this.rowNames = init.rowNames;
    this.columnNames = init.columnNames;
  }

  /** `[rows, columns]`. */
  get shape(): [number, number] {
    return [this.rows, this.columns];
  }

  /** Number of stored entries (explicit zeros included). */
  get nnz(): number {
    return this.indices.length;
  }

  /** `nnz / (rows * columns)`; 0 for a matrix without cells. */
  get density(): number {
    const cells = this.rows * this.columns;
    return cells === 0 ? 0 : this.nnz / cells;
  }

  /** The value at row `i`, column `j` (0 where nothing is stored). */
  get(i: number, j: number): number {
    let lo = this.indptr[i];
    let hi = this.indptr[i + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.indices[mid];
      if (c === j) return this.data[mid];
      if (c < j) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Column indices and values of row `i`, as views (no copy). */
  row(i: number): { indices: Int32Array; values: SparseData } {
    const start = this.indptr[i];
    const end = this.indptr[i + 1];
    return { indices: this.indices.subarray(start, end), values: this.data.subarray(start, end) };
  }

  /**
   * The non-zero values of a dense matrix (NaN counts as non-zero and is kept).
   *
   * @example
   * CsrMatrix.fromDense(DenseMatrix.fromRows([[0, 1], [2, 0]])).nnz; // 2
   */
  static fromDense(matrix: DenseMatrix): CsrMatrix {
    const { rows, columns, data: values } = matrix;
    let nnz = 0;
    for (let k = 0; k < values.length; k++) if (values[k] !== 0) nnz++;
    const indptr = allocIndptr(rows + 1, nnz);
    const indices = new Int32Array(nnz);
    const data = allocData(dataKind(values), nnz);
    let p = 0;
    for (let i = 0; i < rows; i++) {
      const base = i * columns;
      for (let j = 0; j < columns; j++) {
        const v = values[base + j];
        if (v !== 0) {
          indices[p] = j;
          data[p] = v;
          p++;
        }
      }
      indptr[i + 1] = p;
    }
    return new CsrMatrix({
      indptr,
      indices,
      data,
      shape: [rows, columns],
      rowNames: matrix.rowNames,
      columnNames: matrix.columnNames,
    });
  }

  /** The same values as a dense row-major matrix of the same value type, names kept. */
  toDense(): DenseMatrix {
    const out = allocData(dataKind(this.data), this.rows * this.columns);
    for (let i = 0; i < this.rows; i++) {
      const base = i * this.columns;
      for (let p = this.indptr[i]; p < this.indptr[i + 1]; p++) out[base + this.indices[p]] = this.data[p];
    }
    return new DenseMatrix({
      data: out,
      shape: [this.rows, this.columns],
      rowNames: this.rowNames,
      columnNames: this.columnNames,
    });
  }

  /**
   * A CSR matrix from coordinate (COO / triplet) form: entry `k` is `values[k]` at
   * (`rowIndices[k]`, `columnIndices[k]`), 0-based, in any order.
   *
   * @example
   * CsrMatrix.fromCoo([1, 0, 1], [0, 1, 0], [1, 2, 3], [2, 2]).toDense().toArray(); // [[0, 2], [4, 0]]
   */
  static fromCoo(
    rowIndices: ArrayLike<number>,
    columnIndices: ArrayLike<number>,
    values: ArrayLike<number>,
    shape: readonly [number, number],
    options: FromCooOptions = {},
  ): CsrMatrix {
    const [rows, columns] = shape;
    if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 0 || columns < 0) {
      throw new BcnmfError('INVALID_DATA', `sparse matrix shape must be two non-negative integers, got [${rows}, ${columns}]`);
    }
    const n = rowIndices.length;
    if (columnIndices.length !== n || values.length !== n) {
      throw new BcnmfError(
        'INVALID_DATA',
        `COO arrays differ in length: ${n} row indices, ${columnIndices.length} column indices, ${values.length} values`,
      );
    }
    const sumDuplicates = options.sumDuplicates ?? true;
    const kind = options.dtype ?? (values instanceof Float32Array ? 'float32' : 'float64');
    const counts = new Float64Array(rows + 1);
    for (let k = 0; k < n; k++) {
      const r = rowIndices[k];
      const c = columnIndices[k];
      if (!Number.isInteger(r) || r < 0 || r >= rows) {
        throw new BcnmfError('INVALID_DATA', `COO entry ${k}: row index ${r} is outside 0..${rows - 1}`);
      }
      if (!Number.isInteger(c) || c < 0 || c >= columns) {
        throw new BcnmfError('INVALID_DATA', `COO entry ${k}: column index ${c} is outside 0..${columns - 1}`);
      }
      counts[r + 1]++;
    }
    for (let i = 0; i < rows; i++) counts[i + 1] += counts[i];
    const next = counts.slice(0, rows);
    const indices = new Int32Array(n);
    const data = allocData(kind, n);
    for (let k = 0; k < n; k++) {
      const p = next[rowIndices[k]]++;
      indices[p] = columnIndices[k];
      data[p] = values[k];
    }
    // sort each row, then merge repeated columns
    const indptr = allocIndptr(rows + 1, n);
    let w = 0;
    for (let i = 0; i < rows; i++) {
      const start = counts[i];
      const end = counts[i + 1];
      let sorted = true;
      for (let p = start + 1; p < end; p++) {
        if (indices[p] <= indices[p - 1]) {
          sorted = false;
          break;
        }
      }
      if (!sorted) sortRow(indices, data, start, end);
      const rowStart = w;
      for (let p = start; p < end; p++) {
        if (w > rowStart && indices[w - 1] === indices[p]) {
          if (!sumDuplicates) {
            throw new BcnmfError('INVALID_DATA', `COO entries repeat position (${i}, ${indices[p]}) and sumDuplicates is false`);
          }
          data[w - 1] += data[p];
        } else {
          indices[w] = indices[p];
          data[w] = data[p];
          w++;
        }
      }
      indptr[i + 1] = w;
    }
    return new CsrMatrix({
      indptr,
      indices: w === n ? indices : indices.slice(0, w),
      data: w === n ? data : data.slice(0, w),
      shape: [rows, columns],
      rowNames: options.rowNames,
      columnNames: options.columnNames,
    });
  }

  /**
   * The transpose as a CSR matrix (equivalently: this matrix in CSC form), names swapped.
   * Use it to turn a CSC matrix (indptr over columns) into CSR: build the CSR of the
   * transposed shape from the CSC arrays, then transpose.
   */
  transpose(): CsrMatrix {
    const { rows, columns, nnz } = this;
    const indptr = allocIndptr(columns + 1, nnz);
    for (let p = 0; p < nnz; p++) indptr[this.indices[p] + 1]++;
    for (let j = 0; j < columns; j++) indptr[j + 1] += indptr[j];
    const next = Float64Array.from(indptr.subarray(0, columns));
    const indices = new Int32Array(nnz);
    const data = allocData(dataKind(this.data), nnz);
    for (let i = 0; i < rows; i++) {
      for (let p = this.indptr[i]; p < this.indptr[i + 1]; p++) {
        const q = next[this.indices[p]]++;
        indices[q] = i;
        data[q] = this.data[p];
      }
    }
    return new CsrMatrix({
      indptr,
      indices,
      data,
      shape: [columns, rows],
      rowNames: this.columnNames,
      columnNames: this.rowNames,
    });
  }

  /** The given rows, in the given order (repeats allowed), names kept. */
  selectRows(rowIndices: ArrayLike<number>): CsrMatrix {
    const m = rowIndices.length;
    let nnz = 0;
    for (let k = 0; k < m; k++) {
      const r = rowIndices[k];
      if (!Number.isInteger(r) || r < 0 || r >= this.rows) {
        throw new BcnmfError('INVALID_DATA', `row index ${r} is outside 0..${this.rows - 1}`);
      }
      nnz += this.indptr[r + 1] - this.indptr[r];
    }
    const indptr = allocIndptr(m + 1, nnz);
    const indices = new Int32Array(nnz);
    const data = allocData(dataKind(this.data), nnz);
    let w = 0;
    for (let k = 0; k < m; k++) {
      const r = rowIndices[k];
      const start = this.indptr[r];
      const end = this.indptr[r + 1];
      indices.set(this.indices.subarray(start, end), w);
      data.set(this.data.subarray(start, end), w);
      w += end - start;
      indptr[k + 1] = w;
    }
    return new CsrMatrix({
      indptr,
      indices,
      data,
      shape: [m, this.columns],
      rowNames: this.rowNames && Array.from({ length: m }, (_, k) => this.rowNames![rowIndices[k]]),
      columnNames: this.columnNames,
    });
  }

  /** The given columns, in the given order (repeats allowed), names kept. */
  selectColumns(columnIndices: ArrayLike<number>): CsrMatrix {
    const m = columnIndices.length;
    // for each old column, the new positions it goes to (CSR-like lists)
    const starts = new Int32Array(this.columns + 1);
    for (let k = 0; k < m; k++) {
      const c = columnIndices[k];
      if (!Number.isInteger(c) || c < 0 || c >= this.columns) {
        throw new BcnmfError('INVALID_DATA', `column index ${c} is outside 0..${this.columns - 1}`);
      }
      starts[c + 1]++;
    }
    for (let j = 0; j < this.columns; j++) starts[j + 1] += starts[j];
    const fill = starts.slice(0, this.columns);
    const targets = new Int32Array(m);
    for (let k = 0; k < m; k++) targets[fill[columnIndices[k]]++] = k;
    let nnz = 0;
    for (let p = 0; p < this.nnz; p++) {
      const c = this.indices[p];
      nnz += starts[c + 1] - starts[c];
    }
    const indptr = allocIndptr(this.rows + 1, nnz);
    const indices = new Int32Array(nnz);
    const data = allocData(dataKind(this.data), nnz);
    let w = 0;
    for (let i = 0; i < this.rows; i++) {
      const rowStart = w;
      for (let p = this.indptr[i]; p < this.indptr[i + 1]; p++) {
        const c = this.indices[p];
        for (let t = starts[c]; t < starts[c + 1]; t++) {
          indices[w] = targets[t];
          data[w] = this.data[p];
          w++;
        }
      }
      let sorted = true;
      for (let p = rowStart + 1; p < w; p++) {
        if (indices[p] <= indices[p - 1]) {
          sorted = false;
          break;
        }
      }
      if (!sorted) sortRow(indices, data, rowStart, w);
      indptr[i + 1] = w;
    }
    return new CsrMatrix({
      indptr,
      indices,
      data,
      shape: [this.rows, m],
      rowNames: this.rowNames,
      columnNames: this.columnNames && Array.from({ length: m }, (_, k) => this.columnNames![columnIndices[k]]),
    });
  }

  /** The same values with other names. */
  withNames(names: { rowNames?: readonly string[] | undefined; columnNames?: readonly string[] | undefined }): CsrMatrix {
    return new CsrMatrix({
      indptr: this.indptr,
      indices: this.indices,
      data: this.data,
      shape: this.shape,
      rowNames: 'rowNames' in names ? names.rowNames : this.rowNames,
      columnNames: 'columnNames' in names ? names.columnNames : this.columnNames,
    });
  }
}

/** Sorts entries start..end-1 by column index (stable), moving their values along. */
function sortRow(indices: Int32Array, data: SparseData, start: number, end: number): void {
  const len = end - start;
  if (len < 2) return;
  if (len <= 32) {
    for (let p = start + 1; p < end; p++) {
      const c = indices[p];
      const v = data[p];
      let q = p - 1;
      while (q >= start && indices[q] > c) {
        indices[q + 1] = indices[q];
        data[q + 1] = data[q];
        q--;
      }
      indices[q + 1] = c;
      data[q + 1] = v;
    }
    return;
  }
  const order = new Int32Array(len);
  for (let k = 0; k < len; k++) order[k] = k;
  const cols = indices.slice(start, end);
  const vals = data.slice(start, end);
  order.sort((a, b) => cols[a] - cols[b] || a - b);
  for (let k = 0; k < len; k++) {
    indices[start + k] = cols[order[k]];
    data[start + k] = vals[order[k]];
  }
}
