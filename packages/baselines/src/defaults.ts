/**
 * Every option of every method with its default, in one place. The option interfaces
 * in `pca.ts`, `cpca/cpca.ts` and `nmf.ts` refer here.
 */

/** Defaults of {@link PcaOptions}: 2 components, centred, not scaled, solver chosen by size ('auto'). */
export const PCA_DEFAULTS = {
  /** Number of components kept (1 .. min(samples, features)). */
  nComponents: 2,
  /** Subtract each feature's mean. */
  center: true,
  /** Divide each feature by its standard deviation (ddof 0); zero-variance features are left unscaled. */
  scale: false,
  /**
   * 'auto': 'gram' for a few components of a large matrix (min(samples, features) >= 200 and
   * 3 nComponents below it), else 'SVD'. 'SVD' / 'covarianceMatrix': ml-pca. 'gram': top
   * eigenpairs of the smaller of Z Z^T and Z^T Z (LAPACK through OpenBLAS when available).
   */
  method: 'auto' as 'auto' | 'SVD' | 'covarianceMatrix' | 'gram',
} as const;

/** Defaults of {@link CpcaOptions}, as in the cPCA reference package (Abid et al. 2018). */
export const CPCA_DEFAULTS = {
  /** Number of contrastive components (the automatic alpha selection always compares 2-D projections). */
  nComponents: 2,
  /** Divide each feature of each data set by its own standard deviation after centring. */
  standardize: true,
  /** A fixed contrast strength >= 0, or 'auto' for the spectral selection of several. */
  alpha: 'auto' as number | 'auto',
  /** With more than this many features, both data sets are first projected jointly onto this many principal components; null: never. */
  preprocessPcaDim: 1000 as number | null,
  /** Number of alpha candidates besides 0, log-spaced from 0.1 to 10^maxLogAlpha. */
  nAlphas: 40,
  /** Largest candidate alpha is 10^maxLogAlpha. */
  maxLogAlpha: 3,
  /** Number of spectral clusters of the candidates (the one holding alpha = 0 is dropped). */
  nAlphasToReturn: 4,
  /** Seed of the k-means in the spectral clustering and of the eigensolver's start vectors. */
  seed: 0,
} as const;

/** Defaults of {@link NmfOptions}, as scikit-learn's NMF with the multiplicative-update solver. */
export const NMF_DEFAULTS = {
  /** Number of components (topics). */
  nComponents: 2,
  /** 'frobenius' (squared error) or 'kl' (generalised Kullback–Leibler = Poisson). */
  loss: 'frobenius' as 'frobenius' | 'kl',
  /** 'random', 'nndsvd' or 'nndsvda'. */
  init: 'random' as 'random' | 'nndsvd' | 'nndsvda',
  /** Most iterations. */
  maxIter: 200,
  /** Stop when the relative change of the score falls below this. */
  tol: 1e-4,
  /** Random seed. */
  seed: 0,
  /** Exponent of the multiplicative update (1: undamped, Lee & Seung). */
  damping: 1,
} as const;

/** Defaults of {@link AlphaPathOptions} and {@link AlphaPathSelectionOptions}. */
export const ALPHA_PATH_DEFAULTS = {
  /** Candidate alphas besides 0: this many, log-spaced from 0.1 to 10^maxLogAlpha. */
  nAlphas: 15,
  /** Largest candidate alpha is 10^maxLogAlpha. */
  maxLogAlpha: 2,
  /** Iterations of the first (cold) fit, at the smallest alpha. */
  maxIter: 200,
  /** Iterations of each warm-started fit after the first. */
  pathMaxIter: 50,
  /** Start each fit from the previous one's factors. */
  warmStart: true,
  /** Spectral clusters of the path (the one holding alpha = 0 is dropped). */
  nClusters: 4,
  /** What the selection compares: the target embeddings (samples x k) or the bases (features x k). */
  compare: 'embedding' as 'embedding' | 'basis',
  /** Seed of the fits and of the spectral clustering's k-means. */
  seed: 0,
} as const;
