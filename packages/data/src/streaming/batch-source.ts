import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';

/**
 * A data matrix (samples x features) read in row batches without loading it whole.
 *
 * `@bcnmf/core` declares the same shape structurally (core does not depend on this
 * package), so any object of this shape can be passed to core's minibatch training.
 *
 * @example
 * const source = await openH5adSource('big.h5ad');
 * source.rows;                              // 1000000
 * const batch = await source.readRows(0, 4096); // CsrMatrix, 4096 x source.columns
 * await source.close();
 */
export interface BatchSource {
  readonly rows: number;
  readonly columns: number;
  readonly columnNames?: readonly string[];
  /** Optional; absent for huge sources unless asked for. */
  readonly rowNames?: readonly string[];
  /** What the source is (its file, say), added by core to the messages about its data. */
  readonly name?: string;
  /**
   * Reads rows [start, start + count) as one batch: a CsrMatrix (or DenseMatrix) with
   * `count` rows and `columns` columns. Batches may be requested in any order and more
   * than once (once per epoch); each call reads from disk again (no caching of the whole).
   */
  readRows(start: number, count: number): Promise<CsrMatrix | DenseMatrix>;
  /** Frees file handles (and removes the source's temporary files). */
  close(): Promise<void>;
}

/** Row names are kept by default only up to this many rows (about 100 bytes each). */
export const ROW_NAMES_LIMIT = 100_000;

/**
 * Refuses (INVALID_OPTION) a row range that is not `0 <= start`, `0 <= count`,
 * `start + count <= rows` in integers, and a closed source.
 */
export function checkRowRange(what: string, rows: number, start: number, count: number, closed: boolean): void {
  if (closed) throw new BcnmfError('INVALID_OPTION', `${what}: the source is closed`);
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > rows) {
    throw new BcnmfError(
      'INVALID_OPTION',
      `${what}: cannot read rows [${start}, ${start} + ${count}) of ${rows}; start and count must be non-negative integers with start + count <= ${rows}`,
    );
  }
}

/** Row pointers for `count` rows from absolute positions `offsets[start..start+count]`, rebased to 0. */
export function rebasedIndptr(offsets: ArrayLike<number>, start: number, count: number): Int32Array | Float64Array {
  const base = offsets[start];
  const nnz = offsets[start + count] - base;
  const out = nnz > 2147483647 ? new Float64Array(count + 1) : new Int32Array(count + 1);
  for (let k = 0; k <= count; k++) out[k] = offsets[start + k] - base;
  return out;
}

/** Names `start .. start + count - 1` of a list, or undefined. */
export function sliceNames(names: readonly string[] | undefined, start: number, count: number): readonly string[] | undefined {
  return names === undefined ? undefined : names.slice(start, start + count);
}

/**
 * An in-memory matrix as a {@link BatchSource}: `readRows` returns a copy of the rows
 * (CSR stays CSR, dense stays dense), names kept. For tests, and for data that fit in
 * memory but go through the same minibatch code as data on disk.
 *
 * @example
 * const source = matrixSource(DenseMatrix.fromRows([[1, 0], [0, 2], [3, 1]]));
 * (await source.readRows(1, 2)).toArray(); // [[0, 2], [3, 1]]  (a DenseMatrix)
 */
export function matrixSource(matrix: DenseMatrix | CsrMatrix): BatchSource {
  if (!(matrix instanceof DenseMatrix) && !(matrix instanceof CsrMatrix)) {
    throw new BcnmfError('INVALID_DATA', 'matrixSource needs a DenseMatrix or a CsrMatrix');
  }
  let closed = false;
  const source: BatchSource = {
    rows: matrix.rows,
    columns: matrix.columns,
    ...(matrix.columnNames !== undefined ? { columnNames: matrix.columnNames } : {}),
    ...(matrix.rowNames !== undefined ? { rowNames: matrix.rowNames } : {}),
    async readRows(start: number, count: number): Promise<CsrMatrix | DenseMatrix> {
      checkRowRange('matrixSource', matrix.rows, start, count, closed);
      const rowNames = sliceNames(matrix.rowNames, start, count);
      if (matrix instanceof DenseMatrix) {
        const c = matrix.columns;
        return new DenseMatrix({
          data: matrix.data.slice(start * c, (start + count) * c),
          shape: [count, c],
          rowNames,
          columnNames: matrix.columnNames,
        });
      }
      const a = matrix.indptr[start];
      const b = matrix.indptr[start + count];
      return new CsrMatrix({
        indptr: rebasedIndptr(matrix.indptr, start, count),
        indices: matrix.indices.slice(a, b),
        data: matrix.data.slice(a, b),
        shape: [count, matrix.columns],
        rowNames,
        columnNames: matrix.columnNames,
      });
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
  return source;
}
