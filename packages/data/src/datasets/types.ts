import type { DenseMatrix } from '@bcnmf/core';

/** Options every loader takes. */
export interface LoaderOptions {
  /** Data directory (see resolveDataDir): the dataDir option, else $BCNMF_DATA_DIR. */
  dataDir?: string;
  /** Verify sizes and checksums before reading. Default true. */
  verify?: boolean;
}

/**
 * What every loader returns: target and background already split as the paper does
 * (ALGORITHM.md §7), samples x features, with the same features in the same order.
 */
export interface LoadedDataset {
  /** Registry name of the set. */
  name: string;
  /** Target samples x features. */
  target: DenseMatrix;
  /** Background samples x the same features. */
  background: DenseMatrix;
  /** Known label of each target sample (the evaluation's ground truth). */
  targetLabels: string[];
  /** Feature names, the columns of both matrices. */
  featureNames: string[];
  /** A group of each background sample, where the set has one (else empty). */
  backgroundLabels: string[];
  /** Counts and other facts about the loading (rows per group, dropped features, ...). */
  info: Record<string, number | string | string[]>;
}
