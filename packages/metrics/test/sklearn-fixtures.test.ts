// Values from scikit-learn, written by fixtures/make-fixtures.py into fixtures/sklearn-fixtures.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  adjustedRandIndex,
  contingencyTable,
  kmeans,
  normalizedMutualInfo,
  silhouetteSamples,
  silhouetteScore,
  type AverageMethod,
  type Label,
} from '../src/index.js';

interface LabelingCase {
  name: string;
  labelsTrue: Label[] | string;
  labelsPred: Label[] | string;
  encoding?: 'digits';
  ari: number;
  nmi: Record<AverageMethod, number>;
}
interface SilhouetteCase {
  name: string;
  points: number[][];
  labels: Label[];
  score: number;
  samples: number[];
}
interface KmeansCase {
  name: string;
  points: number[][];
  truth: number[];
  k: number;
  inertia: number;
  ari: number;
}
interface Fixtures {
  sklearn: string;
  labelings: LabelingCase[];
  silhouette: SilhouetteCase[];
  kmeans: KmeansCase[];
  contingency: { name: string; labelsTrue: Label[]; labelsPred: Label[]; classes: Label[]; clusters: Label[]; counts: number[][] }[];
}

const fixtures: Fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/sklearn-fixtures.json', import.meta.url), 'utf8'),
);

function labelsOf(c: LabelingCase, which: 'labelsTrue' | 'labelsPred'): Label[] {
  const v = c[which];
  if (c.encoding === 'digits') return Array.from(v as string, Number);
  return v as Label[];
}

/** |actual − expected| ≤ tol · max(1, |expected|). */
function close(actual: number, expected: number, tol: number, what: string): void {
  const err = Math.abs(actual - expected);
  assert.ok(err <= tol * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, sklearn ${expected} (diff ${err})`);
}

describe(`against scikit-learn ${fixtures.sklearn}`, () => {
  it('has the fixture cases it was generated with', () => {
    assert.ok(fixtures.labelings.length >= 20);
    assert.ok(fixtures.labelings.some((c) => typeof labelsOf(c, 'labelsTrue')[0] === 'string'));
    assert.ok(fixtures.silhouette.length >= 5);
  });

  for (const c of fixtures.labelings) {
    it(`ARI and NMI: ${c.name}`, () => {
      const t = labelsOf(c, 'labelsTrue');
      const p = labelsOf(c, 'labelsPred');
      // Same formula, same integer arithmetic, same final rounding: bit for bit.
      assert.equal(adjustedRandIndex(t, p), c.ari);
      assert.equal(adjustedRandIndex(p, t), c.ari);
      for (const method of ['arithmetic', 'geometric', 'min', 'max'] as const) {
        close(normalizedMutualInfo(t, p, { averageMethod: method }), c.nmi[method], 1e-14, `NMI ${method}`);
      }
      close(normalizedMutualInfo(t, p), c.nmi.arithmetic, 1e-14, 'NMI default');
    });
  }

  for (const c of fixtures.silhouette) {
    it(`silhouette: ${c.name}`, () => {
      close(silhouetteScore(c.points, c.labels), c.score, 1e-12, 'score');
      const samples = silhouetteSamples(c.points, c.labels);
      assert.equal(samples.length, c.samples.length);
      samples.forEach((s, i) => close(s, c.samples[i], 1e-12, `sample ${i}`));
    });
  }

  for (const c of fixtures.kmeans) {
    it(`k-means reaches sklearn's inertia: ${c.name}`, () => {
      const r = kmeans(c.points, c.k, { seed: 3 });
      close(r.inertia, c.inertia, 1e-9, 'inertia');
      assert.equal(adjustedRandIndex(c.truth, r.labels), c.ari);
    });
  }

  for (const c of fixtures.contingency) {
    it(`contingency table: ${c.name}`, () => {
      assert.deepEqual(contingencyTable(c.labelsTrue, c.labelsPred), {
        classes: c.classes,
        clusters: c.clusters,
        counts: c.counts,
      });
    });
  }
});
