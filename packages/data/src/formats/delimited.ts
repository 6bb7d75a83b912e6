import { BcnmfError, DenseMatrix } from '@bcnmf/core';
import { DelimitedParser } from './delimited-parser.js';
import { textChunks } from './text-stream.js';

/** Which way a table lies in a delimited file. */
export type Orientation = 'samples-in-rows' | 'features-in-rows';

/** Options of {@link readDelimited}. */
export interface ReadDelimitedOptions {
  /**
   * The field separator (one character). Default: from the extension, after any `.gz`:
   * `.csv` → `','`; `.tsv`, `.tab` and `.txt` → `'\t'`; other extensions need this option.
   */
  delimiter?: string;
  /**
   * `'samples-in-rows'` (default): one sample per line, features are columns (the header
   * names the features). `'features-in-rows'`: one feature per line, the header names the
   * samples (as in expression tables and the mnist-flowers CSVs); the result is transposed
   * so that the matrix is always samples x features.
   */
  orientation?: Orientation;
  /**
   * Which features to read as numbers, by name or by a pattern tested against each name.
   * With `'samples-in-rows'` the other columns become string `annotations`; with
   * `'features-in-rows'` the other lines are skipped. A list also sets the order of the
   * matrix's columns. Default: every column (line) other than the names column is a feature.
   */
  features?: readonly string[] | RegExp;
  /**
   * Whether the first column holds names (sample names with `'samples-in-rows'`, feature
   * names with `'features-in-rows'`). Default: `true`.
   */
  namesColumn?: boolean;
  /**
   * Cell texts (after trimming spaces) read as a missing value, stored as NaN and counted.
   * Default: `['', 'NA', 'NaN', 'nan', 'N/A']`.
   */
  missingValues?: readonly string[];
  /** Value type of the matrix. Default: `'float64'`; `'float32'` halves the memory. */
  dtype?: 'float32' | 'float64';
}

/** What {@link readDelimited} returns. */
export interface DelimitedTable {
  /** samples x features, named where the file names them. */
  matrix: DenseMatrix;
  /** The non-feature columns (`'samples-in-rows'` only), one string per sample, by header name. */
  annotations: Record<string, string[]>;
  /** How many feature cells were missing (stored as NaN). */
  missingCount: number;
}

const DEFAULT_MISSING = ['', 'NA', 'NaN', 'nan', 'N/A'];

/** The delimiter implied by a file name, or undefined. */
export function delimiterFromPath(path: string): string | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return ',';
  if (name.endsWith('.tsv') || name.endsWith('.tab') || name.endsWith('.txt')) return '\t';
  return undefined;
}

/** A growing typed array: values are appended, capacity doubles. */
class GrowingArray {
  array: Float32Array | Float64Array;
  length = 0;
  constructor(private readonly kind: 'float32' | 'float64') {
    this.array = kind === 'float32' ? new Float32Array(1 << 16) : new Float64Array(1 << 16);
  }
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.array.length) return;
    let size = this.array.length * 2;
    while (size < need) size *= 2;
    const next = this.kind === 'float32' ? new Float32Array(size) : new Float64Array(size);
    next.set(this.array.subarray(0, this.length));
    this.array = next;
  }
  /** The values, trimmed to length (no copy when the capacity is exact). */
  finish(): Float32Array | Float64Array {
    return this.length === this.array.length ? this.array : this.array.slice(0, this.length);
  }
}

const NUMBER_SUSPECT = /[xXbBoO_]/;
const INFINITY = /^[+-]?inf(inity)?$/i;

/**
 * Reads a dense table from a CSV / TSV file (optionally gzip-compressed), as a stream:
 * the file is never held as one string, and values go straight into a growing typed array.
 *
 * The file has a header row; by default its first column holds names. A UTF-8 byte-order
 * mark is dropped; fields follow RFC 4180 (quotes, doubled quotes, delimiters and line
 * breaks inside quotes). Missing cells (see `missingValues`) become NaN and are counted.
 * Bad files are refused with BcnmfError('INVALID_DATA') naming the file and the place:
 * a line whose field count differs from the header's, a feature cell that is not a number,
 * a truncated gzip stream, an unclosed quote.
 *
 * @example
 * // mice.csv:  MouseID,A_N,B_N,class
 * //            m1,1.5,,c-CS-s
 * //            m2,2,3,t-SC-m
 * const { matrix, annotations, missingCount } = await readDelimited('mice.csv', { features: /_N$/ });
 * matrix.toArray();     // [[1.5, NaN], [2, 3]]
 * matrix.rowNames;      // ['m1', 'm2']
 * matrix.columnNames;   // ['A_N', 'B_N']
 * annotations.class;    // ['c-CS-s', 't-SC-m']
 * missingCount;         // 1
 */
