import { closeSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { BcnmfError, DenseMatrix, FLOAT32_MAX } from '@bcnmf/core';
import { DelimitedParser } from '../formats/delimited-parser.js';
import { cellReader, delimiterFromPath, noFeatureColumns, NOT_A_NUMBER, notANumber, raggedRecord, selectFeatureColumns } from '../formats/cells.js';
import { isGzipPath } from '../formats/text-stream.js';
import type { BatchSource } from './batch-source.js';
import { checkRowRange, ROW_NAMES_LIMIT, sliceNames } from './batch-source.js';
import { byteChunks } from './byte-stream.js';
import { createTempDir, removeTempDir } from './temp-files.js';

/** Options of {@link openCsvSource}. */
export interface CsvSourceOptions {
  /** One character. Default: from the extension (after any `.gz`): `.csv` → `,`; `.tsv`, `.tab`, `.txt` → tab. */
  delimiter?: string;
  /** The first column holds sample names. Default: `true`. */
  namesColumn?: boolean;
  /** Which columns are features, by name (also sets their order) or pattern; the others are skipped. Default: all but the names column. */
  features?: readonly string[] | RegExp;
  /** Cell texts (trimmed) read as missing, stored as NaN. Default: pandas' `read_csv` missing values (`''`, `NA`, `N/A`, `NaN`, `nan`, `NULL`, `null`, `None`, `#N/A`, `<NA>`, ...: `DEFAULT_MISSING`). */
  missingValues?: readonly string[];
  /** Value type of the batches. Default: `'float32'`. */
  dtype?: 'float32' | 'float64';
  /** Keep the sample names as `rowNames` (and name each batch's rows). Default: only for at most 100,000 rows. */
  rowNames?: boolean;
  /** Folder for the gunzipped copy of a `.gz` file. Default: the OS temp folder. */
  tempDir?: string;
  /** Stops the indexing (with the signal's reason, nothing left behind) when it aborts. */
  signal?: AbortSignal;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Growing list of byte offsets. */
class Offsets {
  values = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = v;
  }
}

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

/**
 * Finds the byte offset of every record of a delimited file (RFC 4180 quoting: line
 * breaks inside quotes do not end a record; `\n`, `\r\n` or a lone `\r` do; blank lines
 * are no records), as {@link DelimitedParser} splits them.
 */
class RecordScanner {
  private state = FIELD_START;
  private afterCR = false;
  private hasBytes = false;
  private recordStart = 0;
  private position = 0;
  readonly starts = new Offsets();

  constructor(private readonly delimiter: number) {}

  push(chunk: Buffer): void {
    const delim = this.delimiter;
    let state = this.state;
    let hasBytes = this.hasBytes;
    let recordStart = this.recordStart;
    const base = this.position;
    let k = 0;
    if (this.afterCR && chunk.length > 0) {
      this.afterCR = false;
      if (chunk[0] === LF) {
        recordStart = base + 1;
        k = 1;
      }
    }
    for (; k < chunk.length; k++) {
      const b = chunk[k];
      if (state === QUOTED) {
        if (b === QUOTE) state = QUOTE_IN_QUOTED;
        continue;
      }
      if (b === LF || b === CR) {
        if (hasBytes) this.starts.push(recordStart);
        hasBytes = false;
        state = FIELD_START;
        recordStart = base + k + 1;
        if (b === CR) {
          if (k + 1 < chunk.length) {
            if (chunk[k + 1] === LF) {
              k++;
              recordStart++;
            }
          } else {
            this.afterCR = true;
          }
        }
        continue;
      }
      hasBytes = true;
      if (b === delim) state = FIELD_START;
      else if (b === QUOTE && (state === FIELD_START || state === QUOTE_IN_QUOTED)) state = QUOTED;
      else state = UNQUOTED;
    }
    this.state = state;
    this.hasBytes = hasBytes;
    this.recordStart = recordStart;
    this.position = base + chunk.length;
  }

  /** Ends the input; returns the byte length. */
  end(): number {
    if (this.hasBytes) this.starts.push(this.recordStart);
    this.hasBytes = false;
    return this.position;
  }
}

/**
 * Opens a CSV / TSV file (plain or `.gz`) of samples in rows as a {@link BatchSource} of
 * dense batches, without holding the table: one header row, the first column holding
 * sample names (unless `namesColumn: false`), RFC 4180 quoting, as `readDelimited`
 * reads it (`orientation: 'samples-in-rows'`).
 *
 * Opening reads the file once: every record is parsed and checked (so a bad cell is
 * refused now, with its line and column, not in the middle of a fit) and the byte offset
 * of each row is kept (8 bytes a row; sample names too when kept). A `.gz` file is
 * gunzipped to a temporary file on the way, since gzip cannot be read from the middle;
 * it is removed by `close()` (or at process exit). Each batch then reads its byte range
 * and parses it with {@link DelimitedParser} into a {@link DenseMatrix} (Float32Array by
 * default). A plain file that changes after opening is refused at the next batch.
 *
 * Refused with BcnmfError('INVALID_DATA') naming the file and place: a line whose field
 * count differs from the header's, a feature cell that is not a number, an unclosed
 * quote, a damaged gzip stream, an empty file.
 *
 * @example
 * // expression.csv: cell,g1,g2,...   then one line per cell
 * const source = await openCsvSource('expression.csv');
 * const batch = await source.readRows(0, 512);  // DenseMatrix 512 x source.columns
 * batch.rowNames?.[0];                          // the first cell's name
 * await source.close();
 */
export async function openCsvSource(path: string, options: CsvSourceOptions = {}): Promise<BatchSource> {
  const delimiter = options.delimiter ?? delimiterFromPath(path);
  if (delimiter === undefined) {
    throw new BcnmfError('INVALID_OPTION', `${path}: cannot tell the delimiter from the file name; pass options.delimiter`);
  }
  const kind = options.dtype ?? 'float32';
  if (kind !== 'float32' && kind !== 'float64') {
    throw new BcnmfError('INVALID_OPTION', `dtype must be 'float32' or 'float64', got ${JSON.stringify(kind)}`);
  }
  const namesColumn = options.namesColumn ?? true;
  const read = cellReader(options.missingValues);
  const selection = options.features;
  const first = namesColumn ? 1 : 0;

  let header: string[] | undefined;
  let featureCols: number[] = [];
  let rows = 0;
  let names: string[] | undefined = namesColumn && options.rowNames !== false ? [] : undefined;

  const parseCell = (cell: string, where: string, column: number): number => {
    const v = read(cell);
    if (v === NOT_A_NUMBER) throw notANumber(path, where, column, header, cell);
    // float32 would turn it into Infinity, and the message into a wrong one
    if (kind === 'float32' && Number.isFinite(v) && !Number.isFinite(Math.fround(v))) {
      const name = header?.[column];
      throw new BcnmfError(
        'INVALID_DATA',
        `${path}: ${where}, column ${column + 1}${name !== undefined ? ` ('${name}')` : ''}: the value ${cell.trim()} is beyond float32 ` +
          `(largest ${FLOAT32_MAX.toPrecision(3)}), in which the batches are read; rescale the data (or open it with dtype 'float64')`,
      );
    }
    return v;
  };

  const onHeader = (fields: string[]): void => {
    header = fields;
    if (fields.length <= first) throw noFeatureColumns(path, fields, delimiter);
    featureCols = selectFeatureColumns(path, fields, first, selection);
  };

  const onRecord = (fields: string[], line: number): void => {
    if (header === undefined) {
      onHeader(fields);
      return;
    }
    if (fields.length !== header.length) throw raggedRecord(path, line, rows + 1, fields.length, header.length, header, delimiter);
    for (const c of featureCols) parseCell(fields[c], `line ${line}`, c);
    if (names !== undefined) {
      names.push(fields[0]);
      if (options.rowNames === undefined && names.length > ROW_NAMES_LIMIT) names = undefined;
    }
    rows++;
  };

  const gz = isGzipPath(path);
  const temp = gz ? createTempDir(options.tempDir) : undefined;
  try {
    const dataPath = temp !== undefined ? join(temp, 'table.txt') : path;
    const copy = temp !== undefined ? openSync(dataPath, 'w') : undefined;
    const scanner = new RecordScanner(delimiter.charCodeAt(0));
    const parser = new DelimitedParser(delimiter, path, onRecord);
    const decoder = new StringDecoder('utf8');
    let firstText = true;
    let length: number;
    try {
      for await (const chunk of byteChunks(path)) {
        options.signal?.throwIfAborted();
        if (copy !== undefined) {
          let done = 0;
          while (done < chunk.length) done += writeSync(copy, chunk, done, chunk.length - done);
        }
        scanner.push(chunk);
        let text = decoder.write(chunk);
        if (firstText && text.length > 0) {
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          firstText = false;
        }
        if (text.length > 0) parser.push(text);
      }
      const rest = decoder.end();
      if (rest.length > 0) parser.push(rest);
      parser.end();
      length = scanner.end();
    } finally {
      if (copy !== undefined) closeSync(copy);
    }
    if (header === undefined) throw new BcnmfError('INVALID_DATA', `${path}: the file is empty (no header row)`);
    const starts = scanner.starts;
    if (starts.length !== rows + 1) {
      throw new BcnmfError('INVALID_DATA', `${path}: found ${starts.length - 1} data records by bytes but ${rows} by parsing; the file may be changing`);
    }
    // record 0 is the header
    const offsets = new Float64Array(rows + 1);
    offsets.set(starts.values.subarray(1, rows + 1));
    offsets[rows] = length;
    const fh = await open(dataPath, 'r');
    const stat = await fh.stat();
    return serve(fh, stat, {
      path,
      delimiter,
      kind,
      rows,
      header,
      featureCols,
      offsets,
      rowNames: names,
      namesColumn,
      parseCell,
      temp,
    });
  } catch (error) {
    if (temp !== undefined) removeTempDir(temp);
    throw error;
  }
}

interface CsvIndex {
  path: string;
  delimiter: string;
  kind: 'float32' | 'float64';
  rows: number;
  header: string[];
  featureCols: number[];
  offsets: Float64Array;
  rowNames: string[] | undefined;
  namesColumn: boolean;
  parseCell: (cell: string, where: string, column: number) => number;
  temp: string | undefined;
}

function serve(fh: FileHandle, stat: { size: number; mtimeMs: number }, index: CsvIndex): BatchSource {
  const { path, rows, header, featureCols, offsets, rowNames, kind, parseCell } = index;
  const columns = featureCols.length;
  const columnNames = featureCols.map((c) => header[c]);
  let closed = false;
  return {
    rows,
    columns,
    columnNames,
    ...(rowNames !== undefined ? { rowNames } : {}),
    async readRows(start: number, count: number): Promise<DenseMatrix> {
      checkRowRange(path, rows, start, count, closed);
      if (index.temp === undefined) {
        const now = await fh.stat();
        if (now.size !== stat.size || now.mtimeMs !== stat.mtimeMs) {
          throw new BcnmfError('INVALID_DATA', `${path}: the file changed after it was opened; open it again`);
        }
      }
      const data = kind === 'float32' ? new Float32Array(count * columns) : new Float64Array(count * columns);
      if (count > 0) {
        const from = offsets[start];
        const bytes = Buffer.alloc(offsets[start + count] - from);
        let done = 0;
        while (done < bytes.length) {
          const { bytesRead } = await fh.read(bytes, done, bytes.length - done, from + done);
          if (bytesRead === 0) throw new BcnmfError('INVALID_DATA', `${path}: the file is shorter than when it was opened`);
          done += bytesRead;
        }
        let row = 0;
        const parser = new DelimitedParser(index.delimiter, path, (fields) => {
          const where = `data row ${start + row + 1}`;
          if (row >= count) throw new BcnmfError('INVALID_DATA', `${path}: ${where}: more records than indexed; the file changed after it was opened`);
          if (fields.length !== header.length) {
            throw new BcnmfError('INVALID_DATA', `${path}: ${where} has ${fields.length} fields but the header has ${header.length}`);
          }
          const base = row * columns;
          for (let k = 0; k < columns; k++) data[base + k] = parseCell(fields[featureCols[k]], where, featureCols[k]);
          row++;
        });
        parser.push(bytes.toString('utf8'));
        parser.end();
        if (row !== count) throw new BcnmfError('INVALID_DATA', `${path}: rows ${start + 1}..${start + count} hold ${row} records; the file changed after it was opened`);
      }
      return new DenseMatrix({ data, shape: [count, columns], rowNames: sliceNames(rowNames, start, count), columnNames });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await fh.close();
      if (index.temp !== undefined) removeTempDir(index.temp);
    },
  };
}
