import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { alignFeatures, planFeatureAlignment } from '../src/preprocess/align.js';

const m = (names: string[] | undefined, row: number[]) => DenseMatrix.fromRows([row], names ? { columnNames: names } : {});
const refused = (message: string | RegExp) => (e: unknown) => {
  assert.ok(e instanceof BcnmfError, String(e));
  assert.equal(e.code, 'INVALID_DATA');
  if (typeof message === 'string') assert.equal(e.message, message);
  else assert.match(e.message, message);
  return true;
};

describe("the feature alignment policy: 'exact' (default)", () => {
  it('passes equal names in equal order unchanged, and unnamed data of equal counts', () => {
    const t = m(['a', 'b'], [1, 2]);
    const b = m(['a', 'b'], [3, 4]);
    const r = alignFeatures(t, b);
    assert.equal(r.target, t);
    assert.equal(r.background, b);
    assert.equal(r.note, null);
    assert.deepEqual(r.featureNames, ['a', 'b']);
    assert.equal(alignFeatures(m(undefined, [1]), m(undefined, [2])).note, null);
  });

  it('refuses anything else with one message: what differs, and the choices that work', () => {
    const t = m(['a', 'b', 'c'], [1, 2, 3]);
    assert.throws(
      () => alignFeatures(t, m(['c', 'a', 'b'], [3, 1, 2]), { targetName: 't.csv', backgroundNames: ['b.csv'] }),
      refused(
        "t.csv and b.csv have different features: the same 3 features in a different order (first at feature 1: 'a' in t.csv, 'c' in b.csv). " +
          "To reorder the features of b.csv by name, choose align: 'name'; or to take the 3 features as the same ones in file order, choose align: 'position'.",
      ),
    );
    assert.throws(
      () => alignFeatures(t, m(['a', 'x'], [1, 0]), { choices: { name: '--align name', position: '--align position' } }),
      refused(
        "target and background have different features: background lacks 2 of the 3 features of target ('b', 'c'); background has 1 feature that target lacks ('x'). " +
          'To keep the 1 features both have, in the order of target, choose --align name.',
      ),
    );
    assert.throws(
      () => alignFeatures(t, m(['x', 'y'], [1, 0])),
      refused("target and background have different features: they share no feature name (target: 3 features, e.g. 'a'; background: 2, e.g. 'x'); is one of them oriented the other way (features in rows)? Give both the same features."),
    );
    // a caller that can tell how the files lie says so instead of the guess
    const noSharedNames = 'but their row names match: read them with --orientation features-in-rows';
    assert.throws(
      () => alignFeatures(t, m(['x', 'y'], [1, 0]), { choices: { name: '--align name', position: '--align position', noSharedNames } }),
      refused(`target and background have different features: they share no feature name (target: 3 features, e.g. 'a'; background: 2, e.g. 'x'); ${noSharedNames}. Give both the same features.`),
    );
    assert.throws(
      () => alignFeatures(t, [m(['a', 'b', 'c'], [1, 2, 3]), m(['x', 'y'], [1, 0])], { align: 'name', choices: { name: 'n', position: 'p', noSharedNames } }),
      refused(/share no feature name .*but their row names match: read them with --orientation features-in-rows/),
    );
    assert.throws(() => alignFeatures(t, m(undefined, [1, 2, 3])), refused(/background does not name its features \(target: 3 features; background: 3\)\. To take the 3 features as the same ones in file order/));
    assert.throws(() => alignFeatures(m(['a', 'a'], [1, 2]), m(['a', 'b'], [1, 2])), refused(/names repeat \('a'\)\. To take the 2 features/));
  });

  it('names the background that differs among several', () => {
    const t = m(['a', 'b'], [1, 2]);
    assert.throws(() => alignFeatures(t, [m(['a', 'b'], [0, 0]), m(['b', 'a'], [0, 0])]), refused(/^target and background 2 have different features/));
  });
});

