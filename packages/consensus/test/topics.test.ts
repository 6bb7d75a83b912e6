import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { clusterTopics, ConsensusError, localDensity, median } from '../src/index.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

// Three restarts of k = 2 topics over 2 features. As unit vectors: restart 0 gives
// (0.6, 0.8) and (0, 1), restart 1 (0.8, 0.6) and (0, 1), restart 2 (0.6, 0.8) and (0, 1);
// the norms are 5, 2 / 5, 1 / 10, 3.
const HAND = [
  [[3, 4], [0, 2]],
  [[4, 3], [0, 1]],
  [[6, 8], [0, 3]],
];

describe('clusterTopics against a hand-computed case', () => {
  it('densities, clusters, medians, silhouette and reproducibility', () => {
    // neighbours = floor(0.67 x 3) = 2
    const r = clusterTopics(HAND, { k: 2, densityThreshold: 2, neighbourFraction: 0.67, seed: 0 });
    assert.equal(r.neighbours, 2);
    assert.equal(r.total, 6);
    assert.equal(r.kept, 6);
    // distances: (0.6,0.8)-(0.8,0.6) = √0.08; (0.6,0.8)-(0,1) = √0.4; (0.8,0.6)-(0,1) = √0.8; equal vectors 0
    const s08 = Math.sqrt(0.08);
    // density = mean of the 2 nearest others: (0.6,0.8): 0 and √0.08; (0.8,0.6): √0.08 twice; (0,1): 0 and 0
    const expectedDensity = [s08 / 2, 0, s08, 0, s08 / 2, 0];
    r.topics.forEach((t, i) => close(t.density!, expectedDensity[i]));
    // clusters numbered by first member: the slanted topics are 0, the (0,1) ones 1
    assert.deepEqual(r.topics.map((t) => t.cluster), [0, 1, 0, 1, 0, 1]);
    assert.deepEqual(r.topics.map((t) => [t.restart, t.topic]), [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);
    assert.deepEqual(r.topics.map((t) => t.norm), [5, 2, 5, 1, 10, 3]);
    // consensus: feature-wise median of the unit members, times the median norm
    // cluster 0: median(0.6, 0.8, 0.6) = 0.6, median(0.8, 0.6, 0.8) = 0.8, median norm 5 → (3, 4)
    // cluster 1: (0, 1) x median(2, 1, 3) = 2 → (0, 2)
    close(r.consensus[0][0], 3);
    close(r.consensus[0][1], 4);
    close(r.consensus[1][0], 0);
    close(r.consensus[1][1], 2);
    // silhouette: (0.6,0.8): a = √0.08/2, b = √0.4 → 1 − √0.05; (0.8,0.6): a = √0.08, b = √0.8 → 1 − √0.1; (0,1): a = 0 → 1
    const sA = 1 - Math.sqrt(0.05);
    const sB = 1 - Math.sqrt(0.1);
    const expectedSilhouette = [sA, 1, sB, 1, sA, 1];
    r.topics.forEach((t, i) => close(t.silhouette!, expectedSilhouette[i]));
    close(r.stability, (2 * sA + sB + 3) / 6);
    close(r.clusters[0].silhouette, (2 * sA + sB) / 3);
    close(r.clusters[1].silhouette, 1);
    assert.deepEqual(r.clusters.map((c) => c.reproducibility), [1, 1]);
    assert.deepEqual(r.clusters.map((c) => c.members), [3, 3]);
    assert.deepEqual(r.clusters.map((c) => c.medianNorm), [5, 2]);
  });

  it('drops the topic far from the others (the outlier filter)', () => {
    // a fourth restart whose first topic (1, 0) is like no other: its 2 nearest are √0.4 and √0.8 away
    const restarts = [...HAND, [[5, 0], [0, 4]]];
    const r = clusterTopics(restarts, { k: 2, densityThreshold: 0.5, neighbourFraction: 0.5 });
    assert.equal(r.neighbours, 2);
    const outlier = r.topics[6];
    close(outlier.density!, (Math.sqrt(0.4) + Math.sqrt(0.8)) / 2);
    assert.equal(outlier.kept, false);
    assert.equal(outlier.cluster, null);
    assert.equal(outlier.silhouette, null);
    assert.equal(r.kept, 7);
    assert.deepEqual(r.topics.filter((t) => t.kept).map((t) => t.cluster), [0, 1, 0, 1, 0, 1, 1]);
    // the slanted program comes from 3 of 4 restarts, (0, 1) from all
    assert.deepEqual(r.clusters.map((c) => c.reproducibility), [0.75, 1]);
    // without the filter the outlier joins the slanted cluster
    const all = clusterTopics(restarts, { k: 2, densityThreshold: 2, neighbourFraction: 0.5 });
    assert.equal(all.kept, 8);
    assert.equal(all.topics[6].cluster, 0);
    assert.ok(all.stability < r.stability);
  });

  it('drops all-zero (collapsed) topics, and refuses to cluster when too few topics are left', () => {
    const restarts = [...HAND, [[0, 0], [0, 5]]];
    const r = clusterTopics(restarts, { k: 2, densityThreshold: 2, neighbourFraction: 0.5 });
    assert.equal(r.topics[6].density, null);
    assert.equal(r.topics[6].kept, false);
    assert.equal(r.kept, 7);
    assert.throws(
      () => clusterTopics([[[1, 0], [0, 1]], [[1, 1], [1, 2]]], { k: 2, densityThreshold: 1e-6 }),
      (e: unknown) => e instanceof ConsensusError && e.code === 'CLUSTERING_FAILED' && /the outlier filter kept 0 of 4 topics/.test(e.message),
    );
    // only the three equal (0, 1) topics pass: k-means cannot make 2 clusters of one point
    assert.throws(
      () => clusterTopics(HAND, { k: 2, densityThreshold: 0.1, neighbourFraction: 0.67 }),
      (e: unknown) => e instanceof ConsensusError && e.code === 'CLUSTERING_FAILED' && /k-means left 1 of the k = 2 clusters empty \(3 topics kept\)/.test(e.message),
    );
  });

  it('refuses bad input before any work', () => {
    const invalid = (f: () => unknown, pattern: RegExp) =>
      assert.throws(f, (e: unknown) => e instanceof BcnmfError && pattern.test(e.message));
    invalid(() => clusterTopics(HAND, { k: 1 }), /k must be an integer >= 2/);
    invalid(() => clusterTopics([HAND[0]], { k: 2 }), /at least 2 restarts/);
    invalid(() => clusterTopics([HAND[0], [[1, 2]]], { k: 2 }), /restart 1 has 1 topics; every restart needs k = 2/);
    invalid(() => clusterTopics([HAND[0], [[1, 2], [3]]], { k: 2 }), /topic 1 of restart 1 has 1 features/);
    invalid(() => clusterTopics([HAND[0], [[1, -2], [3, 1]]], { k: 2 }), /topic 0 of restart 1 has -2 at feature 1/);
    invalid(() => clusterTopics(HAND, { k: 2, densityThreshold: 0 }), /densityThreshold must be a number in \(0, Infinity\]/);
    invalid(() => clusterTopics(HAND, { k: 2, neighbourFraction: 1.5 }), /neighbourFraction must be a number in \(0, 1\]/);
  });

  it('the same seed gives the same clustering', () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/sklearn-fixtures.json', import.meta.url), 'utf8'));
    const c = fixture.cases[0];
    const a = clusterTopics(c.restarts, { k: c.k, densityThreshold: c.densityThreshold, seed: 5 });
    const b = clusterTopics(c.restarts, { k: c.k, densityThreshold: c.densityThreshold, seed: 5 });
    assert.deepEqual(a, b);
  });
});

