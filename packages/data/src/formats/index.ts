// File-format readers and writers of @bcnmf/data, for text and bytes (browser-safe) and
// for files (Node); the package's entries re-export them (src/browser.ts, src/index.ts).
export { DelimitedParser } from './delimited-parser.js';
export type { RecordHandler } from './delimited-parser.js';
export { delimiterFromPath, sniffDelimiter } from './cells.js';
export type { TextInput } from './text-input.js';
export { parseDelimited } from './delimited-table.js';
export type { DelimitedTable, Orientation, ParseDelimitedOptions, ReadDelimitedOptions } from './delimited-table.js';
export { scanDelimited } from './delimited-layout.js';
export type { DelimitedLayout, ScanDelimitedOptions } from './delimited-layout.js';
export { detectOrientation } from './orientation.js';
export type { DetectedOrientation, TableNames } from './orientation.js';
export { labelsForSamples } from './labels.js';
export type { LabelsForSamplesOptions } from './labels.js';
export { categoricalValues, frameColumnValues, toCategorical } from './h5ad-read.js';
export type { H5adColumn, H5adData, H5adFrame, NumericValues, ReadH5adOptions } from './h5ad-read.js';
export { readH5adBytes } from './h5ad-bytes.js';
export type { ReadH5adBytesOptions } from './h5ad-bytes.js';
// Node: files on disk
export { readDelimited, readDelimitedLayout } from './delimited.js';
export { readTenx } from './tenx.js';
export type { ReadTenxOptions, TenxData } from './tenx.js';
export { addResultsToH5ad, readH5ad, writeH5ad } from './h5ad.js';
export type { BcnmfResults, H5adColumnInput, UnsValue, WriteH5adInput } from './h5ad.js';
export { forEachLine, textChunks, textLines } from './text-stream.js';
export { writeAtomically } from './atomic-write.js';
