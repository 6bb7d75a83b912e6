import { BcnmfError, DenseMatrix } from '@bcnmf/core';
import { cellReader, LABEL_COLUMN_NAME, NOT_A_NUMBER, notANumber, noFeatureColumns, raggedRecord, refuseUnknownOptions, selectFeatureColumns, testPattern } from './cells.js';
import { feedRecords } from './delimited-feed.js';
import { scanLayout, type DelimitedLayout } from './delimited-layout.js';
import { textSource, type TextInput, type TextSource } from './text-input.js';

/** Which way a table lies in a delimited file. */
export type Orientation = 'samples-in-rows' | 'features-in-rows';

/** Options of the delimited readers (`readDelimited` for files, {@link parseDelimited} for text). */
export interface ReadDelimitedOptions {
  /**
   * The field separator (one character). Default: from the extension, after any `.gz`:
   * `.csv` → `','`; `.tsv`, `.tab` and `.txt` → `'\t'`; else the most frequent of comma,
   * tab and semicolon in the first line.
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
   * matrix's columns. `'numeric'` (samples in rows only): the columns whose cells are all
   * numbers (or missing), except those named like labels (label, class, group, condition,
   * cell_type, cluster, digit, y, target, truth); the text columns and those become
   * annotations. Default: every column (line) other than the names column is a feature.
   */
  features?: readonly string[] | RegExp | 'numeric';
  /**
   * Whether the first column holds names (sample names with `'samples-in-rows'`, feature
   * names with `'features-in-rows'`). `'auto'`: it does when its header cell is empty or
   * names identifiers (`ID_COLUMN_NAME`: id, cell_id, barcode, sample, ...), or one of its
   * cells is not a number. Default: `true`.
   */
  namesColumn?: boolean | 'auto';
  /**
   * Cell texts (after trimming spaces) read as a missing value, stored as NaN and counted.
   * Default: pandas' `read_csv` missing values (`''`, `NA`, `N/A`, `NaN`, `nan`, `NULL`, `null`, `None`, `#N/A`, `<NA>`, ...: `DEFAULT_MISSING`).
   */
  missingValues?: readonly string[];
  /** Value type of the matrix. Default: `'float64'`; `'float32'` halves the memory. */
  dtype?: 'float32' | 'float64';
  /** Stops the read between chunks of text (rejecting with the signal's reason): a large file read on Ctrl-C. */
  signal?: AbortSignal;
}

/** Options of {@link parseDelimited}: the reader's options and the text's name. */
export interface ParseDelimitedOptions extends ReadDelimitedOptions {
  /** Names the text in messages; its extension (`.csv`, `.tsv`, ..., `.gz`) says the delimiter and gzip. Default: `'input'`. */
  name?: string;
}

