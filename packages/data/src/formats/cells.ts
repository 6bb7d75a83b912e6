// What the delimited readers share: how a cell becomes a number, which cells are
// missing, which columns are features, and which character separates the fields.
import { BcnmfError } from '@bcnmf/core';
import { parseDecimal } from './number.js';

/** Cell texts (after trimming spaces) read as a missing value by default. */
// pandas' read_csv default na_values: a table pandas or Excel wrote reads the same here
export const DEFAULT_MISSING: readonly string[] = ['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null'];

/**
 * Column names read as labels, not features, by `features: 'numeric'` even when their
 * cells are numbers (a digit or cluster column of numbers is a label).
 */
export const LABEL_COLUMN_NAME = /^(label|labels|class|classes|group|groups|condition|cell_?type|celltype|cluster|clusters|leiden|louvain|seurat_clusters|batch|digit|y|target|truth)$/i;

const INFINITY = /^[+-]?inf(inity)?$/i;
const NOT_A_NUMBER = Symbol('not a number');

/**
 * A cell reader: the number a cell holds, NaN for a missing cell (counted by the caller),
 * or {@link NOT_A_NUMBER}. Numbers are read by {@link parseDecimal} (decimal and exponent
 * notation only, the syntax of bcnmf's command-line flags too): Number() alone would take
 * '0x10', '0b1', '1_000', '' and ' ' as numbers; those are refused (or missing) here.
 */
export function cellReader(missingValues: readonly string[] = DEFAULT_MISSING): (cell: string) => number | typeof NOT_A_NUMBER {
  const missing = new Set(missingValues.map((s) => s.trim()));
  return (cell) => {
    const v = parseDecimal(cell);
    if (!Number.isNaN(v)) return v;
    const t = cell.trim();
    if (missing.has(t)) return NaN;
    if (INFINITY.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    return NOT_A_NUMBER;
  };
}

export { NOT_A_NUMBER };

/** A number written with a comma: `2,5` (a decimal comma) or `1,535.2` (thousands separators). */
export const COMMA_NUMBER = /^[+-]?\d+(,\d+)+(\.\d*)?$/;

/** The refusal of a cell that is not a number, naming the file, line and column. */
export function notANumber(source: string, where: string, column: number, header: readonly string[] | undefined, cell: string): BcnmfError {
  const columnName = header && header[column] ? ` "${header[column]}"` : '';
  const hint = COMMA_NUMBER.test(cell.trim())
    ? " (a decimal comma or thousands separators? write numbers with '.' as the decimal point and no separators)"
    : '';
  return new BcnmfError('INVALID_DATA', `${source}: ${where}, column ${column + 1}${columnName}: ${JSON.stringify(cell)} is not a number${hint}`);
}

/**
 * The refusal of a record whose field count differs from the header's; a header of one
 * field (a semicolon-separated file with decimal commas, read as comma-separated) is
 * refused as {@link noFeatureColumns} says, which names the delimiter.
 */
export function raggedRecord(source: string, line: number, dataRow: number, fields: number, headerFields: number, header?: readonly string[], delimiter?: string): BcnmfError {
  if (header && header.length === 1) return noFeatureColumns(source, header, delimiter);
  return new BcnmfError('INVALID_DATA', `${source}: line ${line} (data row ${dataRow}) has ${fields} fields but the header has ${headerFields}`);
}

/** Tests a name against a pattern (a /g or /y pattern keeps state between calls: reset it). */
export function testPattern(pattern: RegExp, name: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(name);
}

/**
 * The header fields (absolute indices, from `first`) chosen as features: all of them, the
 * ones whose name matches a pattern, or the named ones in the order of the list.
 */
export function selectFeatureColumns(source: string, header: readonly string[], first: number, selection: readonly string[] | RegExp | undefined): number[] {
  const candidates: number[] = [];
  for (let c = first; c < header.length; c++) candidates.push(c);
  if (selection === undefined) return candidates;
  if (selection instanceof RegExp) {
    const chosen = candidates.filter((c) => testPattern(selection, header[c]));
    if (chosen.length === 0) throw new BcnmfError('INVALID_OPTION', `${source}: no column name matches ${String(selection)}`);
    return chosen;
  }
  const byName = new Map<string, number>();
  for (const c of candidates) if (!byName.has(header[c])) byName.set(header[c], c);
  const absent = selection.filter((name) => !byName.has(name));
  if (absent.length > 0) throw new BcnmfError('INVALID_OPTION', `${source}: no column named ${absent.map((a) => JSON.stringify(a)).join(', ')}`);
  // a name listed twice would read its column twice, as two features
  const twice = selection.find((name, i) => selection.indexOf(name) !== i);
  if (twice !== undefined) throw new BcnmfError('INVALID_OPTION', `${source}: features lists ${JSON.stringify(twice)} twice`);
  return selection.map((name) => byName.get(name)!);
}

/** The delimiter implied by a file name (after any `.gz`), or undefined. */
export function delimiterFromPath(path: string): string | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return ',';
  if (name.endsWith('.tsv') || name.endsWith('.tab') || name.endsWith('.txt')) return '\t';
  return undefined;
}

/**
 * The delimiter of a table whose name does not say: the most frequent of comma, tab and
 * semicolon in its first line (quoted text included: a rough count is enough to choose),
 * or undefined when none occurs.
 */
export function sniffDelimiter(firstLine: string): string | undefined {
  let best: string | undefined;
  let most = 0;
  for (const d of [',', '\t', ';']) {
    const n = firstLine.split(d).length - 1;
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

/** Refuses option names the reader does not know (a misspelt `delimeter` would be ignored, and the message would be about something else). */
export function refuseUnknownOptions(options: object, known: readonly string[], reader: string): void {
  if (typeof options !== 'object' || options === null) throw new BcnmfError('INVALID_OPTION', `${reader}: options must be an object`);
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new BcnmfError('INVALID_OPTION', `${reader}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; the options are ${known.join(', ')}`);
  }
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'a comma', '\t': 'a tab', ';': 'a semicolon' };

/**
 * The refusal of a header with no feature column; where its fields hold another delimiter
 * (a semicolon-separated file named .csv), the message says which.
 */
export function noFeatureColumns(source: string, fields: readonly string[], delimiter: string | undefined): BcnmfError {
  const other = Object.keys(DELIMITER_NAMES).find((d) => d !== delimiter && fields.some((f) => f.includes(d)));
  const hint = other
    ? `; its fields hold ${DELIMITER_NAMES[other]}: if that separates the columns, save the table comma-separated (.csv) or tab-separated (.tsv), with '.' as the decimal point`
    : '';
  return new BcnmfError('INVALID_DATA', `${source}: the header has ${fields.length} field(s), so no feature columns${hint}`);
}
