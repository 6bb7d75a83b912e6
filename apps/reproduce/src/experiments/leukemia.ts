import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { log1p, loadZheng2017 } from '@bcnmf/data';
import type { MethodSpec, ReferenceSource, RunOverrides, SettingsName } from '../types.js';
import { datasetExperiment } from './dataset-experiment.js';

/** Optional gene list (one Ensembl id or symbol per line) for the paper's protein-coding filter. */
export const PROTEIN_CODING_FILE = 'protein_coding_genes.txt';

function methods(quick: boolean, o: RunOverrides, settings: SettingsName): MethodSpec[] {
  const k = o.k ?? 10;
  const maxIter = o.maxIter ?? (quick ? 50 : 100);
  const notebook = settings === 'notebook';
  return [
    notebook
      ? { method: 'pca', label: 'PCA', options: { nComponents: 2, scale: true }, protocol: 'raw', fitOnce: true }
      : { method: 'pca', label: 'PCA', options: { nComponents: k }, protocol: 'raw', fitOnce: true },
    {
      method: 'cpca',
      label: 'cPCA',
      options: { nComponents: 2, alpha: o.cpcaAlpha ?? 'auto', ...(o.cpcaAlphas ? { nAlphas: o.cpcaAlphas } : {}) },
      protocol: 'raw',
      fitOnce: true,
      ...(notebook ? { pick: { rank: 2, note: 'the notebook scored its second non-zero returned alpha (projected_data[2]), picked by hand' } } : {}),
    },
    { method: 'nmf', label: 'NMF', options: { nComponents: k, maxIter, tol: 0 } },
    { method: 'bcnmf', label: 'bcNMF', options: { k, alpha: 20, maxIter, tol: 0 } },
  ];
}

const NOTEBOOK: ReferenceSource = {
  kind: 'reference notebook',
  where: 'experiments/leukemia/leukemia.ipynb',
  note: 'one run each, printed: cPCA and NMF/bcNMF on log1p of the raw HVG counts, PCA (2 components) after StandardScaler, cPCA at its second returned alpha',
};
const UNTRACED: ReferenceSource = { kind: 'untraced', where: 'ALGORITHM.md §7 ("release": single run 0.602)', note: '5 seeds' };

/** ALGORITHM.md §7: Zheng 2017 leukemia, AML027 pre vs post transplant against a healthy donor. */
export const leukemia = datasetExperiment({
  name: 'leukemia',
  title: 'Leukemia (Zheng 2017, 10x): AML027 pre- vs post-transplant',
  registry: 'zheng2017-leukemia',
  description:
    'target = AML027 pre-transplant + post-transplant cells, background = healthy BMMC donor 1; genes shared by the three samples, ' +
    `protein-coding genes when <dataDir>/zheng2017-leukemia/${PROTEIN_CODING_FILE} lists them, 3,000 Seurat-flavour HVGs (chosen on log1p(CP10K))`,
  async load(c, settings) {
    const listPath = join(c.dataDir, 'zheng2017-leukemia', PROTEIN_CODING_FILE);
    const proteinCodingGenes = existsSync(listPath)
      ? readFileSync(listPath, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '')
      : undefined;
    const options = { dataDir: c.dataDir, nTopGenes: c.overrides.nTopGenes ?? 3000, ...(proteinCodingGenes ? { proteinCodingGenes } : {}) };
    if (settings === 'table') return loadZheng2017(options);
    // the notebook: log1p of the raw counts on the HVGs, no library-size normalisation
    const counts = await loadZheng2017({ ...options, values: 'counts' });
    return { ...counts, target: log1p(counts.target), background: log1p(counts.background), info: { ...counts.info, values: 'log1p of the raw counts on the HVGs' } };
  },
  methods,
  evaluation: { protocol: 'row-normalized', k: 2, nInit: 10, labels: 'pre / post transplant' },
  settings: {
    notebook: {
      summary:
        "the reference notebook's (experiments/leukemia/leukemia.ipynb): cPCA, NMF and bcNMF on log1p of the raw HVG counts; PCA (2 components) on them after standard scaling; " +
        'cPCA scored at its second returned alpha (picked by hand there); bcNMF K=10, alpha=20, 100 iterations',
    },
    table: { summary: "ALGORITHM.md's experiments table: every method on log1p(CP10K) of the HVGs; PCA with K=10 components; bcNMF K=10, alpha=20, 100 iterations" },
  },
  reference: {
    values: [
      { row: 'bcNMF', column: 'notebook', value: 0.591, source: NOTEBOOK },
      { row: "cPCA (returned α #2, the notebook's pick)", column: 'notebook', value: 0.603, source: NOTEBOOK },
      { row: 'PCA', column: 'notebook', value: 0.395, source: NOTEBOOK },
      { row: 'NMF', column: 'notebook', value: 0.336, source: NOTEBOOK },
      { row: 'bcNMF', column: 'table', value: 0.595, sd: 0.007, source: UNTRACED },
    ],
  },
  seeds: { full: 5, quick: 2 },
  quickChanges: '50 NMF / bcNMF iterations instead of 100',
  notes: [
    'k-means (2 clusters, 10 starts) on the row-normalised H of NMF and bcNMF against pre / post; PCA and cPCA scores can be negative, so their k-means runs on the scores as they are.',
    `The paper keeps protein-coding genes only: put a gene list in ${PROTEIN_CODING_FILE} (one id or symbol per line) to apply it; the table's dataset info says whether it was applied.`,
    'PCA and cPCA do not depend on the seed and are fitted once per settings (k-means per seed).',
  ],
});
