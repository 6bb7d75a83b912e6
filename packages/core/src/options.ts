import { AUTO_BACKEND } from './backend/registry.js';
import type { ScoreRecord } from './compute/score.js';
import { BcnmfError } from './errors.js';
import { isLoss, LOSS_NAMES, LOSSES, type Loss } from './losses/index.js';
import type { LossDefinition } from './losses/loss.js';
import type { MatrixInput } from './matrix/convert.js';
import { FLOAT32_MAX } from './matrix/validate.js';

/** An explicit start, like scikit-learn's `init='custom'` (public layout). */
export interface CustomInit {
  /** W, k x features. */
  W: MatrixInput;
  /** Target coefficients, target samples x k. */
  Htarget: MatrixInput;
  /**
   * Background coefficients, background samples x k (required when there is a
   * background); one per background, as an array, when there are several.
   */
  Hbackground?: MatrixInput | readonly MatrixInput[];
}

/** How the factors start. */
export type InitMethod = 'random' | 'nndsvd' | 'nndsvda';

/** Passed to `onProgress` each time the scores are computed. */
export interface ProgressEvent extends ScoreRecord {
  /** Which random start (0-based) is running. */
  start: number;
  nStarts: number;
  maxIter: number;
  /** Milliseconds since the fit began. */
  elapsedMs: number;
}

/**
 * Options of {@link fitBcnmf}. Every default is in {@link BCNMF_DEFAULTS}.
 */
export interface BcnmfOptions {
  /**
   * Number of topics (rows of W): 1 <= k <= min(features, target samples). Required,
   * unless an explicit `init` gives W (then k is its number of rows). `k` is short for
   * {@link nComponents}, the name every estimator of bcnmf uses; give one of them.
   */
  k?: number;
  /** The number of topics, as scikit-learn and the estimators (`Bcnmf`, `NMF`, `PCA`, `CPCA`) name it: the same as `k`. */
  nComponents?: number;
  /**
   * Contrastive weight α >= 0; 0 fits plain NMF of the target. With several backgrounds,
   * one weight each (an array), or one number for all.
   */
  alpha?: number | readonly number[];
  /** 'frobenius' (squared error) or 'poisson' (KL divergence). */
  loss?: Loss;
  /** Most iterations per start. */
  maxIter?: number;
  /**
   * Stop when the tracked score's relative change between two score checks is at most
   * `tol`; 0 runs exactly `maxIter` iterations.
   */
  tol?: number;
  /** Iterations between score checks (each reads one number back from the device). */
  scoreEvery?: number;
  /** Seed of the random starts; the same seed on the same backend gives the same result. */
  seed?: number;
  /** Random starts; the one with the best final tracked score is kept. */
  nStarts?: number;
  /** Exponent in (0, 1] applied to each multiplicative ratio (1 = undamped). */
  damping?: number;
  /** Guard added to denominators (and to W H before dividing, for Poisson). */
  eps?: number;
  /** 'random' (uniform in [0, 1) like the reference), 'nndsvd', 'nndsvda', or explicit factors. */
  init?: InitMethod | CustomInit;
  /**
   * Where to run: a registered backend's name ('cpu', 'wasm', 'webgpu', 'cuda', or one a
   * contributor's package registered), or 'auto' (the default): 'cpu' where its native
   * kernels were built at install (the fastest CPU path), else 'wasm', falling back to
   * 'cpu' (with a warning) where WebAssembly cannot run. `settings.backend` of the
   * model says which ran.
   */
  backend?: string;
  /** Feature names, for inputs that carry none. */
  featureNames?: readonly string[];
  /** Reorder the background's features to the target's by name (the sets must be equal). */
  alignFeaturesByName?: boolean;
  /**
   * Fit in minibatches of this many samples (rows): per epoch each batch's coefficients
   * are updated with W fixed and the batch's share of W's update is accumulated; W is
   * updated once per epoch (`maxIter` = epochs). Only a batch is on the device at a time.
   * Set automatically (4096) when an input is a `BatchSource`.
   */
  batchSize?: number;
  /** In minibatches: visit the batches in a seeded random order each epoch (default true). */
  shuffle?: boolean;
  /** Called at every score check. */
  onProgress?: (event: ProgressEvent) => void;
  /** Receives warnings (all-zero samples or features, ...); default: console.warn. */
  onWarning?: (message: string) => void;
  /** Aborts the fit between iterations; the fit then rejects with the signal's reason. */
  signal?: AbortSignal;
}

function perLoss<T>(pick: (loss: LossDefinition) => T): Record<Loss, T> {
  return Object.fromEntries(LOSS_NAMES.map((name) => [name, pick(LOSSES[name])])) as Record<Loss, T>;
}

/**
 * The defaults of {@link BcnmfOptions}, in one place. `damping` and `eps` depend on the
 * loss (its module's defaults): 1 and 1e-10 for Frobenius, 0.5 and 1e-16 for Poisson
 * (as the reference).
 */
