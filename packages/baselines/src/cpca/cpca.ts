import { DenseMatrix, type MatrixInput } from '@bcnmf/core';
import { CPCA_DEFAULTS } from '../defaults.js';
import { checkBoolean, checkInteger, checkNumber, invalidData, invalidModel, invalidOption } from '../errors.js';
import { checkSameFeatures, toFloat64Matrix } from '../input.js';
import { signLargestPositive } from '../linalg/dense.js';
import { scatterOf, timesTransposed, topSymmetric } from '../linalg/fast.js';
import { nativeLinalg, type NativeLinalg } from '../linalg/lapack.js';
import { project } from '../pca.js';
import { ModelJsonReader, modelJson } from '../model-json.js';
import { applyScaling, fitScaling, type ColumnScaling } from '../preprocess.js';
import { alphaCandidates, selectAlphas, subspaceAffinity, type AlphaSelection } from './auto-alpha.js';
import { jointReduction, liftRows, type Lift } from './preproject.js';

/** Options of {@link cpca}; defaults in {@link CPCA_DEFAULTS}. */
export interface CpcaOptions {
  /** Number of contrastive components. Default 2. */
  nComponents?: number;
  /** Divide each feature of each data set by its own standard deviation after centring. Default true. */
  standardize?: boolean;
  /** A fixed alpha >= 0, or 'auto' for the reference's spectral selection. Default 'auto'. */
  alpha?: number | 'auto';
  /** Joint pre-projection onto this many principal components when there are more features; null: never. Default 1000. */
  preprocessPcaDim?: number | null;
  /** Alpha candidates besides 0 for 'auto'. Default 40. */
  nAlphas?: number;
  /** The largest candidate is 10^maxLogAlpha. Default 3. */
  maxLogAlpha?: number;
  /** Spectral clusters of the candidates. Default 4. */
  nAlphasToReturn?: number;
  /** Seed of the eigensolver's start and of the k-means. Default 0. */
  seed?: number;
}

/** One cPCA solution. */
export interface CpcaResult {
  alpha: number;
  /** Target samples x nComponents. */
  embedding: DenseMatrix;
  /** nComponents x features: loadings in the (standardized) original feature space. */
  components: DenseMatrix;
  /** The top eigenvalues of C_fg - alpha C_bg. */
  eigenvalues: number[];
}

/** The serialized form of a {@link CpcaModel}. */
export interface CpcaModelJSON {
  name: 'cPCA';
  version: 1;
  options: ResolvedCpcaOptions;
  /** Target centring and scaling (new samples are transformed with them). */
  means: number[];
  scales: number[];
  columnNames?: string[] | undefined;
  alpha: number;
  /** See {@link CpcaModel.dimension} (absent in files written before it existed: the feature count). */
  dimension?: number;
  results: { alpha: number; embedding: number[][]; components: number[][]; eigenvalues: number[] }[];
  selection: AlphaSelection | null;
}

type ResolvedCpcaOptions = Required<Omit<CpcaOptions, 'preprocessPcaDim'>> & { preprocessPcaDim: number | null };

interface FitState {
  /** standardized target, n x p */
  zfg: Float64Array;
  nFg: number;
  p: number;
  /** How the d reduced coordinates map back to the p features; null when d = p (no reduction). */
  lift: Lift | null;
  d: number;
  /** The target in the reduced coordinates, nFg x d (zfg itself without a reduction). */
  rfg: Float64Array;
  cfg: Float64Array;
  cbg: Float64Array;
  rowNames: readonly string[] | undefined;
  columnNames: readonly string[] | undefined;
  /** The native OpenBLAS/LAPACK path of the fit, or null (JavaScript). */
  lib: NativeLinalg | null;
}

/**
 * A fitted contrastive PCA (Abid et al. 2018, as its reference package): the directions
 * of large target variance and small background variance, the top eigenvectors of
 * `C_fg - alpha C_bg`. Each component is signed so that its largest-magnitude loading
 * is positive.
 */
export class CpcaModel {
  readonly name = 'cPCA';
  readonly options: ResolvedCpcaOptions;
  /** One result per alpha: the given alpha, or 0 and the automatically selected ones. */
  readonly results: CpcaResult[];
  /** The automatic selection's candidates, affinity and clusters; null with a fixed alpha. */
  readonly selection: AlphaSelection | null;
  /** The main alpha: the fixed one, or the smallest selected non-zero alpha (0 if none). */
  readonly alpha: number;
  readonly targetScaling: ColumnScaling;
  /**
   * The dimension `C_fg - alpha C_bg` was solved in: the number of features, or fewer
   * after the joint pre-projection (more than `preprocessPcaDim` features) or when both
   * data sets leave some directions exactly null (e.g. a duplicated feature), which are
   * dropped first.
   */
  readonly dimension: number;
  /** Whether the fit ran on the native OpenBLAS/LAPACK path (false in JavaScript and for a loaded model). */
  readonly native: boolean;
  private readonly state: FitState | null;
  private readonly columnNames: readonly string[] | undefined;

