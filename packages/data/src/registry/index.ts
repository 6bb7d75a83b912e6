export { UNKNOWN_CHECKSUM } from './types.js';
export type { DatasetFile, DatasetManifest, DatasetSplit } from './types.js';
export { DATASET_MANIFESTS } from './manifests.js';
export {
  DATA_DIR_ENV,
  DOWNLOAD_DEFAULTS,
  downloadDataset,
  getDatasetManifest,
  listDatasets,
  locateDataset,
  resolveDataDir,
  sha256File,
  verifyDatasetFiles,
} from './registry.js';
export type {
  DatasetFileCheck,
  DownloadOptions,
  DownloadProgress,
  DownloadResult,
  LocatedDataset,
  LocateOptions,
  VerifyOptions,
} from './registry.js';
export { RECORDED_CHECKSUMS_FILE } from './recorded-checksums.js';
export type { RecordedChecksum } from './recorded-checksums.js';
export { DownloadError } from './download-error.js';
export type { DownloadFailure } from './download-error.js';
