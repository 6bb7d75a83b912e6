import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BcnmfError, CsrMatrix } from '@bcnmf/core';
import { forEachLine, textLines } from './text-stream.js';
import { parseMtxIndex, parseMtxValue } from './mtx-entry.js';

/** Options of {@link readTenx}. */
export interface ReadTenxOptions {
  /** Which feature label names the matrix's columns: `'names'` (gene symbols, default) or `'ids'` (Ensembl ids). */
  columnNames?: 'names' | 'ids';
  /**
   * A prefix of the three file names, as in GEO downloads (`GSM123_matrix.mtx.gz`,
   * `GSM123_features.tsv.gz`, `GSM123_barcodes.tsv.gz`). Default: `''`.
   */
  prefix?: string;
  /** Value type of the matrix. Default: `'float32'` (counts are exact in float32 up to 2^24). */
  dtype?: 'float32' | 'float64';
}

/** What {@link readTenx} returns. */
export interface TenxData {
  /** cells x genes, barcodes as row names, gene names (or ids) as column names. */
  matrix: CsrMatrix;
  /** The barcodes, one per cell (the matrix's rows). */
  barcodes: string[];
  /** Feature ids (first column of genes.tsv / features.tsv). */
  featureIds: string[];
  /** Feature names (second column; the id when the file has one column). */
  featureNames: string[];
  /** Feature types (third column of a cellranger v3 features.tsv, e.g. 'Gene Expression'); undefined for v2. */
  featureTypes: string[] | undefined;
  /** `'v2'` (genes.tsv) or `'v3'` (features.tsv). */
  layout: 'v2' | 'v3';
  /** The files read. */
  files: { matrix: string; features: string; barcodes: string };
}

/** The one of `names` in `dir`; two of them (matrix.mtx and matrix.mtx.gz) are refused: which one is meant? */
function findFile(dir: string, names: string[]): string | undefined {
  const found = names.filter((name) => existsSync(join(dir, name)));
  if (found.length > 1) {
    throw new BcnmfError('INVALID_DATA', `${dir}: holds both ${found.join(' and ')}; remove the one that is not meant`);
  }
  return found.length === 1 ? join(dir, found[0]) : undefined;
}

/** A 10x folder's three files and the checked reading options. */
export interface TenxFolder {
  kind: 'float32' | 'float64';
  columnNames: 'names' | 'ids';
  matrixPath: string;
  featuresPath: string;
  barcodesPath: string;
  /** 'v3' with features.tsv (id, name, type), 'v2' with genes.tsv (id, name). */
  layout: 'v2' | 'v3';
}

/**
 * Checks the reading options and finds matrix.mtx[.gz], features.tsv[.gz] (or
 * genes.tsv[.gz]) and barcodes.tsv[.gz] in `dir`, with an optional file-name prefix;
 * shared by {@link readTenx} and the streaming mtx source.
 */
export function locateTenxFolder(
  dir: string,
  options: { prefix?: string; dtype?: 'float32' | 'float64'; columnNames?: 'names' | 'ids' },
): TenxFolder {
  const prefix = options.prefix ?? '';
  const kind = options.dtype ?? 'float32';
  if (kind !== 'float32' && kind !== 'float64') {
    throw new BcnmfError('INVALID_OPTION', `dtype must be 'float32' or 'float64', got ${JSON.stringify(kind)}`);
  }
  const columnNames = options.columnNames ?? 'names';
  if (columnNames !== 'names' && columnNames !== 'ids') {
    throw new BcnmfError('INVALID_OPTION', `columnNames must be 'names' or 'ids', got ${JSON.stringify(columnNames)}`);
  }
  if (!existsSync(dir)) throw new BcnmfError('INVALID_DATA', `${dir}: no such folder`);
  if (!statSync(dir).isDirectory()) {
    throw new BcnmfError('INVALID_DATA', `${dir}: is a file, not a 10x folder (a folder of matrix.mtx[.gz], features.tsv[.gz] and barcodes.tsv[.gz])`);
  }
  const matrixPath = findFile(dir, [`${prefix}matrix.mtx.gz`, `${prefix}matrix.mtx`]);
  // features.tsv (v3) and genes.tsv (v2) side by side: one is stale
  const featuresPath = findFile(dir, [`${prefix}features.tsv.gz`, `${prefix}features.tsv`, `${prefix}genes.tsv.gz`, `${prefix}genes.tsv`]);
  const barcodesPath = findFile(dir, [`${prefix}barcodes.tsv.gz`, `${prefix}barcodes.tsv`]);
  const absent = [
    matrixPath ? undefined : `${prefix}matrix.mtx[.gz]`,
    featuresPath ? undefined : `${prefix}features.tsv[.gz] or ${prefix}genes.tsv[.gz]`,
    barcodesPath ? undefined : `${prefix}barcodes.tsv[.gz]`,
  ].filter((x) => x !== undefined);
  if (absent.length > 0) {
    throw new BcnmfError('INVALID_DATA', `${dir}: not a 10x matrix folder, missing ${absent.join(', ')}`);
  }
  return { kind, columnNames, matrixPath: matrixPath!, featuresPath: featuresPath!, barcodesPath: barcodesPath!, layout: /features\.tsv(\.gz)?$/.test(featuresPath!) ? 'v3' : 'v2' };
}

