import seedrandom from 'seedrandom';

/**
 * A seeded source of random numbers with the samplers the simulation needs.
 *
 * Uniforms come from seedrandom's Alea generator (`seedrandom.alea(String(seed))`, 53-bit
 * doubles through `.double()`); every other distribution is built on those uniforms here,
 * so the same seed gives the same draws on every platform.
 *
 * - `normal(mean, sd)`: Marsaglia's polar method (the second value of a pair is kept for
 *   the next call).
 * - `gamma(shape, scale)`: Marsaglia & Tsang (2000) squeeze method for shape >= 1; for
 *   shape < 1, `gamma(shape + 1) * U^(1/shape)`. Mean `shape * scale`, variance
 *   `shape * scale^2`.
 * - `poisson(lambda)`: multiplication (Knuth) for lambda < 10, Hörmann's PTRS transformed
 *   rejection (1993, the method NumPy uses) for lambda >= 10. Mean and variance `lambda`.
 * - `logNormal(mu, sigma)`: `exp(normal(mu, sigma))`. Mean `exp(mu + sigma^2 / 2)`.
 *
 * @example
 * const r = createRandom(42);
 * r.gamma(2, 0.6); // a positive number, the same one every run with seed 42
 * createRandom(42).uniform() === createRandom(42).uniform(); // true
 */
export interface Random {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Normal with the given mean and standard deviation (defaults 0, 1). */
  normal(mean?: number, sd?: number): number;
  /** Gamma with shape k > 0 and scale theta > 0 (mean k·theta). */
  gamma(shape: number, scale?: number): number;
  /** Poisson with mean lambda >= 0. */
  poisson(lambda: number): number;
  /** Log-normal: exp of a normal with mean mu and standard deviation sigma. */
  logNormal(mu?: number, sigma?: number): number;
  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(values: T): T;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7; about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** A seeded {@link Random}; the seed may be a number or a string. */
export function createRandom(seed: number | string): Random {
  const prng = seedrandom.alea(String(seed));
  const uniform = (): number => prng.double();
  let spare: number | undefined;

  const standardNormal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * f;
    return u * f;
  };

  const standardGamma = (shape: number): number => {
    if (shape < 1) {
      const g = standardGamma(shape + 1);
      let u = uniform();
      while (u === 0) u = uniform();
      return g * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = standardNormal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (u > 0 && Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  };

  const poissonSmall = (lambda: number): number => {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = uniform();
    while (p > limit) {
      k++;
      p *= uniform();
    }
    return k;
  };

  const poissonPtrs = (lambda: number): number => {
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = uniform() - 0.5;
      const v = uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) {
        return k;
      }
    }
  };

  return {
    uniform,
    int: (n) => Math.floor(uniform() * n),
    normal: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    gamma: (shape, scale = 1) => {
      if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma needs shape > 0 and scale > 0, got ${shape}, ${scale}`);
      return scale * standardGamma(shape);
    },
    poisson: (lambda) => {
      if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`poisson needs a finite lambda >= 0, got ${lambda}`);
      if (lambda === 0) return 0;
      return lambda < 10 ? poissonSmall(lambda) : poissonPtrs(lambda);
    },
    logNormal: (mu = 0, sigma = 1) => Math.exp(mu + sigma * standardNormal()),
    shuffle: (values) => {
      for (let i = values.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
      }
      return values;
    },
  };
}
