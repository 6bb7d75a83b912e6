import { BcnmfError } from './errors.js';
import { fitBcnmf } from './fit.js';
import type { BatchSource } from './matrix/batch-source.js';
import { toDenseMatrix, type MatrixInput } from './matrix/convert.js';
import { DenseMatrix } from './matrix/dense-matrix.js';
import { checkNonNegativeData } from './matrix/validate.js';
import { BcnmfModel, type BcnmfModelJSON, type TransformOptions } from './model/model.js';
import { resolveOptions, type BcnmfOptions } from './options.js';

/** The settings of a {@link Bcnmf} estimator: {@link BcnmfOptions} with the number of topics as `nComponents`. */
export type BcnmfParams = Omit<BcnmfOptions, 'k' | 'nComponents'> & { nComponents: number };

/** The JSON form of a fitted {@link Bcnmf}. */
export interface BcnmfJSON {
  name: 'Bcnmf';
  version: 1;
  /** The settings that survive JSON (callbacks and the signal do not). */
  params: Record<string, unknown>;
  model: BcnmfModelJSON;
}

const RUN_ONLY = new Set(['onProgress', 'onWarning', 'signal']);

/**
 * bcNMF as a scikit-learn-style estimator: settings at construction (checked there, by
 * the same rules as `fitBcnmf`'s options), then `fit` / `fitTransform` / `transform` /
 * `inverseTransform`, with `components` (W), `reconstructionError` and `nIter` after a
 * fit. `fitBcnmf` and `BcnmfModel` stay the function API; `model` is the fitted one.
 *
 * @example
 * const estimator = new Bcnmf({ nComponents: 2, alpha: 1, seed: 0 });
 * const H = await estimator.fitTransform(target, background); // target samples x 2
 * estimator.components.shape; // [2, features]
 * const reconstructed = await estimator.inverseTransform(H); // ≈ target
 */
export class Bcnmf {
  readonly params: Readonly<BcnmfParams>;
  private fitted: BcnmfModel | null = null;

  constructor(params: BcnmfParams) {
    if (params === null || typeof params !== 'object') throw new BcnmfError('INVALID_OPTION', 'Bcnmf needs its settings: { nComponents, ... }');
    if ('k' in params) throw new BcnmfError('INVALID_OPTION', "the estimator's number of topics is nComponents (k is the function API's short name)");
    // everything that does not depend on the data, checked now (one background per alpha)
    const backgrounds = Array.isArray(params.alpha) ? params.alpha.length : 1;
    resolveOptions(params, backgrounds);
    this.params = { ...params };
  }

  /** The fitted model; throws before a fit. */
  get model(): BcnmfModel {
    if (!this.fitted) throw new BcnmfError('INVALID_OPTION', 'this Bcnmf is not fitted yet: call fit (or fitTransform) first');
    return this.fitted;
  }

  /** W, nComponents x features (scikit-learn's `components_`). */
  get components(): DenseMatrix {
    return this.model.W;
  }

  /** Iterations run by the kept start (scikit-learn's `n_iter_`). */
  get nIter(): number {
    return this.model.iterations;
  }

  /**
   * The target's reconstruction error at the end of the fit (scikit-learn's
   * `reconstruction_err_`): ‖X − H W‖_F for the Frobenius loss, the generalized KL
   * divergence Σ (X log(X / HW) − X + HW) for Poisson.
   */
  get reconstructionError(): number {
    const model = this.model;
    const last = model.history[model.history.length - 1];
    const entries = model.Htarget.rows * model.W.columns;
    return model.settings.loss === 'frobenius' ? Math.sqrt(last.targetError * entries) : last.targetError * entries;
  }

  /** Fits to a target and its background(s) (or null: plain NMF, alpha 0); returns the estimator. */
  async fit(
    target: MatrixInput | BatchSource,
    background: MatrixInput | BatchSource | readonly (MatrixInput | BatchSource)[] | null,
  ): Promise<this> {
    const { nComponents, ...rest } = this.params;
    this.fitted = await fitBcnmf(target, background, { ...rest, k: nComponents });
    return this;
  }

  /** Fits and returns the target's coefficients (target samples x nComponents). */
  async fitTransform(
    target: MatrixInput | BatchSource,
    background: MatrixInput | BatchSource | readonly (MatrixInput | BatchSource)[] | null,
  ): Promise<DenseMatrix> {
    return (await this.fit(target, background)).model.Htarget;
  }

  /** Coefficients of samples with W fixed (the fit's own coefficient update, to convergence). */
  transform(samples: MatrixInput, options: TransformOptions = {}): Promise<DenseMatrix> {
    return this.model.transform(samples, { ...(this.params.backend !== undefined ? { backend: this.params.backend } : {}), ...options });
  }

  /** Samples from their coefficients: H W (samples x features), in float32 as the model computes. */
  async inverseTransform(coefficients: MatrixInput): Promise<DenseMatrix> {
    const H = await toDenseMatrix(coefficients, 'coefficients');
    const W = this.model.W;
    if (H.columns !== W.rows) {
      throw new BcnmfError('INVALID_DATA', `coefficients have ${H.columns} columns but the model has ${W.rows} topics`);
    }
    // NaN, negative or infinite coefficients would give a NaN or negative "reconstruction"; no rows is an empty result
    if (H.rows > 0) checkNonNegativeData(H, 'coefficients');
    const out = new Float32Array(H.rows * W.columns);
    for (let i = 0; i < H.rows; i++) {
      for (let t = 0; t < W.rows; t++) {
        const h = Math.fround(H.data[i * H.columns + t]);
        if (h === 0) continue;
        for (let j = 0; j < W.columns; j++) out[i * W.columns + j] += h * W.data[t * W.columns + j];
      }
    }
    return new DenseMatrix({ data: out, shape: [H.rows, W.columns], rowNames: H.rowNames, columnNames: W.columnNames });
  }

  /** The settings (those JSON can hold) and the fitted model; {@link Bcnmf.load} restores it. */
  toJSON(): BcnmfJSON {
    const params = Object.fromEntries(Object.entries(this.params).filter(([key]) => !RUN_ONLY.has(key)));
    return { name: 'Bcnmf', version: 1, params, model: this.model.toJSON() };
  }

  /** Restores a fitted estimator from {@link Bcnmf.toJSON}, checking the settings and the model. */
  static load(json: unknown): Bcnmf {
    const j = json as Partial<BcnmfJSON> | null;
    if (j === null || typeof j !== 'object' || j.name !== 'Bcnmf' || j.version !== 1) {
      throw new BcnmfError('INVALID_MODEL', `not a Bcnmf estimator (name ${JSON.stringify(j?.name)}, version ${JSON.stringify(j?.version)})`);
    }
    if (j.params === null || typeof j.params !== 'object') throw new BcnmfError('INVALID_MODEL', 'params must be an object');
    const model = BcnmfModel.load(j.model);
    let estimator: Bcnmf;
    try {
      estimator = new Bcnmf(j.params as BcnmfParams);
    } catch (error) {
      throw new BcnmfError('INVALID_MODEL', `params: ${(error as Error).message}`);
    }
    if (estimator.params.nComponents !== model.settings.k) {
      throw new BcnmfError('INVALID_MODEL', `params.nComponents (${estimator.params.nComponents}) differs from the model's k (${model.settings.k})`);
    }
    estimator.fitted = model;
    return estimator;
  }
}