  private constructor(
    options: ResolvedCpcaOptions,
    results: CpcaResult[],
    selection: AlphaSelection | null,
    alpha: number,
    targetScaling: ColumnScaling,
    state: FitState | null,
    columnNames: readonly string[] | undefined,
    dimension: number,
  ) {
    this.dimension = dimension;
    this.native = state?.lib !== null && state?.lib !== undefined;
    this.options = options;
    this.results = results;
    this.selection = selection;
    this.alpha = alpha;
    this.targetScaling = targetScaling;
    this.state = state;
    this.columnNames = columnNames;
  }

  /** The alphas of {@link results}, in order. */
  get alphas(): number[] {
    return this.results.map((r) => r.alpha);
  }

  /** The embedding (target samples x nComponents) at the main {@link alpha}. */
  get embedding(): DenseMatrix {
    return this.result(this.alpha).embedding;
  }

  /** The components (nComponents x features) at the main {@link alpha}. */
  get components(): DenseMatrix {
    return this.result(this.alpha).components;
  }

  /**
   * The solution for any alpha >= 0: one of {@link results}, or computed from the
   * fitted covariances (not available on a model restored by {@link CpcaModel.load}).
   *
   * @example
   * const model = await cpca(target, background, { alpha: 1 });
   * model.result(10).components.shape; // [2, features]
   */
  result(alpha: number): CpcaResult {
    checkNumber('alpha', alpha, 0);
    const found = this.results.find((r) => r.alpha === alpha);
    if (found) return found;
    if (!this.state) {
      throw invalidOption(`alpha ${alpha} was not fitted and a loaded cPCA model has no covariances; fitted alphas: ${this.alphas.join(', ')}`);
    }
    return solve(this.state, alpha, this.options.nComponents, this.options.seed);
  }

  /** New target-like samples (same features) standardized with the target's statistics and projected: samples x nComponents. */
  async transform(data: MatrixInput, alpha: number = this.alpha): Promise<DenseMatrix> {
    const x = await toFloat64Matrix(data, 'data');
    const comps = this.result(alpha).components;
    checkSameFeatures(comps, 'the fitted model', x, 'data');
    return project(applyScaling(x, this.targetScaling), x.rows, x.columns, comps.data as Float64Array, comps.rows, x.rowNames);
  }

  /** A JSON-safe object (the solutions, not the covariances); {@link CpcaModel.load} restores it. */
  toJSON(): CpcaModelJSON {
    return {
      name: 'cPCA',
      version: 1,
      options: { ...this.options },
      means: [...this.targetScaling.means],
      scales: [...this.targetScaling.scales],
      columnNames: this.columnNames ? [...this.columnNames] : undefined,
      alpha: this.alpha,
      dimension: this.dimension,
      results: this.results.map((r) => ({
        alpha: r.alpha,
        embedding: r.embedding.toArray(),
        components: r.components.toArray(),
        eigenvalues: [...r.eigenvalues],
      })),
      selection: this.selection,
    };
  }

  /** Restores a model from {@link CpcaModel.toJSON}; throws `INVALID_MODEL` for anything else. */
  static load(json: unknown): CpcaModel {
    const read = new ModelJsonReader('cPCA', modelJson(json, 'cPCA', 'a'));
    read.version([1]);
    const j = json as CpcaModelJSON;
    const options = read.options('options', (o) => resolveCpcaOptions(o as CpcaOptions));
    const means = read.numbers('means');
    if (means.length === 0) throw read.damaged('means is empty');
    const features = means.length;
    const scales = read.numbers('scales', { length: features, above: 0 });
    const columnNames = read.names('columnNames', features);
    if (!Array.isArray(j.results) || j.results.length === 0) throw read.damaged('results is missing or empty');
    let samples: number | undefined;
    const results = j.results.map((r, i) => {
      const at = `results[${i}]`;
      if (typeof r !== 'object' || r === null) throw read.damaged(`${at} is not an object`);
      const components = read.matrix(`${at}.components`, undefined, features, r.components);
      if (components.rows < 1 || components.rows > options.nComponents) {
        throw read.damaged(`${at}.components has ${components.rows} rows for nComponents ${options.nComponents}`);
      }
      const embedding = read.matrix(`${at}.embedding`, samples, components.rows, r.embedding);
      samples = embedding.rows;
      return {
        alpha: read.number(`${at}.alpha`, r.alpha, 0),
        embedding,
        components: columnNames ? components.withNames({ columnNames }) : components,
        eigenvalues: read.numbers(`${at}.eigenvalues`, { length: components.rows, value: r.eigenvalues }),
      };
    });
    const alpha = read.number('alpha', j.alpha, 0);
    if (!results.some((r) => r.alpha === alpha)) throw read.damaged(`alpha ${alpha} is not one of the results' (${results.map((r) => r.alpha).join(', ')})`);
    const dimension = j.dimension === undefined ? features : read.number('dimension', j.dimension, 1);
    if (!Number.isInteger(dimension) || dimension > features) throw read.damaged(`dimension ${dimension} is not a whole number of at most ${features} features`);
    const selection = j.selection === null || j.selection === undefined ? null : checkedSelection(read, j.selection);
    const scaling: ColumnScaling = { means, scales, constantColumns: [] };
    return new CpcaModel(options, results, selection, alpha, scaling, null, columnNames, dimension);
  }


