// Reading AnnData (.h5ad) from an open h5wasm file, with either build of h5wasm (Node's,
// on host paths, or the browser's, on its in-memory file system): the shared half of
// readH5ad (files, Node) and readH5adBytes (bytes, browsers). Imports no h5wasm and no
// Node module.
import type { Dataset, File as H5File, Group } from 'h5wasm';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { attr, checkReadable, h5error, indexName, isDataset, isGroup, toFloat, toInt32, toNumbers, toStrings } from './h5-util.js';

// ---------------------------------------------------------------------------------------
// Types

/** Numeric column storage. */
export type NumericValues = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;

/** One column of an obs / var table. */
export type H5adColumn =
  | { kind: 'numeric'; values: NumericValues }
  | { kind: 'string'; values: string[] }
  /** pandas Categorical: `codes[i]` indexes `categories`; -1 means missing. */
  | { kind: 'categorical'; codes: Int32Array; categories: string[]; ordered: boolean };

/** An obs or var table as read from an .h5ad file. */
export interface H5adFrame {
  /** The index (obs_names / var_names). */
  index: string[];
  /** The columns, by name, in `columnOrder`. */
  columns: Record<string, H5adColumn>;
  /** Column names in the file's order (the `column-order` attribute). */
  columnOrder: string[];
  /** Columns present but in an encoding this reader does not decode (named, not read). */
  skipped: string[];
}

/** What {@link readH5ad} returns. */
export interface H5adData {
  /** `X`, samples (obs) x features (var), obs_names as row names and var_names as column names. */
  X: DenseMatrix | CsrMatrix;
  /** How `X` was stored: a dense array, CSR or CSC (CSC is converted to CSR). */
  xEncoding: 'array' | 'csr_matrix' | 'csc_matrix';
  obs: H5adFrame;
  var: H5adFrame;
}

/** Options of `readH5ad` and `readH5adBytes`. */
export interface ReadH5adOptions {
  /** Value type of `X`. Default: `'float32'` when the file stores float32, else `'float64'`. */
  dtype?: 'float32' | 'float64';
  /** Read `layers[layer]` instead of X (same shape, obs and var). Default: X. */
  layer?: string;
  /** Read `raw.X` with `raw.var` (anndata's `adata.raw`: often all genes, before filtering) instead of X and var. Default: false. */
  useRaw?: boolean;
}

// ---------------------------------------------------------------------------------------
// h5wasm plumbing

function encodingType(node: Group | Dataset): string | undefined {
  const v = attr(node, 'encoding-type');
  return typeof v === 'string' ? v : undefined;
}

function toIndptr(values: unknown, path: string, where: string): Int32Array | Float64Array {
  if (values instanceof Int32Array) return values;
  if (!ArrayBuffer.isView(values)) throw new BcnmfError('INVALID_DATA', `${path}: ${where} is not an integer array`);
  const src = values as unknown as ArrayLike<number | bigint>;
  const last = src.length > 0 ? Number(src[src.length - 1]) : 0;
  const out = last > 2147483647 ? new Float64Array(src.length) : new Int32Array(src.length);
  for (let k = 0; k < src.length; k++) out[k] = Number(src[k]);
  return out;
}

function floatKindOf(values: unknown, requested: ReadH5adOptions['dtype']): 'float32' | 'float64' {
  return requested ?? (values instanceof Float32Array ? 'float32' : 'float64');
}

// ---------------------------------------------------------------------------------------
// Reading

/** A dataset's values, once {@link checkReadable} says this HDF5 build can read them. */
function readValue(d: Dataset, path: string, where: string): unknown {
  checkReadable(d, path, where);
  return d.value;
}

