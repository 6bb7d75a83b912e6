// The 'umap' protocol (umap-js) against umap-learn, on the fixture written by
// fixtures/make-umap-fixtures.py: 240 handwritten digits (0, 3, 4, 6; 64 pixels), whose
// four groups umap-learn and k-means find. Layouts of two implementations cannot be
// compared point by point, so their neighbourhood scores are: trustworthiness and kNN
// preservation (transcribed below from their definitions, and checked against
// scikit-learn's values on the fixture's PCA layout) and the ARI of k-means on the layout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { evaluateEmbedding } from '../src/index.js';

interface Scores {
  trustworthiness: number;
  knnPreservation: number;
  ari: number;
}
interface UmapFixture {
  versions: Record<string, string>;
  nNeighbors: number;
  minDist: number;
  points: number[][];
  labels: number[];
  umap: (Scores & { seed: number })[];
  pca: Scores & { layout: number[][] };
}

const fixture: UmapFixture = JSON.parse(readFileSync(new URL('../fixtures/umap-fixtures.json', import.meta.url), 'utf8'));

function squaredDistances(points: number[][]): Float64Array {
  const n = points.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let f = 0; f < points[i].length; f++) s += (points[i][f] - points[j][f]) ** 2;
      d[i * n + j] = s;
      d[j * n + i] = s;
    }
  }
  return d;
}

/** Each point's other points, nearest first. */
function neighbourOrder(points: number[][]): number[][] {
  const n = points.length;
  const d = squaredDistances(points);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => d[i * n + a] - d[i * n + b]),
  );
}

/**
 * Trustworthiness (Venna & Kaski 2001, as scikit-learn defines it):
 * 1 - 2 / (n k (2n - 3k - 1)) Σ_i Σ_{j in the layout's k nearest of i} max(0, r(i, j) - k),
 * r(i, j) the rank of j among i's neighbours in the data (1 = nearest).
 */
function trustworthiness(data: number[][], layout: number[][], k: number): number {
  const n = data.length;
  const inData = neighbourOrder(data);
  const inLayout = neighbourOrder(layout);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const rank = new Map(inData[i].map((j, r) => [j, r + 1]));
    for (const j of inLayout[i].slice(0, k)) sum += Math.max(0, rank.get(j)! - k);
  }
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * sum;
}

/** Mean over points of the share of its k nearest in the data that are among its k nearest in the layout. */
function knnPreservation(data: number[][], layout: number[][], k: number): number {
  const inData = neighbourOrder(data);
  const inLayout = neighbourOrder(layout);
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const near = new Set(inData[i].slice(0, k));
    total += inLayout[i].slice(0, k).filter((j) => near.has(j)).length / k;
  }
  return total / data.length;
}

const k = fixture.nNeighbors;
const worstUmapLearn = {
  trustworthiness: Math.min(...fixture.umap.map((r) => r.trustworthiness)),
  knnPreservation: Math.min(...fixture.umap.map((r) => r.knnPreservation)),
  ari: Math.min(...fixture.umap.map((r) => r.ari)),
};

describe(`the 'umap' protocol against umap-learn ${fixture.versions.umap} (digits 0/3/4/6, ${fixture.points.length} points)`, () => {
  it("the scores' transcriptions give scikit-learn's values on the fixture's PCA layout", () => {
    assert.ok(Math.abs(trustworthiness(fixture.points, fixture.pca.layout, k) - fixture.pca.trustworthiness) < 1e-12);
    assert.ok(Math.abs(knnPreservation(fixture.points, fixture.pca.layout, k) - fixture.pca.knnPreservation) < 1e-12);
  });

  for (const seed of [0, 1]) {
    it(`seed ${seed}: keeps neighbourhoods as well as umap-learn does, better than PCA, and k-means finds the digits`, (t) => {
      const r = evaluateEmbedding(fixture.points, fixture.labels, {
        protocol: 'umap',
        k: 4,
        nInit: 10,
        seed,
        umap: { nNeighbors: fixture.nNeighbors, minDist: fixture.minDist },
      });
      const layout = r.umapCoordinates!;
      const trust = trustworthiness(fixture.points, layout, k);
      const knn = knnPreservation(fixture.points, layout, k);
      const context = `umap-js: trustworthiness ${trust.toFixed(4)}, kNN preservation ${knn.toFixed(3)}, ARI ${r.ari.toFixed(3)}; ` +
        `umap-learn's worst of ${fixture.umap.length} seeds: ${worstUmapLearn.trustworthiness.toFixed(4)}, ${worstUmapLearn.knnPreservation.toFixed(3)}, ${worstUmapLearn.ari.toFixed(3)}; ` +
        `PCA: ${fixture.pca.trustworthiness.toFixed(4)}, ${fixture.pca.knnPreservation.toFixed(3)}`;
      t.diagnostic(context);
      assert.ok(trust >= worstUmapLearn.trustworthiness - 0.01, context);
      assert.ok(knn >= worstUmapLearn.knnPreservation - 0.05, context);
      assert.ok(trust >= fixture.pca.trustworthiness + 0.03 && knn >= fixture.pca.knnPreservation + 0.1, context);
      assert.ok(r.ari >= worstUmapLearn.ari - 0.05, context);
    });
  }
});
