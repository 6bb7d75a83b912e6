import { copyFileSync } from 'node:fs';
import { resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import type { Dataset, File as H5File, Group } from 'h5wasm/node';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { writeAtomically } from './atomic-write.js';
import { attr, checkHdf5File, h5error, h5ready, indexName, isDataset, isGroup, toFloat, toInt32, toNumbers, toStrings } from './h5-util.js';

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

/** Options of {@link readH5ad}. */
export interface ReadH5adOptions {
  /** Value type of `X`. Default: `'float32'` when the file stores float32, else `'float64'`. */
  dtype?: 'float32' | 'float64';
}

/**
 * A column to write: a decoded {@link H5adColumn}, a string array (written as a
 * string-array column), or numbers (written as an array column; a JS number array is
 * written as float64).
 */
export type H5adColumnInput = H5adColumn | readonly string[] | readonly number[] | NumericValues;

/** A value of `uns`: scalars, arrays, or nested groups (written as `dict`). */
export type UnsValue =
  | string
  | number
  | boolean
  | readonly string[]
  | readonly number[]
  | Float64Array
  | Float32Array
  | Int32Array
  | { readonly [key: string]: UnsValue };

/** A bcNMF fit to store in an .h5ad file next to the data. */
export interface BcnmfResults {
  /** samples x k embedding (H of the target), written to `obsm['X_<key>']`. */
  embedding: DenseMatrix;
  /** features x k loadings (W), written to `varm['<key>_W']`. */
  loadings: DenseMatrix;
  /** Settings of the fit (k, alpha, seed, backend, ...), written to `uns['<key>']` as a group of scalars. */
  settings?: Readonly<Record<string, string | number | boolean>>;
  /** Name stem of the three entries. Default: `'bcnmf'` (obsm 'X_bcnmf', varm 'bcnmf_W', uns 'bcnmf'). */
  key?: string;
}

/** What {@link writeH5ad} writes. */
export interface WriteH5adInput {
  /** The data matrix, samples x features, dense or CSR. */
  X: DenseMatrix | CsrMatrix;
  /** obs columns, each `X.rows` long. Default: none. */
  obs?: Readonly<Record<string, H5adColumnInput>>;
  /** var columns, each `X.columns` long. Default: none. */
  var?: Readonly<Record<string, H5adColumnInput>>;
  /** obs_names. Default: `X.rowNames`, else '0', '1', ... (as AnnData does). */
  obsNames?: readonly string[];
  /** var_names. Default: `X.columnNames`, else '0', '1', ... */
  varNames?: readonly string[];
  /** Extra obsm matrices (samples x anything). Default: none. */
  obsm?: Readonly<Record<string, DenseMatrix>>;
  /** Extra varm matrices (features x anything). Default: none. */
  varm?: Readonly<Record<string, DenseMatrix>>;
  /** Unstructured annotations. Default: none. */
  uns?: Readonly<Record<string, UnsValue>>;
  /** A bcNMF fit, written to obsm / varm / uns (see {@link BcnmfResults}). Default: none. */
  results?: BcnmfResults;
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

function readMatrixX(
  file: H5File,
  path: string,
  options: ReadH5adOptions,
): { X: DenseMatrix | CsrMatrix; xEncoding: H5adData['xEncoding'] } {
  const x = file.get('X');
  if (x === null || x === undefined) {
    throw new BcnmfError('INVALID_DATA', `${path}: the file has no X (the AnnData data matrix)`);
  }
  if (isDataset(x)) {
    const shape = x.shape ?? [];
    if (shape.length !== 2) {
      throw new BcnmfError('INVALID_DATA', `${path}: X is a dataset of ${shape.length} dimension(s); expected 2`);
    }
    const raw = x.value;
    const data = toFloat(raw, floatKindOf(raw, options.dtype), path, 'X');
    return { X: new DenseMatrix({ data, shape: [shape[0], shape[1]] }), xEncoding: 'array' };
  }
  if (!isGroup(x)) throw new BcnmfError('INVALID_DATA', `${path}: X is neither a dataset nor a group`);
  let encoding = encodingType(x);
  let shapeAttr = attr(x, 'shape');
  if (encoding === undefined) {
    // anndata < 0.7 wrote sparse X with h5sparse attributes
    const legacy = attr(x, 'h5sparse_format');
    if (legacy === 'csr' || legacy === 'csc') encoding = `${legacy}_matrix`;
    shapeAttr = attr(x, 'h5sparse_shape');
  }
  if (encoding !== 'csr_matrix' && encoding !== 'csc_matrix') {
    throw new BcnmfError('INVALID_DATA', `${path}: X is a group with encoding-type ${JSON.stringify(encoding)}; expected csr_matrix or csc_matrix`);
  }
  const shape = toNumbers(shapeAttr);
  if (shape.length !== 2) throw new BcnmfError('INVALID_DATA', `${path}: X (${encoding}) has no 2-element shape attribute`);
  const part = (name: string): unknown => {
    const d = x.get(name);
    if (!isDataset(d)) throw new BcnmfError('INVALID_DATA', `${path}: X (${encoding}) has no ${name} dataset`);
    return d.value;
  };
  const rawData = part('data');
  const data = toFloat(rawData, floatKindOf(rawData, options.dtype), path, 'X/data');
  const indices = toInt32(part('indices'), path, 'X/indices');
  const indptr = toIndptr(part('indptr'), path, 'X/indptr');
  const [rows, columns] = shape;
  try {
    if (encoding === 'csr_matrix') {
      return { X: new CsrMatrix({ indptr, indices, data, shape: [rows, columns] }), xEncoding: 'csr_matrix' };
    }
    // CSC arrays = CSR arrays of the transpose
    const transposed = new CsrMatrix({ indptr, indices, data, shape: [columns, rows] });
    return { X: transposed.transpose(), xEncoding: 'csc_matrix' };
  } catch (error) {
    if (error instanceof BcnmfError) throw new BcnmfError('INVALID_DATA', `${path}: X (${encoding}): ${error.message}`);
    throw error;
  }
}

function readColumn(node: Group | Dataset, path: string, where: string, length: number): H5adColumn | undefined {
  const encoding = encodingType(node);
  if (isGroup(node)) {
    if (encoding === 'categorical') {
      const codesNode = node.get('codes');
      const categoriesNode = node.get('categories');
      if (!isDataset(codesNode) || !isDataset(categoriesNode)) {
        throw new BcnmfError('INVALID_DATA', `${path}: ${where} is categorical but lacks codes or categories`);
      }
      const codes = toInt32(codesNode.value, path, `${where}/codes`);
      const categories = toStrings(categoriesNode.value);
      for (let k = 0; k < codes.length; k++) {
        if (codes[k] < -1 || codes[k] >= categories.length) {
          throw new BcnmfError('INVALID_DATA', `${path}: ${where}/codes[${k}] = ${codes[k]} but there are ${categories.length} categories`);
        }
      }
      checkLength(codes.length, length, path, where);
      return { kind: 'categorical', codes, categories, ordered: Boolean(toNumbers(attr(node, 'ordered'))[0]) };
    }
    if (encoding === 'nullable-integer' || encoding === 'nullable-boolean') {
      const valuesNode = node.get('values');
      const maskNode = node.get('mask');
      if (!isDataset(valuesNode) || !isDataset(maskNode)) return undefined;
      const values = toFloat(valuesNode.value, 'float64', path, `${where}/values`);
      const mask = toNumbers(maskNode.value);
      for (let k = 0; k < values.length; k++) if (mask[k]) values[k] = NaN;
      checkLength(values.length, length, path, where);
      return { kind: 'numeric', values };
    }
    if (encoding === 'nullable-string-array') {
      const valuesNode = node.get('values');
      const maskNode = node.get('mask');
      if (!isDataset(valuesNode) || !isDataset(maskNode)) return undefined;
      const values = toStrings(valuesNode.value);
      const mask = toNumbers(maskNode.value);
      for (let k = 0; k < values.length; k++) if (mask[k]) values[k] = '';
      checkLength(values.length, length, path, where);
      return { kind: 'string', values };
    }
    return undefined;
  }
  if (!isDataset(node)) return undefined;
  const shape = node.shape ?? [];
  if (shape.length !== 1) return undefined;
  const value = node.value;
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

function readFrame(file: H5File, name: 'obs' | 'var', length: number, path: string): H5adFrame {
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
  if (isDataset(indexNode)) {
    index = toStrings(indexNode.value);
    checkLength(index.length, length, path, `${name}/${indexKey} (the index)`);
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

function openForReading(path: string): H5File {
  checkHdf5File(path);
  try {
    return new h5wasm.File(resolve(path), 'r');
  } catch (error) {
    throw h5error(path, 'opening the file', error);
  }
}

/**
 * Reads an AnnData `.h5ad` file (anndata ≥ 0.7 layout; sparse X of anndata 0.6 too): `X`
 * (dense, CSR, or CSC converted to CSR) with obs_names and var_names as its row and column
 * names, and the obs and var tables (numeric, string and categorical columns; columns in
 * other encodings are listed in `skipped`).
 *
 * Refused with BcnmfError('INVALID_DATA') naming the file and element: a missing file, a
 * file that is not HDF5, a file without X, an X whose arrays or shape disagree, obs / var
 * lengths that differ from X's shape.
 *
 * @example
 * const { X, obs } = await readH5ad('pbmc.h5ad');
 * X.shape;                      // [2700, 32738]
 * X instanceof CsrMatrix;       // true
 * obs.columns.louvain.kind;     // 'categorical'
 * categoricalValues(obs.columns.louvain).slice(0, 2); // ['CD4 T cells', 'B cells']
 */
export async function readH5ad(path: string, options: ReadH5adOptions = {}): Promise<H5adData> {
  await h5ready();
  const file = openForReading(path);
  try {
    const { X, xEncoding } = readMatrixX(file, path, options);
    const obs = readFrame(file, 'obs', X.rows, path);
    const vars = readFrame(file, 'var', X.columns, path);
    const named = X.withNames({ rowNames: obs.index, columnNames: vars.index });
    return { X: named, xEncoding, obs, var: vars };
  } catch (error) {
    throw h5error(path, 'reading', error);
  } finally {
    file.close();
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

// ---------------------------------------------------------------------------------------
// Writing

function setEncoding(node: Group | Dataset, type: string, version: string): void {
  node.create_attribute('encoding-type', type);
  node.create_attribute('encoding-version', version);
}

function writeStrings(group: Group, name: string, values: readonly string[]): Dataset {
  const d =
    values.length === 0
      ? group.create_dataset({ name, data: [], shape: [0], dtype: 'S' })
      : group.create_dataset({ name, data: values.map(String) });
  setEncoding(d, 'string-array', '0.2.0');
  return d;
}

function dtypeOf(values: NumericValues): string {
  if (values instanceof Float64Array) return '<d';
  if (values instanceof Float32Array) return '<f';
  if (values instanceof Int32Array) return '<i';
  if (values instanceof Int16Array) return '<h';
  if (values instanceof Int8Array) return '<b';
  if (values instanceof Uint8Array) return '<B';
  if (values instanceof Uint16Array) return '<H';
  return '<I';
}

function writeArray(group: Group, name: string, values: NumericValues, shape: number[]): Dataset {
  const d = group.create_dataset({ name, data: values, shape, dtype: dtypeOf(values) });
  setEncoding(d, 'array', '0.2.0');
  return d;
}

function writeMatrix(group: Group, name: string, m: DenseMatrix): void {
  writeArray(group, name, m.data, [m.rows, m.columns]);
}

function normalizeColumn(column: H5adColumnInput, where: string): H5adColumn {
  if (ArrayBuffer.isView(column)) return { kind: 'numeric', values: column as NumericValues };
  if (Array.isArray(column)) {
    if (column.every((v) => typeof v === 'string')) return { kind: 'string', values: column as string[] };
    if (column.every((v) => typeof v === 'number')) return { kind: 'numeric', values: Float64Array.from(column as number[]) };
    throw new BcnmfError('INVALID_DATA', `${where}: a column must hold only strings or only numbers`);
  }
  return column as H5adColumn;
}

function writeFrame(
  file: H5File,
  name: 'obs' | 'var',
  index: readonly string[],
  columns: Readonly<Record<string, H5adColumnInput>>,
): void {
  const group = file.create_group(name);
  const order = Object.keys(columns);
  for (const key of order) {
    if (key === '_index') throw new BcnmfError('INVALID_DATA', `${name}: a column may not be named "_index"`);
    const column = normalizeColumn(columns[key], `${name}/${key}`);
    const length = column.kind === 'categorical' ? column.codes.length : column.values.length;
    if (length !== index.length) {
      throw new BcnmfError('INVALID_DATA', `${name}/${key} has ${length} values but ${name} has ${index.length} rows`);
    }
    if (column.kind === 'string') {
      writeStrings(group, key, column.values);
    } else if (column.kind === 'numeric') {
      writeArray(group, key, column.values, [length]);
    } else {
      for (let k = 0; k < column.codes.length; k++) {
        if (column.codes[k] < -1 || column.codes[k] >= column.categories.length) {
          throw new BcnmfError('INVALID_DATA', `${name}/${key}: code ${column.codes[k]} at ${k} but ${column.categories.length} categories`);
        }
      }
      const g = group.create_group(key);
      setEncoding(g, 'categorical', '0.2.0');
      g.create_attribute('ordered', new Int8Array([column.ordered ? 1 : 0]), [], '<b');
      writeArray(g, 'codes', column.codes, [length]);
      writeStrings(g, 'categories', column.categories);
    }
  }
  writeStrings(group, '_index', index);
  setEncoding(group, 'dataframe', '0.2.0');
  group.create_attribute('_index', '_index');
  if (order.length === 0) group.create_attribute('column-order', new Float64Array(0));
  else group.create_attribute('column-order', order);
}

function writeUnsValue(group: Group, name: string, value: UnsValue): void {
  if (typeof value === 'string') {
    const d = group.create_dataset({ name, data: value });
    setEncoding(d, 'string', '0.2.0');
  } else if (typeof value === 'number') {
    const d = Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER
      ? group.create_dataset({ name, data: BigInt64Array.of(BigInt(value)), shape: [], dtype: '<q' })
      : group.create_dataset({ name, data: Float64Array.of(value), shape: [], dtype: '<d' });
    setEncoding(d, 'numeric-scalar', '0.2.0');
  } else if (typeof value === 'boolean') {
    const d = group.create_dataset({ name, data: Int8Array.of(value ? 1 : 0), shape: [], dtype: '<b' });
    setEncoding(d, 'numeric-scalar', '0.2.0');
  } else if (ArrayBuffer.isView(value)) {
    writeArray(group, name, value as NumericValues, [(value as NumericValues).length]);
  } else if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) writeStrings(group, name, value as string[]);
    else if (value.every((v) => typeof v === 'number')) writeArray(group, name, Float64Array.from(value as number[]), [value.length]);
    else throw new BcnmfError('INVALID_DATA', `uns/${name}: an array must hold only strings or only numbers`);
  } else if (value !== null && typeof value === 'object') {
    const g = group.create_group(name);
    setEncoding(g, 'dict', '0.1.0');
    for (const [key, v] of Object.entries(value)) writeUnsValue(g, key, v);
  } else {
    throw new BcnmfError('INVALID_DATA', `uns/${name}: cannot store a value of type ${typeof value}`);
  }
}

function dictGroup(file: H5File, name: string): Group {
  const existing = file.get(name);
  if (isGroup(existing)) return existing;
  if (existing !== null && existing !== undefined) {
    throw new BcnmfError('INVALID_DATA', `${name} exists but is not a group`);
  }
  const g = file.create_group(name);
  setEncoding(g, 'dict', '0.1.0');
  return g;
}

function checkRows(m: DenseMatrix, rows: number, where: string, what: string): void {
  if (m.rows !== rows) throw new BcnmfError('INVALID_DATA', `${where} has ${m.rows} rows but there are ${rows} ${what}`);
}

function writeResults(file: H5File, results: BcnmfResults, nObs: number, nVar: number): void {
  const key = results.key ?? 'bcnmf';
  if (!/^[^/.][^/]*$/.test(key)) throw new BcnmfError('INVALID_OPTION', `results key ${JSON.stringify(key)} cannot name an HDF5 member`);
  checkRows(results.embedding, nObs, `the embedding (obsm['X_${key}'])`, 'samples (obs)');
  checkRows(results.loadings, nVar, `the loadings (varm['${key}_W'])`, 'features (var)');
  if (results.embedding.columns !== results.loadings.columns) {
    throw new BcnmfError(
      'INVALID_DATA',
      `the embedding has ${results.embedding.columns} components but the loadings ${results.loadings.columns}`,
    );
  }
  const obsm = dictGroup(file, 'obsm');
  const varm = dictGroup(file, 'varm');
  const uns = dictGroup(file, 'uns');
  for (const [group, name, label] of [
    [obsm, `X_${key}`, 'obsm'],
    [varm, `${key}_W`, 'varm'],
    [uns, key, 'uns'],
  ] as const) {
    if (group.keys().includes(name)) {
      throw new BcnmfError('INVALID_OPTION', `${label}['${name}'] already exists; choose another results key`);
    }
  }
  writeMatrix(obsm, `X_${key}`, results.embedding);
  writeMatrix(varm, `${key}_W`, results.loadings);
  writeUnsValue(uns, key, { ...(results.settings ?? {}) });
}

function defaultNames(n: number): string[] {
  return Array.from({ length: n }, (_, k) => String(k));
}

/**
 * Writes a new AnnData `.h5ad` file that anndata / scanpy open with `read_h5ad`: `X`
 * (dense as an array, or CSR as csr_matrix), obs and var tables (string, numeric and
 * categorical columns), obsm / varm / uns, and optionally a bcNMF fit (`results`:
 * obsm['X_bcnmf'] samples x k, varm['bcnmf_W'] features x k, uns['bcnmf'] settings).
 *
 * The file is written to a temporary file in the same folder and renamed on success, so
 * `path` is either complete or untouched.
 *
 * @example
 * await writeH5ad('out.h5ad', {
 *   X: DenseMatrix.fromRows([[1, 0], [0, 2]], { rowNames: ['s1', 's2'], columnNames: ['g1', 'g2'] }),
 *   obs: { group: toCategorical(['target', 'background']) },
 *   results: { embedding, loadings, settings: { k: 2, alpha: 1 } },
 * });
 * // python: anndata.read_h5ad('out.h5ad').obsm['X_bcnmf'].shape == (2, 2)
 */
export async function writeH5ad(path: string, input: WriteH5adInput): Promise<void> {
  await h5ready();
  const { X } = input;
  if (!(X instanceof DenseMatrix) && !(X instanceof CsrMatrix)) {
    throw new BcnmfError('INVALID_DATA', 'X must be a DenseMatrix or a CsrMatrix');
  }
  const obsNames = input.obsNames ?? X.rowNames ?? defaultNames(X.rows);
  const varNames = input.varNames ?? X.columnNames ?? defaultNames(X.columns);
  if (obsNames.length !== X.rows) throw new BcnmfError('INVALID_DATA', `${obsNames.length} obs names for ${X.rows} rows of X`);
  if (varNames.length !== X.columns) throw new BcnmfError('INVALID_DATA', `${varNames.length} var names for ${X.columns} columns of X`);
  for (const [key, m] of Object.entries(input.obsm ?? {})) checkRows(m, X.rows, `obsm['${key}']`, 'samples (obs)');
  for (const [key, m] of Object.entries(input.varm ?? {})) checkRows(m, X.columns, `varm['${key}']`, 'features (var)');

  await writeAtomically(path, (temp) => {
    const file = new h5wasm.File(temp, 'w');
    try {
      file.create_attribute('encoding-type', 'anndata');
      file.create_attribute('encoding-version', '0.1.0');
      if (X instanceof DenseMatrix) {
        writeMatrix(file, 'X', X);
      } else {
        const g = file.create_group('X');
        setEncoding(g, 'csr_matrix', '0.1.0');
        g.create_attribute('shape', BigInt64Array.of(BigInt(X.rows), BigInt(X.columns)));
        g.create_dataset({ name: 'data', data: X.data, shape: [X.nnz], dtype: X.data instanceof Float32Array ? '<f' : '<d' });
        g.create_dataset({ name: 'indices', data: X.indices, shape: [X.nnz], dtype: '<i' });
        if (X.indptr instanceof Int32Array) {
          g.create_dataset({ name: 'indptr', data: X.indptr, shape: [X.rows + 1], dtype: '<i' });
        } else {
          g.create_dataset({ name: 'indptr', data: BigInt64Array.from(X.indptr, (v: number) => BigInt(v)), shape: [X.rows + 1], dtype: '<q' });
        }
      }
      writeFrame(file, 'obs', obsNames, input.obs ?? {});
      writeFrame(file, 'var', varNames, input.var ?? {});
      const obsm = dictGroup(file, 'obsm');
      for (const [key, m] of Object.entries(input.obsm ?? {})) writeMatrix(obsm, key, m);
      const varm = dictGroup(file, 'varm');
      for (const [key, m] of Object.entries(input.varm ?? {})) writeMatrix(varm, key, m);
      dictGroup(file, 'obsp');
      dictGroup(file, 'varp');
      dictGroup(file, 'layers');
      const uns = dictGroup(file, 'uns');
      for (const [key, v] of Object.entries(input.uns ?? {})) writeUnsValue(uns, key, v);
      if (input.results) writeResults(file, input.results, X.rows, X.columns);
    } finally {
      file.close();
    }
  });
}

/**
 * Copies an existing `.h5ad` file to `outputPath` and adds a bcNMF fit to the copy:
 * obsm['X_<key>'] (samples x k), varm['<key>_W'] (features x k) and uns['<key>'] (the
 * settings). `outputPath` may equal `inputPath` (the file is replaced atomically). Refused
 * with INVALID_DATA when the input has no X or the fit's shapes differ from X's, and with
 * INVALID_OPTION when one of the three entries exists already.
 *
 * @example
 * await addResultsToH5ad('pbmc.h5ad', 'pbmc.bcnmf.h5ad', { embedding, loadings, settings: { k: 5 } });
 */
export async function addResultsToH5ad(inputPath: string, outputPath: string, results: BcnmfResults): Promise<void> {
  await h5ready();
  openForReading(inputPath).close();
  await writeAtomically(outputPath, (temp) => {
    copyFileSync(inputPath, temp);
    const file = new h5wasm.File(temp, 'a');
    try {
      const [nObs, nVar] = storedShape(file);
      writeResults(file, results, nObs, nVar);
    } catch (error) {
      throw error instanceof BcnmfError ? new BcnmfError(error.code, `${inputPath}: ${error.message}`) : h5error(inputPath, 'adding results', error);
    } finally {
      file.close();
    }
  });
}

/** `[n_obs, n_var]` of an open file, from X. */
function storedShape(file: H5File): [number, number] {
  const x = file.get('X');
  if (x === null || x === undefined) throw new BcnmfError('INVALID_DATA', `the file has no X (the AnnData data matrix)`);
  if (isDataset(x)) {
    const s = x.shape ?? [];
    if (s.length !== 2) throw new BcnmfError('INVALID_DATA', `X has ${s.length} dimension(s); expected 2`);
    return [s[0], s[1]];
  }
  if (isGroup(x)) {
    const s = toNumbers(attr(x, 'shape') ?? attr(x, 'h5sparse_shape'));
    if (s.length === 2) return [s[0], s[1]];
  }
  throw new BcnmfError('INVALID_DATA', `cannot tell the shape of X`);
}
