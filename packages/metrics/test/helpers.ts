import seedrandom from 'seedrandom';

/** A seeded standard normal generator (Box–Muller). */
export function normal(seed: string): () => number {
  const rng = seedrandom(seed);
  return () => {
    const u = 1 - rng();
    const v = rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** `perCluster` points around each centre with the given spread, and the centre index of each. */
export function blobs(
  centres: number[][],
  perCluster: number,
  spread: number,
  seed: string,
): { points: number[][]; truth: number[] } {
  const z = normal(seed);
  const points: number[][] = [];
  const truth: number[] = [];
  centres.forEach((c, label) => {
    for (let i = 0; i < perCluster; i++) {
      points.push(c.map((x) => x + spread * z()));
      truth.push(label);
    }
  });
  return { points, truth };
}

/** Σ over samples of the squared distance to the centroid of its label. */
export function inertiaOf(points: number[][], labels: number[], centroids: number[][]): number {
  let total = 0;
  points.forEach((p, i) => {
    const c = centroids[labels[i]];
    p.forEach((x, f) => {
      total += (x - c[f]) ** 2;
    });
  });
  return total;
}

/** Plain Lloyd: assign to nearest centre, move centres to means, until labels stop changing. */
export function lloyd(points: number[][], initial: number[][], maxIter = 1000): { labels: number[]; centroids: number[][]; inertia: number } {
  let centroids = initial.map((c) => [...c]);
  let labels: number[] = [];
  for (let it = 0; it < maxIter; it++) {
    const next = points.map((p) => {
      let best = 0;
      let bestD = Infinity;
      centroids.forEach((c, k) => {
        const d = p.reduce((s, x, f) => s + (x - c[f]) ** 2, 0);
        if (d < bestD) {
          bestD = d;
          best = k;
        }
      });
      return best;
    });
    const changed = next.some((l, i) => l !== labels[i]);
    labels = next;
    centroids = centroids.map((c, k) => {
      const members = points.filter((_, i) => labels[i] === k);
      if (members.length === 0) return c;
      return c.map((_, f) => members.reduce((s, m) => s + m[f], 0) / members.length);
    });
    if (!changed) break;
  }
  return { labels, centroids, inertia: inertiaOf(points, labels, centroids) };
}
