import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { EVALUATION_PROTOCOLS, evaluateEmbedding, rowNormalize, umap2d } from '../src/index.js';

const names = ['alpha', 'beta', 'gamma'];

/**
 * Non-negative embedding: group g loads mostly on component g. With `scaled`, each row is
 * multiplied by a size factor between 0.1 and 10 (like library size), which row
 * normalisation removes.
 */
function embedding(perGroup: number, scaled: boolean, seed: string): { rows: number[][]; labels: string[] } {
  const rng = seedrandom(seed);
  const rows: number[][] = [];
  const labels: string[] = [];
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < perGroup; i++) {
      const size = scaled ? 10 ** (2 * rng() - 1) : 1;
      rows.push([0, 1, 2, 3].map((c) => size * ((c === g ? 1 : 0.05) + 0.05 * rng())));
      labels.push(names[g]);
    }
  }
  return { rows, labels };
}

const separable = embedding(30, false, 'separable');

describe('evaluateEmbedding', () => {
  for (const protocol of EVALUATION_PROTOCOLS) {
    it(`finds the groups of separable data: ${protocol}`, () => {
      const r = evaluateEmbedding(separable.rows, separable.labels, { protocol, seed: 1, nInit: 4 });
      assert.equal(r.protocol, protocol);
      assert.equal(r.ari, 1);
      assert.equal(r.nmi, 1);
      assert.equal(r.k, 3); // default: distinct labels
      assert.equal(r.clusterLabels.length, 90);
      assert.equal(protocol === 'umap', r.umapCoordinates !== undefined);
    });
  }

  it("defaults to 'raw' and honours k", () => {
    const r = evaluateEmbedding(separable.rows, separable.labels, { k: 2, seed: 1 });
    assert.equal(r.protocol, 'raw');
    assert.equal(r.k, 2);
    assert.equal(new Set(r.clusterLabels).size, 2);
    assert.ok(r.ari < 1);
  });

  it('row normalisation removes a per-row scale that raw k-means clusters on', () => {
    const scaled = embedding(30, true, 'scaled');
    const raw = evaluateEmbedding(scaled.rows, scaled.labels, { protocol: 'raw', seed: 2 });
    const norm = evaluateEmbedding(scaled.rows, scaled.labels, { protocol: 'row-normalized', seed: 2 });
    assert.ok(raw.ari < 0.9, `raw ARI ${raw.ari}`);
    assert.equal(norm.ari, 1);
  });

  it('is reproducible, and the UMAP coordinates follow the seed', () => {
    const opts = { protocol: 'umap' as const, seed: 3, nInit: 2, umap: { nNeighbors: 10, minDist: 0.2, nEpochs: 150 } };
    const a = evaluateEmbedding(separable.rows, separable.labels, opts);
    const b = evaluateEmbedding(separable.rows, separable.labels, opts);
    assert.deepEqual(a, b);
    assert.equal(a.umapCoordinates!.length, 90);
    assert.ok(a.umapCoordinates!.every((p) => p.length === 2 && p.every(Number.isFinite)));
    const c = evaluateEmbedding(separable.rows, separable.labels, { ...opts, seed: 4 });
    assert.notDeepEqual(c.umapCoordinates, a.umapCoordinates);
    // umap.seed overrides seed for the layout only
    const d = evaluateEmbedding(separable.rows, separable.labels, { ...opts, seed: 4, umap: { ...opts.umap, seed: 3 } });
    assert.deepEqual(d.umapCoordinates, a.umapCoordinates);
    // and umap2d gives the same layout
    assert.deepEqual(umap2d(separable.rows, { nNeighbors: 10, minDist: 0.2, nEpochs: 150, seed: 3 }), a.umapCoordinates);
  });

  it('reads { data, shape } like rows', () => {
    const dense = { data: Float64Array.from(separable.rows.flat()), shape: [90, 4] as const };
    for (const protocol of ['raw', 'row-normalized'] as const) {
      assert.deepEqual(
        evaluateEmbedding(dense, separable.labels, { protocol, seed: 5 }),
        evaluateEmbedding(separable.rows, separable.labels, { protocol, seed: 5 }),
      );
    }
  });

  it('keeps a zero row at zero under row normalisation', () => {
    const rows = separable.rows.map((r) => [...r]);
    rows[0] = [0, 0, 0, 0];
    const r = evaluateEmbedding(rows, separable.labels, { protocol: 'row-normalized', seed: 1 });
    assert.ok(Number.isFinite(r.inertia));
    assert.equal(r.clusterLabels.length, 90);
    assert.ok(r.ari > 0.9);
  });
});

describe('rowNormalize', () => {
  it('divides each row by its sum and leaves a zero row at zero', () => {
    assert.deepEqual(rowNormalize([[1, 3], [0, 0], [2, 2], [0, 5]]), [[0.25, 0.75], [0, 0], [0.5, 0.5], [0, 1]]);
    const dense = { data: Float32Array.from([0, 0, 0, 4, 4, 8]), shape: [2, 3] as const };
    assert.deepEqual(rowNormalize(dense), [[0, 0, 0], [0.25, 0.25, 0.5]]);
  });

  it('does not change its input', () => {
    const input = [[1, 1]];
    rowNormalize(input);
    assert.deepEqual(input, [[1, 1]]);
  });
});
