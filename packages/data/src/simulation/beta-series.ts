import { BcnmfError, DenseMatrix } from '@bcnmf/core';
import { createRandom } from './random.js';

/**
 * Options of {@link simulateBetaSeries}. Every default is the paper's (ALGORITHM.md §8);
 * they are listed once, in {@link SIMULATION_DEFAULTS}.
 */
export interface SimulationOptions {
  /** Strength of the shared (background) structure; any number >= 0. Required. */
  beta: number;
  /** Seed of the random generator (number or string). Required. */
  seed: number | string;
  /**
   * Shrinks the problem for quick demos: gene count, cell counts and program sizes are
   * multiplied by `scale` (rounded, at least 1 gene per program and 2 target cells), and
   * the structure (number of programs, weights, noise) is kept. Default 1. Explicit
   * `nGenes` / `nTarget` / `nBackground` / program sizes win over the scaled values.
   */
  scale?: number;
  /** Genes (columns). Default 3000 (times `scale`). */
  nGenes?: number;
  /** Target cells (rows of `target`). Default 1000 (times `scale`). */
  nTarget?: number;
  /** Background cells (rows of `background`). Default 1000 (times `scale`). */
  nBackground?: number;
  /** Shared programs (classes). Default 5. */
  nSharedPrograms?: number;
  /** Genes per shared program. Default 250 (times `scale`). */
  sharedProgramSize?: number;
  /** Target-only programs (target labels). Default 2. */
  nTargetPrograms?: number;
  /** Genes per target program. Default 120 (times `scale`). */
  targetProgramSize?: number;
}

/** The defaults of {@link SimulationOptions} and the model's constants (ALGORITHM.md §8). */
export const SIMULATION_DEFAULTS = Object.freeze({
  scale: 1,
  nGenes: 3000,
  nTarget: 1000,
  nBackground: 1000,
  nSharedPrograms: 5,
  sharedProgramSize: 250,
  nTargetPrograms: 2,
  targetProgramSize: 120,
  /** Gamma(shape, scale) of the weights of a shared program on its own genes. */
  sharedWeight: { shape: 2, scale: 0.6 },
  /** Gamma(shape, scale) of the weights of a target program on its own genes. */
  targetWeight: { shape: 2, scale: 0.9 },
  /** Dense noise added to every gene of a shared program. */
  sharedNoise: { shape: 0.5, scale: 0.01 },
  /** Dense noise added to every gene of a target program. */
  targetNoise: { shape: 0.5, scale: 0.005 },
  /** Library size per cell: LogNormal(mu, sigma). */
  librarySize: { mu: 0, sigma: 0.35 },
  /** Factor of the target program in the target mean. */
  targetFactor: 0.15,
  /** Factor of the shared program in both means (times beta). */
  sharedFactor: 10,
  /** Constant added to every mean. */
  baseline: 0.02,
  /** Factor of gene noise x cell noise (each Gamma(1, 1)) in every mean. */
  noiseFactor: 0.01,
});

/** What {@link simulateBetaSeries} returns. */
export interface SimulatedData {
  /** Target counts, cells x genes, Float32Array; rows `t0..`, columns `g0..`. */
  target: DenseMatrix;
  /** Background counts, cells x genes, Float32Array; rows `b0..`, columns `g0..`. */
  background: DenseMatrix;
  /** Target program (0 .. nTargetPrograms-1) of each target cell, balanced and shuffled. */
  targetLabels: Int32Array;
  /** Shared class (0 .. nSharedPrograms-1) of each target cell. */
  targetClasses: Int32Array;
  /** Shared class of each background cell. */
  backgroundClasses: Int32Array;
  /** True shared programs, nSharedPrograms x genes (Float64Array). */
  sharedPrograms: DenseMatrix;
  /** True target programs, nTargetPrograms x genes (Float64Array). */
  targetPrograms: DenseMatrix;
  /** Gene noise, one Gamma(1, 1) draw per gene, shared by both matrices. */
  geneNoise: Float64Array;
  /** Cell noise of target cells, Gamma(1, 1). */
  targetCellNoise: Float64Array;
  /** Cell noise of background cells, Gamma(1, 1). */
  backgroundCellNoise: Float64Array;
  /** Library size of target cells, LogNormal(0, 0.35). */
  targetLibrarySize: Float64Array;
  /** Library size of background cells. */
  backgroundLibrarySize: Float64Array;
  /** The options after defaults and scaling. */
  options: Required<SimulationOptions>;
}

