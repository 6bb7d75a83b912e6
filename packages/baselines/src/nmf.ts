import { BcnmfModel, fitBcnmf, settingChecks, type BcnmfOptions, type DenseMatrix, type MatrixInput } from '@bcnmf/core';
import { NMF_DEFAULTS } from './defaults.js';
import { invalidModel, invalidOption } from './errors.js';

/** Options of {@link nmf}; defaults in {@link NMF_DEFAULTS}. */
export interface NmfOptions {
  /** Number of components, 1 .. min(samples, features). Default 2. */
  nComponents?: number;
  /** 'frobenius' or 'kl' (generalised Kullback–Leibler; 'poisson' is accepted as a synonym). Default 'frobenius'. */
  loss?: 'frobenius' | 'kl' | 'poisson';
  /** 'random', 'nndsvd' or 'nndsvda'. Default 'random'. */
  init?: 'random' | 'nndsvd' | 'nndsvda';
  /** Most iterations. Default 200. */
  maxIter?: number;
  /** Stop when the tracked score changes by at most this (relative) between score checks; 0 runs maxIter. Default 1e-4. */
  tol?: number;
  /** Seed. Default 0. */
  seed?: number;
  /** Exponent of each multiplicative ratio, in (0, 1]; 1 = undamped (Lee & Seung, scikit-learn). Default 1. */
  damping?: number;
  /** Backend of @bcnmf/core ('wasm', 'cpu', ...). Default: core's default. */
  backend?: string;
  /**
   * Aborts the fit within about an iteration; it then rejects with the signal's reason
   * (an AbortError). Not part of the model's options (not serialized).
   */
  signal?: AbortSignal;
}

/** The serialized form of an {@link NmfModel}. */
export interface NmfModelJSON {
  name: 'NMF';
  version: 1;
  options: NmfOptions;
  /** The underlying @bcnmf/core model (alpha 0, no background). */
  model: unknown;
}

/**
 * Non-negative matrix factorization `target ≈ H W` by multiplicative updates. It is
 * @bcnmf/core's bcNMF with alpha = 0 and no background (the same update code), undamped
 * by default as in Lee & Seung and scikit-learn's `solver='mu'`.
 *
 * @example
 * const model = await nmf(counts, { nComponents: 3, loss: 'kl', init: 'nndsvda' });
 * model.embedding.shape; // [samples, 3]   (H)
 * model.components.shape; // [3, features] (W)
 */
export class NmfModel {
  readonly name = 'NMF';
  readonly options: NmfOptions;
  /** The core model (W, Htarget, history, ...). */
  readonly model: BcnmfModel;

  private constructor(options: NmfOptions, model: BcnmfModel) {
    this.options = options;
    this.model = model;
  }

  /** Samples x nComponents coefficients (H). */
  get embedding(): DenseMatrix {
    return this.model.Htarget;
  }

  /** nComponents x features basis (W). */
  get components(): DenseMatrix {
    return this.model.W;
  }

  /** Coefficients of new samples with the components fixed. */
  transform(data: MatrixInput): Promise<DenseMatrix> {
    return this.model.transform(data);
  }

  toJSON(): NmfModelJSON {
    return { name: 'NMF', version: 1, options: { ...this.options }, model: this.model.toJSON() };
  }

  /** Restores a model from {@link NmfModel.toJSON}; throws `INVALID_MODEL` for anything else. */
  static load(json: unknown): NmfModel {
    const j = json as NmfModelJSON;
    if (typeof j !== 'object' || j === null || j.name !== 'NMF') {
      throw invalidModel(`not an NMF model (name: ${String((j as { name?: unknown } | null)?.name)})`);
    }
    return new NmfModel({ ...j.options }, BcnmfModel.load(j.model as Parameters<typeof BcnmfModel.load>[0]));
  }

  /** @internal */
  static async fit(target: MatrixInput, options: NmfOptions = {}): Promise<NmfModel> {
    const resolved = resolveNmfOptions(options);
    const { loss, init, damping } = resolved as Required<NmfOptions>;
    const coreOptions: BcnmfOptions = {
      k: resolved.nComponents as number,
      alpha: 0,
      loss: loss === 'frobenius' ? 'frobenius' : 'poisson',
      init,
      maxIter: resolved.maxIter,
      tol: resolved.tol,
      seed: resolved.seed,
      damping,
      ...(options.backend !== undefined ? { backend: options.backend } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    };
    return new NmfModel(resolved, await fitBcnmf(target, null, coreOptions));
  }
}

/**
 * NMF's options checked and filled in: the one place they are validated (by `nmf` and by
 * the `NMF` estimator at construction). The settings NMF shares with bcNMF are checked by
 * core's own rules (`settingChecks`), so both refuse the same values with the same words.
 */
export function resolveNmfOptions(options: NmfOptions): NmfOptions {
  if (typeof options !== 'object' || options === null) throw invalidOption('NMF options must be an object');
  const known = [...Object.keys(NMF_DEFAULTS), 'backend', 'signal'];
  for (const key of Object.keys(options)) if (!known.includes(key)) throw invalidOption(`unknown NMF option '${key}' (known: ${known.join(', ')})`);
  const loss = options.loss ?? NMF_DEFAULTS.loss;
  if (loss !== 'frobenius' && loss !== 'kl' && loss !== 'poisson') throw invalidOption(`loss must be 'frobenius' or 'kl', got ${String(loss)}`);
  const init = options.init ?? NMF_DEFAULTS.init;
  if (init !== 'random' && init !== 'nndsvd' && init !== 'nndsvda') throw invalidOption(`init must be 'random', 'nndsvd' or 'nndsvda', got ${String(init)}`);
  return {
    nComponents: settingChecks.integer('nComponents', options.nComponents ?? NMF_DEFAULTS.nComponents, 1),
    loss,
    init,
    maxIter: settingChecks.integer('maxIter', options.maxIter ?? NMF_DEFAULTS.maxIter, 1),
    tol: settingChecks.finiteAtLeast('tol', options.tol ?? NMF_DEFAULTS.tol, 0),
    seed: settingChecks.integer('seed', options.seed ?? NMF_DEFAULTS.seed, 0),
    damping: settingChecks.damping(options.damping ?? NMF_DEFAULTS.damping),
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
  };
}

/**
 * NMF of `target` (samples x features, non-negative); see {@link NmfModel}.
 */
export function nmf(target: MatrixInput, options: NmfOptions = {}): Promise<NmfModel> {
  return NmfModel.fit(target, options);
}
