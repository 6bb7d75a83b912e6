// Delimited text (CSV / TSV) in the browser: an RFC 4180 parser, the numeric table a
// data file holds, its orientation (samples or features in rows), and label files.
// Pure functions on strings: no DOM, no Node modules (the unit tests run them in Node).

/** A problem with a file, with a message meant for the page. */
export class FileFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileFormatError';
  }
}

export type Orientation = 'samples-in-rows' | 'features-in-rows';

/** A data matrix as the page uses it: samples x features, row-major float32. */
export interface LoadedMatrix {
  /** The file it came from. */
  fileName: string;
  data: Float32Array;
  rows: number;
  columns: number;
  sampleNames: string[];
  featureNames: string[];
  /** Non-numeric (or label-like) columns per sample, by column name: label candidates. */
  annotations: Record<string, string[]>;
  /** Cells that were empty or NA (kept as NaN). */
  missingCount: number;
}

/** The raw grid of a delimited file: header, optional names column, body cells. */
export interface DelimitedTable {
  fileName: string;
  delimiter: string;
  /** Header cells without the names column's header. */
  header: string[];
  /** The first column of each body row, when the file has a names column. */
  rowNames: string[] | null;
  /** Body cells, names column removed: `cells[row][column]`. */
  cells: string[][];
}

const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'N/A', 'null']);

/** The delimiter of a file: by extension (.csv → comma; .tsv/.tab/.txt → tab), else by its first line. */
export function detectDelimiter(fileName: string, firstLine: string): string {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return ',';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return '\t';
  const counts: Array<[string, number]> = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

/**
 * Splits delimited text into records (RFC 4180: quoted fields with doubled quotes,
 * delimiters and line breaks inside quotes; LF or CRLF; a leading byte-order mark).
 * Blank lines are skipped. Throws {@link FileFormatError} on an unclosed quote or a
 * stray character after a closing quote, naming the line.
 */
export function parseDelimited(text: string, delimiter = ',', fileName = 'the file'): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let quoted = false;
  let afterQuote = false;
  let quoteLine = 0;
  const n = text.length;
  const endRecord = (): void => {
    record.push(field);
    field = '';
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        afterQuote = true;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === delimiter) {
      record.push(field);
      field = '';
      afterQuote = false;
      i++;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      afterQuote = false;
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
    } else if (c === '"' && field === '' && !afterQuote) {
      quoted = true;
      quoteLine = line;
      i++;
    } else {
      if (afterQuote) {
        throw new FileFormatError(`${fileName}, line ${line}: unexpected character ${JSON.stringify(c)} after a closing quote`);
      }
      // fast path: copy up to the next special character
      let j = i + 1;
      while (j < n) {
        const d = text[j];
        if (d === delimiter || d === '\n' || d === '\r' || d === '"') break;
        j++;
      }
      field += text.slice(i, j);
      i = j;
    }
  }
  if (quoted) throw new FileFormatError(`${fileName}: the quote opened on line ${quoteLine} is never closed`);
  if (field !== '' || record.length > 0) endRecord();
  return records;
}

function isNumber(text: string): boolean {
  const t = text.trim();
  return t !== '' && Number.isFinite(Number(t));
}

/**
 * Reads a delimited data file's grid: a header row, then one row per record. The first
 * column holds names when its header cell is empty or any of its body cells is not a
 * number. Every body row must have as many fields as the header.
 */
export function readDelimitedTable(text: string, fileName: string): DelimitedTable {
  if (text.trim() === '') throw new FileFormatError(`${fileName} is empty`);
  const firstLine = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
  const delimiter = detectDelimiter(fileName, firstLine);
  const records = parseDelimited(text, delimiter, fileName);
  if (records.length < 2) {
    throw new FileFormatError(`${fileName} has a header but no data rows (a data file needs a header row and one row per sample or feature)`);
  }
  const header = records[0].map((h) => h.trim());
  for (let r = 1; r < records.length; r++) {
    if (records[r].length !== header.length) {
      throw new FileFormatError(
        `${fileName}, data row ${r}: ${records[r].length} fields but the header has ${header.length}` +
          (header.length === 1 ? ` (is the delimiter right? read as ${delimiter === '\t' ? 'tab' : JSON.stringify(delimiter)})` : ''),
      );
    }
  }
  const body = records.slice(1);
  const hasNames = header[0] === '' || body.some((row) => !isNumber(row[0]) && !MISSING.has(row[0].trim()));
  return {
    fileName,
    delimiter,
    header: hasNames ? header.slice(1) : header,
    rowNames: hasNames ? body.map((row) => row[0].trim()) : null,
    cells: hasNames ? body.map((row) => row.slice(1)) : body,
  };
}

