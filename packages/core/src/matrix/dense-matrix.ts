import { BcnmfError } from '../errors.js';

/** Row-major storage of a dense matrix. */
export type DenseData = Float32Array | Float64Array;

/** Construction options of a {@link DenseMatrix}. */
export interface DenseMatrixInit {
  /** Row-major values, `rows * columns` long. */
  data: DenseData;
  /** `[rows, columns]`. */
  shape: readonly [number, number];
  /** Optional names of the rows (samples), `rows` long. */
  rowNames?: readonly string[] | undefined;
  /** Optional names of the columns (features), `columns` long. */
  columnNames?: readonly string[] | undefined;
}

/** How a value that should have been a number is named in a message. */
export function describeNonNumber(value: unknown): string {
  if (value === null) return 'null (JSON writes NaN and Infinity as null; a missing value must be NaN)';
  if (value === undefined) return 'undefined (a hole in the array?)';
  if (typeof value === 'string') return `the text '${value.length > 20 ? `${value.slice(0, 20)}...` : value}'`;
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'no constructor'})`;
  return `a ${typeof value} (${String(value)})`;
}

/**
 * A dense row-major matrix with optional row and column names: the matrix type that
 * every bcnmf package exchanges. Rows are samples and columns are features, as in
 * scikit-learn and AnnData.
 *
 * @example
 * const m = DenseMatrix.fromRows([[1, 2], [3, 4]], { columnNames: ['a', 'b'] });
 * m.get(1, 0); // 3
 * m.shape; // [2, 2]
 */
export class DenseMatrix {
  readonly data: DenseData;
  readonly rows: number;
  readonly columns: number;
  readonly rowNames: readonly string[] | undefined;
  readonly columnNames: readonly string[] | undefined;

  constructor(init: DenseMatrixInit) {
    const [rows, columns] = init.shape;
    if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 0 || columns < 0) {
      throw new BcnmfError('INVALID_DATA', `matrix shape must be two non-negative integers, got [${rows}, ${columns}]`);
    }
    if (init.data.length !== rows * columns) {
      throw new BcnmfError(
        'INVALID_DATA',
        `matrix data has ${init.data.length} values but shape [${rows}, ${columns}] needs ${rows * columns}`,
      );
    }
    if (init.rowNames !== undefined && init.rowNames.length !== rows) {
      throw new BcnmfError('INVALID_DATA', `${init.rowNames.length} row names for ${rows} rows`);
    }
    if (init.columnNames !== undefined && init.columnNames.length !== columns) {
      throw new BcnmfError('INVALID_DATA', `${init.columnNames.length} column names for ${columns} columns`);
    }
    this.data = init.data;
    this.rows = rows;
    this.columns = columns;
    this.rowNames = init.rowNames;
    this.columnNames = init.columnNames;
  }

  /** A matrix from an array of equally long rows (copied into a Float64Array). */
  static fromRows(
    rows: readonly (readonly number[])[],
    names: { rowNames?: readonly string[]; columnNames?: readonly string[] } = {},
  ): DenseMatrix {
    const columns = rows.length > 0 ? rows[0].length : 0;
    const data = new Float64Array(rows.length * columns);
    rows.forEach((row, i) => {
      if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
        throw new BcnmfError('INVALID_DATA', `row ${i} is not an array`);
      }
      if (row.length !== columns) {
        throw new BcnmfError('INVALID_DATA', `row ${i} has ${row.length} values but row 0 has ${columns}`);
      }
      for (let j = 0; j < columns; j++) {
        const v = row[j];
        // no silent coercion: null (JSON's NaN) would become 0, '' 0 and true 1
        if (typeof v !== 'number') throw new BcnmfError('INVALID_DATA', `row ${i}, column ${j} is ${describeNonNumber(v)}, not a number`);
        data[i * columns + j] = v;
      }
    });
    return new DenseMatrix({ data, shape: [rows.length, columns], ...names });
  }

  /** `[rows, columns]`. */
  get shape(): [number, number] {
    return [this.rows, this.columns];
  }

  /** The value at row `i`, column `j`. */
  get(i: number, j: number): number {
    return this.data[i * this.columns + j];
  }

  /** Row `i` as a view (no copy). */
  row(i: number): DenseData {
    return this.data.subarray(i * this.columns, (i + 1) * this.columns);
  }

  /** Column `j` as a new array. */
  column(j: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.columns + j];
    return out;
  }

  /** The values as an array of rows. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** The transpose, names swapped. */
  transpose(): DenseMatrix {
    const data = new (this.data.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(this.data.length);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.columns; j++) data[j * this.rows + i] = this.data[i * this.columns + j];
    }
    return new DenseMatrix({
      data,
      shape: [this.columns, this.rows],
      rowNames: this.columnNames,
      columnNames: this.rowNames,
    });
  }

  /** The same values with other names. */
  withNames(names: { rowNames?: readonly string[] | undefined; columnNames?: readonly string[] | undefined }): DenseMatrix {
    return new DenseMatrix({
      data: this.data,
      shape: this.shape,
      rowNames: 'rowNames' in names ? names.rowNames : this.rowNames,
      columnNames: 'columnNames' in names ? names.columnNames : this.columnNames,
    });
  }
}
