import { kmeans, adjustedRandIndex } from '@bcnmf/metrics';
import type { DenseMatrix } from '@bcnmf/core';
import { gaussian, seededRandom } from '../src/random.js';

/**
 * A non-negative target/background pair: two strong shared programs (continuous
 * strengths, in both) and a weaker target-only split into two groups.
 */
export function contrastPair(seed = 1, nFg = 160, nBg = 160, p = 40): { target: number[][]; background: number[][]; groups: number[] } {
  const rand = seededRandom(seed);
  const g = gaussian(rand);
  const sample = (group: number | null): number[] => {
    const a = 8 * rand();
    const b = 8 * rand();
    const row: number[] = [];
    for (let j = 0; j < p; j++) {
      let mean = 1;
      if (j < 10) mean += a;
      else if (j < 20) mean += b;
      if (group === 0 && j >= 20 && j < 25) mean += 1.5;
      if (group === 1 && j >= 25 && j < 30) mean += 1.5;
      row.push(Math.max(0, mean + 0.3 * g()));
    }
    return row;
  };
  const groups = Array.from({ length: nFg }, (_, i) => i % 2);
  return { target: groups.map((gr) => sample(gr)), background: Array.from({ length: nBg }, () => sample(null)), groups };
}

/** ARI of k-means(2) on the embedding's rows against the known groups. */
export function ariOf(embedding: DenseMatrix, groups: number[], rowNormalize = false): number {
  let rows = embedding.toArray();
  if (rowNormalize) rows = rows.map((r) => {
    const s = r.reduce((x, y) => x + y, 0);
    return s > 0 ? r.map((v) => v / s) : r;
  });
  return adjustedRandIndex(groups, kmeans(rows, 2, { nInit: 10, seed: 0 }).labels);
}

/** Random normal matrix, row-major rows. */
export function randomRows(seed: number, n: number, p: number, scale: (j: number) => number = () => 1): number[][] {
  const g = gaussian(seededRandom(seed));
  return Array.from({ length: n }, () => Array.from({ length: p }, (_, j) => g() * scale(j)));
}

/** |cos| between two vectors (1 = same line). */
export function absCos(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return Math.abs(ab) / Math.sqrt(aa * bb);
}