/** Column names treated as labels even when their values are numbers. */
const LABEL_NAME = /^(label|labels|class|classes|group|groups|condition|cell_?type|celltype|cluster|digit|y|target|truth)$/i;

/**
 * The samples x features matrix of a table in the given orientation.
 *
 * - `samples-in-rows`: numeric columns are features; columns holding text (and columns
 *   named like a label: label, class, group, digit, ...) become `annotations`.
 * - `features-in-rows`: one feature per row, one sample per column; every cell must be a
 *   number (or missing).
 *
 * Refused with a message naming row and column: a cell that is not a number, no numeric
 * column at all.
 */
export function tableToMatrix(table: DelimitedTable, orientation: Orientation): LoadedMatrix {
  const { fileName, header, rowNames, cells } = table;
  const nRows = cells.length;
  const nCols = header.length;
  const parse = (text: string, r: number, c: number): number => {
    const t = text.trim();
    if (MISSING.has(t)) return NaN;
    const v = Number(t);
    if (!Number.isFinite(v)) {
      const rowName = rowNames ? ` (${rowNames[r]})` : '';
      throw new FileFormatError(
        `${fileName}, data row ${r + 1}${rowName}, column ${JSON.stringify(header[c] || String(c + 1))}: ${JSON.stringify(text)} is not a number`,
      );
    }
    return v;
  };
  let missingCount = 0;
  if (orientation === 'features-in-rows') {
    const data = new Float32Array(nRows * nCols);
    for (let r = 0; r < nRows; r++) {
      const row = cells[r];
      for (let c = 0; c < nCols; c++) {
        const v = parse(row[c], r, c);
        if (Number.isNaN(v)) missingCount++;
        data[c * nRows + r] = v;
      }
    }
    return {
      fileName,
      data,
      rows: nCols,
      columns: nRows,
      sampleNames: header.map((h, c) => h || `sample_${c + 1}`),
      featureNames: rowNames ?? Array.from({ length: nRows }, (_, r) => `feature_${r + 1}`),
      annotations: {},
      missingCount,
    };
  }
  const featureColumns: number[] = [];
  const annotations: Record<string, string[]> = {};
  for (let c = 0; c < nCols; c++) {
    let numeric = true;
    for (let r = 0; r < nRows && numeric; r++) {
      const t = cells[r][c].trim();
      if (!MISSING.has(t) && !isNumber(t)) numeric = false;
    }
    if (numeric && !LABEL_NAME.test(header[c])) featureColumns.push(c);
    else annotations[header[c] || `column_${c + 1}`] = cells.map((row) => row[c].trim());
  }
  if (featureColumns.length === 0) {
    throw new FileFormatError(`${fileName}: no numeric column (every column holds text); is this a data file?`);
  }
  const m = featureColumns.length;
  const data = new Float32Array(nRows * m);
  for (let r = 0; r < nRows; r++) {
    const row = cells[r];
    for (let j = 0; j < m; j++) {
      const v = parse(row[featureColumns[j]], r, featureColumns[j]);
      if (Number.isNaN(v)) missingCount++;
      data[r * m + j] = v;
    }
  }
  return {
    fileName,
    data,
    rows: nRows,
    columns: m,
    sampleNames: rowNames ?? Array.from({ length: nRows }, (_, r) => `sample_${r + 1}`),
    featureNames: featureColumns.map((c) => header[c] || `feature_${c + 1}`),
    annotations,
    missingCount,
  };
}

/** An orientation guess and why. */
export interface OrientationGuess {
  orientation: Orientation;
  reason: string;
}

function overlap(a: readonly string[], b: readonly string[]): number {
  const set = new Set(a);
  let n = 0;
  for (const x of b) if (set.has(x)) n++;
  return n;
}