export async function readDelimited(path: string, options: ReadDelimitedOptions = {}): Promise<DelimitedTable> {
  const delimiter = options.delimiter ?? delimiterFromPath(path);
  if (delimiter === undefined) {
    throw new BcnmfError('INVALID_OPTION', `${path}: cannot tell the delimiter from the file name; pass options.delimiter`);
  }
  const orientation = options.orientation ?? 'samples-in-rows';
  if (orientation !== 'samples-in-rows' && orientation !== 'features-in-rows') {
    throw new BcnmfError('INVALID_OPTION', `orientation must be 'samples-in-rows' or 'features-in-rows', got ${JSON.stringify(orientation)}`);
  }
  const namesColumn = options.namesColumn ?? true;
  const missing = new Set((options.missingValues ?? DEFAULT_MISSING).map((s) => s.trim()));
  const kind = options.dtype ?? 'float64';
  if (kind !== 'float32' && kind !== 'float64') {
    throw new BcnmfError('INVALID_OPTION', `dtype must be 'float32' or 'float64', got ${JSON.stringify(kind)}`);
  }
  const selection = options.features;
  const first = namesColumn ? 1 : 0;

  const values = new GrowingArray(kind);
  let header: string[] | undefined;
  let dataRows = 0;
  let missingCount = 0;
  // samples-in-rows
  let featureCols: number[] = [];
  let annotationCols: number[] = [];
  const annotationValues: string[][] = [];
  const rowNames: string[] = [];
  // features-in-rows
  const lineNames: string[] = [];
  let wanted: Map<string, number> | undefined;
  let pattern: RegExp | undefined;

  const parseCell = (cell: string, line: number, column: number): number => {
    const v = Number(cell);
    if (!Number.isNaN(v) && cell.length > 0 && !NUMBER_SUSPECT.test(cell)) {
      if (v === 0 && cell.trim().length === 0) {
        // only spaces: fall through to the missing check below
      } else {
        return v;
      }
    }
    const t = cell.trim();
    if (missing.has(t)) {
      missingCount++;
      return NaN;
    }
    if (INFINITY.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    const columnName = header && header[column] !== undefined && header[column] !== '' ? ` "${header[column]}"` : '';
    throw new BcnmfError(
      'INVALID_DATA',
      `${path}: line ${line}, column ${column + 1}${columnName}: ${JSON.stringify(cell)} is not a number`,
    );
  };

  const onHeader = (fields: string[]) => {
    header = fields;
    if (fields.length <= first) {
      throw new BcnmfError('INVALID_DATA', `${path}: the header has ${fields.length} field(s), so no feature columns`);
    }
    if (orientation === 'samples-in-rows') {
      const candidates: number[] = [];
      for (let c = first; c < fields.length; c++) candidates.push(c);
      if (selection === undefined) {
        featureCols = candidates;
      } else if (selection instanceof RegExp) {
        featureCols = candidates.filter((c) => testPattern(selection, fields[c]));
        if (featureCols.length === 0) {
          throw new BcnmfError('INVALID_OPTION', `${path}: no column name matches ${String(selection)}`);
        }
      } else {
        const byName = new Map<string, number>();
        for (const c of candidates) if (!byName.has(fields[c])) byName.set(fields[c], c);
        const absent = selection.filter((name) => !byName.has(name));
        if (absent.length > 0) {
          throw new BcnmfError('INVALID_OPTION', `${path}: no column named ${absent.map((a) => JSON.stringify(a)).join(', ')}`);
        }
        featureCols = selection.map((name) => byName.get(name)!);
      }
      const chosen = new Set(featureCols);
      annotationCols = candidates.filter((c) => !chosen.has(c));
      for (let k = 0; k < annotationCols.length; k++) annotationValues.push([]);
    } else if (selection instanceof RegExp) {
      pattern = selection;
    } else if (selection !== undefined) {
      wanted = new Map(selection.map((name, k) => [name, k]));
    }
  };

  const onRecord = (fields: string[], line: number) => {
    if (header === undefined) {
      onHeader(fields);
      return;
    }
    if (fields.length !== header.length) {
      throw new BcnmfError(
        'INVALID_DATA',
        `${path}: line ${line} (data row ${dataRows + 1}) has ${fields.length} fields but the header has ${header.length}`,
      );
    }
    if (orientation === 'samples-in-rows') {
      values.reserve(featureCols.length);
      const arr = values.array;
      let w = values.length;
      for (let k = 0; k < featureCols.length; k++) {
        const c = featureCols[k];
        arr[w++] = parseCell(fields[c], line, c);
      }
      values.length = w;
      for (let k = 0; k < annotationCols.length; k++) annotationValues[k].push(fields[annotationCols[k]]);
      if (namesColumn) rowNames.push(fields[0]);
    } else {
      const name = namesColumn ? fields[0] : String(dataRows);
      const keep = wanted ? wanted.has(name) : pattern ? testPattern(pattern, name) : true;
      if (keep) {
        const n = fields.length - first;
        values.reserve(n);
        const arr = values.array;
        let w = values.length;
        for (let c = first; c < fields.length; c++) arr[w++] = parseCell(fields[c], line, c);
        values.length = w;
        lineNames.push(name);
      }
    }
    dataRows++;
  };

  const parser = new DelimitedParser(delimiter, path, onRecord);
  for await (const chunk of textChunks(path)) parser.push(chunk);
  parser.end();

  if (header === undefined) {
    throw new BcnmfError('INVALID_DATA', `${path}: the file is empty (no header row)`);
  }

  if (orientation === 'samples-in-rows') {
    const annotations: Record<string, string[]> = {};
    annotationCols.forEach((c, k) => {
      const name = header![c];
      if (!(name in annotations)) annotations[name] = annotationValues[k];
    });
    const matrix = new DenseMatrix({
      data: values.finish(),
      shape: [dataRows, featureCols.length],
      rowNames: namesColumn ? rowNames : undefined,
      columnNames: featureCols.map((c) => header![c]),
    });
    return { matrix, annotations, missingCount };
  }

  // features-in-rows: `values` holds features x samples in file order; transpose, ordering
  // the features as the `features` list asks.
  const samples = header.length - first;
  let order: number[] = lineNames.map((_, k) => k);
  if (wanted) {
    const seen = new Map<string, number>();
    lineNames.forEach((name, k) => {
      if (!seen.has(name)) seen.set(name, k);
    });
    const absent = [...wanted.keys()].filter((name) => !seen.has(name));
    if (absent.length > 0) {
      throw new BcnmfError('INVALID_OPTION', `${path}: no line named ${absent.map((a) => JSON.stringify(a)).join(', ')}`);
    }
    order = [...wanted.keys()].map((name) => seen.get(name)!);
  } else if (pattern && lineNames.length === 0) {
    throw new BcnmfError('INVALID_OPTION', `${path}: no line name matches ${String(pattern)}`);
  }
  const source = values.array;
  const features = order.length;
  const data = kind === 'float32' ? new Float32Array(samples * features) : new Float64Array(samples * features);
  for (let f = 0; f < features; f++) {
    const base = order[f] * samples;
    for (let s = 0; s < samples; s++) data[s * features + f] = source[base + s];
  }
  const matrix = new DenseMatrix({
    data,
    shape: [samples, features],
    rowNames: header.slice(first),
    columnNames: namesColumn ? order.map((k) => lineNames[k]) : undefined,
  });
  return { matrix, annotations: {}, missingCount };
}

function testPattern(pattern: RegExp, name: string): boolean {
  pattern.lastIndex = 0; // a /g or /y pattern keeps state between calls
  return pattern.test(name);
}