export const BCNMF_DEFAULTS = {
  alpha: 1,
  loss: 'frobenius' as Loss,
  maxIter: 200,
  tol: 1e-4,
  scoreEvery: 10,
  seed: 0,
  nStarts: 1,
  damping: perLoss((loss) => loss.defaults.damping),
  eps: perLoss((loss) => loss.defaults.eps),
  init: 'random' as InitMethod,
  backend: AUTO_BACKEND as string,
  alignFeaturesByName: false,
  /** Rows per batch when an input is a BatchSource and batchSize is not given. */
  sourceBatchSize: 4096,
  shuffle: true,
} as const;

/** {@link BcnmfOptions} with every default filled in and every value checked. */
export interface ResolvedOptions {
  k: number;
  /** The first background's weight (0 without background). */
  alpha: number;
  /** One weight per background. */
  alphas: number[];
  loss: Loss;
  /** The loss's module: its updates, score and defaults. */
  lossDefinition: LossDefinition;
  maxIter: number;
  tol: number;
  scoreEvery: number;
  seed: number;
  nStarts: number;
  damping: number;
  eps: number;
  init: InitMethod | CustomInit;
  backend: string;
  /** True when the caller named no backend (the default chain applies). */
  backendIsDefault: boolean;
  featureNames: readonly string[] | undefined;
  alignFeaturesByName: boolean;
  /** Rows per batch; undefined = full batch. */
  batchSize: number | undefined;
  shuffle: boolean;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  onWarning: (message: string) => void;
  signal: AbortSignal | undefined;
}

const KNOWN_KEYS: readonly (keyof BcnmfOptions)[] = [
  'k', 'nComponents', 'alpha', 'loss', 'maxIter', 'tol', 'scoreEvery', 'seed', 'nStarts', 'damping', 'eps', 'init',
  'backend', 'featureNames', 'alignFeaturesByName', 'batchSize', 'shuffle', 'onProgress', 'onWarning', 'signal',
];

function fail(message: string): never {
  throw new BcnmfError('INVALID_OPTION', message);
}

/**
 * The checks of the settings a model carries, shared by {@link resolveOptions} and
 * `BcnmfModel.load` (a model file is checked by the same rules as the options that made
 * it). Each throws through `fail` with the setting's name.
 */
export const settingChecks = {
  integer(name: string, value: unknown, min: number, onError: (message: string) => never = fail): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      onError(`${name} must be an integer >= ${min}, got ${JSON.stringify(value) ?? String(value)}`);
    }
    return value;
  },
  /** A finite number >= min that float32 can hold (the compute runs in float32). */
  finiteAtLeast(name: string, value: unknown, min: number, onError: (message: string) => never = fail): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      onError(`${name} must be a finite number >= ${min}, got ${JSON.stringify(value) ?? String(value)}`);
    }
    if (value > FLOAT32_MAX) onError(`${name} must be at most ${FLOAT32_MAX.toPrecision(3)} (float32), got ${value}`);
    return value;
  },
  loss(value: unknown, onError: (message: string) => never = fail): Loss {
    if (!isLoss(value)) onError(`loss must be ${LOSS_NAMES.map((n) => `'${n}'`).join(' or ')}, got ${JSON.stringify(value) ?? String(value)}`);
    return value;
  },
  damping(value: unknown, onError: (message: string) => never = fail): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
      onError(`damping must be in (0, 1], got ${JSON.stringify(value) ?? String(value)}`);
    }
    return value;
  },
  eps(value: unknown, onError: (message: string) => never = fail): number {
    // in float32 (the compute's precision) it must stay positive and finite
    if (typeof value !== 'number' || !(Math.fround(value) > 0) || !Number.isFinite(Math.fround(value))) {
      onError(`eps must be a number > 0 that float32 holds (1e-38 to 3e38), got ${JSON.stringify(value) ?? String(value)}`);
    }
    return value;
  },
};

const integer = (name: string, value: unknown, min: number): number => settingChecks.integer(name, value, min);
const finiteAtLeast = (name: string, value: unknown, min: number): number => settingChecks.finiteAtLeast(name, value, min);

/**
 * Fills in defaults and checks every option that does not depend on the data
 * (k's upper bound is checked once the data are known). Throws a `BcnmfError`
 * ('INVALID_OPTION') that names the option and the value.
 */
