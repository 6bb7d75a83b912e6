export { UNKNOWN_CHECKSUM } from './types.js';
export type { DatasetFile, DatasetManifest, DatasetSplit } from './types.js';
export { DATASET_MANIFESTS } from './manifests.js';
export {
  DATA_DIR_ENV,
  downloadDataset,
  getDatasetManifest,
  listDatasets,
  locateDataset,
  RECORDED_CHECKSUMS_FILE,
  resolveDataDir,
  sha256File,
} from './registry.js';
export type { DownloadOptions, DownloadProgress, DownloadResult, LocatedDataset, LocateOptions } from './registry.js';
