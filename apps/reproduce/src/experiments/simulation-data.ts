import { log1p, normalizeTotal, SIMULATION_DEFAULTS, simulateBetaSeries } from '@bcnmf/data';
import type { PreparedData } from '../types.js';

/** How one simulated data set is made: enough to make it again in another process. */
export interface SimulationRecipe {
  kind: 'simulation';
  beta: number;
  seed: number;
  /** Fraction of genes, cells and programs (tests). */
  scale: number;
  /** Fraction of the cells only (--quick). */
  cellScale: number;
}

/** The simulated data of a recipe, log1p(CP10K) of each matrix, as the beta series fits it. */
export function simulationData(recipe: SimulationRecipe): PreparedData {
  const { scale, cellScale } = recipe;
  const cells = (n: number, min: number) => Math.max(min, Math.round(n * scale * cellScale));
  const sim = simulateBetaSeries({
    beta: recipe.beta,
    seed: recipe.seed,
    scale,
    ...(cellScale !== 1 ? { nTarget: cells(SIMULATION_DEFAULTS.nTarget, 2), nBackground: cells(SIMULATION_DEFAULTS.nBackground, 1) } : {}),
  });
  const target = log1p(normalizeTotal(sim.target));
  const background = log1p(normalizeTotal(sim.background));
  return { target, background, labels: Array.from(sim.targetLabels, String), featureNames: target.columnNames ?? [] };
}