export function resolveOptions(options: BcnmfOptions, backgroundCount: number): ResolvedOptions {
  const hasBackground = backgroundCount > 0;
  if (options === null || typeof options !== 'object') fail('options must be an object with at least k');
  const unknown = Object.keys(options).filter((key) => !(KNOWN_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    fail(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the options are ${KNOWN_KEYS.join(', ')}`);
  }
  const explicitInit = typeof options.init === 'object' && options.init !== null;
  if (options.k !== undefined && options.nComponents !== undefined && options.k !== options.nComponents) {
    fail(`k (${String(options.k)}) and nComponents (${String(options.nComponents)}) are the same setting; give one`);
  }
  const given = options.k ?? options.nComponents;
  if (given === undefined && !explicitInit) fail('k (nComponents: the number of topics) is required');
  const k = given === undefined ? -1 : integer(options.k !== undefined ? 'k' : 'nComponents', given, 1);

  const loss = settingChecks.loss(options.loss ?? BCNMF_DEFAULTS.loss);
  const lossDefinition = LOSSES[loss];

  let alphas: number[];
  if (Array.isArray(options.alpha)) {
    if (options.alpha.length !== backgroundCount) {
      fail(`alpha has ${options.alpha.length} weights but there ${backgroundCount === 1 ? 'is 1 background' : `are ${backgroundCount} backgrounds`}; give one weight per background`);
    }
    alphas = options.alpha.map((a: unknown, b: number) => finiteAtLeast(`alpha[${b}]`, a, 0));
  } else {
    const alpha = finiteAtLeast('alpha', options.alpha ?? (hasBackground ? BCNMF_DEFAULTS.alpha : 0), 0);
    if (!hasBackground && alpha !== 0) fail(`alpha is ${alpha} but there is no background; plain NMF needs alpha 0`);
    alphas = new Array<number>(backgroundCount).fill(alpha);
  }

  const damping = settingChecks.damping(options.damping ?? lossDefinition.defaults.damping);
  const eps = settingChecks.eps(options.eps ?? lossDefinition.defaults.eps);

  const init = options.init ?? BCNMF_DEFAULTS.init;
  if (typeof init === 'string') {
    if (init !== 'random' && init !== 'nndsvd' && init !== 'nndsvda') {
      fail(`init must be 'random', 'nndsvd', 'nndsvda' or {W, Htarget, Hbackground}, got '${init}'`);
    }
  } else if (init === null || typeof init !== 'object' || !('W' in init) || !('Htarget' in init)) {
    fail(`init must be 'random', 'nndsvd', 'nndsvda' or {W, Htarget, Hbackground}`);
  } else if (hasBackground && init.Hbackground === undefined) {
    fail('init.Hbackground is required when fitting with a background');
  } else if (!hasBackground && init.Hbackground !== undefined) {
    fail('init.Hbackground was given but there is no background');
  } else if (backgroundCount > 1 && (!Array.isArray(init.Hbackground) || init.Hbackground.length !== backgroundCount)) {
    fail(`init.Hbackground must be an array of ${backgroundCount} matrices, one per background`);
  }
  const nStarts = integer('nStarts', options.nStarts ?? BCNMF_DEFAULTS.nStarts, 1);
  if (nStarts > 1 && init !== 'random') {
    fail(`nStarts > 1 needs init 'random' (init ${typeof init === 'string' ? `'${init}'` : 'custom'} always starts from the same point)`);
  }

  const backend = options.backend ?? BCNMF_DEFAULTS.backend;
  if (typeof backend !== 'string') fail(`backend must be a backend name or 'auto', got ${String(backend)}`);

  const featureNames = options.featureNames;
  if (featureNames !== undefined && (!Array.isArray(featureNames) || featureNames.some((n) => typeof n !== 'string'))) {
    fail('featureNames must be an array of strings');
  }
  for (const name of ['onProgress', 'onWarning'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') fail(`${name} must be a function`);
  }
  const signal = options.signal;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) {
    fail('signal must be an AbortSignal');
  }
  const alignFeaturesByName = options.alignFeaturesByName ?? BCNMF_DEFAULTS.alignFeaturesByName;
  if (typeof alignFeaturesByName !== 'boolean') fail('alignFeaturesByName must be true or false');
  const batchSize = options.batchSize === undefined ? undefined : integer('batchSize', options.batchSize, 1);
  const shuffle = options.shuffle ?? BCNMF_DEFAULTS.shuffle;
  if (typeof shuffle !== 'boolean') fail('shuffle must be true or false');

  return {
    k,
    alpha: alphas[0] ?? 0,
    alphas,
    loss,
    lossDefinition,
    maxIter: integer('maxIter', options.maxIter ?? BCNMF_DEFAULTS.maxIter, 1),
    tol: finiteAtLeast('tol', options.tol ?? BCNMF_DEFAULTS.tol, 0),
    scoreEvery: integer('scoreEvery', options.scoreEvery ?? BCNMF_DEFAULTS.scoreEvery, 1),
    seed: integer('seed', options.seed ?? BCNMF_DEFAULTS.seed, 0),
    nStarts,
    damping,
    eps,
    init,
    backend,
    backendIsDefault: backend === AUTO_BACKEND,
    featureNames,
    alignFeaturesByName,
    batchSize,
    shuffle,
    onProgress: options.onProgress,
    onWarning: options.onWarning ?? ((message: string) => console.warn(`bcnmf: ${message}`)),
    signal,
  };
}
