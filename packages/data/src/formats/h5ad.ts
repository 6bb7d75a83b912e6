// AnnData (.h5ad) files on disk (Node, h5wasm's Node build): reading (the shared reader
// of h5ad-read.ts), writing, and adding a fit to a copy.
import { copyFileSync } from 'node:fs';
import { resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import type { Dataset, File as H5File, Group } from 'h5wasm/node';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { writeAtomically } from './atomic-write.js';
import { BOOL_PLACEHOLDER_DTYPE, boolPlaceholderData, patchBoolPlaceholdersInFile } from './h5-bool.js';
import { checkHdf5File, h5ready } from './h5-node.js';
import { readH5adFile, type H5adColumn, type H5adData, type NumericValues, type ReadH5adOptions } from './h5ad-read.js';
import { attr, h5error, isDataset, isGroup, toNumbers } from './h5-util.js';

// ---------------------------------------------------------------------------------------
// Types of writing

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
  /** Settings and scores of the fit (k, alpha, seed, backend, ...), written to `uns['<key>']` as a `dict` group (scalars, arrays, nested dicts). */
  settings?: Readonly<Record<string, UnsValue>>;
  /** Name stem of the three entries. Default: `'bcnmf'` (obsm 'X_bcnmf', varm 'bcnmf_W', uns 'bcnmf'). */
  key?: string;
  /**
   * Where the loadings go: `'varm'` (default; one row per var) or `'uns'`, for a fit whose
   * features are not the file's var (e.g. fitted on `raw`): then `uns['<key>']['W']`
   * (features x k) with `uns['<key>']['features']` (`featureNames`, one per row) and no varm.
   */
  loadingsIn?: 'varm' | 'uns';
  /** The loadings' feature names, required with `loadingsIn: 'uns'`. */
  featureNames?: readonly string[];
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
    return readH5adFile(file, path, options);
  } finally {
    file.close();
  }
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

/**
 * Why `name` cannot name an obs or var column of an .h5ad file, or null when it can: HDF5
 * reads '/' as a path separator, and AnnData keeps '_index' for the row names. Lets a
 * caller refuse before a fit the names {@link writeH5ad} would refuse after it.
 *
 * @example
 * h5adColumnNameProblem('cell_type'); // null
 * h5adColumnNameProblem('CD4/CD8'); // "it holds '/', which HDF5 reads as a path separator"
 */
export function h5adColumnNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  if (name === '.' || name === '..') return 'HDF5 reads it as a path';
  if (name.includes('/')) return "it holds '/', which HDF5 reads as a path separator";
  if (name === '_index') return 'AnnData keeps "_index" for the row names';
  return null;
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
    const problem = h5adColumnNameProblem(key);
    if (problem) throw new BcnmfError('INVALID_DATA', `${name}: a column may not be named ${JSON.stringify(key)}: ${problem}`);
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
      // a boolean, as h5py writes it (anndata 0.8 refuses an int8 here)
      g.create_attribute('ordered', boolPlaceholderData([column.ordered]), [], BOOL_PLACEHOLDER_DTYPE);
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
    const d = group.create_dataset({ name, data: boolPlaceholderData([value]), shape: [], dtype: BOOL_PLACEHOLDER_DTYPE });
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
  const inUns = results.loadingsIn === 'uns';
  checkRows(results.embedding, nObs, `the embedding (obsm['X_${key}'])`, 'samples (obs)');
  if (!inUns) checkRows(results.loadings, nVar, `the loadings (varm['${key}_W'])`, 'features (var)');
  else checkRows(results.loadings, results.featureNames?.length ?? 0, `the loadings (uns['${key}']['W'])`, 'featureNames');
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
    ...(inUns ? [] : [[varm, `${key}_W`, 'varm'] as const]),
    [uns, key, 'uns'],
  ] as const) {
    if (group.keys().includes(name)) {
      throw new BcnmfError('INVALID_OPTION', `${label}['${name}'] already exists; choose another results key`);
    }
  }
  writeMatrix(obsm, `X_${key}`, results.embedding);
  if (!inUns) writeMatrix(varm, `${key}_W`, results.loadings);
  writeUnsValue(uns, key, { ...(results.settings ?? {}) });
  if (inUns) {
    const group = uns.get(key) as Group;
    writeMatrix(group, 'W', results.loadings);
    writeStrings(group, 'features', results.featureNames!);
  }
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
    writeBooleans(temp);
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
    writeBooleans(temp);
  });
}

/** Turns the boolean placeholders of a closed file into h5py's booleans (see h5-bool.ts). */
function writeBooleans(path: string): void {
  // in windows: a copy of a large .h5ad may exceed what one read can hold (2 GiB)
  patchBoolPlaceholdersInFile(path);
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
