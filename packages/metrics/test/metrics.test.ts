// Small cases worked out by hand (the arithmetic is in the comments).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  adjustedRandIndex,
  contingencyTable,
  normalizedMutualInfo,
  silhouetteSamples,
  silhouetteScore,
} from '../src/index.js';

function close(actual: number, expected: number, tol = 1e-15): void {
  assert.ok(Math.abs(actual - expected) <= tol, `got ${actual}, expected ${expected}`);
}

describe('contingencyTable', () => {
  it('counts samples per (class, cluster), rows and columns in sorted label order', () => {
    // class a: clusters 0, 1; class b: clusters 1, 1
    assert.deepEqual(contingencyTable(['a', 'a', 'b', 'b'], [0, 1, 1, 1]), {
      classes: ['a', 'b'],
      clusters: [0, 1],
      counts: [
        [1, 1],
        [0, 2],
      ],
    });
  });

  it('sorts numbers numerically, before strings, and keeps 1 and "1" apart', () => {
    const t = contingencyTable([10, 9, '1', 1, 'b', 'B', -2], [0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(t.classes, [-2, 1, 9, 10, '1', 'B', 'b']);
    assert.deepEqual(t.counts, [[1], [1], [1], [1], [1], [1], [1]]);
  });

  it('accepts typed arrays of labels', () => {
    const t = contingencyTable(Int32Array.from([2, 2, 5]), Float64Array.from([0.5, 1.5, 1.5]));
    assert.deepEqual(t, { classes: [2, 5], clusters: [0.5, 1.5], counts: [[1, 1], [0, 1]] });
  });
});

describe('adjustedRandIndex', () => {
  it('matches the pair-counting formula on a 2 x 3 table', () => {
    // table [[2, 1, 0], [0, 1, 2]]: Σ C(nij, 2) = 1 + 1 = 2, Σ C(ai, 2) = 3 + 3 = 6,
    // Σ C(bj, 2) = 1 + 1 + 1 = 3, C(6, 2) = 15; expected 6·3/15 = 1.2, max (6 + 3)/2 = 4.5
    // ARI = (2 − 1.2)/(4.5 − 1.2) = 8/33
    close(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]), 8 / 33);
    // [[1, 1, 0], [0, 0, 2]] the other way round: symmetric
    close(adjustedRandIndex([0, 0, 1, 1, 2, 2], [0, 0, 0, 1, 1, 1]), 8 / 33);
  });

  it('gives 4/7 for one split cluster', () => {
    // index 1, expected 2·1/6 = 1/3, max 3/2: (1 − 1/3)/(3/2 − 1/3) = 4/7
    close(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]), 4 / 7);
  });

  it('is 1 for identical labelings up to renaming, with strings or numbers', () => {
    assert.equal(adjustedRandIndex(['x', 'x', 'y', 'z'], [7, 7, 3, 1]), 1);
  });

  it('is 1 in the special cases where no pair disagrees', () => {
    assert.equal(adjustedRandIndex([0, 0, 0], ['a', 'a', 'a']), 1); // both one cluster
    assert.equal(adjustedRandIndex([0, 1, 2, 3], [3, 2, 1, 0]), 1); // both all singletons
    assert.equal(adjustedRandIndex([4], [9]), 1); // one sample
  });

  it('is 0 for one cluster against all singletons, and -1/2 for the most discordant pairs', () => {
    assert.equal(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]), 0);
    // tp = 0, tn = 4, fn = fp = 4 (ordered pairs): 2(0 − 16)/(4·8 + 4·8) = −1/2
    assert.equal(adjustedRandIndex([0, 0, 1, 1], [0, 1, 1, 0]), -0.5);
  });

  it('counts -0 and 0 as one label', () => {
    assert.equal(adjustedRandIndex([0, -0, 1], [0, 0, 1]), 1);
  });
});

describe('normalizedMutualInfo', () => {
  it('is MI / mean of the entropies', () => {
    // H(true) = ln 2, H(pred) = 1.5 ln 2, MI = ln 2 (pred determines true)
    // arithmetic: ln 2 / (1.25 ln 2) = 0.8; geometric 1/√1.5; min 1; max 1/1.5
    const t = [0, 0, 1, 1];
    const p = [0, 0, 1, 2];
    close(normalizedMutualInfo(t, p), 0.8, 1e-15);
    close(normalizedMutualInfo(t, p, { averageMethod: 'arithmetic' }), 0.8, 1e-15);
    close(normalizedMutualInfo(t, p, { averageMethod: 'geometric' }), 1 / Math.sqrt(1.5), 1e-15);
    close(normalizedMutualInfo(t, p, { averageMethod: 'min' }), 1, 1e-15);
    close(normalizedMutualInfo(t, p, { averageMethod: 'max' }), 1 / 1.5, 1e-15);
  });

  it('has the degenerate values of scikit-learn', () => {
    assert.equal(normalizedMutualInfo(['a', 'a'], [1, 1]), 1); // both one cluster
    assert.equal(normalizedMutualInfo([0, 0, 0], [0, 1, 2]), 0); // one cluster: MI = 0
    assert.equal(normalizedMutualInfo([0, 0, 1, 1], [0, 1, 0, 1]), 0); // independent
    assert.equal(normalizedMutualInfo([0, 1, 2], [5, 6, 7]), 1); // all singletons
  });
});

describe('silhouette', () => {
  it('computes (b − a)/max(a, b) per sample', () => {
    // x = 0: a = 1, b = (4 + 5)/2 = 4.5 → 3.5/4.5 = 7/9;  x = 1: a = 1, b = 3.5 → 5/7
    const s = silhouetteSamples([[0], [1], [4], [5]], [0, 0, 1, 1]);
    s.forEach((v, i) => close(v, [7 / 9, 5 / 7, 5 / 7, 7 / 9][i]));
    close(silhouetteScore([[0], [1], [4], [5]], [0, 0, 1, 1]), (7 / 9 + 5 / 7) / 2);
  });

  it('gives a sample alone in its cluster 0', () => {
    // x = 0: a = 1, b = 10 → 0.9;  x = 1: a = 1, b = 9 → 8/9;  x = 10: singleton → 0
    const s = silhouetteSamples([[0], [1], [10]], ['p', 'p', 'q']);
    close(s[0], 0.9);
    close(s[1], 8 / 9);
    assert.equal(s[2], 0);
    close(silhouetteScore([[0], [1], [10]], ['p', 'p', 'q']), (0.9 + 8 / 9) / 3);
  });

  it('is euclidean in several dimensions and reads { data, shape }', () => {
    // (0,0), (3,4) in one cluster, (0,8) alone: for (0,0) a = 5, b = 8 → 3/8;
    // for (3,4): a = 5, b = |(3,−4)| = 5 → 0
    const rows = [[0, 0], [3, 4], [0, 8]];
    const dense = { data: Float64Array.from([0, 0, 3, 4, 0, 8]), shape: [3, 2] as const };
    assert.deepEqual(silhouetteSamples(dense, [1, 1, 2]), [3 / 8, 0, 0]);
    assert.deepEqual(silhouetteSamples(rows, [1, 1, 2]), [3 / 8, 0, 0]);
  });

  it('does not depend on the label values', () => {
    const pts = [[0, 1], [1, 1], [5, 5], [6, 5], [2, 9], [3, 8]];
    const a = silhouetteScore(pts, [0, 0, 1, 1, 2, 2]);
    const b = silhouetteScore(pts, ['z', 'z', 'a', 'a', 'm', 'm']);
    assert.equal(a, b);
    assert.ok(a > 0.5);
  });
});
