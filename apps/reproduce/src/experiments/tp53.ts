import { loadMcFarland2020 } from '@bcnmf/data';
import type { MethodSpec, ReferenceSource, RunOverrides } from '../types.js';
import { datasetExperiment, SAME_SETTINGS_COLUMN } from './dataset-experiment.js';

function methods(quick: boolean, o: RunOverrides): MethodSpec[] {
  const k = o.k ?? 2;
  const maxIter = o.maxIter ?? (quick ? 100 : 300);
  return [
    { method: 'pca', label: 'PCA', options: { nComponents: 2 }, protocol: 'raw', fitOnce: true },
    { method: 'cpca', label: 'cPCA', options: { nComponents: 2, alpha: o.cpcaAlpha ?? 'auto', ...(o.cpcaAlphas ? { nAlphas: o.cpcaAlphas } : {}) }, protocol: 'raw', fitOnce: true },
    { method: 'nmf', label: 'NMF', options: { nComponents: k, maxIter, tol: 0 } },
    { method: 'bcnmf', label: 'bcNMF', options: { k, alpha: 1.15, maxIter, tol: 0 } },
  ];
}

const PAPER: ReferenceSource = { kind: 'paper', where: 'arXiv 2602.22387' };

/** ALGORITHM.md §7: McFarland 2020 MIX-seq, idasanutlin vs DMSO, TP53 status. */
export const tp53 = datasetExperiment({
  name: 'tp53',
  title: 'TP53 drug response (McFarland 2020 MIX-seq, idasanutlin 24 h)',
  registry: 'mcfarland2020-tp53',
  description:
    'target = idasanutlin-treated cells of lines with a known TP53 status, background = DMSO cells; genes shared by both, log1p(CP10K), 10,000 Seurat-flavour HVGs',
  load: (c) => loadMcFarland2020({ dataDir: c.dataDir, nTopGenes: c.overrides.nTopGenes ?? 10000 }),
  methods,
  evaluation: { protocol: 'row-normalized', k: 2, nInit: 10, labels: 'TP53 status of the cell line' },
  settings: {
    notebook: { summary: "ALGORITHM.md's experiments table (no notebook protocol is traced for this experiment): K=2, alpha=1.15, 300 iterations", sameAs: 'table' },
    table: { summary: "ALGORITHM.md's experiments table: K=2, alpha=1.15, 300 iterations", sameAs: 'notebook' },
  },
  reference: {
    values: [
      { row: 'bcNMF', column: SAME_SETTINGS_COLUMN, value: 0.621, source: PAPER },
      { row: 'NMF', column: SAME_SETTINGS_COLUMN, value: 0.058, source: PAPER },
      { row: 'PCA', column: SAME_SETTINGS_COLUMN, value: 0.176, source: PAPER },
      { row: 'cPCA (best returned α, chosen with labels)', column: SAME_SETTINGS_COLUMN, value: 0.212, source: { ...PAPER, note: 'the paper does not say which alpha it scored; shown beside the best returned one' } },
      { row: 'bcNMF', column: SAME_SETTINGS_COLUMN, value: 0.605, source: { kind: 'untraced', where: 'ALGORITHM.md §7 ("release")' } },
    ],
  },
  seeds: { full: 5, quick: 2 },
  quickChanges: '100 NMF / bcNMF iterations instead of 300',
  notes: [
    'k-means (2 clusters, 10 starts) on the row-normalised H of NMF and bcNMF against TP53 status; PCA and cPCA scores can be negative, so their k-means runs on the scores as they are.',
    'The TP53 status per line comes from <dataDir>/mcfarland2020-tp53/tp53_status.csv (columns cell_line, TP53_status).',
    'PCA and cPCA do not depend on the seed and are fitted once (k-means per seed).',
  ],
});