/** Reads a tab-separated file of short lines into arrays of fields (one array per line). */
async function readTsv(path: string): Promise<{ fields: string[][]; lines: number[] }> {
  const fields: string[][] = [];
  const lines: number[] = [];
  for await (const [line, number] of textLines(path)) {
    if (line.length === 0) continue;
    fields.push(line.split('\t'));
    lines.push(number);
  }
  return { fields, lines };
}

/** Splits a line of whitespace-separated tokens (spaces or tabs). */
function tokens(line: string): string[] {
  return line.trim().split(/[ \t]+/);
}

/**
 * Splits an entry line into at most 4 tokens without a regular expression (the hot loop
 * of a Matrix Market read); returns the token count, tokens in `out`.
 */
function splitEntry(line: string, out: string[]): number {
  let count = 0;
  let i = 0;
  const n = line.length;
  while (i < n) {
    let c = line.charCodeAt(i);
    while (c === 32 || c === 9) c = line.charCodeAt(++i);
    if (i >= n) break;
    const start = i;
    while (i < n && c !== 32 && c !== 9) c = line.charCodeAt(++i);
    if (count < 4) out[count] = line.slice(start, i);
    count++;
  }
  return count;
}


const MTX_HEADER = /^%%MatrixMarket\s+matrix\s+coordinate\s+(integer|real|pattern|double)\s+general\s*$/i;

/**
 * Reads a Matrix Market file in coordinate form as written by cellranger (and
 * scipy.io.mmwrite): entries `row column [value]`, 1-based, in any order. Returns the
 * entries as 0-based COO triplets and the size line.
 */
