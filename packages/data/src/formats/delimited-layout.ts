import { BcnmfError } from '@bcnmf/core';
import { cellReader, COMMA_NUMBER, NOT_A_NUMBER, raggedRecord, refuseUnknownOptions } from './cells.js';
import { feedRecords } from './delimited-feed.js';
import { textSource, type TextInput, type TextSource } from './text-input.js';

/** The shape of a delimited table, without its numbers: what {@link scanDelimited} returns. */
export interface DelimitedLayout {
  /** The delimiter read (given, from the name, or from the first line). */
  delimiter: string;
  /** Whether the first column holds names (given, or detected). */
  namesColumn: boolean;
  /** The header's fields, the names column's header cell left out. */
  columnNames: string[];
  /** The first field of each data row when the first column holds names, else undefined. */
  rowNames: string[] | undefined;
  /** How many data rows (records after the header). */
  rows: number;
  /** Per column of `columnNames`: true when every cell is a number or missing. */
  numericColumns: boolean[];
  /** Per column of `columnNames`: how many of its cells hold numbers and text, and its first text. */
  columnCells: ColumnCells[];
}

/** What one column's cells hold (missing cells are in neither count). */
export interface ColumnCells {
  /** Cells that hold a number. */
  numbers: number;
  /** Cells that hold text (not a number, not a missing value). */
  texts: number;
  /** Text cells that are numbers written with a comma: a decimal comma (`2,5`) or thousands separators (`1,535`). */
  commaNumbers: number;
  /** The column's first text cell: its line in the file and its text. */
  firstText?: { line: number; text: string };
}


/**
 * First-column headers that name identifiers (`id`, `cell_id`, `barcode`, `sample`,
 * pandas' `Unnamed: 0`, ...): with `namesColumn: 'auto'` such a column holds names even
 * when they are numbers (read as a feature, an ID column would dominate the fit).
 */
export const ID_COLUMN_NAME = /^(ids?|index|idx|barcodes?|cells?|samples?|names?|obs_?names|unnamed: ?0|(cell|sample|obs|row|barcode|gene|patient|subject)id|[a-z0-9]+[_ .-](id|names?)|id[_ .-][a-z0-9]+)$/i;

/** Identifier headers written in camel case (GeneID, PatientID, EntrezID): case-sensitive, so that 'lipid' stays a feature. */
const CAMEL_ID_COLUMN_NAME = /^[A-Za-z0-9]*[a-z0-9]ID$/;

/** Whether a first column's header names identifiers ({@link ID_COLUMN_NAME}, or camel-case ...ID). */
export function isIdColumnName(header: string): boolean {
  const name = header.trim();
  return ID_COLUMN_NAME.test(name) || CAMEL_ID_COLUMN_NAME.test(name);
}

/** Options of {@link scanDelimited}. */
export interface ScanDelimitedOptions {
  /** Names the text in messages; its extension (`.csv`, `.tsv`, `.tab`, `.txt`, after `.gz`) gives the delimiter. Default: `'input'`. */
  name?: string;
  /** The field separator. Default: from the name, else the most frequent of comma, tab and semicolon in the first line. */
  delimiter?: string;
  /**
   * Whether the first column holds names. `'auto'`: it does when its header cell is empty
   * or names identifiers ({@link ID_COLUMN_NAME}: id, cell_id, barcode, sample, ...), or
   * one of its cells is not a number. Default: `true`.
   */
  namesColumn?: boolean | 'auto';
  /** Cell texts read as missing. Default: pandas' `read_csv` missing values (`''`, `NA`, `N/A`, `NaN`, `nan`, `NULL`, `null`, `None`, `#N/A`, `<NA>`, ...: `DEFAULT_MISSING`). */
  missingValues?: readonly string[];
  /** Stops the scan (with the signal's reason) when it aborts. */
  signal?: AbortSignal;
}

/** The layout of a table from any text source (one pass). */
export async function scanLayout(source: TextSource, name: string, options: Omit<ScanDelimitedOptions, 'name'>): Promise<DelimitedLayout> {
  refuseUnknownOptions(options, ['name', 'delimiter', 'namesColumn', 'missingValues', 'signal'], name);
  const namesOption = options.namesColumn ?? true;
  if (namesOption !== true && namesOption !== false && namesOption !== 'auto') {
    throw new BcnmfError('INVALID_OPTION', `namesColumn must be true, false or 'auto', got ${JSON.stringify(namesOption)}`);
  }
  const read = cellReader(options.missingValues);
  let header: string[] | undefined;
  let cells: ColumnCells[] = [];
  const firstFields: string[] = [];
  let rows = 0;
  const delimiter = await feedRecords(source, name, options.delimiter, (fields, line) => {
    if (header === undefined) {
      header = fields;
      cells = fields.map(() => ({ numbers: 0, texts: 0, commaNumbers: 0 }));
      return;
    }
    if (fields.length !== header.length) throw raggedRecord(name, line, rows + 1, fields.length, header.length, header, options.delimiter);
    for (let c = 0; c < fields.length; c++) {
      const value = read(fields[c]);
      const column = cells[c];
      if (value !== NOT_A_NUMBER) {
        if (!Number.isNaN(value)) column.numbers++;
        continue;
      }
      const text = fields[c].trim();
      column.texts++;
      if (COMMA_NUMBER.test(text)) column.commaNumbers++;
      column.firstText ??= { line, text };
    }
    firstFields.push(fields[0]);
    rows++;
  }, options.signal);
  const numeric = cells.map((column) => column.texts === 0);
  if (header === undefined) throw new BcnmfError('INVALID_DATA', `${name}: the file is empty (no header row)`);
  const namesColumn = namesOption === 'auto' ? header[0].trim() === '' || isIdColumnName(header[0]) || (rows > 0 && !numeric[0]) : namesOption;
  const first = namesColumn ? 1 : 0;
  return {
    delimiter,
    namesColumn,
    columnNames: header.slice(first),
    rowNames: namesColumn ? firstFields : undefined,
    rows,
    numericColumns: numeric.slice(first),
    columnCells: cells.slice(first),
  };
}

/**
 * Reads the layout of a CSV / TSV table without keeping its numbers: the delimiter, the
 * header, the row names, the row count, which columns hold only numbers, and (with
 * `namesColumn: 'auto'`) whether the first column holds names. It checks the structure
 * as the readers do (a record whose field count differs from the header's, an unclosed
 * quote, an empty or binary file: `BcnmfError('INVALID_DATA')` naming the place). Tables
 * are compared by their layouts to tell their orientation (`detectOrientation`).
 *
 * @example
 * const layout = await scanDelimited(',img1,img2\npixel_0,0.1,0.2\npixel_1,0.3,0.4\n', { name: 'target.csv', namesColumn: 'auto' });
 * layout.namesColumn;   // true (the header's first cell is empty)
 * layout.columnNames;   // ['img1', 'img2']
 * layout.rowNames;      // ['pixel_0', 'pixel_1']
 */
export function scanDelimited(input: TextInput, options: ScanDelimitedOptions = {}): Promise<DelimitedLayout> {
  const name = options.name ?? 'input';
  return scanLayout(textSource(input, name), name, options);
}
