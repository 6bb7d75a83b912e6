import { BcnmfModel, fitBcnmf, type BcnmfOptions, type DenseMatrix, type MatrixInput } from '@bcnmf/core';
import { CpcaModel, type CpcaOptions } from './cpca/cpca.js';
import { invalidData, invalidModel, invalidOption } from './errors.js';
import { NmfModel, type NmfOptions } from './nmf.js';
import { PcaModel, type PcaOptions } from './pca.js';

/** A fitted method: an embedding of the target and a model that transforms and serializes. */
export interface FittedMethod {
  /** The model's name: 'bcNMF', 'NMF', 'PCA' or 'cPCA'. */
  readonly name: string;
  /** Target samples x components. */
  readonly embedding: DenseMatrix;
  /** Components x features, where the method has them. */
  readonly components?: DenseMatrix;
  /** The embedding of new samples (same features). */
  transform(data: MatrixInput): Promise<DenseMatrix>;
  /** A JSON-safe object that the method's `load` restores. */
  toJSON(): unknown;
}

/**
 * The settings a caller running several methods side by side gives each of them (`bcnmf
 * compare`): each method turns them into its own options ({@link Method.sharedOptions}).
 */
export interface SharedSettings {
  /** Components (topics) every method finds. */
  k: number;
  /** The run's seed, for methods with random starts. */
  seed?: number;
  /** bcNMF's loss; NMF fits the matching one (Poisson: KL). */
  loss?: 'frobenius' | 'poisson';
  /** Initialisation of the NMF family ('random', 'nndsvd', ...). */
  init?: string;
  maxIter?: number;
  tol?: number;
  damping?: number;
  /** Compute backend of the methods that run on one (bcNMF, NMF). */
  backend?: string;
  /** Stops the methods that check it between iterations. */
  signal?: AbortSignal;
}

/** The entries of `options` that are set (a method's defaults stay where a setting is not given). */
function definedEntries<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}

/** One call shape for every method, so that an app can loop over {@link methods}. */
export interface Method<Options = unknown> {
  /** Registry key: 'bcnmf', 'nmf', 'pca' or 'cpca'. */
  readonly name: string;
  /** Whether `fit` uses the background (methods that do not ignore it). */
  readonly usesBackground: boolean;
  /** One line for menus and reports. */
  readonly description: string;
  fit(target: MatrixInput, background: MatrixInput | null, options?: Options): Promise<FittedMethod>;
  /**
   * This method's options from the settings shared by all (k as its number of components,
   * the seed, ...): what `bcnmf compare` fits it with, so a new method needs no entry there.
   * Settings the method has no use for are left out; callers add method-specific ones.
   */
  sharedOptions(settings: SharedSettings): Options;
  /** Restores a fitted model from its `toJSON()`; throws `INVALID_MODEL` for another method's JSON. */
  load(json: unknown): FittedMethod;
}

/** The bcNMF entry's fitted model: core's model with embedding = Htarget, components = W. */
export class BcnmfFitted implements FittedMethod {
  readonly name = 'bcNMF';
  readonly model: BcnmfModel;

  constructor(model: BcnmfModel) {
    this.model = model;
  }

  get embedding(): DenseMatrix {
    return this.model.Htarget;
  }

  get components(): DenseMatrix {
    return this.model.W;
  }

  transform(data: MatrixInput): Promise<DenseMatrix> {
    return this.model.transform(data);
  }

  toJSON(): unknown {
    return this.model.toJSON();
  }
}

const bcnmfMethod: Method<BcnmfOptions> = {
  name: 'bcnmf',
  usesBackground: true,
  description: 'background-contrastive NMF (@bcnmf/core fitBcnmf); embedding = Htarget',
  async fit(target, background, options) {
    if (background === null || background === undefined) throw invalidData("method 'bcnmf' needs a background");
    if (!options) throw invalidOption("method 'bcnmf' needs options with at least k");
    return new BcnmfFitted(await fitBcnmf(target, background, options));
  },
  sharedOptions: ({ k, seed, loss, init, maxIter, tol, damping, backend, signal }) =>
    definedEntries({ k, seed, loss, init: init as BcnmfOptions['init'], maxIter, tol, damping, backend, signal }),
  load(json) {
    if (typeof json !== 'object' || json === null || (json as { name?: unknown }).name !== 'bcNMF') {
      throw invalidModel(`not a bcNMF model (name: ${String((json as { name?: unknown } | null)?.name)})`);
    }
    return new BcnmfFitted(BcnmfModel.load(json as Parameters<typeof BcnmfModel.load>[0]));
  },
};

const nmfMethod: Method<NmfOptions> = {
  name: 'nmf',
  usesBackground: false,
  description: 'NMF by multiplicative updates (bcNMF with alpha = 0, no background); embedding = H',
  fit: (target, _background, options) => NmfModel.fit(target, options ?? {}),
  sharedOptions: ({ k, seed, loss, init, maxIter, tol, damping, backend, signal }) =>
    definedEntries({
      nComponents: k,
      loss: loss === undefined ? undefined : loss === 'poisson' ? ('kl' as const) : ('frobenius' as const),
      init: init as NmfOptions['init'],
      maxIter,
      tol,
      seed,
      damping,
      backend,
      signal,
    }),
  load: (json) => NmfModel.load(json),
};

const pcaMethod: Method<PcaOptions> = {
  name: 'pca',
  usesBackground: false,
  description: 'principal component analysis of the target (ml-pca); embedding = scores',
  fit: (target, _background, options) => PcaModel.fit(target, options ?? {}),
  sharedOptions: ({ k }) => ({ nComponents: k }),
  load: (json) => PcaModel.load(json),
};

const cpcaMethod: Method<CpcaOptions> = {
  name: 'cpca',
  usesBackground: true,
  description: 'contrastive PCA (Abid et al. 2018); embedding at the fixed or smallest selected non-zero alpha',
  async fit(target, background, options) {
    if (background === null || background === undefined) throw invalidData("method 'cpca' needs a background");
    return CpcaModel.fit(target, background, options ?? {});
  },
  sharedOptions: ({ k, seed }) => definedEntries({ nComponents: k, seed }),
  load: (json) => CpcaModel.load(json),
};

/**
 * Every method by name. Adding a baseline = one new module implementing {@link Method},
 * listed here.
 *
 * @example
 * for (const name of METHOD_NAMES) {
 *   const method = getMethod(name);
 *   const options = { ...method.sharedOptions({ k: 2, seed: 0 }), ...(name === 'bcnmf' ? { alpha: 1 } : {}) };
 *   const fitted = await method.fit(target, method.usesBackground ? background : null, options);
 *   console.log(name, fitted.embedding.shape); // e.g. 'pca' [200, 2]
 * }
 */
export const methods = {
  bcnmf: bcnmfMethod,
  nmf: nmfMethod,
  pca: pcaMethod,
  cpca: cpcaMethod,
} as const;

/** A key of {@link methods}. */
export type MethodName = keyof typeof methods;

/** The registered method names, in registry order. */
export const METHOD_NAMES = Object.keys(methods) as MethodName[];

/**
 * The method registered as `name`; throws `INVALID_OPTION` listing the known names otherwise.
 *
 * @example
 * getMethod('pca').usesBackground; // false
 * getMethod('tsne'); // throws: unknown method 'tsne'; known methods: bcnmf, nmf, pca, cpca
 */
export function getMethod(name: string): Method {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(methods, name)) {
    throw invalidOption(`unknown method '${String(name)}'; known methods: ${METHOD_NAMES.join(', ')}`);
  }
  return methods[name as MethodName] as Method;
}
