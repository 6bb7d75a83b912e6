import { BcnmfError } from '@bcnmf/core';
import { readDelimited } from '../formats/delimited.js';
import { locateDataset } from '../registry/registry.js';
import type { LoadedDataset, LoaderOptions } from './types.js';

/**
 * The MNIST-on-patches demo data: target = 200 images of digits 0/1 blended onto
 * natural-image patches (labels: the digit), background = 150 patches alone; features are
 * the 784 pixels. The files are pixels x images and are transposed to images x pixels; the
 * labels are matched to the target images by name. Reads `<dataDir>/mnist-flowers/` after
 * checking the files' sha256.
 *
 * @example
 * const d = await loadMnistFlowers({ dataDir: '../shared/datasets' });
 * d.target.shape;     // [200, 784]
 * d.background.shape; // [150, 784]
 * d.targetLabels[0];  // '0'
 */
export async function loadMnistFlowers(options: LoaderOptions = {}): Promise<LoadedDataset> {
  const located = await locateDataset('mnist-flowers', options);
  const read = (file: string) => readDelimited(located.files[file], { orientation: 'features-in-rows' });
  const [target, background] = [(await read('target_images.csv')).matrix, (await read('background_images.csv')).matrix];
  const labelsPath = located.files['target_labels.csv'];
  const labels = await readDelimited(labelsPath, { features: [] });
  for (const [what, m] of [['target_images.csv', target], ['background_images.csv', background]] as const) {
    if (m.rows === 0 || m.columns === 0) throw new BcnmfError('INVALID_DATA', `${what} holds no image`);
    if (m.data.some((x) => Number.isNaN(x))) throw new BcnmfError('INVALID_DATA', `${what} has missing pixel values`);
  }
  const tNames = target.columnNames!;
  const bNames = background.columnNames!;
  if (tNames.length !== bNames.length || tNames.some((n, j) => n !== bNames[j])) {
    throw new BcnmfError('INVALID_DATA', 'target_images.csv and background_images.csv do not list the same pixels in the same order');
  }
  const digit = labels.annotations.digit;
  const samples = labels.matrix.rowNames;
  if (digit === undefined || samples === undefined) {
    throw new BcnmfError('INVALID_DATA', `${labelsPath} needs the columns sample,digit`);
  }
  const bySample = new Map<string, string>();
  samples.forEach((s, i) => bySample.set(s, digit[i]));
  const targetLabels = target.rowNames!.map((name) => {
    const d = bySample.get(name);
    if (d === undefined) throw new BcnmfError('INVALID_DATA', `${labelsPath} has no label for image ${name}`);
    return d;
  });
  return {
    name: 'mnist-flowers',
    target,
    background,
    targetLabels,
    backgroundLabels: [],
    featureNames: [...tNames],
    info: { pixels: tNames.length },
  };
}
