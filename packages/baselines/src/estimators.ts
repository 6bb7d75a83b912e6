import { BcnmfError, DenseMatrix, type MatrixInput } from '@bcnmf/core';
import { CpcaModel, resolveCpcaOptions, type CpcaModelJSON, type CpcaOptions } from './cpca/cpca.js';
import { invalidModel } from './errors.js';
import { toFloat64Matrix } from './input.js';
import { NmfModel, resolveNmfOptions, type NmfModelJSON, type NmfOptions } from './nmf.js';
import { PcaModel, resolvePcaOptions, type PcaModelJSON, type PcaOptions } from './pca.js';
import type { ColumnScaling } from './preprocess.js';

// scikit-learn-style estimators over the baselines' models: settings checked at
// construction by the same function the function API uses; fit returns the estimator;
// fitTransform, transform, inverseTransform, components; toJSON and a static load that
// checks what it loads. (bcNMF's own estimator, `Bcnmf`, lives in @bcnmf/core.)

function notFitted(name: string): never {
  throw new BcnmfError('INVALID_OPTION', `this ${name} is not fitted yet: call fit (or fitTransform) first`);
}

/** scores (n x k) · components (k x p), then each column scaled back and its mean added. */
async function unproject(scores: MatrixInput, components: DenseMatrix, scaling: ColumnScaling | null): Promise<DenseMatrix> {
  const z = await toFloat64Matrix(scores, 'scores');
  const [k, p] = [components.rows, components.columns];
  if (z.columns !== k) throw new BcnmfError('INVALID_DATA', `scores have ${z.columns} columns but the model has ${k} components`);
  const out = new Float64Array(z.rows * p);
  for (let i = 0; i < z.rows; i++) {
    for (let t = 0; t < k; t++) {
      const v = z.data[i * k + t];
      if (v === 0) continue;
      for (let j = 0; j < p; j++) out[i * p + j] += v * components.data[t * p + j];
    }
    if (scaling) for (let j = 0; j < p; j++) out[i * p + j] = out[i * p + j] * scaling.scales[j] + scaling.means[j];
  }
  return new DenseMatrix({ data: out, shape: [z.rows, p], rowNames: z.rowNames, columnNames: components.columnNames });
}

/**
 * NMF (`target ≈ H W`, multiplicative updates through @bcnmf/core) as an estimator.
 *
 * @example
 * const nmf = new NMF({ nComponents: 3, loss: 'kl' });
 * const H = await nmf.fitTransform(counts);
 * nmf.components.shape; // [3, features]
 */
export class NMF {
  readonly params: Readonly<NmfOptions>;
  private fitted: NmfModel | null = null;

  constructor(params: NmfOptions = {}) {
    resolveNmfOptions(params);
    this.params = { ...params };
  }

  get model(): NmfModel {
    return this.fitted ?? notFitted('NMF');
  }

  /** W, nComponents x features. */
  get components(): DenseMatrix {
    return this.model.components;
  }

  /** Iterations the fit ran. */
  get nIter(): number {
    return this.model.model.iterations;
  }

  /** ‖X − H W‖_F (Frobenius) or the generalized KL divergence (kl) of the fitted data. */
  get reconstructionError(): number {
    const core = this.model.model;
    const last = core.history[core.history.length - 1];
    const entries = core.Htarget.rows * core.W.columns;
    return core.settings.loss === 'frobenius' ? Math.sqrt(last.targetError * entries) : last.targetError * entries;
  }

  async fit(target: MatrixInput): Promise<this> {
    this.fitted = await NmfModel.fit(target, this.params);
    return this;
  }

  async fitTransform(target: MatrixInput): Promise<DenseMatrix> {
    return (await this.fit(target)).model.embedding;
  }

  /** Coefficients of samples with W fixed (the fit's own update, to convergence). */
  transform(data: MatrixInput): Promise<DenseMatrix> {
    return this.model.transform(data);
  }

  /** H W: samples x features. */
  inverseTransform(coefficients: MatrixInput): Promise<DenseMatrix> {
    return unproject(coefficients, this.components, null);
  }

  toJSON(): { name: 'NMF estimator'; model: NmfModelJSON } {
    return { name: 'NMF estimator', model: this.model.toJSON() };
  }

