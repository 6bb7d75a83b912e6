// Public API of @bcnmf/data: explicit named re-exports only.
export { createRandom, logGamma, SIMULATION_DEFAULTS, simulateBetaSeries } from './simulation/index.js';
export type { Random, SimulatedData, SimulationOptions } from './simulation/index.js';
export {
  alignFeatures,
  columnIndex,
  cutEqualWidth,
  DEFAULT_TARGET_SUM,
  highlyVariableGenes,
  imputeColumnMeans,
  imputeConstant,
  log1p,
  normalizeTotal,
  selectColumns,
  selectFeatures,
  selectHighlyVariableGenes,
  selectRows,
  standardize,
} from './preprocess/index.js';
export type {
  AlignedFeatures,
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
export {
  DATA_DIR_ENV,
  DATASET_MANIFESTS,
  DOWNLOAD_DEFAULTS,
  downloadDataset,
  DownloadError,
  getDatasetManifest,
  listDatasets,
  locateDataset,
  RECORDED_CHECKSUMS_FILE,
  resolveDataDir,
  sha256File,
  UNKNOWN_CHECKSUM,
  verifyDatasetFiles,
} from './registry/index.js';
export type {
  DatasetFile,
  DatasetFileCheck,
  DatasetManifest,
  DatasetSplit,
  DownloadFailure,
  DownloadOptions,
  DownloadProgress,
  DownloadResult,
  LocatedDataset,
  LocateOptions,
  RecordedChecksum,
  VerifyOptions,
} from './registry/index.js';
export {
  findTenxFolder,
  loadMaitra2023,
  loadMcFarland2020,
  loadMiceProtein,
  loadMnistFlowers,
  loadZheng2017,
  MICE_PROTEIN_SPLIT,
  stackRows,
} from './datasets/index.js';
export type { LoadedDataset, LoaderOptions, Maitra2023Options, McFarland2020Options, Zheng2017Options } from './datasets/index.js';
export type { MiceProteinImpute, MiceProteinOptions } from './datasets/index.js';
export {
  addResultsToH5ad,
  categoricalValues,
  DelimitedParser,
  delimiterFromPath,
  forEachLine,
  readDelimited,
  readH5ad,
  readTenx,
  textChunks,
  textLines,
  toCategorical,
  writeAtomically,
  writeH5ad,
} from './formats/index.js';
export type {
  BcnmfResults,
  DelimitedTable,
  H5adColumn,
  H5adColumnInput,
  H5adData,
  H5adFrame,
  NumericValues,
  Orientation,
  ReadDelimitedOptions,
  ReadH5adOptions,
  ReadTenxOptions,
  RecordHandler,
  TenxData,
  UnsValue,
  WriteH5adInput,
} from './formats/index.js';
export {
  generateSparseH5ad,
  matrixSource,
  openCsvSource,
  openH5adSource,
  openMtxSource,
  ROW_NAMES_LIMIT,
} from './streaming/index.js';
export type {
  BatchSource,
  CsvSourceOptions,
  GeneratedSparse,
  GenerateSparseOptions,
  H5adSourceOptions,
  MtxSourceOptions,
} from './streaming/index.js';