describe("align: 'name'", () => {
  it('reorders by name, saying so', () => {
    const r = alignFeatures(m(['a', 'b', 'c'], [1, 2, 3]), m(['c', 'a', 'b'], [6, 4, 5]), { align: 'name', backgroundNames: ['b.csv'] });
    assert.deepEqual(r.background.toArray(), [[4, 5, 6]]);
    assert.deepEqual(r.background.columnNames, ['a', 'b', 'c']);
    assert.equal(r.note, 'the features of b.csv reordered by name to the order of target');
  });

  it('keeps the features every data set has, in the target order, and says what was dropped', () => {
    const t = m(['a', 'b', 'c', 'd'], [1, 2, 3, 4]);
    const b1 = m(['d', 'x', 'a', 'c'], [14, 0, 11, 13]);
    const b2 = m(['c', 'a', 'd'], [23, 21, 24]);
    const r = alignFeatures(t, [b1, b2], { align: 'name' });
    assert.deepEqual(r.featureNames, ['a', 'c', 'd']);
    assert.deepEqual(r.target.toArray(), [[1, 3, 4]]);
    assert.deepEqual(r.backgrounds.map((b) => b.toArray()), [[[11, 13, 14]], [[21, 23, 24]]]);
    assert.deepEqual(r.plan.targetColumns, [0, 2, 3]);
    assert.deepEqual(r.plan.backgroundColumns, [[2, 3, 0], [1, 0, 2]]);
    assert.deepEqual(r.droppedFromTarget, ['b']);
    assert.deepEqual(r.plan.droppedFromBackgrounds, [['x'], []]);
    assert.equal(
      r.note,
      "kept the 3 features that target and background 1 and background 2 share, in the order of target; dropped 1 of the 4 of target ('b') and 1 of the 4 of background 1 ('x') and 0 of the 3 of background 2",
    );
  });

  it('works on CSR data too', () => {
    const t = CsrMatrix.fromDense(m(['a', 'b'], [0, 2]));
    const b = CsrMatrix.fromDense(m(['b', 'a'], [5, 0]));
    const r = alignFeatures(t, b, { align: 'name' });
    assert.ok(r.background instanceof CsrMatrix);
    assert.deepEqual(r.background.toDense().toArray(), [[0, 5]]);
  });

  it('refuses no common names, unnamed data and repeated names', () => {
    assert.throws(() => alignFeatures(m(['a'], [1]), m(['x'], [1]), { align: 'name' }), refused(/target and background share no feature name .*features in rows\)\?$/));
    assert.throws(() => alignFeatures(m(['a'], [1]), m(undefined, [1]), { align: 'name' }), refused("background does not name its features, so they cannot be matched by name (align: 'position' takes them in file order)"));
    assert.throws(() => alignFeatures(m(['a', 'a', 'b'], [1, 2, 3]), m(['b', 'a'], [1, 2]), { align: 'name' }), refused(/target names 1 features more than once \('a'\)/));
  });
});

describe("align: 'position'", () => {
  it("takes equal counts in file order, under the target's names, saying how many names differ", () => {
    const r = alignFeatures(m(['a', 'b', 'c'], [1, 2, 3]), m(['x', 'b', 'y'], [4, 5, 6]), { align: 'position' });
    assert.deepEqual(r.background.toArray(), [[4, 5, 6]]);
    assert.deepEqual(r.background.columnNames, ['a', 'b', 'c']);
    assert.equal(r.note, "background: 3 features taken in file order; 2 of their names differ from those of target (first at feature 1: 'x' taken as 'a')");
    const unnamed = alignFeatures(m(undefined, [1]), m(['x'], [2]), { align: 'position' });
    assert.deepEqual(unnamed.target.columnNames, ['x']);
  });
  it('refuses different counts', () => {
    assert.throws(() => alignFeatures(m(['a'], [1]), m(['a', 'b'], [1, 2]), { align: 'position' }), refused('target has 1 feature and background has 2: features can be taken by position only when there are as many in each'));
  });
  it('checks its options', () => {
    assert.throws(() => planFeatureAlignment({ columns: 1 }, [{ columns: 1 }], { align: 'fuzzy' as never }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION');
  });
});
