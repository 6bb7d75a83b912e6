import { DenseMatrix, type MatrixInput } from '@bcnmf/core';
import { Matrix } from 'ml-matrix';
import { PCA as MlPca } from 'ml-pca';
import { PCA_DEFAULTS } from './defaults.js';
import { checkBoolean, checkInteger, invalidData, invalidOption } from './errors.js';
import { checkSameFeatures, toFloat64Matrix } from './input.js';
import { signLargestPositive } from './linalg/dense.js';
import { gramOf, scatterOf, topSymmetric, transposedTimes } from './linalg/fast.js';
import { nativeLinalg, type NativeLinalg } from './linalg/lapack.js';
import { ModelJsonReader, modelJson } from './model-json.js';
import { applyScaling, fitScaling, type ColumnScaling } from './preprocess.js';

/** Options of {@link pca}; defaults in {@link PCA_DEFAULTS}. */
export interface PcaOptions {
  /** Number of components, 1 .. min(samples, features). Default 2. */
  nComponents?: number;
  /** Centre each feature. Default true. */
  center?: boolean;
  /** Divide each feature by its standard deviation (ddof 0); zero-variance features are not divided. Default false. */
  scale?: boolean;
  /**
   * Solver. `'SVD'` / `'covarianceMatrix'`: ml-pca (every component, exact to rounding).
   * `'gram'`: only the top `nComponents` eigenpairs of the smaller of `Z Z^T` (samples x
   * samples) and `Z^T Z`, by OpenBLAS `dgemm` + LAPACK `dsyevr` when the native library
   * loads, else block Krylov in JavaScript. `'auto'` (default): `'gram'` when
   * `min(samples, features) >= 200` and `3 nComponents < min(samples, features)`, else `'SVD'`.
   */
  method?: PcaMethod;
}

/** The PCA solvers; see {@link PcaOptions.method}. */
export type PcaMethod = 'auto' | 'SVD' | 'covarianceMatrix' | 'gram';

/** The serialized form of a {@link PcaModel}. */
export interface PcaModelJSON {
  name: 'PCA';
  version: 1;
  options: Required<PcaOptions>;
  means: number[];
  scales: number[];
  /** nComponents x features. */
  components: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  /** samples x nComponents: the fitted target's scores. */
  embedding: number[][];
  columnNames?: string[] | undefined;
}

/**
 * A fitted principal component analysis (rows = samples). Components are unit vectors
 * in feature space, each signed so that its largest-magnitude loading is positive.
 *
 * @example
 * const model = await pca([[1, 2], [2, 4], [3, 6.5]], { nComponents: 1 });
 * model.explainedVarianceRatio; // [0.99943...]
 * (await model.transform([[2, 4]])).toArray(); // [[-0.1523...]]
 */
export class PcaModel {
  readonly name = 'PCA';
  readonly options: Required<PcaOptions>;
  /** nComponents x features, unit rows. */
  readonly components: DenseMatrix;
  /** Variance along each component (eigenvalues of the covariance, ddof 1), as scikit-learn's `explained_variance_`. */
  readonly explainedVariance: number[];
  /** Fraction of the total variance along each component, as scikit-learn's `explained_variance_ratio_`. */
  readonly explainedVarianceRatio: number[];
  /** The fitted target projected on the components (samples x nComponents). */
  readonly embedding: DenseMatrix;
  readonly scaling: ColumnScaling;
  /** The solver that ran: `'auto'` resolved (see {@link PcaOptions.method}). */
  readonly solver: 'SVD' | 'covarianceMatrix' | 'gram';
  /** Whether the fit ran on the native OpenBLAS/LAPACK path ('gram' only; false for ml-pca's solvers and for a loaded model). */
  readonly native: boolean;

  private constructor(
    options: Required<PcaOptions>,
    scaling: ColumnScaling,
    components: DenseMatrix,
    explainedVariance: number[],
    explainedVarianceRatio: number[],
    embedding: DenseMatrix,
    solver: 'SVD' | 'covarianceMatrix' | 'gram',
    native: boolean,
  ) {
    this.solver = solver;
    this.native = native;
    this.options = options;
    this.scaling = scaling;
    this.components = components;
    this.explainedVariance = explainedVariance;
    this.explainedVarianceRatio = explainedVarianceRatio;
    this.embedding = embedding;
  }

