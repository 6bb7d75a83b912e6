import { consensus } from './experiments/consensus.js';
import { leukemia } from './experiments/leukemia.js';
import { mdd } from './experiments/mdd.js';
import { miceProtein } from './experiments/mice-protein.js';
import { mnistFlowers } from './experiments/mnist-flowers.js';
import { simulation } from './experiments/simulation.js';
import { tp53 } from './experiments/tp53.js';
import { ReproduceUsageError } from './errors.js';
import type { Experiment } from './types.js';

/**
 * Every experiment, in report order. Adding one = a module in src/experiments/ that
 * exports an {@link Experiment}, listed here.
 */
export const EXPERIMENTS: readonly Experiment[] = [simulation, miceProtein, mnistFlowers, leukemia, tp53, mdd, consensus];

/** The experiment names, in registry order. */
export const EXPERIMENT_NAMES: readonly string[] = EXPERIMENTS.map((e) => e.name);

/** The experiment of that name; an unknown name is a usage error listing the known ones. */
export function getExperiment(name: string): Experiment {
  const found = EXPERIMENTS.find((e) => e.name === name);
  if (!found) throw new ReproduceUsageError(`unknown experiment '${name}'; known: ${EXPERIMENT_NAMES.join(', ')}, all`);
  return found;
}
