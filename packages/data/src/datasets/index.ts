export type { LoadedDataset, LoaderOptions } from './types.js';
export { loadMiceProtein, MICE_PROTEIN_SPLIT } from './mice-protein.js';
export { loadMnistFlowers } from './mnist-flowers.js';
