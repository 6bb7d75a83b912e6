import { loadMnistFlowers } from '@bcnmf/data';
import type { MethodSpec, ReferenceSource, RunOverrides, SettingsName } from '../types.js';
import { datasetExperiment } from './dataset-experiment.js';

/** bcNMF's alpha and the iterations of each settings; cPCA's fixed alpha of the notebook. */
export const MNIST_SETTINGS = {
  notebook: { alpha: 2, maxIter: 300 },
  table: { alpha: 1, maxIter: 200 },
  cpcaAlpha: 1.6,
} as const;

function methods(quick: boolean, o: RunOverrides, settings: SettingsName): MethodSpec[] {
  const s = MNIST_SETTINGS[settings];
  const k = o.k ?? 2;
  const maxIter = o.maxIter ?? s.maxIter;
  const cpcaAlpha = o.cpcaAlpha ?? MNIST_SETTINGS.cpcaAlpha;
  return [
    { method: 'pca', label: 'PCA', options: { nComponents: 2 }, fitOnce: true },
    { method: 'cpca', label: `cPCA (α=${cpcaAlpha})`, options: { nComponents: 2, alpha: cpcaAlpha }, fitOnce: true },
    { method: 'cpca', label: 'cPCA', options: { nComponents: 2, alpha: 'auto', ...(o.cpcaAlphas ? { nAlphas: o.cpcaAlphas } : {}) }, fitOnce: true },
    { method: 'nmf', label: 'NMF', options: { nComponents: k, maxIter, tol: 0 } },
    { method: 'bcnmf', label: 'bcNMF', options: { k, alpha: s.alpha, maxIter, tol: 0 } },
  ];
}

const DEMO: ReferenceSource = {
  kind: 'reference notebook',
  where: 'demo/simulation.ipynb',
  note: 'one run on these files: K=2, alpha=2, 300 iterations, KMeans(2, n_init=10, random_state=0) on H',
};
const MNIST_IMAGENET: ReferenceSource = {
  kind: 'reference notebook',
  where: 'experiments/simulation/mnist_imagenet.ipynb',
  note: 'other, larger data: 1/10 of the MNIST 0s and 1s blended on ImageNet daisy patches (the paper\'s Sec 2.2), not these files; cPCA alpha fixed at 1.6 by hand',
  otherData: true,
};

/** ALGORITHM.md §7: MNIST digits 0/1 blended on natural-image patches vs the patches alone (the reference demo's files). */
export const mnistFlowers = datasetExperiment({
  name: 'mnist-flowers',
  title: 'MNIST digits on natural-image patches (the reference demo data)',
  registry: 'mnist-flowers',
  description: 'target = 200 images of digits 0 and 1 blended on natural-image patches, background = 150 patches alone; 784 pixel intensities (28 x 28)',
  load: (c) => loadMnistFlowers({ dataDir: c.dataDir }),
  methods,
  evaluation: { protocol: 'raw', k: 2, nInit: 10, labels: 'digit (0 / 1)' },
  settings: {
    notebook: {
      summary:
        "the reference demo's (demo/simulation.ipynb): K=2, alpha=2, 300 iterations, k-means(2, 10 starts) on H; cPCA at the alpha 1.6 that " +
        'experiments/simulation/mnist_imagenet.ipynb fixed by hand, and with automatic alpha',
    },
    table: { summary: "this project's earlier setting for ALGORITHM.md's table row (which gives K=2 only): K=2, alpha=1, 200 iterations (core's default)" },
  },
  reference: {
    values: [
      { row: 'bcNMF', column: 'notebook', value: 0.8456, source: DEMO },
      { row: 'NMF', column: 'notebook', value: 0.0313, source: DEMO },
      { row: 'cPCA (α=1.6)', column: 'notebook', value: 0.8569, source: MNIST_IMAGENET },
      { row: 'bcNMF', column: 'notebook', value: 0.8628, source: MNIST_IMAGENET },
      { row: 'NMF', column: 'notebook', value: 0.0298, source: MNIST_IMAGENET },
    ],
  },
  seeds: { full: 10, quick: 3 },
  quickChanges: 'sizes and iterations unchanged',
  layout: { image: { width: 28, height: 28 } },
  notes: [
    'k-means (2 clusters, 10 starts) on each embedding against the digit; the demo seeds its k-means with 0, here it takes the run\'s seed.',
    'Table settings (alpha=1, 200 iterations): some random starts are still on their way at iteration 200 (seeds 0 and 7: ARI 0.38 and 0.23, their score still falling; at 400 iterations 0.81 and 0.77). ' +
      'A float64 transcription of the updates from the same starts gives the same ARI at every seed (H within 2·10⁻⁴), and a numpy transcription of the reference with its own ' +
      'random starts has such starts too (4 of 40 below 0.65): slow starts of the method at this alpha and iteration count, not a float32 or implementation effect.',
    'PCA and cPCA do not depend on the seed and are fitted once (k-means per seed).',
  ],
});