/** What the delimited readers return. */
export interface DelimitedTable {
  /** samples x features, named where the file names them. */
  matrix: DenseMatrix;
  /** The non-feature columns (`'samples-in-rows'` only), one string per sample, by header name. */
  annotations: Record<string, string[]>;
  /** How many feature cells were missing (stored as NaN). */
  missingCount: number;
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

/**
 * The feature columns of `features: 'numeric'`, as header fields (absolute indices): the
 * columns of numbers. A column of text (or named like a label) is an annotation, but a
 * column of numbers with text cells, or of numbers written with a comma, is refused: read
 * as an annotation it would leave the features without a word and become the labels.
 */
function numericFeatureColumns(name: string, layout: DelimitedLayout, first: number): number[] {
  const { columnNames, columnCells } = layout;
  const chosen: number[] = [];
  columnCells.forEach((cells, c) => {
    const column = columnNames[c].trim();
    if (LABEL_COLUMN_NAME.test(column)) return;
    if (cells.texts === 0) {
      chosen.push(c + first);
      return;
    }
    const { line, text } = cells.firstText!;
    if (cells.commaNumbers === cells.texts) {
      throw new BcnmfError(
        'INVALID_DATA',
        `${name}: line ${line}, column "${column}": ${JSON.stringify(text)} is a number written with a comma (a decimal comma or thousands separators); ` +
          "write numbers with '.' as the decimal point and no separators",
      );
    }
    // numbers with text beside them (ND, <0.01, a typo) are measurements, not labels: read
    // as an annotation, the column would leave the features and be offered as the labels
    if (cells.numbers > 0) {
      throw new BcnmfError(
        'INVALID_DATA',
        `${name}: column "${column}" holds numbers (${cells.numbers} cells) and text (${cells.texts}), first at line ${line}: ${JSON.stringify(text)}; ` +
          'a feature column holds numbers only (a missing value is an empty cell, NA or NaN), an annotation column text only',
      );
    }
  });
  if (chosen.length === 0) {
    throw new BcnmfError('INVALID_DATA', `${name}: no numeric column (every column holds text or is named like a label); is this a data file?`);
  }
  return chosen;
}

/**
 * Reads a dense table from any text source, as a stream: values go straight into a
 * growing typed array. `features: 'numeric'` and `namesColumn: 'auto'` read the text twice
 * (a layout pass first), so they need a source that can be read again.
 */
/** The option names of the delimited readers (`name` is parseDelimited's). */
const READ_OPTIONS = ['delimiter', 'orientation', 'features', 'namesColumn', 'missingValues', 'dtype', 'signal', 'name'];

export async function readTable(source: TextSource, name: string, options: ReadDelimitedOptions): Promise<DelimitedTable> {
  refuseUnknownOptions(options, READ_OPTIONS, name);
  const orientation = options.orientation ?? 'samples-in-rows';
  if (orientation !== 'samples-in-rows' && orientation !== 'features-in-rows') {
    throw new BcnmfError('INVALID_OPTION', `orientation must be 'samples-in-rows' or 'features-in-rows', got ${JSON.stringify(orientation)}`);
  }
  const kind = options.dtype ?? 'float64';
  if (kind !== 'float32' && kind !== 'float64') {
    throw new BcnmfError('INVALID_OPTION', `dtype must be 'float32' or 'float64', got ${JSON.stringify(kind)}`);
  }
  const numericMode = options.features === 'numeric';
  if (numericMode && orientation !== 'samples-in-rows') {
    throw new BcnmfError('INVALID_OPTION', `features: 'numeric' picks columns, so it needs orientation 'samples-in-rows'`);
  }
  let namesColumn = options.namesColumn ?? true;
  let numericColumns: number[] | undefined;
  let delimiter = options.delimiter;
  if (numericMode || namesColumn === 'auto') {
    if (!source.rereadable) {
      throw new BcnmfError('INVALID_OPTION', `${name}: features: 'numeric' and namesColumn: 'auto' read the text twice; pass a string, bytes or a Blob, not a stream`);
    }
    const layout = await scanLayout(source, name, { delimiter, namesColumn, missingValues: options.missingValues, signal: options.signal });
    namesColumn = layout.namesColumn;
    delimiter = layout.delimiter;
    if (numericMode) numericColumns = numericFeatureColumns(name, layout, namesColumn ? 1 : 0);
  }
  const selection = numericMode ? undefined : (options.features as readonly string[] | RegExp | undefined);
  const first = namesColumn ? 1 : 0;
  const read = cellReader(options.missingValues);

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
    const v = read(cell);
    if (v === NOT_A_NUMBER) throw notANumber(name, `line ${line}`, column, header, cell);
    if (Number.isNaN(v)) missingCount++;
    return v;
  };

  const onHeader = (fields: string[]) => {
    header = fields;
    if (fields.length <= first) throw noFeatureColumns(name, fields, delimiter);
    if (orientation === 'samples-in-rows') {
      featureCols = numericColumns ?? selectFeatureColumns(name, fields, first, selection);
      const chosen = new Set(featureCols);
      for (let c = first; c < fields.length; c++) if (!chosen.has(c)) annotationCols.push(c);
      for (let k = 0; k < annotationCols.length; k++) annotationValues.push([]);
    } else if (selection instanceof RegExp) {
      pattern = selection;
    } else if (selection !== undefined) {
      wanted = new Map(selection.map((feature, k) => [feature, k]));
    }
  };

