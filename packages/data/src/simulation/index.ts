export { createRandom, logGamma } from './random.js';
export type { Random } from './random.js';
export { SIMULATION_DEFAULTS, simulateBetaSeries } from './beta-series.js';
export type { SimulatedData, SimulationOptions } from './beta-series.js';