  /** Fits PCA on `target` (samples x features); see {@link pca}. */
  static async fit(target: MatrixInput, options: PcaOptions = {}): Promise<PcaModel> {
    const x = await toFloat64Matrix(target, 'target');
    const opts = resolvePcaOptions(options, x);
    // one sample has no variance to explain (its ratios would be 0/0)
    if (x.rows < 2) throw invalidData(`PCA needs at least 2 samples, got ${x.rows}`);
    const scaling = fitScaling(x, opts.center, opts.scale);
    const z = applyScaling(x, scaling);
    const n = x.rows;
    const p = x.columns;
    const k = opts.nComponents;
    const solver = resolveSolver(opts.method, n, p, k);
    const lib = solver === 'gram' ? await nativeLinalg() : null;
    const fitted = solver === 'gram' ? gramPca(z, n, p, k, lib) : mlPca(z, n, p, k, solver);
    const comp = fitted.components;
    signLargestPositive(comp, k, p);
    const explainedVariance = fitted.explainedVariance;
    const total = fitted.totalVariance;
    const explainedVarianceRatio = explainedVariance.map((v) => (total > 0 ? v / total : 0));
    const components = new DenseMatrix({ data: comp, shape: [k, p], columnNames: x.columnNames });
    const embedding = project(z, n, p, comp, k, x.rowNames);
    return new PcaModel(opts, scaling, components, explainedVariance, explainedVarianceRatio, embedding, solver, lib !== null);
  }

  /** Projects new samples (same features) onto the components: samples x nComponents. */
  async transform(data: MatrixInput): Promise<DenseMatrix> {
    const x = await toFloat64Matrix(data, 'data');
    checkSameFeatures(this.components, 'the fitted model', x, 'data');
    return project(applyScaling(x, this.scaling), x.rows, x.columns, this.components.data as Float64Array, this.components.rows, x.rowNames);
  }

  /** A JSON-safe object; {@link PcaModel.load} restores the model. */
  toJSON(): PcaModelJSON {
    return {
      name: 'PCA',
      version: 1,
      options: { ...this.options },
      means: [...this.scaling.means],
      scales: [...this.scaling.scales],
      components: this.components.toArray(),
      explainedVariance: [...this.explainedVariance],
      explainedVarianceRatio: [...this.explainedVarianceRatio],
      embedding: this.embedding.toArray(),
      columnNames: this.components.columnNames ? [...this.components.columnNames] : undefined,
    };
  }

  /** Restores a model from {@link PcaModel.toJSON}; throws `INVALID_MODEL` for anything else. */
  static load(json: unknown): PcaModel {
    const read = new ModelJsonReader('PCA', modelJson(json, 'PCA', 'a'));
    read.version([1]);
    const options = read.options('options', (o) => resolvePcaOptions(o as PcaOptions, null));
    const means = read.numbers('means');
    if (means.length === 0) throw read.damaged('means is empty');
    const features = means.length;
    const scales = read.numbers('scales', { length: features, above: 0 });
    const components = read.matrix('components', undefined, features);
    const count = components.rows;
    if (count < 1 || count > options.nComponents) throw read.damaged(`components has ${count} rows for nComponents ${options.nComponents}`);
    // finite, not >= 0: a rank-deficient fit's last eigenvalues can round to -1e-17
    const explainedVariance = read.numbers('explainedVariance', { length: count });
    const explainedVarianceRatio = read.numbers('explainedVarianceRatio', { length: count });
    const embedding = read.matrix('embedding', undefined, count);
    const columnNames = read.names('columnNames', features);
    const named = columnNames ? components.withNames({ columnNames }) : components;
    const scaling: ColumnScaling = { means, scales, constantColumns: [] };
    const solver = resolveSolver(options.method, embedding.rows, features, count);
    return new PcaModel(options, scaling, named, explainedVariance, explainedVarianceRatio, embedding, solver, false);
  }
}

/**
 * Principal component analysis of `target` (samples x features), with centring and
 * optional scaling: ml-pca's SVD or covariance method, or the top eigenpairs of the
 * smaller Gram/scatter matrix (`'gram'`, native LAPACK when available); `'auto'` (the
 * default) takes `'gram'` for a few components of a large matrix.
 *
 * @example
 * const model = await pca([[1, 2], [2, 4], [3, 6.5]], { nComponents: 1 });
 * model.components.toArray(); // [[0.4049..., 0.9143...]]
 * model.embedding.shape; // [3, 1]
 */
export function pca(target: MatrixInput, options: PcaOptions = {}): Promise<PcaModel> {
  return PcaModel.fit(target, options);
}

/**
 * PCA's options checked and filled in: the one place they are validated, by `pca`, and by
 * the `PCA` estimator at construction (`x` null: the data-dependent bound waits for the fit).
 */
