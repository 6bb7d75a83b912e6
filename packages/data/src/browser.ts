// The browser-safe entry of @bcnmf/data (`@bcnmf/data/browser`): parsing from text and
// bytes, preprocessing, the simulation, orientation and feature alignment. Nothing here
// imports a `node:` module (test/browser-entry.test.ts bundles this entry for the browser
// to keep it so): it re-exports from the browser-safe modules themselves, never from an
// index that also lists Node modules (a bundler resolves every import of a module it
// reaches). h5wasm is imported only when readH5adBytes first runs. Explicit re-exports
// only; the Node entry (src/index.ts) re-exports all of these too.
export { createRandom, logGamma, SIMULATION_DEFAULTS, simulateBetaSeries } from './simulation/index.js';
export type { Random, SimulatedData, SimulationOptions } from './simulation/index.js';
export {
  alignFeatures,
  columnIndex,
  cutEqualWidth,
  DEFAULT_TARGET_SUM,
  FEATURE_ALIGNMENTS,
  highlyVariableGenes,
  imputeColumnMeans,
  imputeConstant,
  log1p,
  normalizeTotal,
  planFeatureAlignment,
  selectColumns,
  selectFeatures,
  selectHighlyVariableGenes,
  selectRows,
  standardize,
} from './preprocess/index.js';
export type {
  AlignedFeatures,
  AlignChoices,
  AlignFeaturesOptions,
  FeatureAlignment,
  FeatureAlignmentPlan,
  FeatureList,
  HighlyVariableGenesOptions,
  HighlyVariableGenesResult,
  ImputeOptions,
  NormalizeTotalOptions,
  SelectFeaturesOptions,
  SelectFeaturesResult,
  StandardizeOptions,
} from './preprocess/index.js';
export { splitByAnnotation } from './split.js';
export type { AnnotationValue, Annotations, SplitOptions, SplitResult } from './split.js';
export { DelimitedParser } from './formats/delimited-parser.js';
export type { RecordHandler } from './formats/delimited-parser.js';
export { delimiterFromPath, LABEL_COLUMN_NAME, sniffDelimiter } from './formats/cells.js';
export { parseDecimal, parseNumberList } from './formats/number.js';
export type { NumberListOptions } from './formats/number.js';
export type { TextInput } from './formats/text-input.js';
export { parseDelimited } from './formats/delimited-table.js';
export type { DelimitedTable, Orientation, ParseDelimitedOptions, ReadDelimitedOptions } from './formats/delimited-table.js';
export { scanDelimited } from './formats/delimited-layout.js';
export type { DelimitedLayout, ScanDelimitedOptions } from './formats/delimited-layout.js';
export { detectOrientation } from './formats/orientation.js';
export type { DetectedOrientation, TableNames } from './formats/orientation.js';
export { labelsForSamples } from './formats/labels.js';
export type { LabelsForSamplesOptions } from './formats/labels.js';
export { categoricalValues, frameColumnValues, toCategorical } from './formats/h5ad-read.js';
export type { H5adColumn, H5adData, H5adFrame, NumericValues, ReadH5adOptions } from './formats/h5ad-read.js';
export { readH5adBytes } from './formats/h5ad-bytes.js';
export type { ReadH5adBytesOptions } from './formats/h5ad-bytes.js';