describe('localDensity and median', () => {
  it('are what they say', () => {
    assert.deepEqual(localDensity([[0], [1], [3]], 1), [1, 1, 2]);
    assert.deepEqual(localDensity([[0], [1], [3]], 2), [2, 1.5, 2.5]);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});

describe('clusterTopics against scikit-learn (fixtures/sklearn-fixtures.json)', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/sklearn-fixtures.json', import.meta.url), 'utf8'));
  for (const c of fixture.cases) {
    it(c.name, () => {
      const r = clusterTopics(c.restarts, { k: c.k, densityThreshold: c.densityThreshold, neighbourFraction: c.neighbourFraction, seed: 0 });
      assert.equal(r.neighbours, c.neighbours);
      r.topics.forEach((t, i) => close(t.density!, c.density[i], 1e-9));
      assert.deepEqual(r.topics.map((t) => t.kept), c.kept);
      // KMeans (scikit-learn, its own seeds) and ours agree on every label, numbered alike
      const labels = r.topics.filter((t) => t.kept).map((t) => t.cluster);
      assert.deepEqual(labels, c.labels);
      close(r.stability, c.silhouetteScore, 1e-9);
      r.topics.filter((t) => t.kept).forEach((t, i) => close(t.silhouette!, c.silhouetteSamples[i], 1e-9));
      r.consensus.forEach((row, t) => row.forEach((v, f) => close(v, c.consensus[t][f], 1e-9)));
      assert.deepEqual(r.clusters.map((x) => x.reproducibility), c.reproducibility);
    });
  }
});
