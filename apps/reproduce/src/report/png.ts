// The PNG copies of the figures come from the plotting package's renderer (one loader of
// @resvg/resvg-js for the whole project); re-exported here, where the reproduce API has
// always offered it.
export { pngRenderer } from '@bcnmf/plots/png';
export type { PngRenderer } from '@bcnmf/plots/png';
