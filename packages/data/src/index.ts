// Public API of @bcnmf/data: explicit named re-exports only.
export { createRandom, logGamma, SIMULATION_DEFAULTS, simulateBetaSeries } from './simulation/index.js';
export type { Random, SimulatedData, SimulationOptions } from './simulation/index.js';