  static load(json: unknown): NMF {
    const j = json as { name?: unknown; model?: unknown } | null;
    if (j?.name !== 'NMF estimator') throw invalidModel(`not an NMF estimator (name ${JSON.stringify(j?.name)})`);
    const model = NmfModel.load(j.model);
    const estimator = new NMF(model.options);
    estimator.fitted = model;
    return estimator;
  }
}

/**
 * PCA of the target as an estimator. `fitTransform(X)` is exactly `fit(X)` then
 * `transform(X)`.
 *
 * @example
 * const scores = await new PCA({ nComponents: 2 }).fitTransform(x);
 */
export class PCA {
  readonly params: Readonly<PcaOptions>;
  private fitted: PcaModel | null = null;

  constructor(params: PcaOptions = {}) {
    resolvePcaOptions(params, null);
    this.params = { ...params };
  }

  get model(): PcaModel {
    return this.fitted ?? notFitted('PCA');
  }

  /** nComponents x features, unit rows. */
  get components(): DenseMatrix {
    return this.model.components;
  }

  get explainedVariance(): number[] {
    return this.model.explainedVariance;
  }

  get explainedVarianceRatio(): number[] {
    return this.model.explainedVarianceRatio;
  }

  async fit(target: MatrixInput): Promise<this> {
    this.fitted = await PcaModel.fit(target, this.params);
    return this;
  }

  async fitTransform(target: MatrixInput): Promise<DenseMatrix> {
    return (await this.fit(target)).transform(target);
  }

  transform(data: MatrixInput): Promise<DenseMatrix> {
    return this.model.transform(data);
  }

  /** Scores back to the features: scores · components, unscaled and uncentred. */
  inverseTransform(scores: MatrixInput): Promise<DenseMatrix> {
    return unproject(scores, this.components, this.model.scaling);
  }

  toJSON(): { name: 'PCA estimator'; model: PcaModelJSON } {
    return { name: 'PCA estimator', model: this.model.toJSON() };
  }

  static load(json: unknown): PCA {
    const j = json as { name?: unknown; model?: unknown } | null;
    if (j?.name !== 'PCA estimator') throw invalidModel(`not a PCA estimator (name ${JSON.stringify(j?.name)})`);
    const model = PcaModel.load(j.model);
    const estimator = new PCA(model.options);
    estimator.fitted = model;
    return estimator;
  }
}

/**
 * Contrastive PCA as an estimator: fitted on a target and a background; transform and
 * inverseTransform at the model's main alpha (or another fitted one).
 *
 * @example
 * const scores = await new CPCA({ nComponents: 2, alpha: 2 }).fitTransform(target, background);
 */
export class CPCA {
  readonly params: Readonly<CpcaOptions>;
  private fitted: CpcaModel | null = null;

  constructor(params: CpcaOptions = {}) {
    resolveCpcaOptions(params);
    this.params = { ...params };
  }

  get model(): CpcaModel {
    return this.fitted ?? notFitted('CPCA');
  }

  /** The components (nComponents x features, in the target's standardized space) at the main alpha. */
  get components(): DenseMatrix {
    return this.model.components;
  }

  /** The main alpha (fixed, or the automatic choice). */
  get alpha(): number {
    return this.model.alpha;
  }

  async fit(target: MatrixInput, background: MatrixInput): Promise<this> {
    this.fitted = await CpcaModel.fit(target, background, this.params);
    return this;
  }

  async fitTransform(target: MatrixInput, background: MatrixInput): Promise<DenseMatrix> {
    return (await this.fit(target, background)).transform(target);
  }

  transform(data: MatrixInput, alpha: number = this.alpha): Promise<DenseMatrix> {
    return this.model.transform(data, alpha);
  }

  /** Scores back to the features at `alpha`: scores · components, in the target's scale. */
  inverseTransform(scores: MatrixInput, alpha: number = this.alpha): Promise<DenseMatrix> {
    return unproject(scores, this.model.result(alpha).components, this.model.targetScaling);
  }

  toJSON(): { name: 'CPCA estimator'; model: CpcaModelJSON } {
    return { name: 'CPCA estimator', model: this.model.toJSON() };
  }

  static load(json: unknown): CPCA {
    const j = json as { name?: unknown; model?: unknown } | null;
    if (j?.name !== 'CPCA estimator') throw invalidModel(`not a CPCA estimator (name ${JSON.stringify(j?.name)})`);
    const model = CpcaModel.load(j.model);
    const estimator = new CPCA(model.options as CpcaOptions);
    estimator.fitted = model;
    return estimator;
  }
}
