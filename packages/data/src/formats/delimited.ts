// CSV / TSV files on disk (Node): the delimited reader of delimited-table.ts over a file's
// text, streamed in 1 MiB chunks and gunzipped when the name ends in `.gz`.
import { scanLayout, type DelimitedLayout, type ScanDelimitedOptions } from './delimited-layout.js';
import { readTable, type DelimitedTable, type ReadDelimitedOptions } from './delimited-table.js';
import { textChunks } from './text-stream.js';
import type { TextSource } from './text-input.js';

function fileSource(path: string): TextSource {
  return { chunks: () => textChunks(path), rereadable: true };
}

/**
 * Reads a dense table from a CSV / TSV file (optionally gzip-compressed), as a stream:
 * the file is never held as one string, and values go straight into a growing typed array.
 *
 * The file has a header row; by default its first column holds names. A UTF-8 byte-order
 * mark is dropped; fields follow RFC 4180 (quotes, doubled quotes, delimiters and line
 * breaks inside quotes). Missing cells (see `missingValues`) become NaN and are counted.
 * Bad files are refused with BcnmfError('INVALID_DATA') naming the file and the place:
 * a line whose field count differs from the header's, a feature cell that is not a number,
 * a truncated gzip stream, an unclosed quote. The same reader reads text in browsers
 * (`parseDelimited` of `@bcnmf/data/browser`).
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
export function readDelimited(path: string, options: ReadDelimitedOptions = {}): Promise<DelimitedTable> {
  return readTable(fileSource(path), path, options);
}

/**
 * The layout of a CSV / TSV file (header, row names, row count, numeric columns), read in
 * one pass without keeping its numbers: `scanDelimited` of `@bcnmf/data/browser` for a file.
 *
 * @example
 * const layout = await readDelimitedLayout('../shared/datasets/mnist-flowers/target_images.csv');
 * layout.rows;               // 784 (pixels)
 * layout.columnNames.length; // 200 (images)
 */
export function readDelimitedLayout(path: string, options: Omit<ScanDelimitedOptions, 'name'> = {}): Promise<DelimitedLayout> {
  return scanLayout(fileSource(path), path, options);
}
