import { resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import type { Dataset, File as H5File, Group } from 'h5wasm/node';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import type { BatchSource } from './batch-source.js';
import { checkRowRange, rebasedIndptr, ROW_NAMES_LIMIT, sliceNames } from './batch-source.js';
import { checkHdf5File, h5ready } from '../formats/h5-node.js';
import { indexNames } from '../formats/h5ad-read.js';
import { attr, checkReadable, h5error, indexName, isDataset, isGroup, toFloat, toInt32, toNumbers } from '../formats/h5-util.js';

/** Options of {@link openH5adSource}. */
export interface H5adSourceOptions {
  /** Value type of the batches. Default: `'float32'` when X is stored as float32, else `'float64'` (as `readH5ad`). */
  dtype?: 'float32' | 'float64';
  /**
   * Read obs_names as `rowNames` (and name the rows of each batch). Default: only when the
   * file has at most 100,000 rows (`ROW_NAMES_LIMIT`).
   */
  rowNames?: boolean;
}

/**
 * Opens the `X` of an AnnData `.h5ad` file as a {@link BatchSource}, without reading it
 * whole. CSR X (`csr_matrix`, rows = obs): `X/indptr` is read once (rows + 1 numbers) and
 * each batch reads only its part of `X/indices` and `X/data` (HDF5 hyperslabs through
 * h5wasm's `Dataset.slice`), returning a {@link CsrMatrix}. Dense X: each batch reads its
 * rows, returning a {@link DenseMatrix}. var_names become `columnNames`; obs_names become
 * `rowNames` when the file has at most 100,000 rows or `rowNames: true` is passed.
 *
 * CSC X (`csc_matrix`) is refused: row batches of a CSC matrix would read the whole file
 * every time. Convert it once, in Python `ad = anndata.read_h5ad(p); ad.X = ad.X.tocsr();
 * ad.write_h5ad(p2)`, or here with `readH5ad` + `writeH5ad` (which writes CSR) when it
 * fits in memory.
 *
 * Refused with BcnmfError('INVALID_DATA') naming the file and element: a missing file, a
 * file that is not HDF5, no X, an X whose arrays disagree with its shape or whose indptr
 * is not non-decreasing from 0 to nnz, obs / var indexes of the wrong length; a batch
 * whose column indices are out of range is refused when it is read.
 *
 * @example
 * const source = await openH5adSource('big.h5ad');
 * source.rows; source.columns;               // 1000000, 2000
 * const batch = await source.readRows(4096, 4096); // CsrMatrix 4096 x 2000
 * await source.close();
 */
export async function openH5adSource(path: string, options: H5adSourceOptions = {}): Promise<BatchSource> {
  const requested = options.dtype;
  if (requested !== undefined && requested !== 'float32' && requested !== 'float64') {
    throw new BcnmfError('INVALID_OPTION', `dtype must be 'float32' or 'float64', got ${JSON.stringify(requested)}`);
  }
  await h5ready();
  checkHdf5File(path);
  let file: H5File;
  try {
    file = new h5wasm.File(resolve(path), 'r');
  } catch (error) {
    throw h5error(path, 'opening the file', error);
  }
  try {
    return openX(file, path, options);
  } catch (error) {
    file.close();
    throw h5error(path, 'reading', error);
  }
}

function frameIndex(file: H5File, name: 'obs' | 'var', length: number, path: string): string[] {
  const node = file.get(name);
  if (node === null || node === undefined) return Array.from({ length }, (_, k) => String(k));
  if (!isGroup(node)) {
    throw new BcnmfError('INVALID_DATA', `${path}: ${name} is not a group (a file written by anndata before 0.7 is not supported)`);
  }
  const key = indexName(node);
  const index = node.get(key);
  const read = indexNames(index, path, `${name}/${key}`);
  if (read === undefined) return Array.from({ length }, (_, k) => String(k));
  const names = read;
  if (names.length !== length) {
    throw new BcnmfError('INVALID_DATA', `${path}: ${name}/${key} (the index) has ${names.length} values but X has ${length} ${name === 'obs' ? 'rows' : 'columns'}`);
  }
  return names;
}

/** Length of a dataset's first dimension, checking it has the given number of dimensions. */
function datasetLength(d: Dataset, dims: number, path: string, where: string): number[] {
  const shape = d.shape ?? [];
  if (shape.length !== dims) throw new BcnmfError('INVALID_DATA', `${path}: ${where} has ${shape.length} dimension(s); expected ${dims}`);
  return shape;
}

function kindOf(d: Dataset, requested: H5adSourceOptions['dtype']): 'float32' | 'float64' {
  const m = d.metadata;
  return requested ?? (m.type === FLOAT_CLASS && m.size === 4 ? 'float32' : 'float64');
}

/** H5T_FLOAT, the HDF5 type class of floating-point data. */
const FLOAT_CLASS = 1;

function openX(file: H5File, path: string, options: H5adSourceOptions): BatchSource {
  const x = file.get('X');
  if (x === null || x === undefined) throw new BcnmfError('INVALID_DATA', `${path}: the file has no X (the AnnData data matrix)`);
  let rows: number;
  let columns: number;
  let read: (start: number, count: number) => CsrMatrix | DenseMatrix;
  if (isDataset(x)) {
    [rows, columns] = datasetLength(x, 2, path, 'X');
    checkReadable(x, path, 'X');
    const kind = kindOf(x, options.dtype);
    read = (start, count) => {
      const values = count === 0 || columns === 0 ? new Float64Array(0) : x.slice([[start, start + count], [0, columns]]);
      return new DenseMatrix({ data: toFloat(values, kind, path, 'X'), shape: [count, columns] });
    };
  } else if (isGroup(x)) {
    const opened = openSparse(x, path, options);
    rows = opened.rows;
    columns = opened.columns;
    read = opened.read;
  } else {
    throw new BcnmfError('INVALID_DATA', `${path}: X is neither a dataset nor a group`);
  }
  const columnNames = frameIndex(file, 'var', columns, path);
  const wantNames = options.rowNames ?? rows <= ROW_NAMES_LIMIT;
  const rowNames = wantNames ? frameIndex(file, 'obs', rows, path) : undefined;
  let closed = false;
  return {
    rows,
    columns,
    columnNames,
    ...(rowNames !== undefined ? { rowNames } : {}),
    async readRows(start: number, count: number): Promise<CsrMatrix | DenseMatrix> {
      checkRowRange(path, rows, start, count, closed);
      let batch: CsrMatrix | DenseMatrix;
      try {
        batch = read(start, count);
      } catch (error) {
        if (error instanceof BcnmfError) throw error;
        throw h5error(path, `reading X rows ${start}..${start + count - 1}`, error);
      }
      return batch.withNames({ rowNames: sliceNames(rowNames, start, count), columnNames });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      file.close();
    },
  };
}

function openSparse(
  x: Group,
  path: string,
  options: H5adSourceOptions,
): { rows: number; columns: number; read: (start: number, count: number) => CsrMatrix } {
  let encoding = attr(x, 'encoding-type');
  let shapeAttr = attr(x, 'shape');
  if (encoding === undefined) {
    const legacy = attr(x, 'h5sparse_format'); // anndata < 0.7
    if (legacy === 'csr' || legacy === 'csc') encoding = `${legacy}_matrix`;
    shapeAttr = attr(x, 'h5sparse_shape');
  }
  if (encoding === 'csc_matrix') {
    throw new BcnmfError(
      'INVALID_DATA',
      `${path}: X is stored as csc_matrix (by column); reading it in row batches needs CSR (csr_matrix). ` +
        `Convert it once: in Python "ad = anndata.read_h5ad(path); ad.X = ad.X.tocsr(); ad.write_h5ad(new_path)", ` +
        `or, when it fits in memory, readH5ad + writeH5ad from @bcnmf/data (which write CSR)`,
    );
  }
  if (encoding !== 'csr_matrix') {
    throw new BcnmfError('INVALID_DATA', `${path}: X is a group with encoding-type ${JSON.stringify(encoding)}; expected csr_matrix`);
  }
  const shape = toNumbers(shapeAttr);
  if (shape.length !== 2 || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new BcnmfError('INVALID_DATA', `${path}: X (csr_matrix) has no 2-element shape attribute`);
  }
  const [rows, columns] = shape;
  const part = (name: string): Dataset => {
    const d = x.get(name);
    if (!isDataset(d)) throw new BcnmfError('INVALID_DATA', `${path}: X (csr_matrix) has no ${name} dataset`);
    checkReadable(d, path, `X/${name}`);
    return d;
  };
  const dataSet = part('data');
  const indicesSet = part('indices');
  const indptrSet = part('indptr');
  const [nnz] = datasetLength(dataSet, 1, path, 'X/data');
  const [nIndices] = datasetLength(indicesSet, 1, path, 'X/indices');
  const [nIndptr] = datasetLength(indptrSet, 1, path, 'X/indptr');
  if (nIndices !== nnz) throw new BcnmfError('INVALID_DATA', `${path}: X/indices has ${nIndices} entries but X/data has ${nnz}`);
  if (nIndptr !== rows + 1) throw new BcnmfError('INVALID_DATA', `${path}: X/indptr has ${nIndptr} entries but X's ${rows} rows need ${rows + 1}`);
  const raw = indptrSet.value as unknown;
  if (!ArrayBuffer.isView(raw)) throw new BcnmfError('INVALID_DATA', `${path}: X/indptr is not an integer array`);
  const pointers = toFloat(raw, 'float64', path, 'X/indptr') as Float64Array;
  if (pointers[0] !== 0) throw new BcnmfError('INVALID_DATA', `${path}: X/indptr[0] must be 0, got ${pointers[0]}`);
  for (let i = 0; i < rows; i++) {
    if (!(pointers[i + 1] >= pointers[i]) || !Number.isInteger(pointers[i + 1])) {
      throw new BcnmfError('INVALID_DATA', `${path}: X/indptr must be non-decreasing integers: indptr[${i}] = ${pointers[i]}, indptr[${i + 1}] = ${pointers[i + 1]}`);
    }
  }
  if (pointers[rows] !== nnz) throw new BcnmfError('INVALID_DATA', `${path}: X/indptr ends at ${pointers[rows]} but X/data has ${nnz} entries`);
  const kind = kindOf(dataSet, options.dtype);
  const read = (start: number, count: number): CsrMatrix => {
    const a = pointers[start];
    const b = pointers[start + count];
    const indices = b > a ? toInt32(indicesSet.slice([[a, b]]), path, `X/indices[${a}..${b - 1}]`) : new Int32Array(0);
    const data = b > a ? toFloat(dataSet.slice([[a, b]]), kind, path, 'X/data') : kind === 'float32' ? new Float32Array(0) : new Float64Array(0);
    for (let i = 0; i < count; i++) {
      for (let p = pointers[start + i] - a; p < pointers[start + i + 1] - a; p++) {
        const c = indices[p];
        if (c < 0 || c >= columns) {
          throw new BcnmfError('INVALID_DATA', `${path}: X/indices[${a + p}] = ${c} (row ${start + i}) is outside 0..${columns - 1}`);
        }
      }
    }
    try {
      return new CsrMatrix({ indptr: rebasedIndptr(pointers, start, count), indices, data, shape: [count, columns] });
    } catch (error) {
      // the batch's rows count from 0: name the file and the row of X
      if (error instanceof BcnmfError && /^CSR row \d+ /.test(error.message)) {
        throw new BcnmfError('INVALID_DATA', `${path}: X ${error.message.replace(/^CSR row (\d+)/, (_, i: string) => `row ${start + Number(i)}`)} (0-based)`);
      }
      throw error;
    }
  };
  return { rows, columns, read };
}
