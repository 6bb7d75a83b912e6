// The labels rules of the page (src/labels.ts), checked before a fit, and the counts of its sentences (src/words.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultLabelColumn, isNumberColumn, labelsProblem } from '../src/labels.js';
import { counted } from '../src/words.js';

const perCell = Array.from({ length: 40 }, (_, i) => String(1000 + i * 13.5));

describe('labelsProblem: labels that can score an embedding', () => {
  it('takes 2 groups or more, fewer than the samples (as the CLI)', () => {
    assert.equal(labelsProblem(['a', 'b', 'a']), null);
    assert.equal(labelsProblem(Array.from({ length: 200 }, (_, i) => String(i % 50))), null);
  });
  it('refuses one value per sample (e.g. n_counts), naming the source', () => {
    assert.equal(
      labelsProblem(perCell, 'column "n_counts" of cells.h5ad'),
      'the labels (column "n_counts" of cells.h5ad) hold 40 distinct values for 40 samples, a different one for each: that is no grouping; choose a column of groups, or none',
    );
    // a fine clustering (51 groups of 200) can be chosen by hand, but is not picked by itself
    assert.equal(labelsProblem(Array.from({ length: 200 }, (_, i) => String(i % 51))), null);
    assert.equal(defaultLabelColumn({ fine: Array.from({ length: 200 }, (_, i) => `c${i % 51}`) }), null);
  });
  it('refuses labels missing for some samples (an empty cell, a missing category): they would be a group of their own', () => {
    assert.equal(
      labelsProblem(['A', '', 'B', ' ', 'A'], 'column "group" of t.csv'),
      'the labels (column "group" of t.csv) are missing for 2 samples; the ARI needs a label for every target sample: choose another labels column, or none',
    );
    assert.match(labelsProblem(['A', 'B', ''])!, /are missing for 1 sample;/);
    // and the page does not pick such a column by itself
    assert.equal(defaultLabelColumn({ group: ['A', '', 'B', 'A'], kind: ['x', 'y', 'x', 'y'] }), 'kind');
  });
  it('refuses a single group', () => {
    assert.equal(
      labelsProblem(['A', 'A'], 'labels.csv'),
      'the labels (labels.csv) hold 1 distinct value ("A"); the ARI needs at least 2 groups: choose another labels column, or none',
    );
  });
});

describe('defaultLabelColumn: the labels the page picks by itself', () => {
  const groups = Array.from({ length: 40 }, (_, i) => (i % 2 ? 'A' : 'B'));
  const codes = Array.from({ length: 40 }, (_, i) => String(i % 3));
  it('never a column with one value per sample, nor numbers where a text column exists', () => {
    // obs of an .h5ad in the order AnnData often writes them: counts first
    assert.equal(defaultLabelColumn({ n_counts: perCell, n_genes: codes, batch: groups }), 'batch');
    assert.equal(defaultLabelColumn({ n_counts: perCell, sample_id: perCell.map((v) => `cell_${v}`) }), null);
  });
  it('prefers a column named like a label (label, class, group, cell_type, digit, ...), numbers included', () => {
    assert.equal(defaultLabelColumn({ batch: groups, cell_type: groups.map((g) => `${g}-cells`) }), 'cell_type');
    assert.equal(defaultLabelColumn({ batch: groups, digit: codes }), 'digit');
    // a label-named column that is no grouping is passed over
    assert.equal(defaultLabelColumn({ y: perCell, batch: groups }), 'batch');
  });
  it('a column of numbers only when nothing else is there: the one with the fewest groups', () => {
    assert.equal(defaultLabelColumn({ n_counts: perCell, n_genes: Array.from({ length: 40 }, (_, i) => String(i % 20)), leiden: codes }), 'leiden');
    assert.equal(defaultLabelColumn({}), null);
  });
  it('isNumberColumn: decimal numbers, blanks allowed', () => {
    assert.equal(isNumberColumn(['1', '-2.5', '', '3e2']), true);
    assert.equal(isNumberColumn(['1', 'x']), false);
    assert.equal(isNumberColumn(['', '']), false);
  });
});

describe('counted', () => {
  it('singular for one', () => {
    assert.equal(counted(1, 'group'), '1 group');
    assert.equal(counted(0, 'group'), '0 groups');
    assert.equal(counted(1500, 'feature'), '1,500 features');
    assert.equal(counted(1, 'missing value'), '1 missing value');
  });
});