  const onRecord = (fields: string[], line: number) => {
    if (header === undefined) {
      onHeader(fields);
      return;
    }
    if (fields.length !== header.length) throw raggedRecord(name, line, dataRows + 1, fields.length, header.length, header, delimiter);
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
      const lineName = namesColumn ? fields[0] : String(dataRows);
      const keep = wanted ? wanted.has(lineName) : pattern ? testPattern(pattern, lineName) : true;
      if (keep) {
        const n = fields.length - first;
        values.reserve(n);
        const arr = values.array;
        let w = values.length;
        for (let c = first; c < fields.length; c++) arr[w++] = parseCell(fields[c], line, c);
        values.length = w;
        lineNames.push(lineName);
      }
    }
    dataRows++;
  };

  await feedRecords(source, name, delimiter, onRecord, options.signal);

  if (header === undefined) {
    throw new BcnmfError('INVALID_DATA', `${name}: the file is empty (no header row)`);
  }

  if (orientation === 'samples-in-rows') {
    // no prototype: a column named 'constructor' or 'toString' is a column like any other
    const annotations: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    annotationCols.forEach((c, k) => {
      const column = header![c];
      if (!Object.hasOwn(annotations, column)) annotations[column] = annotationValues[k];
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
    lineNames.forEach((lineName, k) => {
      if (!seen.has(lineName)) seen.set(lineName, k);
    });
    const absent = [...wanted.keys()].filter((feature) => !seen.has(feature));
    if (absent.length > 0) {
      throw new BcnmfError('INVALID_OPTION', `${name}: no line named ${absent.map((a) => JSON.stringify(a)).join(', ')}`);
    }
    order = [...wanted.keys()].map((feature) => seen.get(feature)!);
  } else if (pattern && lineNames.length === 0) {
    throw new BcnmfError('INVALID_OPTION', `${name}: no line name matches ${String(pattern)}`);
  }
  const byFeature = values.array;
  const features = order.length;
  const data = kind === 'float32' ? new Float32Array(samples * features) : new Float64Array(samples * features);
  for (let f = 0; f < features; f++) {
    const base = order[f] * samples;
    for (let s = 0; s < samples; s++) data[s * features + f] = byFeature[base + s];
  }
  const matrix = new DenseMatrix({
    data,
    shape: [samples, features],
    rowNames: header.slice(first),
    columnNames: namesColumn ? order.map((k) => lineNames[k]) : undefined,
  });
  return { matrix, annotations: {}, missingCount };
}

/**
 * Reads a dense table from CSV / TSV text: a string, bytes, a Blob or File, or a stream
 * (see {@link TextInput}); in browsers and in Node alike. The same reader as
 * `readDelimited` (files), with the same options, the same rules and the same messages:
 * a header row, RFC 4180 quoting, a byte-order mark dropped, missing cells (see
 * `missingValues`) kept as NaN and counted, bad text refused with
 * `BcnmfError('INVALID_DATA')` naming `options.name` and the place.
 *
 * @example
 * const { matrix, annotations } = await parseDelimited('cell,g1,g2,type\nc1,1,2,T\nc2,3,NA,B\n', {
 *   name: 'cells.csv',
 *   features: 'numeric',
 * });
 * matrix.toArray();       // [[1, 2], [3, NaN]]
 * matrix.columnNames;     // ['g1', 'g2']
 * annotations.type;       // ['T', 'B']
 */
export function parseDelimited(input: TextInput, options: ParseDelimitedOptions = {}): Promise<DelimitedTable> {
  const name = options.name ?? 'input';
  return readTable(textSource(input, name), name, options);
}
