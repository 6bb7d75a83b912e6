/**
 * The defaults of the consensus and of the selection sweep, in one place. The topic
 * clustering follows cNMF (Kotliar et al., eLife 2019): neighbours for the local density
 * = 30% of the restarts, outlier threshold 0.5 on the mean distance of unit-length topics,
 * k-means with 10 starts. The sweep keeps every topic (threshold 2, above the largest
 * distance √2 of two non-negative unit vectors), as cNMF's k-selection plot does.
 */
export const CONSENSUS_DEFAULTS = {
  /** Restarts of `consensusBcnmf`. */
  restarts: 20,
  /** Outlier threshold of `consensusBcnmf`: topics whose local density is at least this are dropped. */
  densityThreshold: 0.5,
  /** Neighbours of the local density, as a fraction of the restarts (at least 1). */
  neighbourFraction: 0.3,
  /** k-means++ starts of the topic clustering. */
  kmeansInits: 10,
  /**
   * Bytes the restarts' models and the topic clustering may need (`consensusMemory`): 4 GiB,
   * Node's default JavaScript heap on a 64-bit machine with 16 GB or more (where most of
   * these objects live; past it the process dies). More is refused before any fit.
   */
  memoryLimit: 4 * 1024 ** 3,
} as const;

/** The defaults of `selectionSweep`. */
export const SWEEP_DEFAULTS = {
  /** Restarts per cell of the grid (small: the grid multiplies them). */
  restarts: 10,
  /** No outlier filter (as cNMF's k-selection plot). */
  densityThreshold: 2,
  /** The recommendation considers the cells whose target error is within this fraction of the smallest at their alpha. */
  errorTolerance: 0.1,
} as const;
