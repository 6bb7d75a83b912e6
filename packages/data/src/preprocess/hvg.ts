import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { checkCounts } from './check.js';
import { selectColumns } from './subset.js';

/** Options of {@link highlyVariableGenes}. */
export interface HighlyVariableGenesOptions {
  /** Number of genes to keep (scanpy's `n_top_genes`). Required. */
  nTopGenes: number;
  /** Number of equal-width bins of the log1p'd mean (scanpy's `n_bins`). Default 20. */
  nBins?: number;
  /**
   * Base of the logarithm the data were log1p'd with (scanpy's `adata.uns['log1p']['base']`).
   * A finite number > 1; default: natural logarithm.
   */
  logBase?: number;
}

/** What {@link highlyVariableGenes} returns; every array has one entry per gene (column). */
export interface HighlyVariableGenesResult {
  /** Whether each gene is selected. */
  highlyVariable: boolean[];
  /** log1p of the mean of expm1(data) (scanpy's `means`). */
  means: Float64Array;
  /** log of var / mean of expm1(data); NaN where the variance is 0 (`dispersions`). */
  dispersions: Float64Array;
  /** z-score of `dispersions` within the gene's mean bin (`dispersions_norm`). */
  dispersionsNorm: Float64Array;
  /** 0-based mean bin of each gene (the interval of pandas.cut); -1 where the mean is NaN. */
  meanBins: Int32Array;
  /** Indices of the selected genes, increasing. */
  indices: number[];
  /** Names of the selected genes (matrix order), when the matrix has column names. */
  names: string[] | undefined;
}

/**
 * Edges and bin index of `pandas.cut(values, bins=nBins)` (right-closed intervals). With
 * `mn = nanmin, mx = nanmax`: if `mn === mx` both ends are moved by 0.1% of their value
 * (0.001 when 0) and the edges are `linspace(mn, mx, nBins + 1)`; otherwise the edges are
 * `linspace(mn, mx, nBins + 1)` with the first edge lowered by 0.1% of the range. A value
 * `x` falls in bin `b` when `edges[b] < x <= edges[b + 1]` (numpy's
 * `searchsorted(edges, x, side='left') - 1`). NaN gets -1.
 *
 * @example
 * cutEqualWidth(Float64Array.of(0.2, 1.4, 2.5, 6.2, 9.7, 2.1, 2.575), 4).bins;
 * // Int32Array [0, 0, 0, 2, 3, 0, 0]   (edges 0.1905, 2.575, 4.95, 7.325, 9.7)
 */
export function cutEqualWidth(values: Float64Array, nBins: number): { edges: Float64Array; bins: Int32Array } {
  let mn = Infinity;
  let mx = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  const bins = new Int32Array(values.length).fill(-1);
  const edges = new Float64Array(nBins + 1);
  if (mn === Infinity) return { edges, bins };
  if (!Number.isFinite(mn) || !Number.isFinite(mx)) {
    throw new BcnmfError('INVALID_DATA', 'cannot bin gene means: the data contain infinite values');
  }
  let adjustFirst = 0;
  if (mn === mx) {
    mn -= mn !== 0 ? 0.001 * Math.abs(mn) : 0.001;
    mx += mx !== 0 ? 0.001 * Math.abs(mx) : 0.001;
  } else {
    adjustFirst = (mx - mn) * 0.001;
  }
  const step = (mx - mn) / nBins; // numpy.linspace: start + i * step, last edge exactly stop
  for (let i = 0; i < nBins; i++) edges[i] = mn + i * step;
  edges[nBins] = mx;
  edges[0] -= adjustFirst;
  values.forEach((v, g) => {
    if (Number.isNaN(v)) return;
    // first index with edges[i] >= v (binary search), minus one
    let lo = 0;
    let hi = nBins + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    bins[g] = lo === 0 || lo === nBins + 1 ? -1 : lo - 1;
  });
  return { edges, bins };
}

