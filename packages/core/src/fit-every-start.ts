import { runFit } from './fit.js';
import type { BatchSource } from './matrix/batch-source.js';
import type { MatrixInput } from './matrix/convert.js';
import type { BcnmfModel } from './model/model.js';
import type { BcnmfOptions } from './options.js';

/**
 * Fits bcNMF from `nStarts` random starts, as {@link fitBcnmf} does, and returns every
 * start's model instead of only the best: model `s` is start `s` (its `bestStart` is `s`;
 * `starts` lists how every start ended). The data are checked once and go to the backend
 * once for all starts; start `s` begins from the same random factors as start `s` of
 * `fitBcnmf` with the same seed, so model 0 is exactly `fitBcnmf` with `nStarts: 1`.
 * Consensus methods (clustering the topics of many restarts) build on this.
 *
 * @example
 * const models = await fitEveryStart(target, background, { k: 3, alpha: 1, nStarts: 20, seed: 0 });
 * models.length;       // 20
 * models[4].bestStart; // 4
 */
export async function fitEveryStart(
  target: MatrixInput | BatchSource,
  background: MatrixInput | BatchSource | readonly (MatrixInput | BatchSource)[] | null,
  options: BcnmfOptions,
): Promise<BcnmfModel[]> {
  return runFit(target, background, options, 'every');
}