  /** @internal */
  static async fit(target: MatrixInput, background: MatrixInput, options: CpcaOptions = {}): Promise<CpcaModel> {
    if (background === null || background === undefined) throw invalidData('cPCA needs a background data set');
    const fg = await toFloat64Matrix(target, 'target');
    const bg = await toFloat64Matrix(background, 'background');
    checkSameFeatures(fg, 'target', bg, 'background');
    const opts = resolveCpcaOptions(options);
    if (fg.rows < 2 || bg.rows < 2) throw invalidData(`cPCA needs at least 2 samples in target (${fg.rows}) and background (${bg.rows})`);
    const p = fg.columns;
    const fgScaling = fitScaling(fg, true, opts.standardize);
    const bgScaling = fitScaling(bg, true, opts.standardize);
    const zfg = applyScaling(fg, fgScaling);
    const zbg = applyScaling(bg, bgScaling);
    const lib = await nativeLinalg();

    // Reduce to the joint principal subspace: onto preprocessPcaDim axes above that many
    // features (the reference's pre-projection), and in any case off the directions that
    // both data sets leave exactly null (rank-deficient inputs: there C_fg - alpha C_bg is 0,
    // and at large alpha, where every other eigenvalue is negative, its "top" eigenvectors
    // would be rounding noise).
    const preproject = opts.preprocessPcaDim !== null && p > opts.preprocessPcaDim;
    const reduction = jointReduction(zfg, fg.rows, zbg, bg.rows, p, preproject ? opts.preprocessPcaDim! : p, opts.seed, lib);
    const reduced = preproject || reduction.dim < p;
    const d = reduced ? reduction.dim : p;
    const rfg = reduced ? reduction.rfg : zfg;
    const rbg = reduced ? reduction.rbg : zbg;
    const maxComponents = Math.min(d, p);
    if (opts.nComponents > maxComponents) {
      throw invalidOption(
        `nComponents must be an integer in [1, ${maxComponents}] (the ${preproject ? 'pre-projected ' : reduced ? 'non-null ' : ''}feature count), got ${opts.nComponents}`,
      );
    }
    const state: FitState = {
      zfg,
      nFg: fg.rows,
      p,
      lift: reduced ? reduction.lift : null,
      d,
      rfg,
      cfg: scatterOf(rfg, fg.rows, d, fg.rows - 1, lib),
      cbg: scatterOf(rbg, bg.rows, d, bg.rows - 1, lib),
      lib,
      rowNames: fg.rowNames,
      columnNames: fg.columnNames,
    };

    let results: CpcaResult[];
    let selection: AlphaSelection | null = null;
    let alpha: number;
    if (opts.alpha === 'auto') {
      if (d < 2) throw invalidData(`automatic alpha selection compares 2-D projections but the data have ${d} usable dimension(s)`);
      const candidates = alphaCandidates(opts.nAlphas, opts.maxLogAlpha);
      const k = Math.max(2, opts.nComponents);
      // only the 2-D target projections are needed to compare the candidates: in the
      // reduced coordinates, without going back to the features
      const projections = candidates.map((a) => {
        const { vectors } = topReduced(state, a, k, opts.seed);
        return timesTransposed(state.rfg, fg.rows, d, vectors.subarray(0, 2 * d), 2, lib);
      });
      const affinity = subspaceAffinity(projections, fg.rows);
      if (opts.nAlphasToReturn > candidates.length) {
        throw invalidOption(`nAlphasToReturn (${opts.nAlphasToReturn}) must be at most the number of candidates (${candidates.length})`);
      }
      selection = selectAlphas(candidates, affinity, opts.nAlphasToReturn, opts.seed);
      results = selection.alphas.map((a) => solve(state, a, opts.nComponents, opts.seed));
      alpha = selection.alphas.length > 1 ? selection.alphas[1] : 0;
    } else {
      results = [solve(state, opts.alpha, opts.nComponents, opts.seed)];
      alpha = opts.alpha;
    }
    return new CpcaModel(opts, results, selection, alpha, fgScaling, state, fg.columnNames, d);
  }
}

