import { loadMnistFlowers } from '@bcnmf/data';
import type { MethodSpec, RunOverrides } from '../types.js';
import { datasetExperiment } from './dataset-experiment.js';

function methods(quick: boolean, o: RunOverrides = {}): MethodSpec[] {
  const k = o.k ?? 2;
  const maxIter = o.maxIter ?? 200;
  const cpcaAlphas = o.cpcaAlphas ?? (quick ? 10 : undefined);
  return [
    { method: 'pca', label: 'PCA', options: { nComponents: 2 }, fitOnce: true },
    { method: 'cpca', label: 'cPCA', options: { nComponents: 2, alpha: o.cpcaAlpha ?? 'auto', ...(cpcaAlphas !== undefined ? { nAlphas: cpcaAlphas } : {}) }, fitOnce: true },
    { method: 'nmf', label: 'NMF', options: { nComponents: k, maxIter, tol: 0 } },
    { method: 'bcnmf', label: 'bcNMF', options: { k, alpha: 1, maxIter, tol: 0 } },
  ];
}

/** ALGORITHM.md §7: MNIST digits 0/1 blended on natural-image patches vs the patches alone. */
export const mnistFlowers = datasetExperiment({
  name: 'mnist-flowers',
  title: 'MNIST digits on natural-image patches (demo data)',
  registry: 'mnist-flowers',
  description: 'target = 200 images of digits 0 and 1 blended on natural-image patches, background = 150 patches alone; 784 pixel intensities',
  load: (c) => loadMnistFlowers({ dataDir: c.dataDir }),
  methods,
  evaluation: { protocol: 'raw', k: 2, nInit: 10, labels: 'digit (0 / 1)' },
  paper: { values: [], note: 'The paper reports no number here: "bcNMF well above NMF".' },
  seeds: { full: 5, quick: 2 },
  quickChanges: "2 seeds instead of 5, cPCA's automatic alpha from 10 candidates instead of 40",
  notes: [
    'k-means (2 clusters, 10 starts) on each embedding against the digit.',
    'The paper gives no iteration count for this demo: NMF and bcNMF run 200 iterations (core\'s default).',
    'PCA and cPCA do not depend on the seed and are fitted once (k-means per seed).',
  ],
});