/**
 * Guesses the orientation of a target and a background table. Target and background
 * share their features, so the side whose names the two files share is the feature
 * side: shared header names → samples in rows; shared row names → features in rows.
 * Without names to compare, equal column counts (and different row counts) mean
 * samples in rows, equal row counts (and different column counts) features in rows.
 * The default is samples in rows.
 */
export function guessOrientation(target: DelimitedTable, background: DelimitedTable | null): OrientationGuess {
  if (background) {
    const sharedHeader = overlap(target.header, background.header);
    const sharedRows = target.rowNames && background.rowNames ? overlap(target.rowNames, background.rowNames) : 0;
    if (sharedRows > sharedHeader && sharedRows >= Math.min(target.cells.length, background.cells.length) / 2) {
      return { orientation: 'features-in-rows', reason: `the two files share ${sharedRows} row names (features) and ${sharedHeader} column names` };
    }
    if (sharedHeader > sharedRows && sharedHeader >= Math.min(target.header.length, background.header.length) / 2) {
      return { orientation: 'samples-in-rows', reason: `the two files share ${sharedHeader} column names (features)` };
    }
    const sameCols = target.header.length === background.header.length;
    const sameRows = target.cells.length === background.cells.length;
    if (sameCols && !sameRows) return { orientation: 'samples-in-rows', reason: 'the two files have the same number of columns' };
    if (sameRows && !sameCols) return { orientation: 'features-in-rows', reason: 'the two files have the same number of rows' };
  }
  return { orientation: 'samples-in-rows', reason: 'the usual layout (nothing in the files says otherwise)' };
}

/** Labels matched to samples, and how they were matched. */
export interface MatchedLabels {
  labels: string[];
  how: string;
}

/**
 * Reads a labels file of `sample,label` rows (a header row is optional: it is skipped
 * when its first cell is not one of the sample names) and returns one label per sample
 * of the target, matched by sample name; files without matching names are matched by
 * position when they have exactly one row per sample.
 */
export function readLabelsFile(text: string, fileName: string, sampleNames: readonly string[]): MatchedLabels {
  if (text.trim() === '') throw new FileFormatError(`${fileName} is empty`);
  const firstLine = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
  const records = parseDelimited(text, detectDelimiter(fileName, firstLine), fileName);
  const names = new Set(sampleNames);
  // a header row: a first row that is not a sample while later rows are, or one row too many
  let rows = records;
  const isSample = (row: string[]) => names.has(row[0]?.trim());
  if (rows.length > 0 && !isSample(rows[0]) && (rows.slice(1).some(isSample) || rows.length === sampleNames.length + 1)) rows = rows.slice(1);
  if (rows.length === 0) throw new FileFormatError(`${fileName} has no label rows`);
  for (let r = 0; r < rows.length; r++) {
    if (rows[r].length < 2 && !(rows[r].length === 1 && rows.length === sampleNames.length)) {
      throw new FileFormatError(`${fileName}, row ${r + 1}: expected "sample,label", found ${rows[r].length} field(s)`);
    }
  }
  const byName = new Map<string, string>();
  for (const row of rows) if (row.length >= 2) byName.set(row[0].trim(), row[row.length - 1].trim());
  const matched = sampleNames.filter((s) => byName.has(s)).length;
  if (matched === sampleNames.length) {
    return { labels: sampleNames.map((s) => byName.get(s)!), how: `${fileName}: matched all ${matched} samples by name` };
  }
  if (matched > 0) {
    const missing = sampleNames.filter((s) => !byName.has(s));
    throw new FileFormatError(
      `${fileName}: labels for ${matched} of ${sampleNames.length} samples; missing for ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}`,
    );
  }
  if (rows.length === sampleNames.length) {
    return { labels: rows.map((row) => row[row.length - 1].trim()), how: `${fileName}: no sample names match, taken in file order (one row per sample)` };
  }
  throw new FileFormatError(
    `${fileName}: none of its ${rows.length} sample names is a target sample (e.g. ${JSON.stringify(rows[0][0])} vs ${JSON.stringify(sampleNames[0])}), and the row count differs from the ${sampleNames.length} target samples`,
  );
}