function readMatrixX(
  file: H5File,
  path: string,
  options: ReadH5adOptions,
  where = 'X',
): { X: DenseMatrix | CsrMatrix; xEncoding: H5adData['xEncoding'] } {
  const x = file.get(where);
  if (x === null || x === undefined) {
    throw new BcnmfError('INVALID_DATA', `${path}: the file has no ${where === 'X' ? 'X (the AnnData data matrix)' : where}`);
  }
  if (isDataset(x)) {
    const shape = x.shape ?? [];
    if (shape.length !== 2) {
      throw new BcnmfError('INVALID_DATA', `${path}: ${where} is a dataset of ${shape.length} dimension(s); expected 2`);
    }
    const raw = readValue(x, path, where);
    const data = toFloat(raw, floatKindOf(raw, options.dtype), path, where);
    return { X: new DenseMatrix({ data, shape: [shape[0], shape[1]] }), xEncoding: 'array' };
  }
  if (!isGroup(x)) throw new BcnmfError('INVALID_DATA', `${path}: ${where} is neither a dataset nor a group`);
  let encoding = encodingType(x);
  let shapeAttr = attr(x, 'shape');
  if (encoding === undefined) {
    // anndata < 0.7 wrote sparse X with h5sparse attributes
    const legacy = attr(x, 'h5sparse_format');
    if (legacy === 'csr' || legacy === 'csc') encoding = `${legacy}_matrix`;
    shapeAttr = attr(x, 'h5sparse_shape');
  }
  if (encoding !== 'csr_matrix' && encoding !== 'csc_matrix') {
    throw new BcnmfError('INVALID_DATA', `${path}: ${where} is a group with encoding-type ${JSON.stringify(encoding)}; expected csr_matrix or csc_matrix`);
  }
  const shape = toNumbers(shapeAttr);
  if (shape.length !== 2) throw new BcnmfError('INVALID_DATA', `${path}: ${where} (${encoding}) has no 2-element shape attribute`);
  const part = (name: string): unknown => {
    const d = x.get(name);
    if (!isDataset(d)) throw new BcnmfError('INVALID_DATA', `${path}: ${where} (${encoding}) has no ${name} dataset`);
    return readValue(d, path, `${where}/${name}`);
  };
  const rawData = part('data');
  const data = toFloat(rawData, floatKindOf(rawData, options.dtype), path, `${where}/data`);
  const indices = toInt32(part('indices'), path, `${where}/indices`);
  const indptr = toIndptr(part('indptr'), path, `${where}/indptr`);
  const [rows, columns] = shape;
  try {
    if (encoding === 'csr_matrix') {
      return { X: new CsrMatrix({ indptr, indices, data, shape: [rows, columns] }), xEncoding: 'csr_matrix' };
    }
    // CSC arrays = CSR arrays of the transpose
    const transposed = new CsrMatrix({ indptr, indices, data, shape: [columns, rows] });
    return { X: transposed.transpose(), xEncoding: 'csc_matrix' };
  } catch (error) {
    if (error instanceof BcnmfError) throw new BcnmfError('INVALID_DATA', `${path}: ${where} (${encoding}): ${error.message}`);
    throw error;
  }
}

function readColumn(node: Group | Dataset, path: string, where: string, length: number, checkRows = true): H5adColumn | undefined {
  const encoding = encodingType(node);
  if (isGroup(node)) {
    if (encoding === 'categorical') {
      const codesNode = node.get('codes');
      const categoriesNode = node.get('categories');
      if (!isDataset(codesNode) || !isDataset(categoriesNode)) {
        throw new BcnmfError('INVALID_DATA', `${path}: ${where} is categorical but lacks codes or categories`);
      }
      const codes = toInt32(readValue(codesNode, path, `${where}/codes`), path, `${where}/codes`);
      const categories = toStrings(readValue(categoriesNode, path, `${where}/categories`));
      for (let k = 0; k < codes.length; k++) {
        if (codes[k] < -1 || codes[k] >= categories.length) {
          throw new BcnmfError('INVALID_DATA', `${path}: ${where}/codes[${k}] = ${codes[k]} but there are ${categories.length} categories`);
        }
      }
      if (checkRows) checkLength(codes.length, length, path, where);
      return { kind: 'categorical', codes, categories, ordered: Boolean(toNumbers(attr(node, 'ordered'))[0]) };
    }
    if (encoding === 'nullable-integer' || encoding === 'nullable-boolean') {
      const valuesNode = node.get('values');
      const maskNode = node.get('mask');
      if (!isDataset(valuesNode) || !isDataset(maskNode)) return undefined;
      const values = toFloat(readValue(valuesNode, path, `${where}/values`), 'float64', path, `${where}/values`);
      const mask = toNumbers(readValue(maskNode, path, `${where}/mask`));
      for (let k = 0; k < values.length; k++) if (mask[k]) values[k] = NaN;
      checkLength(values.length, length, path, where);
      return { kind: 'numeric', values };
    }
    if (encoding === 'nullable-string-array') {
      const valuesNode = node.get('values');
      const maskNode = node.get('mask');
      if (!isDataset(valuesNode) || !isDataset(maskNode)) return undefined;
      const values = toStrings(readValue(valuesNode, path, `${where}/values`));
      const mask = toNumbers(readValue(maskNode, path, `${where}/mask`));
      for (let k = 0; k < values.length; k++) if (mask[k]) values[k] = '';
      checkLength(values.length, length, path, where);
      return { kind: 'string', values };
    }
    return undefined;
  }
  if (!isDataset(node)) return undefined;
  const shape = node.shape ?? [];
  if (shape.length !== 1) return undefined;
  const value = readValue(node, path, where);
  if (Array.isArray(value) && (value.length === 0 || typeof value[0] === 'string')) {
    checkLength(value.length, length, path, where);
    return { kind: 'string', values: value.map((x) => String(x)) };
  }
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    checkLength(value.length, length, path, where);
    return { kind: 'numeric', values: Float64Array.from(value, (x) => Number(x)) };
  }
  if (
    value instanceof Float64Array ||
    value instanceof Float32Array ||
    value instanceof Int32Array ||
    value instanceof Int16Array ||
    value instanceof Int8Array ||
    value instanceof Uint8Array ||
    value instanceof Uint16Array ||
    value instanceof Uint32Array
  ) {
    checkLength(value.length, length, path, where);
    return { kind: 'numeric', values: value };
  }
  return undefined;
}