async function readMtx(
  path: string,
  kind: 'float32' | 'float64',
): Promise<{ rows: number; columns: number; r: Int32Array; c: Int32Array; v: Float32Array | Float64Array }> {
  let field: string | undefined;
  let size: [number, number, number] | undefined;
  let r = new Int32Array(0);
  let c = new Int32Array(0);
  let v: Float32Array | Float64Array = new Float32Array(0);
  let count = 0;
  let want = 3;
  const t: string[] = ['', '', '', ''];
  await forEachLine(path, (line, number) => {
    if (field === undefined) {
      const m = MTX_HEADER.exec(line.trim());
      if (!m) {
        throw new BcnmfError(
          'INVALID_DATA',
          `${path}: line 1 must be "%%MatrixMarket matrix coordinate <integer|real|pattern> general", got ${JSON.stringify(line.slice(0, 80))}`,
        );
      }
      field = m[1].toLowerCase();
      want = field === 'pattern' ? 2 : 3;
      return;
    }
    if (size === undefined) {
      if (line.startsWith('%') || line.trim().length === 0) return;
      const parts = tokens(line);
      const nums = parts.map(parseMtxIndex);
      if (parts.length !== 3 || !nums.every((x) => Number.isInteger(x) && x >= 0)) {
        throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: the size line must be "rows columns entries", got ${JSON.stringify(line)}`);
      }
      size = [nums[0], nums[1], nums[2]];
      if (size[2] > size[0] * size[1]) {
        throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: ${size[2]} entries cannot fit a ${size[0]} x ${size[1]} matrix`);
      }
      if (size[0] > 2147483647 || size[1] > 2147483647) {
        throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: matrix dimensions above 2^31 - 1 are not supported`);
      }
      r = new Int32Array(size[2]);
      c = new Int32Array(size[2]);
      v = kind === 'float32' ? new Float32Array(size[2]) : new Float64Array(size[2]);
      return;
    }
    const found = splitEntry(line, t);
    if (found === 0 || line.charCodeAt(0) === 37 /* % */) return;
    if (found !== want) {
      throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: expected ${want} numbers for a ${field} entry, got ${JSON.stringify(line)}`);
    }
    if (count >= size[2]) {
      throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: more entries than the ${size[2]} the size line announces`);
    }
    const i = parseMtxIndex(t[0]);
    const j = parseMtxIndex(t[1]);
    if (!(i >= 1 && i <= size[0])) {
      throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: row index ${t[0]} ${Number.isNaN(i) ? 'is not a whole number' : `is outside 1..${size[0]}`}`);
    }
    if (!(j >= 1 && j <= size[1])) {
      throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: column index ${t[1]} ${Number.isNaN(j) ? 'is not a whole number' : `is outside 1..${size[1]}`}`);
    }
    let value = 1;
    if (want === 3) {
      const parsed = parseMtxValue(t[2], field);
      if (parsed === null) {
        throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: value ${JSON.stringify(t[2])} is not a number (decimal or exponent notation)`);
      }
      value = parsed;
      if (field === 'integer' && Number.isFinite(value) && !Number.isInteger(value)) {
        throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: value ${t[2]} is not an integer in an integer matrix`);
      }
    }
    r[count] = i - 1;
    c[count] = j - 1;
    v[count] = value;
    count++;
  });
  if (field === undefined) throw new BcnmfError('INVALID_DATA', `${path}: the file is empty`);
  if (size === undefined) throw new BcnmfError('INVALID_DATA', `${path}: the size line ("rows columns entries") is missing`);
  if (count !== size[2]) {
    throw new BcnmfError('INVALID_DATA', `${path}: the size line announces ${size[2]} entries but the file holds ${count}`);
  }
  return { rows: size[0], columns: size[1], r, c, v };
}

/**
 * Reads a 10x Genomics Matrix Market folder (cellranger `filtered_feature_bc_matrix/`):
 * `matrix.mtx[.gz]` (genes x cells, coordinate form, integer, real or pattern values,
 * entries in any order), `features.tsv[.gz]` (cellranger v3: id, name, type) or
 * `genes.tsv[.gz]` (v2: id, name), and `barcodes.tsv[.gz]`. Returns the matrix as cells x
 * genes in CSR form, barcodes as row names and gene names (or ids) as column names.
 *
 * Refused with BcnmfError('INVALID_DATA'), naming the file and line: a missing file, a
 * header other than `%%MatrixMarket matrix coordinate ... general`, an entry count that
 * differs from the size line, an index outside the size, a size that disagrees with the
 * number of features or barcodes, a repeated (gene, cell) entry, a truncated gzip file.
 *
 * @example
 * // folder/: matrix.mtx.gz, features.tsv.gz, barcodes.tsv.gz  (3 genes x 2 cells)
 * const { matrix, featureIds } = await readTenx('folder');
 * matrix.shape;        // [2, 3]
 * matrix.rowNames;     // ['AAACCTGA-1', 'AAACCTGC-1']
 * matrix.columnNames;  // ['MIR1302-2HG', 'FAM138A', 'OR4F5']
 * featureIds[0];       // 'ENSG00000243485'
 */
export async function readTenx(dir: string, options: ReadTenxOptions = {}): Promise<TenxData> {
  const { kind, columnNames, matrixPath, featuresPath, barcodesPath, layout } = locateTenxFolder(dir, options);

  const features = await readTsv(featuresPath);
  const featureIds: string[] = [];
  const featureNames: string[] = [];
  const types: string[] = [];
  features.fields.forEach((f, k) => {
    if (layout === 'v3' && f.length < 3) {
      throw new BcnmfError(
        'INVALID_DATA',
        `${featuresPath}: line ${features.lines[k]} has ${f.length} field(s); a cellranger v3 features file has id, name, type`,
      );
    }
    featureIds.push(f[0]);
    featureNames.push(f.length > 1 ? f[1] : f[0]);
    if (layout === 'v3') types.push(f[2]);
  });
  const barcodes = (await readTsv(barcodesPath)).fields.map((f) => f[0]);

  const mtx = await readMtx(matrixPath, kind);
  if (mtx.rows !== featureIds.length) {
    throw new BcnmfError(
      'INVALID_DATA',
      `${matrixPath}: the size line says ${mtx.rows} genes (rows) but ${featuresPath} lists ${featureIds.length}`,
    );
  }
  if (mtx.columns !== barcodes.length) {
    throw new BcnmfError(
      'INVALID_DATA',
      `${matrixPath}: the size line says ${mtx.columns} cells (columns) but ${barcodesPath} lists ${barcodes.length}`,
    );
  }
  let matrix: CsrMatrix;
  try {
    // genes x cells in the file; cells x genes here: swap the coordinates
    matrix = CsrMatrix.fromCoo(mtx.c, mtx.r, mtx.v, [mtx.columns, mtx.rows], {
      sumDuplicates: false,
      dtype: kind,
      rowNames: barcodes,
      columnNames: columnNames === 'ids' ? featureIds : featureNames,
    });
  } catch (error) {
    if (error instanceof BcnmfError) {
      const m = /repeat position \((\d+), (\d+)\)/.exec(error.message);
      const where = m ? `gene ${Number(m[2]) + 1}, cell ${Number(m[1]) + 1} (1-based)` : error.message;
      throw new BcnmfError('INVALID_DATA', `${matrixPath}: an entry is given more than once: ${where}`);
    }
    throw error;
  }
  return {
    matrix,
    barcodes,
    featureIds,
    featureNames,
    featureTypes: layout === 'v3' ? types : undefined,
    layout,
    files: { matrix: matrixPath, features: featuresPath, barcodes: barcodesPath },
  };
}
