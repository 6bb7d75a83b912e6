import seedrandom from 'seedrandom';
import { UMAP } from 'umap-js';
import { METRICS_DEFAULTS } from './defaults.js';
import { invalidData, invalidOption } from './errors.js';
import { toRows, type PointsInput, type Rows } from './points.js';

/** UMAP settings of {@link umap2d} and of the `'umap'` protocol; defaults in {@link METRICS_DEFAULTS} (`umap`). */
export interface UmapOptions {
  /** Neighbours of each point, 2 … rows − 1. Default 15, or rows − 1 when fewer rows. */
  nNeighbors?: number;
  /** Smallest distance between embedded points, 0 … 1. Default 0.1. */
  minDist?: number;
  /** Optimisation epochs; 0 lets umap-js choose. Default 0. */
  nEpochs?: number;
  /** Integer seed of the layout's random generator. Default 0. */
  seed?: number;
}

/** @internal Validated UMAP settings. */
export interface UmapSettings {
  nNeighbors: number;
  minDist: number;
  nEpochs: number;
  seed: number;
}

/** @internal Validates UMAP options for `n` rows. */
export function umapSettings(options: UmapOptions | undefined, n: number, defaultSeed: number): UmapSettings {
  const o = options ?? {};
  if (o === null || typeof o !== 'object') throw invalidOption('umap options must be an object');
  const d = METRICS_DEFAULTS.umap;
  if (n < 3) throw invalidData(`UMAP needs at least 3 rows; got ${n}`);
  const nNeighbors = o.nNeighbors ?? Math.min(d.nNeighbors, n - 1);
  if (typeof nNeighbors !== 'number' || !Number.isInteger(nNeighbors) || nNeighbors < 2 || nNeighbors >= n) {
    throw invalidOption(`umap.nNeighbors must be an integer from 2 to rows - 1 = ${n - 1}; got ${String(nNeighbors)}`);
  }
  const minDist = o.minDist ?? d.minDist;
  if (typeof minDist !== 'number' || !Number.isFinite(minDist) || minDist < 0 || minDist > 1) {
    throw invalidOption(`umap.minDist must be a number from 0 to 1; got ${String(minDist)}`);
  }
  const nEpochs = o.nEpochs ?? d.nEpochs;
  if (typeof nEpochs !== 'number' || !Number.isInteger(nEpochs) || nEpochs < 0) {
    throw invalidOption(`umap.nEpochs must be an integer >= 0; got ${String(nEpochs)}`);
  }
  const seed = o.seed ?? defaultSeed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw invalidOption(`umap.seed must be an integer; got ${String(seed)}`);
  }
  return { nNeighbors, minDist, nEpochs, seed };
}

/** @internal UMAP of validated rows with validated settings. */
export function runUmap(data: Rows, s: UmapSettings): number[][] {
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: s.nNeighbors,
    minDist: s.minDist,
    nEpochs: s.nEpochs,
    // umap-js draws all its randomness (trees, neighbour descent, layout) from here.
    random: seedrandom(`bcnmf-umap:${s.seed}`),
  });
  return umap.fit(data.rows).map((p) => [p[0], p[1]]);
}

/**
 * A seeded two-dimensional UMAP embedding (umap-js, euclidean): the same seed and data
 * give the same coordinates.
 *
 * @param points - samples × features, rows of numbers or `{ data, shape }`; at least 3 rows
 * @param options - `nNeighbors` (15), `minDist` (0.1), `nEpochs` (auto), `seed` (0)
 * @returns one `[x, y]` per row
 * @throws {MetricsError} `INVALID_DATA` for bad points or fewer than 3 rows;
 *   `INVALID_OPTION` for a bad option
 *
 * @example
 * const xy = umap2d([[0, 0], [0, 1], [1, 0], [9, 9], [9, 8], [8, 9]], { nNeighbors: 2, seed: 1 });
 * xy.length; // 6
 * xy[0].length; // 2
 */
export function umap2d(points: PointsInput, options: UmapOptions = {}): number[][] {
  const data = toRows(points);
  const settings = umapSettings(options, data.n, METRICS_DEFAULTS.kmeans.seed);
  return runUmap(data, settings);
}