function checkLength(actual: number, expected: number, path: string, where: string): void {
  if (actual !== expected) throw new BcnmfError('INVALID_DATA', `${path}: ${where} has ${actual} values but the table has ${expected} rows`);
}

/**
 * The names an obs or var index holds: strings, or a categorical (pandas' CategoricalIndex,
 * which anndata writes as a group) decoded to its categories' text; undefined for anything
 * else, which the caller numbers 0, 1, ...
 */
export function indexNames(node: unknown, path: string, where: string): string[] | undefined {
  if (isDataset(node)) return toStrings(readValue(node, path, where));
  if (isGroup(node) && encodingType(node) === 'categorical') {
    const column = readColumn(node, path, where, -1, false);
    if (column?.kind === 'categorical') return categoricalValues(column).map((v) => v ?? '');
  }
  return undefined;
}

function readFrame(file: H5File, name: 'obs' | 'var' | 'raw/var', length: number, path: string): H5adFrame {
  const node = file.get(name);
  if (node === null || node === undefined) {
    return { index: Array.from({ length }, (_, k) => String(k)), columns: {}, columnOrder: [], skipped: [] };
  }
  if (!isGroup(node)) {
    throw new BcnmfError('INVALID_DATA', `${path}: ${name} is not a group (a file written by anndata before 0.7 is not supported)`);
  }
  const indexKey = indexName(node);
  const indexNode = node.get(indexKey);
  let index: string[];
  const names = indexNames(indexNode, path, `${name}/${indexKey}`);
  if (names !== undefined) {
    index = names;
    if (index.length !== length) {
      // the length comes from X: say so, since X's shape may be the wrong one
      const side = name === 'obs' ? 'rows (samples)' : 'columns (features)';
      throw new BcnmfError('INVALID_DATA', `${path}: ${name}/${indexKey} (the index) names ${index.length} ${name === 'obs' ? 'sample' : 'feature'}${index.length === 1 ? '' : 's'} but X has ${length} ${side}; the two must agree`);
    }
  } else {
    index = Array.from({ length }, (_, k) => String(k));
  }
  const orderAttr = attr(node, 'column-order');
  const columnOrder =
    orderAttr === undefined ? node.keys().filter((k) => k !== indexKey && k !== '__categories') : toStrings(orderAttr);
  const columns: Record<string, H5adColumn> = {};
  const skipped: string[] = [];
  for (const key of columnOrder) {
    const child = node.get(key);
    if (child === null || child === undefined) {
      throw new BcnmfError('INVALID_DATA', `${path}: ${name} lists column ${JSON.stringify(key)} in column-order but has no such member`);
    }
    const column = readColumn(child as Group | Dataset, path, `${name}/${key}`, length);
    if (column === undefined) skipped.push(key);
    else columns[key] = column;
  }
  return { index, columns, columnOrder: columnOrder.filter((k) => !skipped.includes(k)), skipped };
}

