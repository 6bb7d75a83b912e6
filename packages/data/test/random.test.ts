import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom, logGamma } from '../src/simulation/random.js';

const N = 200_000;

function moments(draw: () => number, n = N): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = draw();
    sum += xs[i];
  }
  const mean = sum / n;
  for (let i = 0; i < n; i++) sumSq += (xs[i] - mean) ** 2;
  return { mean, variance: sumSq / (n - 1) };
}

/**
 * Checks sample mean and variance against the known values: the mean within 5 standard
 * errors, the variance within 5 standard errors of a sample variance
 * (sd = sigma^2 * sqrt((excess kurtosis + 2) / n)).
 */
function checkMoments(label: string, draw: () => number, mean: number, variance: number, excessKurtosis: number): void {
  const m = moments(draw);
  const seMean = Math.sqrt(variance / N);
  assert.ok(Math.abs(m.mean - mean) < 5 * seMean, `${label}: mean ${m.mean} vs ${mean} (se ${seMean})`);
  const seVar = variance * Math.sqrt((excessKurtosis + 2) / N);
  assert.ok(Math.abs(m.variance - variance) < 5 * seVar, `${label}: variance ${m.variance} vs ${variance} (se ${seVar})`);
}

test('logGamma matches log factorials and Γ(1/2) = √π', () => {
  let logFact = 0;
  for (let n = 1; n <= 170; n++) {
    logFact += Math.log(n);
    assert.ok(Math.abs(logGamma(n + 1) - logFact) < 1e-10 * Math.max(1, logFact), `n = ${n}`);
  }
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-12);
  assert.ok(Math.abs(logGamma(1)) < 1e-13);
});

test('uniform is in [0, 1) with mean 1/2 and variance 1/12; int covers [0, n)', () => {
  const r = createRandom(1);
  checkMoments('uniform', () => r.uniform(), 0.5, 1 / 12, -1.2);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const k = r.int(7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
    seen.add(k);
  }
  assert.equal(seen.size, 7);
});

test('normal has the requested mean and variance', () => {
  const r = createRandom('normal');
  checkMoments('N(0,1)', () => r.normal(), 0, 1, 0);
  checkMoments('N(3,2)', () => r.normal(3, 2), 3, 4, 0);
});

test('gamma (Marsaglia–Tsang) has mean k·θ and variance k·θ² for shapes below and above 1', () => {
  const r = createRandom(7);
  for (const [k, theta] of [
    [0.5, 0.01],
    [0.5, 0.005],
    [1, 1],
    [2, 0.6],
    [2, 0.9],
    [7.5, 3],
  ]) {
    checkMoments(`Gamma(${k}, ${theta})`, () => r.gamma(k, theta), k * theta, k * theta * theta, 6 / k);
  }
  assert.throws(() => r.gamma(0, 1), RangeError);
});

test('poisson has mean and variance lambda on both sides of the method switch', () => {
  const r = createRandom(11);
  for (const lambda of [0.03, 0.5, 3, 9.99, 10, 15, 60, 1234.5]) {
    checkMoments(`Poisson(${lambda})`, () => r.poisson(lambda), lambda, lambda, 1 / lambda);
  }
  assert.equal(r.poisson(0), 0);
  assert.throws(() => r.poisson(-1), RangeError);
  assert.throws(() => r.poisson(Number.NaN), RangeError);
});

test('poisson frequencies follow the pmf (small-lambda and PTRS branches)', () => {
  const r = createRandom(5);
  for (const lambda of [4, 25]) {
    const n = 100_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const k = r.poisson(lambda);
      assert.ok(Number.isInteger(k) && k >= 0);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (let k = 0; k < 3 * lambda; k++) {
      const p = Math.exp(-lambda + k * Math.log(lambda) - logGamma(k + 1));
      const expected = n * p;
      if (expected < 20) continue;
      const observed = counts.get(k) ?? 0;
      const sd = Math.sqrt(n * p * (1 - p));
      assert.ok(Math.abs(observed - expected) < 5 * sd, `lambda ${lambda}, k ${k}: ${observed} vs ${expected}`);
    }
  }
});

test('logNormal has mean exp(mu + sigma²/2) and variance (exp(sigma²) - 1)·exp(2mu + sigma²)', () => {
  const r = createRandom(3);
  for (const [mu, sigma] of [
    [0, 0.35],
    [1, 0.5],
  ]) {
    const s2 = sigma * sigma;
    const kurt = Math.exp(4 * s2) + 2 * Math.exp(3 * s2) + 3 * Math.exp(2 * s2) - 6;
    checkMoments(`LogNormal(${mu}, ${sigma})`, () => r.logNormal(mu, sigma), Math.exp(mu + s2 / 2), (Math.exp(s2) - 1) * Math.exp(2 * mu + s2), kurt);
  }
});

test('same seed gives the same stream, another seed another one; shuffle is a permutation', () => {
  const a = createRandom(42);
  const b = createRandom(42);
  const c = createRandom(43);
  const xa = Array.from({ length: 50 }, () => a.gamma(2, 1) + a.poisson(20) + a.normal());
  const xb = Array.from({ length: 50 }, () => b.gamma(2, 1) + b.poisson(20) + b.normal());
  const xc = Array.from({ length: 50 }, () => c.gamma(2, 1) + c.poisson(20) + c.normal());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
  const perm = createRandom(1).shuffle(Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual([...perm].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  assert.notDeepEqual(perm, Array.from({ length: 100 }, (_, i) => i));
});