function positiveInt(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new BcnmfError('INVALID_OPTION', `simulation option ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

function resolveOptions(options: SimulationOptions): Required<SimulationOptions> {
  const d = SIMULATION_DEFAULTS;
  if (typeof options.beta !== 'number' || !Number.isFinite(options.beta) || options.beta < 0) {
    throw new BcnmfError('INVALID_OPTION', `simulation option beta must be a finite number >= 0, got ${options.beta}`);
  }
  if (typeof options.seed !== 'number' && typeof options.seed !== 'string') {
    throw new BcnmfError('INVALID_OPTION', 'simulation option seed (a number or a string) is required');
  }
  const scale = options.scale ?? d.scale;
  if (!(typeof scale === 'number' && scale > 0 && Number.isFinite(scale))) {
    throw new BcnmfError('INVALID_OPTION', `simulation option scale must be a positive number, got ${scale}`);
  }
  const scaled = (n: number, min: number) => Math.max(min, Math.round(n * scale));
  const r: Required<SimulationOptions> = {
    beta: options.beta,
    seed: options.seed,
    scale,
    nGenes: positiveInt('nGenes', options.nGenes ?? scaled(d.nGenes, 1)),
    nTarget: positiveInt('nTarget', options.nTarget ?? scaled(d.nTarget, 2)),
    nBackground: positiveInt('nBackground', options.nBackground ?? scaled(d.nBackground, 1)),
    nSharedPrograms: positiveInt('nSharedPrograms', options.nSharedPrograms ?? d.nSharedPrograms),
    sharedProgramSize: positiveInt('sharedProgramSize', options.sharedProgramSize ?? scaled(d.sharedProgramSize, 1)),
    nTargetPrograms: positiveInt('nTargetPrograms', options.nTargetPrograms ?? d.nTargetPrograms),
    targetProgramSize: positiveInt('targetProgramSize', options.targetProgramSize ?? scaled(d.targetProgramSize, 1)),
  };
  const needed = r.nSharedPrograms * r.sharedProgramSize + r.nTargetPrograms * r.targetProgramSize;
  if (needed > r.nGenes) {
    throw new BcnmfError(
      'INVALID_OPTION',
      `the programs need ${needed} genes (${r.nSharedPrograms} x ${r.sharedProgramSize} + ${r.nTargetPrograms} x ${r.targetProgramSize}) but nGenes is ${r.nGenes}`,
    );
  }
  return r;
}

/**
 * The paper's simulated count data (ALGORITHM.md §8), for any `beta`:
 *
 * - shared program k (k = 0..4) has Gamma(2, scale 0.6) weights on genes
 *   [250k, 250k + 250); target program t (t = 0, 1) has Gamma(2, 0.9) weights on the next
 *   120 genes each, [1250 + 120t, 1250 + 120t + 120). Every program also gets dense noise
 *   on all genes (its own genes included): Gamma(0.5, 0.01) for shared, Gamma(0.5, 0.005)
 *   for target programs.
 * - each target cell has a balanced, shuffled label in {0, 1} and a uniform shared class
 *   in 0..4; each background cell a uniform shared class.
 * - library size per cell LogNormal(0, 0.35); gene noise Gamma(1, 1) per gene (shared by
 *   both matrices) times cell noise Gamma(1, 1) per cell.
 * - mean_X = 0.15·target_program[label] + beta·10·shared_program[class] + 0.02 + 0.01·gene_noise·cell_noise,
 *   mean_Y = beta·10·shared_program[class] + 0.02 + 0.01·gene_noise·cell_noise,
 *   counts ~ Poisson(mean · library size).
 *
 * Order of the draws (fixed, so a seed gives the same data everywhere): shared programs
 * (per program: noise for every gene, then the block weights), target programs (same),
 * target labels (balanced list, shuffled), target classes, background classes, gene
 * noise, target cell noise, background cell noise, target library sizes, background
 * library sizes, then the target counts row by row and the background counts row by row.
 *
 * @example
 * const sim = simulateBetaSeries({ beta: 2, seed: 0, scale: 0.1 });
 * sim.target.shape;      // [100, 300]
 * sim.background.shape;  // [100, 300]
 * sim.targetLabels.length; // 100 (50 of each label)
 */
export function simulateBetaSeries(options: SimulationOptions): SimulatedData {
  const o = resolveOptions(options);
  const d = SIMULATION_DEFAULTS;
  const rng = createRandom(o.seed);
  const G = o.nGenes;

  const program = (count: number, size: number, offset: number, weight: { shape: number; scale: number }, noise: { shape: number; scale: number }) => {
    const data = new Float64Array(count * G);
    for (let k = 0; k < count; k++) {
      const row = data.subarray(k * G, (k + 1) * G);
      for (let g = 0; g < G; g++) row[g] = rng.gamma(noise.shape, noise.scale);
      const start = offset + k * size;
      for (let g = start; g < start + size; g++) row[g] += rng.gamma(weight.shape, weight.scale);
    }
    return data;
  };
  const geneNames = Array.from({ length: G }, (_, g) => `g${g}`);
  const shared = program(o.nSharedPrograms, o.sharedProgramSize, 0, d.sharedWeight, d.sharedNoise);
  const targetOffset = o.nSharedPrograms * o.sharedProgramSize;
  const targetProg = program(o.nTargetPrograms, o.targetProgramSize, targetOffset, d.targetWeight, d.targetNoise);

  const targetLabels = new Int32Array(o.nTarget);
  for (let i = 0; i < o.nTarget; i++) targetLabels[i] = Math.floor((i * o.nTargetPrograms) / o.nTarget);
  rng.shuffle(targetLabels);
  const targetClasses = new Int32Array(o.nTarget);
  for (let i = 0; i < o.nTarget; i++) targetClasses[i] = rng.int(o.nSharedPrograms);
  const backgroundClasses = new Int32Array(o.nBackground);
  for (let i = 0; i < o.nBackground; i++) backgroundClasses[i] = rng.int(o.nSharedPrograms);

  const draws = (n: number, f: () => number) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f();
    return out;
  };
  const geneNoise = draws(G, () => rng.gamma(1, 1));
  const targetCellNoise = draws(o.nTarget, () => rng.gamma(1, 1));
  const backgroundCellNoise = draws(o.nBackground, () => rng.gamma(1, 1));
  const targetLibrarySize = draws(o.nTarget, () => rng.logNormal(d.librarySize.mu, d.librarySize.sigma));
  const backgroundLibrarySize = draws(o.nBackground, () => rng.logNormal(d.librarySize.mu, d.librarySize.sigma));

  const counts = (
    n: number,
    classes: Int32Array,
    cellNoise: Float64Array,
    library: Float64Array,
    labels: Int32Array | undefined,
  ): Float32Array => {
    const out = new Float32Array(n * G);
    const sharedFactor = o.beta * d.sharedFactor;
    for (let i = 0; i < n; i++) {
      const s = classes[i] * G;
      const t = labels === undefined ? -1 : labels[i] * G;
      const noise = d.noiseFactor * cellNoise[i];
      const lib = library[i];
      const row = i * G;
      for (let g = 0; g < G; g++) {
        let mean = sharedFactor * shared[s + g] + d.baseline + noise * geneNoise[g];
        if (t >= 0) mean += d.targetFactor * targetProg[t + g];
        out[row + g] = rng.poisson(mean * lib);
      }
    }
    return out;
  };
  const targetCounts = counts(o.nTarget, targetClasses, targetCellNoise, targetLibrarySize, targetLabels);
  const backgroundCounts = counts(o.nBackground, backgroundClasses, backgroundCellNoise, backgroundLibrarySize, undefined);

  return {
    target: new DenseMatrix({
      data: targetCounts,
      shape: [o.nTarget, G],
      rowNames: Array.from({ length: o.nTarget }, (_, i) => `t${i}`),
      columnNames: geneNames,
    }),
    background: new DenseMatrix({
      data: backgroundCounts,
      shape: [o.nBackground, G],
      rowNames: Array.from({ length: o.nBackground }, (_, i) => `b${i}`),
      columnNames: geneNames,
    }),
    targetLabels,
    targetClasses,
    backgroundClasses,
    sharedPrograms: new DenseMatrix({ data: shared, shape: [o.nSharedPrograms, G], columnNames: geneNames }),
    targetPrograms: new DenseMatrix({ data: targetProg, shape: [o.nTargetPrograms, G], columnNames: geneNames }),
    geneNoise,
    targetCellNoise,
    backgroundCellNoise,
    targetLibrarySize,
    backgroundLibrarySize,
    options: o,
  };
}