/** Which matrix to read: X, layers/<layer> or raw/X; refuses a layer or a raw the file lacks, naming what it has. */
function matrixOf(file: H5File, path: string, options: ReadH5adOptions): string {
  if (options.layer !== undefined && options.useRaw) {
    throw new BcnmfError('INVALID_OPTION', `${path}: a layer and raw exclude each other (raw has no layers); give one`);
  }
  if (options.layer !== undefined) {
    const layers = file.get('layers');
    const names = isGroup(layers) ? layers.keys() : [];
    if (!names.includes(options.layer)) {
      throw new BcnmfError(
        'INVALID_OPTION',
        `${path} has no layer ${JSON.stringify(options.layer)}; ${names.length > 0 ? `its layers are ${names.map((n) => JSON.stringify(n)).join(', ')}` : 'it has no layers'}`,
      );
    }
    return `layers/${options.layer}`;
  }
  if (options.useRaw) {
    const raw = file.get('raw');
    if (!isGroup(raw) || !raw.keys().includes('X')) throw new BcnmfError('INVALID_OPTION', `${path} has no raw (raw/X); leave out the raw option to read X`);
    return 'raw/X';
  }
  return 'X';
}

/**
 * Reads X, obs and var of an open AnnData file; `path` names it in messages. X gets
 * obs_names and var_names as its row and column names.
 */
export function readH5adFile(file: H5File, path: string, options: ReadH5adOptions = {}): H5adData {
  try {
    const where = matrixOf(file, path, options);
    const { X, xEncoding } = readMatrixX(file, path, options, where);
    const obs = readFrame(file, 'obs', X.rows, path);
    const vars = readFrame(file, options.useRaw ? 'raw/var' : 'var', X.columns, path);
    const named = X.withNames({ rowNames: obs.index, columnNames: vars.index });
    return { X: named, xEncoding, obs, var: vars };
  } catch (error) {
    throw h5error(path, 'reading', error);
  }
}

/**
 * The values of a categorical column, `null` where the code is -1 (missing).
 *
 * @example
 * categoricalValues({ kind: 'categorical', codes: Int32Array.of(1, 0, -1), categories: ['a', 'b'], ordered: false });
 * // ['b', 'a', null]
 */
export function categoricalValues(column: Extract<H5adColumn, { kind: 'categorical' }>): (string | null)[] {
  return Array.from(column.codes, (c) => (c < 0 ? null : column.categories[c]));
}

/**
 * A categorical column from strings (categories sorted, as pandas does).
 *
 * @example
 * toCategorical(['t', 'c', 't']); // { kind: 'categorical', codes: Int32Array [1, 0, 1], categories: ['c', 't'], ordered: false }
 */
export function toCategorical(values: readonly (string | null)[]): Extract<H5adColumn, { kind: 'categorical' }> {
  const categories = [...new Set(values.filter((v): v is string => v !== null))].sort();
  const lookup = new Map(categories.map((c, k) => [c, k]));
  return { kind: 'categorical', codes: Int32Array.from(values, (v) => (v === null ? -1 : lookup.get(v)!)), categories, ordered: false };
}

/**
 * Every decoded column of an obs / var table as plain values, by name: categorical codes
 * as their category (null where missing), strings and numbers as they are. Annotations in
 * the shape `splitByAnnotation` and the label pickers take.
 *
 * @example
 * frameColumnValues(obs); // { louvain: ['CD4 T cells', 'B cells', ...], n_genes: [781, 1352, ...] }
 */
export function frameColumnValues(frame: H5adFrame): Record<string, (string | number | null)[]> {
  // no prototype: an obs column named 'constructor' is a column like any other
  const out: Record<string, (string | number | null)[]> = Object.create(null) as Record<string, (string | number | null)[]>;
  for (const [name, column] of Object.entries(frame.columns)) {
    out[name] = column.kind === 'categorical' ? categoricalValues(column) : Array.from(column.values as ArrayLike<string | number>);
  }
  return out;
}
