import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadZheng2017 } from '@bcnmf/data';
import type { MethodSpec, RunOverrides } from '../types.js';
import { datasetExperiment } from './dataset-experiment.js';

/** Optional gene list (one Ensembl id or symbol per line) for the paper's protein-coding filter. */
export const PROTEIN_CODING_FILE = 'protein_coding_genes.txt';

function methods(quick: boolean, o: RunOverrides = {}): MethodSpec[] {
  const k = o.k ?? 10;
  const maxIter = o.maxIter ?? (quick ? 50 : 100);
  return [
    { method: 'pca', label: 'PCA', options: { nComponents: k }, protocol: 'raw', fitOnce: true },
    { method: 'cpca', label: 'cPCA', options: { nComponents: 2, alpha: o.cpcaAlpha ?? 'auto', ...(o.cpcaAlphas ? { nAlphas: o.cpcaAlphas } : {}) }, protocol: 'raw', fitOnce: true },
    { method: 'nmf', label: 'NMF', options: { nComponents: k, maxIter, tol: 0 } },
    { method: 'bcnmf', label: 'bcNMF', options: { k, alpha: 20, maxIter, tol: 0 } },
  ];
}

/** ALGORITHM.md §7: Zheng 2017 leukemia, AML027 pre vs post transplant against a healthy donor. */
export const leukemia = datasetExperiment({
  name: 'leukemia',
  title: 'Leukemia (Zheng 2017, 10x): AML027 pre- vs post-transplant',
  registry: 'zheng2017-leukemia',
  description:
    'target = AML027 pre-transplant + post-transplant cells, background = healthy BMMC donor 1; genes shared by the three samples, ' +
    `protein-coding genes when <dataDir>/zheng2017-leukemia/${PROTEIN_CODING_FILE} lists them, 3,000 Seurat-flavour HVGs, log1p(CP10K)`,
  async load(c) {
    const listPath = join(c.dataDir, 'zheng2017-leukemia', PROTEIN_CODING_FILE);
    const proteinCodingGenes = existsSync(listPath)
      ? readFileSync(listPath, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '')
      : undefined;
    return loadZheng2017({ dataDir: c.dataDir, nTopGenes: c.overrides.nTopGenes ?? 3000, ...(proteinCodingGenes ? { proteinCodingGenes } : {}) });
  },
  methods,
  evaluation: { protocol: 'row-normalized', k: 2, nInit: 10, labels: 'pre / post transplant' },
  paper: { values: [{ method: 'bcNMF', column: 'ARI', value: 0.595, sd: 0.007, source: 'release, 5 seeds (single run 0.602)' }] },
  seeds: { full: 5, quick: 2 },
  quickChanges: '2 seeds instead of 5, 50 NMF / bcNMF iterations instead of 100',
  notes: [
    'k-means (2 clusters, 10 starts) on the row-normalised H of NMF and bcNMF against pre / post; PCA and cPCA scores can be negative, so their k-means runs on the scores as they are.',
    `The paper keeps protein-coding genes only: put a gene list in ${PROTEIN_CODING_FILE} (one id or symbol per line) to apply it; the table's dataset info says whether it was applied.`,
    'PCA and cPCA do not depend on the seed and are fitted once (k-means per seed).',
  ],
});
