import type { Orientation } from './delimited-table.js';

/** The names of a table's sides: what {@link detectOrientation} compares (a `DelimitedLayout` has them). */
export interface TableNames {
  /** The header's names (the names column's header cell left out). */
  columnNames: readonly string[];
  /** The first column's names, or undefined when the table has no names column. */
  rowNames: readonly string[] | undefined;
  /** How many data rows. */
  rows: number;
}

/** An orientation and why it was chosen (a sentence for the user). */
export interface DetectedOrientation {
  orientation: Orientation;
  reason: string;
  /**
   * True when the names point both ways (the files share most row names and most column
   * names): `orientation` is then only the likelier reading, and a reader should ask.
   */
  ambiguous?: true;
  /** True when both sides hold the same names in both files: `orientation` is the usual layout, a guess worth saying. */
  tie?: true;
}

function overlap(a: readonly string[], b: readonly string[]): number {
  const set = new Set(a);
  let n = 0;
  for (const x of new Set(b)) if (set.has(x)) n++;
  return n;
}

/** Whether names are 0, 1, 2, ... (or 1, 2, 3, ...): an index, not names. */
function isPlainIndex(names: readonly string[] | undefined): boolean {
  if (names === undefined || names.length === 0) return false;
  const first = names[0] === '0' ? 0 : names[0] === '1' ? 1 : -1;
  return first >= 0 && names.every((name, i) => name === String(i + first));
}

/** A side whose Jaccard index is at least this is (nearly) the same set in both files. */
const SAME_SET = 0.9;

/** Shared names over all names of the two lists (0 when both are empty). */
function jaccard(a: readonly string[], b: readonly string[], shared: number): number {
  const all = new Set([...a, ...b]).size;
  return all === 0 ? 0 : shared / all;
}

/**
 * Tells which way a target and a background table lie. They share their features, so the
 * feature side is the one whose two name lists are (nearly) the same set, while sample
 * names, where they coincide at all (`cell_1`, a pandas index `0, 1, ...`), coincide only
 * in part, the two files holding different samples. So the side with the larger Jaccard
 * index of the two files' names (shared / all), if it is at least 0.5, is the feature
 * side: columns mean samples in rows, rows mean features in rows; a tie means the usual
 * layout. Without shared names, equal column counts (and different row counts) mean
 * samples in rows, equal row counts (and different column counts) features in rows.
 * Otherwise, or without a background: samples in rows. Row names that are a plain index
 * (0, 1, 2, ... or 1, 2, 3, ...) in both files do not count as shared feature names: pandas
 * writes its default sample index so, and two files of as many samples share it whole.
 * When both sides are largely shared (Jaccard >= 0.5, a plain index aside), only a side that
 * is (nearly) the same set (>= 0.9) while the other is not tells the features (`cell_1`, ...
 * in both files of different sizes beside the same genes); two partial matches are marked
 * `ambiguous` (the reader should ask); the same names on both sides (one file given twice,
 * a paired design) give the usual layout, marked `tie` (the reader should say so).
 *
 * @example
 * const target = await scanDelimited(',t0,t1,t2\npixel_0,1,2,3\npixel_1,4,5,6\n', { name: 't.csv' });
 * const background = await scanDelimited(',b0,b1\npixel_0,1,2\npixel_1,4,5\n', { name: 'b.csv' });
 * detectOrientation(target, background);
 * // { orientation: 'features-in-rows', reason: 'the two files share 2 row names (features) and 0 column names' }
 */
export function detectOrientation(target: TableNames, background: TableNames | null | undefined): DetectedOrientation {
  if (background) {
    const sharedColumns = overlap(target.columnNames, background.columnNames);
    const sharedRows = target.rowNames && background.rowNames ? overlap(target.rowNames, background.rowNames) : 0;
    const columns = jaccard(target.columnNames, background.columnNames, sharedColumns);
    const rows = target.rowNames && background.rowNames ? jaccard(target.rowNames, background.rowNames, sharedRows) : 0;
    // row names 0, 1, 2, ... in both files are pandas' default index of samples as often as
    // feature names: shared, they say nothing
    const indexRows = isPlainIndex(target.rowNames) && isPlainIndex(background.rowNames);
    const indexNote = indexRows ? ' (their row names are a plain index 0, 1, 2, ..., which says nothing)' : '';
    const indexColumns = isPlainIndex(target.columnNames) && isPlainIndex(background.columnNames);
    const rowSide = indexRows ? 0 : rows;
    const columnSide = indexColumns ? 0 : columns;
    // both sides largely shared: only a side that is (nearly) the same set in both files,
    // while the other is not, tells the features; a tie or two partial matches could be read either way
    if (rowSide >= SAME_SET && columnSide >= SAME_SET) {
      // the same names on both sides (one file twice, or a paired design): nothing tells,
      // so the usual layout, said as a guess the reader can show
      return {
        orientation: 'samples-in-rows',
        reason: `the two files share all ${sharedRows} row names and all ${sharedColumns} column names, which tells nothing: the usual layout`,
        tie: true,
      };
    }
    if (rowSide >= 0.5 && columnSide >= 0.5 && rowSide < SAME_SET && columnSide < SAME_SET) {
      return {
        orientation: rows > columns ? 'features-in-rows' : 'samples-in-rows',
        reason: `the two files share both ${sharedRows} row names and ${sharedColumns} column names, so either could be the features`,
        ambiguous: true,
      };
    }
    if (rowSide > columnSide && rowSide >= 0.5) {
      return { orientation: 'features-in-rows', reason: `the two files share ${sharedRows} row names (features) and ${sharedColumns} column names` };
    }
    if (columnSide >= rowSide && columnSide >= 0.5) {
      return { orientation: 'samples-in-rows', reason: `the two files share ${sharedColumns} column names (features)` };
    }
    const sameColumns = target.columnNames.length === background.columnNames.length;
    const sameRows = target.rows === background.rows;
    if (sameColumns && !sameRows) return { orientation: 'samples-in-rows', reason: `the two files have the same number of columns${indexNote}` };
    if (sameRows && !sameColumns) return { orientation: 'features-in-rows', reason: `the two files have the same number of rows${indexNote}` };
    if (indexRows) return { orientation: 'samples-in-rows', reason: `the usual layout${indexNote}` };
  }
  return { orientation: 'samples-in-rows', reason: 'the usual layout (nothing in the files says otherwise)' };
}
