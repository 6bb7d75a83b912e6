/** Marker for a checksum that cannot be known before the first download. */
export const UNKNOWN_CHECKSUM = 'unknown-until-first-download';

/** One file of a data set, relative to `<dataDir>/<name>/`. */
export interface DatasetFile {
  /** Path under the set's folder, `/`-separated. */
  path: string;
  /** Public download URL, when the file can be fetched as is. */
  url?: string;
  /** Hex sha256 of the file, or {@link UNKNOWN_CHECKSUM}. */
  sha256: string;
  /** Size in bytes, when known. */
  size?: number;
  /** File format: `csv`, `tar.gz`, `zip`, `10x-mtx`, `h5ad`, ... */
  format: string;
  /** What the file holds. */
  description: string;
  /**
   * For archives: the folder (under the set's folder) the archive is to be unpacked into;
   * the loader reads that folder.
   */
  unpackTo?: string;
  /** The loader can do without it (e.g. a table that can also be passed as an option). */
  optional?: boolean;
}

/** How target, background and labels are defined for a data set (ALGORITHM.md §7). */
export interface DatasetSplit {
  target: string;
  background: string;
  labels: string;
  preprocessing: string;
}

/** The manifest of one data set (one JSON file under the repository's `datasets/`). */
export interface DatasetManifest {
  name: string;
  title: string;
  description: string;
  /** Public pages and downloads the data come from. */
  sources: { url: string; description: string }[];
  files: DatasetFile[];
  /**
   * `verified`: every file has a sha256; `unknown-until-first-download`: the real files'
   * hashes are not recorded here; they are checked by their first bytes against the
   * declared format (downloads, loads, verify) and by the loaders' checks of the contents,
   * and stay unverified unless the user records the sha256 of a download on purpose
   * (`trustFirstDownload`, kept next to the data in `checksums.json` and checked on every
   * later load).
   */
  checksums: 'verified' | typeof UNKNOWN_CHECKSUM;
  licence: string;
  citation: string;
  split: DatasetSplit;
  /** Name of the loader function in @bcnmf/data. */
  loader: string;
  notes?: string;
}
