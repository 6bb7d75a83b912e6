import { loadMaitra2023 } from '@bcnmf/data';
import type { MethodSpec, ReferenceSource, RunOverrides } from '../types.js';
import { datasetExperiment, SAME_SETTINGS_COLUMN } from './dataset-experiment.js';

const PAPER: ReferenceSource = { kind: 'paper', where: 'arXiv 2602.22387' };

function methods(quick: boolean, o: RunOverrides): MethodSpec[] {
  const k = o.k ?? 20;
  const maxIter = o.maxIter ?? 100;
  return [
    { method: 'pca', label: 'PCA', options: { nComponents: k }, fitOnce: true },
    { method: 'cpca', label: 'cPCA', options: { nComponents: 2, alpha: o.cpcaAlpha ?? 'auto', ...(o.cpcaAlphas ? { nAlphas: o.cpcaAlphas } : {}) }, fitOnce: true },
    { method: 'nmf', label: 'NMF', options: { nComponents: k, loss: 'kl', maxIter, tol: 0 } },
    { method: 'bcnmf', label: 'bcNMF', options: { k, alpha: 300, loss: 'poisson', damping: 0.5, maxIter, tol: 0 } },
  ];
}

/** ALGORITHM.md §7: Maitra 2023 snRNA-seq, MDD cases vs controls, Poisson bcNMF. */
export const mdd = datasetExperiment({
  name: 'mdd',
  title: 'Depression (Maitra 2023 snRNA-seq): MDD case vs control',
  registry: 'maitra2023-mdd',
  description:
    'astrocytes and oligodendrocytes (cell types Ast, Oli) of the donors in mdd.h5ad: target = all of them, background = their control nuclei; ' +
    'raw counts on 3,000 Seurat-flavour HVGs (computed on log1p(CP10K) of the target)',
  load: (c) => loadMaitra2023({ dataDir: c.dataDir, verify: false, nTopGenes: c.overrides.nTopGenes ?? 3000 }),
  methods,
  evaluation: { protocol: 'umap', k: 2, nInit: 10, umap: { nNeighbors: 15, minDist: 0.2 }, labels: 'case / control' },
  settings: {
    notebook: { summary: "ALGORITHM.md's experiments table (no notebook protocol is traced for this experiment): Poisson, K=20, alpha=300, damping 0.5, 100 iterations", sameAs: 'table' },
    table: { summary: "ALGORITHM.md's experiments table: Poisson, K=20, alpha=300, damping 0.5, 100 iterations", sameAs: 'notebook' },
  },
  reference: {
    values: [
      { row: 'bcNMF', column: SAME_SETTINGS_COLUMN, value: 0.1306, source: PAPER },
      { row: 'PCA', column: SAME_SETTINGS_COLUMN, value: 0.0662, source: PAPER },
      { row: 'bcNMF', column: SAME_SETTINGS_COLUMN, value: 0.18, sd: 0.07, source: { kind: 'untraced', where: 'ALGORITHM.md §7 ("release": one run 0.22)', note: 'over seeds' } },
    ],
  },
  seeds: { full: 5, quick: 2 },
  quickChanges: 'sizes and iterations unchanged',
  notes: [
    'k-means (2 clusters, 10 starts) on a seeded 2-D UMAP (15 neighbours, min_dist 0.2) of each embedding, against case / control.',
    'All methods see the raw counts the loader returns (PCA and cPCA included); the paper does not say what PCA was given.',
    'PCA and cPCA do not depend on the seed and are fitted once (their UMAP and k-means run per seed).',
  ],
});
