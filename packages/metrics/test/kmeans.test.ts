import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { adjustedRandIndex, evaluateEmbedding, kmeans, kmeansSteps, MetricsError } from '../src/index.js';
import { initSeeds } from '../src/kmeans.js';
import { blobs, inertiaOf, lloyd, normal } from './helpers.js';

const separated = blobs([[0, 0, 0], [20, 0, 0], [0, 20, 0], [0, 0, 20]], 30, 1, 'separated');

// Many overlapping groups: k-means++ starts end in different local optima.
const z = normal('hard');
const hard = Array.from({ length: 150 }, (_, i) => [((i * 7) % 10) + z(), ((i * 3) % 7) + z()]);

describe('kmeans', () => {
  it('recovers well separated blobs (ARI 1)', () => {
    const r = kmeans(separated.points, 4, { seed: 11 });
    assert.equal(adjustedRandIndex(separated.truth, r.labels), 1);
    assert.equal(r.centroids.length, 4);
    assert.ok(r.iterations >= 1);
  });

  it('runs ml-kmeans\' own loop: each initialisation ends where ml-kmeans\' kmeans() ends from its seed', () => {
    const r = kmeans(hard, 6, { seed: 3, nInit: 3, maxIter: 40 });
    const mean = (f: number) => hard.reduce((s, p) => s + p[f], 0) / hard.length;
    const variance = [0, 1].reduce((s, f) => s + hard.reduce((v, p) => v + (p[f] - mean(f)) ** 2, 0) / hard.length, 0) / 2;
    const direct = initSeeds(3, 3).map((seed) =>
      mlKmeans(hard, 6, { initialization: 'kmeans++', seed, maxIterations: 40, tolerance: 1e-4 * variance }),
    );
    const nearest = (centres: number[][]) =>
      hard.map((p) => {
        const d = centres.map((c) => c.reduce((s, x, f) => s + (p[f] - x) ** 2, 0));
        return d.indexOf(Math.min(...d));
      });
    direct.forEach((run, i) => {
      const centres = run.centroids.map((c) => Array.from(c));
      assert.ok(Math.abs(inertiaOf(hard, nearest(centres), centres) - r.initInertias[i]) <= 1e-9 * r.initInertias[i]);
    });
    const best = r.initInertias.indexOf(r.inertia);
    assert.deepEqual(r.centroids, direct[best].centroids.map((c) => Array.from(c)));
    assert.equal(r.iterations, direct[best].iterations);
  });

  it('kmeansSteps yields between iterations and returns what kmeans returns', () => {
    const steps = kmeansSteps(hard, 6, { seed: 5, nInit: 4 });
    let count = 0;
    let step = steps.next();
    while (!step.done) {
      count += 1;
      step = steps.next();
    }
    const direct = kmeans(hard, 6, { seed: 5, nInit: 4 });
    assert.deepEqual(step.value, direct);
    // at least one yield per Lloyd iteration of the winner, and one per initialisation
    assert.ok(count >= direct.iterations + 4, `${count} steps`);
    assert.throws(() => kmeansSteps(hard, 6, { nInits: 2 } as never).next(), /unknown option nInits/);
  });

  it('is reproducible for a seed', () => {
    const a = kmeans(hard, 6, { seed: 5, nInit: 4 });
    const b = kmeans(hard, 6, { seed: 5, nInit: 4 });
    assert.deepEqual(a, b);
    const c = kmeans(hard, 6, { seed: 6, nInit: 4 });
    assert.notDeepEqual(a.initInertias, c.initInertias);
  });

  it('keeps the initialisation with the lowest inertia', () => {
    const r = kmeans(hard, 6, { seed: 2, nInit: 8 });
    assert.equal(r.initInertias.length, 8);
    assert.ok(new Set(r.initInertias).size > 1, 'the inits should reach different optima on this data');
    assert.equal(r.inertia, Math.min(...r.initInertias));
    // The first initialisation is the same run as nInit = 1 with the same seed.
    const single = kmeans(hard, 6, { seed: 2, nInit: 1 });
    assert.equal(single.inertia, r.initInertias[0]);
    assert.ok(r.inertia <= single.inertia);
  });

  it('reports the inertia of its labels and centroids, at a fixed point of plain Lloyd', () => {
    const r = kmeans(hard, 6, { seed: 9, tol: 0 });
    assert.ok(Math.abs(r.inertia - inertiaOf(hard, r.labels, r.centroids)) <= 1e-9 * r.inertia);
    const again = lloyd(hard, r.centroids);
    assert.deepEqual(again.labels, r.labels);
    assert.ok(Math.abs(again.inertia - r.inertia) <= 1e-9 * r.inertia);
  });

  it('compares with plain Lloyd from random starts', () => {
    // Random-start Lloyd spreads over many local optima on this data; ten k-means++
    // starts must beat the typical one and come within 1% of the best of twenty.
    const rng = seedrandom('lloyd-starts');
    const inertias: number[] = [];
    for (let run = 0; run < 20; run++) {
      const picks = new Set<number>();
      while (picks.size < 6) picks.add(Math.floor(rng() * hard.length));
      inertias.push(lloyd(hard, [...picks].map((i) => hard[i])).inertia);
    }
    inertias.sort((a, b) => a - b);
    const r = kmeans(hard, 6, { seed: 0 });
    assert.ok(r.inertia <= inertias[10], `kmeans ${r.inertia} vs Lloyd median ${inertias[10]}`);
    assert.ok(r.inertia <= inertias[0] * 1.01, `kmeans ${r.inertia} vs best Lloyd ${inertias[0]}`);
    // On separated blobs, Lloyd started from one point of each blob finds the optimum: so must kmeans.
    const s = kmeans(separated.points, 4, { seed: 1 });
    const l = lloyd(separated.points, [0, 30, 60, 90].map((i) => separated.points[i]));
    assert.ok(Math.abs(s.inertia - l.inertia) <= 1e-9 * l.inertia);
  });

  it('handles k = 1, k = rows and identical points', () => {
    const pts = [[1, 2], [3, 4], [5, 9]];
    const one = kmeans(pts, 1);
    assert.deepEqual(one.labels, [0, 0, 0]);
    assert.deepEqual(one.centroids, [[3, 5]]);
    assert.equal(one.inertia, 4 + 9 + 0 + 1 + 4 + 16); // (−2,−3), (0,−1), (2,4)
    const all = kmeans(pts, 3, { seed: 4 });
    assert.equal(all.inertia, 0);
    assert.equal(new Set(all.labels).size, 3);
    const same = kmeans([[2, 2], [2, 2], [2, 2]], 2);
    assert.equal(same.inertia, 0);
    assert.ok(same.centroids.flat().every((x) => x === 2));
  });

  it('reads { data, shape } (Float32Array and Float64Array) like rows', () => {
    const rows = separated.points.map((p) => p.map((x) => Math.fround(x)));
    const f32 = { data: Float32Array.from(rows.flat()), shape: [rows.length, 3] as const };
    const f64 = { data: Float64Array.from(rows.flat()), shape: [rows.length, 3] as [number, number] };
    const r = kmeans(rows, 4, { seed: 3 });
    assert.deepEqual(kmeans(f32, 4, { seed: 3 }), r);
    assert.deepEqual(kmeans(f64, 4, { seed: 3 }), r);
  });

  it('stops at maxIter', () => {
    const r = kmeans(hard, 6, { seed: 1, nInit: 1, maxIter: 1 });
    assert.equal(r.iterations, 1);
  });
});

describe('kmeans option names', () => {
  const refused = (pattern: RegExp) => (e: unknown) => e instanceof MetricsError && e.code === 'INVALID_OPTION' && pattern.test(e.message);

  it('refuses an unknown option name (a typo silently ran the default), as fitBcnmf does', () => {
    assert.throws(() => kmeans(separated.points, 4, { ninit: 3 } as never), refused(/^unknown option ninit; the options are nInit, seed, maxIter, tol$/));
    assert.throws(() => kmeans(separated.points, 4, { seed: 1, ninit: 3, max_iter: 5 } as never), refused(/^unknown options ninit, max_iter;/));
    assert.throws(() => kmeans(separated.points, 4, null as never), refused(/options must be an object/));
  });

  it('accepts every known option, and evaluateEmbedding still passes its own options through', () => {
    const r = kmeans(separated.points, 4, { nInit: 2, seed: 11, maxIter: 50, tol: 1e-4 });
    assert.equal(adjustedRandIndex(separated.truth, r.labels), 1);
    const e = evaluateEmbedding(separated.points, separated.truth, { protocol: 'raw', k: 4, nInit: 2, seed: 11 });
    assert.equal(e.ari, 1);
  });
});
