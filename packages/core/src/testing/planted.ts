// A small generated pair with a planted target-only program over a strong shared
// background, samples x features, for tests.
import seedrandom from 'seedrandom';

export interface Planted {
  target: number[][];
  background: number[][];
  /** Which target samples carry the target-only program. */
  labels: number[];
  /** The features the target-only program loads. */
  plantedFeatures: number[];
  features: number;
}

export function plantedPair(seed = 'planted', nTarget = 120, nBackground = 120): Planted {
  const random = seedrandom(seed);
  const features = 50;
  const shared = [0, 1, 2].map((p) => Array.from({ length: features }, (_, f) => (f >= p * 12 && f < p * 12 + 12 ? 1 + random() : 0)));
  const plantedFeatures = Array.from({ length: 10 }, (_, i) => 38 + i);
  const program = Array.from({ length: features }, (_, f) => (plantedFeatures.includes(f) ? 1 + random() : 0));
  const sample = (withProgram: boolean): number[] => {
    const strengths = shared.map(() => 8 * random() ** 2);
    return Array.from({ length: features }, (_, f) => {
      let v = 0.05 * random();
      shared.forEach((s, p) => (v += strengths[p] * s[f]));
      if (withProgram) v += 1.2 * program[f];
      return v;
    });
  };
  const labels = Array.from({ length: nTarget }, (_, i) => i % 2);
  return {
    target: labels.map((l) => sample(l === 1)),
    background: Array.from({ length: nBackground }, () => sample(false)),
    labels,
    plantedFeatures,
    features,
  };
}

/** The largest share of a topic's weight that falls on `features`, over the topics. */
export function bestTopicShare(W: { rows: number; columns: number; row(i: number): ArrayLike<number> }, features: number[]): number {
  let best = 0;
  for (let t = 0; t < W.rows; t++) {
    const row = W.row(t);
    let total = 0;
    let on = 0;
    for (let f = 0; f < W.columns; f++) {
      total += row[f];
      if (features.includes(f)) on += row[f];
    }
    if (total > 0) best = Math.max(best, on / total);
  }
  return best;
}