/**
 * Highly variable genes, Seurat flavour, as scanpy's
 * `sc.pp.highly_variable_genes(adata, flavor='seurat', n_top_genes=N)` on log1p'd data
 * (scanpy `_highly_variable_genes_single_batch` and helpers, read from scverse/scanpy
 * `src/scanpy/preprocessing/_highly_variable_genes.py`):
 *
 * 1. `X = expm1(data)` (first multiplied by `ln(logBase)` when a base is given).
 * 2. Per gene: `mean` and `var` with `correction=1` (n - 1 in the denominator).
 * 3. `mean[mean == 0] = 1e-12`; `dispersion = var / mean`; `dispersion[dispersion == 0] = NaN`;
 *    `dispersion = log(dispersion)`; `mean = log1p(mean)`.
 * 4. `mean_bin = pd.cut(mean, bins=nBins)`: equal-width, right-closed bins over
 *    [min, max] (see {@link cutEqualWidth}).
 * 5. Per bin (bins without genes are skipped): `avg` = mean and `dev` = standard deviation
 *    (n - 1) of the genes' dispersions, NaN skipped (pandas groupby `mean`/`std`).
 * 6. Single-gene bins (scanpy `_postprocess_dispersions_seurat`): where `dev` is NaN (fewer
 *    than two non-NaN dispersions in the bin), set `dev = avg` and `avg = 0`, so a lone
 *    gene's normalised dispersion is exactly 1.
 * 7. `dispersions_norm = (dispersion - avg[bin]) / dev[bin]`.
 * 8. Selection (`_subset_genes` / `_nth_highest`): `n = min(nTopGenes, genes)`; drop NaN
 *    norms; if fewer than `n` remain, `n` = how many remain; the cut-off is the n-th
 *    highest remaining norm; a gene is selected when `nan_to_num(norm, nan=-inf) >= cutoff`
 *    (so ties at the cut-off can select more than `n` genes, and NaN never is).
 *
 * Accepts a DenseMatrix or a CsrMatrix (unstored cells are 0). Sums are taken in float64; scanpy on float32 data can differ in the last float32 digit.
 * The data are log1p'd counts: a NaN, infinite or negative value is refused with
 * `INVALID_DATA` naming its row and column (expm1 of it is no count, and a NaN would
 * silently drop its gene).
 *
 * @example
 * // counts 4 cells x 4 genes, log1p'd; 2 bins
 * const m = log1p(DenseMatrix.fromRows(
 *   [[0, 1, 0, 4], [0, 1, 0, 4], [2, 1, 0, 0], [2, 1, 8, 0]], { columnNames: ['a', 'b', 'c', 'd'] }));
 * const r = highlyVariableGenes(m, { nTopGenes: 2, nBins: 2 });
 * r.names;           // ['a', 'c']
 * r.dispersionsNorm; // [1, NaN, 0.7071, -0.7071]
 */
export function highlyVariableGenes(m: DenseMatrix | CsrMatrix, options: HighlyVariableGenesOptions): HighlyVariableGenesResult {
  const nTop = options.nTopGenes;
  const nBins = options.nBins ?? 20;
  if (!Number.isInteger(nTop) || nTop < 1) throw new BcnmfError('INVALID_OPTION', `nTopGenes must be a positive integer, got ${nTop}`);
  if (!Number.isInteger(nBins) || nBins < 1) throw new BcnmfError('INVALID_OPTION', `nBins must be a positive integer, got ${nBins}`);
  const { rows: n, columns: G } = m;
  if (n < 2 || G < 1) throw new BcnmfError('INVALID_DATA', `highly variable genes need at least 2 cells and 1 gene, got ${n} x ${G}`);
  const base = options.logBase;
  if (base !== undefined && (typeof base !== 'number' || !Number.isFinite(base) || base <= 1)) {
    // a base of 1 or less has no (positive) logarithm: the data could not be log counts
    throw new BcnmfError('INVALID_OPTION', `logBase must be a finite number > 1, got ${String(base)}`);
  }
  checkCounts(m, "highlyVariableGenes' input (log1p'd counts)");
  const factor = base === undefined ? 1 : Math.log(base);

  if (m instanceof CsrMatrix) return seuratFromMoments(...sparseMoments(m, factor), nTop, nBins, m.columnNames);
  // 1-2: expm1, mean and variance (n - 1) per gene, two passes in float64
  const mean = new Float64Array(G);
  for (let i = 0; i < n; i++) for (let g = 0; g < G; g++) mean[g] += Math.expm1(m.data[i * G + g] * factor);
  for (let g = 0; g < G; g++) mean[g] /= n;
  const variance = new Float64Array(G);
  for (let i = 0; i < n; i++) {
    for (let g = 0; g < G; g++) {
      const d = Math.expm1(m.data[i * G + g] * factor) - mean[g];
      variance[g] += d * d;
    }
  }
  for (let g = 0; g < G; g++) variance[g] /= n - 1;
  return seuratFromMoments(mean, variance, nTop, nBins, m.columnNames);
}

