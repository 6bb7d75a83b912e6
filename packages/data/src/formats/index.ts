// File-format readers and writers of @bcnmf/data (re-exported from the package index).
export { readDelimited, delimiterFromPath } from './delimited.js';
export type { DelimitedTable, Orientation, ReadDelimitedOptions } from './delimited.js';
export { DelimitedParser } from './delimited-parser.js';
export type { RecordHandler } from './delimited-parser.js';
export { readTenx } from './tenx.js';
export type { ReadTenxOptions, TenxData } from './tenx.js';
export { addResultsToH5ad, categoricalValues, readH5ad, toCategorical, writeH5ad } from './h5ad.js';
export type {
  BcnmfResults,
  H5adColumn,
  H5adColumnInput,
  H5adData,
  H5adFrame,
  NumericValues,
  ReadH5adOptions,
  UnsValue,
  WriteH5adInput,
} from './h5ad.js';
export { forEachLine, textChunks, textLines } from './text-stream.js';
export { writeAtomically } from './atomic-write.js';
