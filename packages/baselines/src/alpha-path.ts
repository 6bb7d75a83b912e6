import { fitBcnmf, type BcnmfModel, type BcnmfOptions, type MatrixInput } from '@bcnmf/core';
import { alphaCandidates, selectAlphas, subspaceAffinity, type AlphaSelection } from './cpca/auto-alpha.js';
import { ALPHA_PATH_DEFAULTS } from './defaults.js';
import { checkInteger, invalidOption } from './errors.js';

/**
 * Options of {@link fitAlphaPath}: bcNMF's own options (k, loss, tol, backend, ...) less
 * the ones the path sets itself, and the path's. Defaults: {@link ALPHA_PATH_DEFAULTS}.
 */
export interface AlphaPathOptions extends Omit<BcnmfOptions, 'alpha' | 'init' | 'nStarts' | 'maxIter'> {
  /** The alphas to fit, any order (sorted increasing); default 0 and `nAlphas` log-spaced ones. */
  alphas?: readonly number[];
  nAlphas?: number;
  maxLogAlpha?: number;
  /** Iterations of the first fit. */
  maxIter?: number;
  /** Iterations of each later (warm-started) fit. */
  pathMaxIter?: number;
  /** Start each fit from the previous one (else every fit is a cold start with maxIter). */
  warmStart?: boolean;
  /** Called after each fit of the path. */
  onFit?: (step: { index: number; alpha: number; model: BcnmfModel }) => void;
}

/** The fits along an alpha path. */
export interface AlphaPath {
  /** Increasing alphas. */
  alphas: number[];
  /** One fit per alpha. */
  fits: BcnmfModel[];
  /** Iterations over the whole path. */
  totalIterations: number;
}

/**
 * Fits bcNMF at each alpha of a grid (default {0} ∪ logspace(-1, 2, 15)), in increasing
 * order, each fit starting from the previous one's W and coefficients, so the path costs
 * one full fit plus short refinements. Returns every fit with its scores.
 *
 * @example
 * const path = await fitAlphaPath(target, background, { k: 3, alphas: [0, 1, 10] });
 * path.fits.map((m) => m.settings.alpha); // [0, 1, 10]
 */
export async function fitAlphaPath(
  target: MatrixInput,
  background: MatrixInput,
  options: AlphaPathOptions,
): Promise<AlphaPath> {
  const d = ALPHA_PATH_DEFAULTS;
  const {
    alphas: given, nAlphas = d.nAlphas, maxLogAlpha = d.maxLogAlpha, maxIter = d.maxIter, pathMaxIter = d.pathMaxIter,
    warmStart = d.warmStart, onFit, ...fitOptions
  } = options;
  checkInteger('nAlphas', nAlphas, 1);
  if (typeof maxLogAlpha !== 'number' || !Number.isFinite(maxLogAlpha) || maxLogAlpha < -1) {
    throw invalidOption(`maxLogAlpha must be a finite number >= -1, got ${String(maxLogAlpha)}`);
  }
  checkInteger('pathMaxIter', pathMaxIter, 1);
  const alphas = given ? [...given] : alphaCandidates(nAlphas, maxLogAlpha);
  if (alphas.length < 1 || alphas.some((a) => typeof a !== 'number' || !Number.isFinite(a) || a < 0)) {
    throw invalidOption(`alphas must be finite numbers >= 0, got [${alphas.join(', ')}]`);
  }
  alphas.sort((a, b) => a - b);
  // the same alpha twice would be fitted twice and shown as two points of the path
  const twice = alphas.find((a, i) => i > 0 && alphas[i - 1] === a);
  if (twice !== undefined) throw invalidOption(`alphas lists ${twice} twice`);
  const fits: BcnmfModel[] = [];
  let totalIterations = 0;
  for (let index = 0; index < alphas.length; index++) {
    const previous = warmStart ? fits[index - 1] : undefined;
    const model = await fitBcnmf(target, background, {
      ...fitOptions,
      alpha: alphas[index],
      maxIter: previous ? pathMaxIter : maxIter,
      ...(previous
        ? { init: { W: previous.W, Htarget: previous.Htarget, Hbackground: previous.Hbackground! } }
        : {}),
    });
    fits.push(model);
    totalIterations += model.iterations;
    onFit?.({ index, alpha: alphas[index], model });
  }
  return { alphas, fits, totalIterations };
}

/** Options of {@link selectFromAlphaPath}. */
export interface AlphaPathSelectionOptions {
  nClusters?: number;
  compare?: 'embedding' | 'basis';
  seed?: number;
}

/** {@link AlphaSelection} over a path, with the exemplars' fits. */
export interface AlphaPathSelection extends AlphaSelection {
  /** The fits of the selected alphas (alpha = 0 first), from the path. */
  fits: BcnmfModel[];
  /** What was compared. */
  compare: 'embedding' | 'basis';
}

/**
 * Picks a few representative alphas from a path, as cPCA picks its alphas (ALGORITHM.md
 * §5): each fit's target embedding (samples x k; or its basis, features x k) is
 * orthonormalised; the affinity of two fits is the product of the cosines of the
 * principal angles between those subspaces; the path is split by spectral clustering of
 * that affinity into `nClusters` groups; the group holding alpha = 0 is dropped, and each
 * other group gives its exemplar (the alpha with the largest summed affinity to its group).
 * Returns alpha = 0 and the exemplars, increasing, with the affinity matrix.
 *
 * What it guarantees: the returned alphas stand for groups of alphas whose fits span
 * nearly the same subspace, so they are the qualitatively different solutions on the
 * path. What it does not: that any of them separates the groups a user cares about (it
 * never sees labels), that the groups are stable under another seed or grid, or that a
 * fit is converged.
 */
export function selectFromAlphaPath(path: AlphaPath, options: AlphaPathSelectionOptions = {}): AlphaPathSelection {
  const d = ALPHA_PATH_DEFAULTS;
  const nClusters = checkInteger('nClusters', options.nClusters ?? d.nClusters, 2);
  const compare = options.compare ?? d.compare;
  if (compare !== 'embedding' && compare !== 'basis') {
    throw invalidOption(`compare must be 'embedding' or 'basis', got ${String(compare)}`);
  }
  const seed = checkInteger('seed', options.seed ?? d.seed, 0);
  if (path.fits.length < nClusters) {
    throw invalidOption(`the path has ${path.fits.length} fits; selecting ${nClusters} groups needs at least as many`);
  }
  if (path.alphas[0] !== 0) throw invalidOption('the path must start at alpha = 0 (the selection drops its group)');
  const k = path.fits[0].settings.k;
  const projections = path.fits.map((fit) => {
    if (compare === 'embedding') return Float64Array.from(fit.Htarget.data);
    const basis = fit.W; // k x features → features x k
    const out = new Float64Array(basis.columns * k);
    for (let t = 0; t < k; t++) for (let f = 0; f < basis.columns; f++) out[f * k + t] = basis.data[t * basis.columns + f];
    return out;
  });
  const rows = compare === 'embedding' ? path.fits[0].Htarget.rows : path.fits[0].W.columns;
  const affinity = subspaceAffinity(projections, rows, k);
  const selection = selectAlphas(path.alphas, affinity, nClusters, seed);
  return {
    ...selection,
    compare,
    fits: selection.alphas.map((alpha) => path.fits[path.alphas.indexOf(alpha)]),
  };
}