/** Mean and variance (n - 1) per column of expm1(stored values · factor), two passes; unstored cells are 0. */
function sparseMoments(m: CsrMatrix, factor: number): [Float64Array, Float64Array] {
  const { rows: n, columns: G } = m;
  const mean = new Float64Array(G);
  const stored = new Float64Array(G);
  for (let p = 0; p < m.data.length; p++) {
    mean[m.indices[p]] += Math.expm1(m.data[p] * factor);
    stored[m.indices[p]]++;
  }
  for (let g = 0; g < G; g++) mean[g] /= n;
  const variance = new Float64Array(G);
  for (let p = 0; p < m.data.length; p++) {
    const d = Math.expm1(m.data[p] * factor) - mean[m.indices[p]];
    variance[m.indices[p]] += d * d;
  }
  for (let g = 0; g < G; g++) variance[g] = (variance[g] + (n - stored[g]) * mean[g] * mean[g]) / (n - 1);
  return [mean, variance];
}

/** Steps 3-8 of {@link highlyVariableGenes}, from the per-gene mean and variance of expm1(data). */
function seuratFromMoments(
  mean: Float64Array,
  variance: Float64Array,
  nTop: number,
  nBins: number,
  columnNames: readonly string[] | undefined,
): HighlyVariableGenesResult {
  const G = mean.length;
  // 3
  const means = new Float64Array(G);
  const dispersions = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const mu = mean[g] === 0 ? 1e-12 : mean[g];
    const disp = variance[g] / mu;
    dispersions[g] = disp === 0 ? Number.NaN : Math.log(disp);
    means[g] = Math.log1p(mu);
  }
  // 4
  const { bins } = cutEqualWidth(means, nBins);
  // 5
  const sum = new Float64Array(nBins);
  const count = new Float64Array(nBins);
  for (let g = 0; g < G; g++) {
    if (bins[g] < 0 || Number.isNaN(dispersions[g])) continue;
    sum[bins[g]] += dispersions[g];
    count[bins[g]]++;
  }
  const avg = new Float64Array(nBins);
  for (let b = 0; b < nBins; b++) avg[b] = count[b] > 0 ? sum[b] / count[b] : Number.NaN;
  const ss = new Float64Array(nBins);
  for (let g = 0; g < G; g++) {
    if (bins[g] < 0 || Number.isNaN(dispersions[g])) continue;
    const d = dispersions[g] - avg[bins[g]];
    ss[bins[g]] += d * d;
  }
  const dev = new Float64Array(nBins);
  for (let b = 0; b < nBins; b++) {
    dev[b] = count[b] > 1 ? Math.sqrt(ss[b] / (count[b] - 1)) : Number.NaN;
    // 6: single-gene bins
    if (Number.isNaN(dev[b])) {
      dev[b] = avg[b];
      avg[b] = 0;
    }
  }
  // 7
  const dispersionsNorm = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    dispersionsNorm[g] = bins[g] < 0 ? Number.NaN : (dispersions[g] - avg[bins[g]]) / dev[bins[g]];
  }
  // 8
  const finite = Array.from(dispersionsNorm).filter((x) => !Number.isNaN(x));
  if (finite.length === 0) {
    throw new BcnmfError('INVALID_DATA', 'no gene has a normalised dispersion (every gene is constant)');
  }
  const k = Math.min(nTop, G, finite.length);
  finite.sort((a, b) => b - a);
  const cutoff = finite[k - 1];
  const highlyVariable: boolean[] = new Array(G);
  const indices: number[] = [];
  for (let g = 0; g < G; g++) {
    const x = dispersionsNorm[g];
    const v = Number.isNaN(x) ? -Infinity : x === Infinity ? Number.MAX_VALUE : x === -Infinity ? -Number.MAX_VALUE : x;
    highlyVariable[g] = v >= cutoff;
    if (highlyVariable[g]) indices.push(g);
  }
  return {
    highlyVariable,
    means,
    dispersions,
    dispersionsNorm,
    meanBins: bins,
    indices,
    names: columnNames === undefined ? undefined : indices.map((g) => columnNames[g]),
  };
}

/**
 * The matrix restricted to its highly variable genes ({@link highlyVariableGenes}), in
 * the matrix's order. The values are those given (usually the log1p'd data).
 *
 * @example
 * selectHighlyVariableGenes(logData, { nTopGenes: 3000 }).columns; // 3000 (or more on ties)
 */
export function selectHighlyVariableGenes(m: DenseMatrix, options: HighlyVariableGenesOptions): DenseMatrix;
export function selectHighlyVariableGenes(m: CsrMatrix, options: HighlyVariableGenesOptions): CsrMatrix;
export function selectHighlyVariableGenes(m: DenseMatrix | CsrMatrix, options: HighlyVariableGenesOptions): DenseMatrix | CsrMatrix {
  return selectColumns(m, highlyVariableGenes(m, options).indices);
}