/**
 * Contrastive PCA of `target` against `background` (samples x features each, same
 * features), as the reference cPCA package: centre (and with `standardize`, scale) each
 * data set on its own, pre-project jointly onto 1000 PCs when there are more than 1000
 * features, then the top eigenvectors of `C_fg - alpha C_bg` for a fixed alpha or for
 * the automatically selected ones.
 *
 * @example
 * const model = await cpca(target, background); // alpha: 'auto'
 * model.alphas; // e.g. [0, 0.78..., 10.8..., 281.2...]
 * model.result(model.alphas[2]).embedding.shape; // [target samples, 2]
 * (await cpca(target, background, { alpha: 2 })).components.shape; // [2, features]
 */
export function cpca(target: MatrixInput, background: MatrixInput, options: CpcaOptions = {}): Promise<CpcaModel> {
  return CpcaModel.fit(target, background, options);
}

/** The top `k` eigenpairs of `C_fg - alpha C_bg` in the reduced coordinates (`vectors`: k x d). */
function topReduced(state: FitState, alpha: number, k: number, seed: number): { values: number[]; vectors: Float64Array } {
  const { d } = state;
  const m = new Float64Array(d * d);
  for (let i = 0; i < m.length; i++) m[i] = state.cfg[i] - alpha * state.cbg[i];
  return topSymmetric(m, d, k, seed, state.lib);
}

function solve(state: FitState, alpha: number, k: number, seed: number): CpcaResult {
  const { d, p } = state;
  const { values, vectors } = topReduced(state, alpha, k, seed);
  const comps = state.lift ? liftRows(state.lift, vectors, k, d, p, state.lib) : vectors;
  signLargestPositive(comps, k, p);
  const components = new DenseMatrix({ data: comps, shape: [k, p], columnNames: state.columnNames });
  const embedding = project(state.zfg, state.nFg, p, comps, k, state.rowNames);
  return { alpha, embedding, components, eigenvalues: values };
}

/** The automatic alpha selection of a saved model: its arrays of numbers, of one length. */
function checkedSelection(read: ModelJsonReader, value: unknown): AlphaSelection {
  if (typeof value !== 'object' || value === null) throw read.damaged('selection is not an object');
  const s = value as Record<string, unknown>;
  const candidates = read.numbers('selection.candidates', { atLeast: 0, value: s.candidates });
  const affinity = read.matrix('selection.affinity', candidates.length, candidates.length, s.affinity);
  return {
    candidates,
    affinity: affinity.toArray(),
    labels: read.numbers('selection.labels', { length: candidates.length, value: s.labels }),
    alphas: read.numbers('selection.alphas', { atLeast: 0, value: s.alphas }),
  };
}

/** cPCA's options checked and filled in: the one place they are validated (`cpca` and the `CPCA` estimator). */
export function resolveCpcaOptions(options: CpcaOptions): ResolvedCpcaOptions {
  if (typeof options !== 'object' || options === null) throw invalidOption('cPCA options must be an object');
  const known = Object.keys(CPCA_DEFAULTS);
  for (const key of Object.keys(options)) if (!known.includes(key)) throw invalidOption(`unknown cPCA option '${key}' (known: ${known.join(', ')})`);
  const alphaIn = options.alpha ?? CPCA_DEFAULTS.alpha;
  const alpha = alphaIn === 'auto' ? 'auto' : checkNumber('alpha', alphaIn, 0);
  const dimIn = options.preprocessPcaDim === undefined ? CPCA_DEFAULTS.preprocessPcaDim : options.preprocessPcaDim;
  return {
    nComponents: checkInteger('nComponents', options.nComponents ?? CPCA_DEFAULTS.nComponents, 1),
    standardize: checkBoolean('standardize', options.standardize ?? CPCA_DEFAULTS.standardize),
    alpha,
    preprocessPcaDim: dimIn === null ? null : checkInteger('preprocessPcaDim', dimIn, 2),
    nAlphas: checkInteger('nAlphas', options.nAlphas ?? CPCA_DEFAULTS.nAlphas, 1),
    maxLogAlpha: checkNumber('maxLogAlpha', options.maxLogAlpha ?? CPCA_DEFAULTS.maxLogAlpha, -1, true),
    nAlphasToReturn: checkInteger('nAlphasToReturn', options.nAlphasToReturn ?? CPCA_DEFAULTS.nAlphasToReturn, 2),
    seed: checkInteger('seed', options.seed ?? CPCA_DEFAULTS.seed, 0),
  };
}
