import { CsrMatrix } from './csr-matrix.js';
import { DenseMatrix } from './dense-matrix.js';

/**
 * A data matrix (samples x features) read in row batches, without holding it whole: the
 * input of minibatch fits on data bigger than memory. `@bcnmf/data` opens .h5ad, 10x and
 * CSV files as batch sources; {@link matrixBatchSource} wraps a matrix in memory.
 */
export interface BatchSource {
  readonly rows: number;
  readonly columns: number;
  readonly columnNames?: readonly string[];
  readonly rowNames?: readonly string[];
  /** What the source is (its file, say), added to the messages about its data: "background (cells.h5ad) has ...". */
  readonly name?: string;
  /** Rows [start, start + count) as a matrix of `count` rows; any order, any number of times. */
  readRows(start: number, count: number): Promise<DenseMatrix | CsrMatrix>;
  /** Frees what the source holds (file handles, temporary files). */
  close?(): Promise<void>;
}

/** Whether `value` is a {@link BatchSource} (anything with rows, columns and readRows). */
export function isBatchSource(value: unknown): value is BatchSource {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as BatchSource).readRows === 'function' &&
    typeof (value as BatchSource).rows === 'number' &&
    typeof (value as BatchSource).columns === 'number'
  );
}

/**
 * A matrix in memory as a {@link BatchSource}: dense batches are views (no copy), CSR
 * batches share the index and value arrays.
 *
 * @example
 * const source = matrixBatchSource(DenseMatrix.fromRows([[1, 2], [3, 4], [5, 6]]));
 * (await source.readRows(1, 2)).toArray(); // [[3, 4], [5, 6]]
 */
export function matrixBatchSource(matrix: DenseMatrix | CsrMatrix): BatchSource {
  const { rows, columns, columnNames, rowNames } = matrix;
  return {
    rows,
    columns,
    ...(columnNames ? { columnNames } : {}),
    ...(rowNames ? { rowNames } : {}),
    async readRows(start: number, count: number) {
      if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > rows) {
        throw new RangeError(`rows [${start}, ${start + count}) are outside 0..${rows}`);
      }
      if (matrix instanceof DenseMatrix) {
        return new DenseMatrix({ data: matrix.data.subarray(start * columns, (start + count) * columns), shape: [count, columns] });
      }
      const first = Number(matrix.indptr[start]);
      const last = Number(matrix.indptr[start + count]);
      const indptr = new Int32Array(count + 1);
      for (let i = 0; i <= count; i++) indptr[i] = Number(matrix.indptr[start + i]) - first;
      return new CsrMatrix({
        indptr,
        indices: matrix.indices.subarray(first, last),
        data: matrix.data.subarray(first, last),
        shape: [count, columns],
      });
    },
  };
}
