// Streaming data sources for minibatch training (re-exported from the package index).
export { matrixSource, ROW_NAMES_LIMIT } from './batch-source.js';
export type { BatchSource } from './batch-source.js';
export { openH5adSource } from './h5ad-source.js';
export type { H5adSourceOptions } from './h5ad-source.js';
export { generateSparseH5ad } from './generate-sparse.js';
export type { GeneratedSparse, GenerateSparseOptions } from './generate-sparse.js';
export { openMtxSource } from './mtx-source.js';
export type { MtxSource, MtxSourceOptions } from './mtx-source.js';
export { openCsvSource } from './csv-source.js';
export type { CsvSourceOptions } from './csv-source.js';