export function resolvePcaOptions(options: PcaOptions, x: DenseMatrix | null): Required<PcaOptions> {
  if (typeof options !== 'object' || options === null) throw invalidOption('PCA options must be an object');
  const known = ['nComponents', 'center', 'scale', 'method'];
  for (const key of Object.keys(options)) if (!known.includes(key)) throw invalidOption(`unknown PCA option '${key}' (known: ${known.join(', ')})`);
  const max = x ? Math.min(x.rows, x.columns) : Number.POSITIVE_INFINITY;
  const nComponents = checkInteger('nComponents', options.nComponents ?? PCA_DEFAULTS.nComponents, 1, max);
  const center = checkBoolean('center', options.center ?? PCA_DEFAULTS.center);
  const scale = checkBoolean('scale', options.scale ?? PCA_DEFAULTS.scale);
  const method = options.method ?? PCA_DEFAULTS.method;
  if (!(['auto', 'SVD', 'covarianceMatrix', 'gram'] as unknown[]).includes(method)) {
    throw invalidOption(`method must be 'auto', 'SVD', 'covarianceMatrix' or 'gram', got ${String(method)}`);
  }
  return { nComponents, center, scale, method };
}

/** `z (n x p) · comp^T (p x k)` as an n x k DenseMatrix. */
export function project(z: Float64Array, n: number, p: number, comp: Float64Array, k: number, rowNames?: readonly string[]): DenseMatrix {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      const oz = i * p;
      const oc = c * p;
      for (let j = 0; j < p; j++) s += z[oz + j] * comp[oc + j];
      out[i * k + c] = s;
    }
  }
  return new DenseMatrix({ data: out, shape: [n, k], rowNames });
}

/** The solver `'auto'` stands for: `'gram'` for a few components of a large matrix, else ml-pca's `'SVD'`. */
export function resolveSolver(method: PcaMethod, n: number, p: number, k: number): 'SVD' | 'covarianceMatrix' | 'gram' {
  if (method !== 'auto') return method;
  const small = Math.min(n, p);
  return small >= 200 && 3 * k < small ? 'gram' : 'SVD';
}

interface PcaFit {
  /** k x p, unit rows. */
  components: Float64Array;
  explainedVariance: number[];
  totalVariance: number;
}

function mlPca(z: Float64Array, n: number, p: number, k: number, method: 'SVD' | 'covarianceMatrix'): PcaFit {
  const ml = new MlPca(Matrix.from1DArray(n, p, z), { method, center: false, scale: false });
  const vectors = ml.getEigenvectors(); // features x m, columns = components
  const eigenvalues = ml.getEigenvalues();
  let total = 0;
  for (const v of eigenvalues) total += Math.max(v, 0);
  const comp = new Float64Array(k * p);
  for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) comp[c * p + j] = vectors.get(j, c);
  return { components: comp, explainedVariance: eigenvalues.slice(0, k).map((v) => Math.max(v, 0)), totalVariance: total };
}

/**
 * Top-k PCA from the smaller of the Gram matrix `Z Z^T` (n <= p: its eigenvectors `u`
 * give the components `Z^T u / sqrt(lambda)`) and the scatter `Z^T Z`; variances are
 * `lambda / (n - 1)` and the total variance is `||Z||_F^2 / (n - 1)`, as ml-pca and
 * scikit-learn (ddof 1).
 */
function gramPca(z: Float64Array, n: number, p: number, k: number, lib: NativeLinalg | null): PcaFit {
  const ddof = Math.max(n - 1, 1);
  let sumSq = 0;
  for (let i = 0; i < z.length; i++) sumSq += z[i] * z[i];
  const comp = new Float64Array(k * p);
  let values: number[];
  if (n <= p) {
    const top = topSymmetric(gramOf(z, n, p, lib), n, k, 0, lib);
    values = top.values;
    // components = diag(1 / sqrt(lambda)) U^T Z; U^T = top.vectors (k x n)
    const u = new Float64Array(n * k);
    for (let c = 0; c < k; c++) for (let i = 0; i < n; i++) u[i * k + c] = top.vectors[c * n + i];
    const rows = transposedTimes(u, n, k, z, p, lib);
    for (let c = 0; c < k; c++) {
      let norm = 0;
      for (let j = 0; j < p; j++) norm += rows[c * p + j] ** 2;
      norm = Math.sqrt(norm);
      // a zero-variance direction has no defined axis: keep the zero row (as a rank-deficient SVD would give an arbitrary one)
      if (norm > 0) for (let j = 0; j < p; j++) comp[c * p + j] = rows[c * p + j] / norm;
    }
  } else {
    const top = topSymmetric(scatterOf(z, n, p, 1, lib), p, k, 0, lib);
    values = top.values;
    comp.set(top.vectors.subarray(0, k * p));
  }
  return { components: comp, explainedVariance: values.map((v) => Math.max(v, 0) / ddof), totalVariance: sumSq / ddof };
}
