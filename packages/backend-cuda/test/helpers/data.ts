// Small seeded data for the parity suite.

/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** rows x columns uniform in [low, high), rounded to float32. */
export function uniform(rows: number, columns: number, random: () => number, low: number, high: number): number[][] {
  return Array.from({ length: rows }, () =>
    Array.from({ length: columns }, () => Math.fround(low + (high - low) * random())),
  );
}

/** The largest |a - b| / max(|b|, floor) over both arrays. */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor);
    if (Number.isNaN(d)) return Infinity;
    if (d > worst) worst = d;
  }
  return worst;
}
