// How CSV/TSV inputs lie: detected as the web page detects it (@bcnmf/data's
// detectOrientation) and said on stderr; where the files share no feature name, the hint
// names the flag that reads them right, or says that orientation is not the cause.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planted, readCsv, run, tempDir, writeTable } from './helpers.js';

let dir: string;
let remove: () => void;
before(() => ({ dir, remove } = tempDir('orientation')));
after(() => remove());

const p = planted(4);
const fitArgs = ['--k', '2', '--alpha', '0.5', '--max-iter', '10', '--tol', '0'];

describe('orientation of CSV/TSV inputs', () => {
  let rowsT: string;
  let rowsB: string;
  let colsT: string;
  let colsB: string;
  before(() => {
    rowsT = join(dir, 'rows-target.csv');
    rowsB = join(dir, 'rows-background.csv');
    colsT = join(dir, 'cols-target.csv');
    colsB = join(dir, 'cols-background.csv');
    writeTable(rowsT, p.targetNames, p.features, p.target, true);
    writeTable(rowsB, p.backgroundNames, p.features, p.background, true);
    writeTable(colsT, p.targetNames, p.features, p.target);
    writeTable(colsB, p.backgroundNames, p.features, p.background);
  });

  it('detects features in rows and says so; the fit equals the samples-in-rows one', async () => {
    const a = await run(['fit', '--target', rowsT, '--background', rowsB, ...fitArgs, '--out', join(dir, 'auto')]);
    assert.equal(a.code, 0, a.err);
    assert.match(a.err, /bcnmf fit: features in rows \(detected: the two files share 8 row names \(features\) and 0 column names\)/);
    const b = await run(['fit', '--target', colsT, '--background', colsB, ...fitArgs, '--out', join(dir, 'plain')]);
    assert.equal(b.code, 0, b.err);
    assert.doesNotMatch(b.err, /features in rows/);
    assert.deepEqual(readCsv(join(dir, 'auto', 'H_target.csv')), readCsv(join(dir, 'plain', 'H_target.csv')));
  });

  it('files whose names are shared on both sides are not guessed: exit 2 asking for --orientation, nothing written; an explicit one fits', async () => {
    // the same sample names in both files, and most features shared: either side could be the features
    const same = join(dir, 'same-samples-background.csv');
    writeTable(same, p.targetNames.slice(0, p.background.length), [...p.features.slice(0, -1), 'other'], p.background);
    const r = await run(['fit', '--target', colsT, '--background', same, ...fitArgs, '--align', 'name', '--out', join(dir, 'never0')]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /cannot tell how the CSV\/TSV files lie: .*cols-target\.csv and .*same-samples-background\.csv: the two files share both \d+ row names and 7 column names, so either could be the features; pass --orientation samples-in-rows or --orientation features-in-rows/);
    assert.equal(existsSync(join(dir, 'never0')), false);
    const given = await run(['fit', '--target', colsT, '--background', same, ...fitArgs, '--orientation', 'samples-in-rows', '--out', join(dir, 'never0')]);
    assert.equal(given.code, 2);
    assert.match(given.err, /have different features: .*same-samples-background\.csv has 1 feature that .*cols-target\.csv lacks \('other'\)/);
  });

  it('a forced samples-in-rows on files with features in rows: the hint is --orientation features-in-rows (exit 2)', async () => {
    const r = await run(['fit', '--target', rowsT, '--background', rowsB, ...fitArgs, '--orientation', 'samples-in-rows', '--out', join(dir, 'never1')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /they share no feature name .*but they share 8 row names: the features are in rows, so read them with --orientation features-in-rows \(or leave out --orientation samples-in-rows: auto detects it\)/);
    assert.doesNotMatch(r.err, /--features PATTERN|is one of them oriented/);
    assert.equal(existsSync(join(dir, 'never1')), false);
  });

  it('--features-in-rows on files with samples in rows: the hint is --orientation samples-in-rows (exit 2)', async () => {
    const r = await run(['fit', '--target', colsT, '--background', colsB, ...fitArgs, '--features-in-rows', '--out', join(dir, 'never2')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /but they share 8 column names: the features are in columns, so read them with --orientation samples-in-rows \(or leave out --features-in-rows: auto detects it\)/);
  });

  it('files that match on neither side: no orientation hint, since reading them the other way would not help', async () => {
    const other = join(dir, 'other.csv');
    writeTable(other, p.backgroundNames.map((n) => `x${n}`), p.features.map((f) => `y${f}`), p.background);
    const r = await run(['fit', '--target', colsT, '--background', other, ...fitArgs, '--out', join(dir, 'never3')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /they share no feature name .*nor do their row names match, so reading them the other way would not help/);
    assert.doesNotMatch(r.err, /--orientation features-in-rows/);
  });

  describe('bcnmf transform', () => {
    let model: string;
    before(async () => {
      const r = await run(['fit', '--target', colsT, '--background', colsB, ...fitArgs, '--out', join(dir, 'model'), '--quiet']);
      assert.equal(r.code, 0, r.err);
      model = join(dir, 'model', 'model.json');
    });

    it('detects an input with features in rows from the model\'s feature names, and says so', async () => {
      const a = await run(['transform', '--model', model, '--input', rowsT, '--out', join(dir, 't-rows.csv')]);
      assert.equal(a.code, 0, a.err);
      assert.match(a.err, /bcnmf transform: features in rows \(detected: its row names hold 8 of the model's 8 features, its column names 0\)/);
      const b = await run(['transform', '--model', model, '--input', colsT, '--out', join(dir, 't-cols.csv')]);
      assert.equal(b.code, 0, b.err);
      assert.doesNotMatch(b.err, /features in rows/);
      assert.deepEqual(readCsv(join(dir, 't-rows.csv')), readCsv(join(dir, 't-cols.csv')));
    });

    it('a forced wrong orientation gets the flag that reads it right', async () => {
      const r = await run(['transform', '--model', model, '--input', rowsT, '--orientation', 'samples-in-rows', '--out', join(dir, 't-never.csv')]);
      assert.equal(r.code, 2);
      assert.match(r.err, /does not fit the model: it lacks 8 of the model's 8 features .*its row names are 100% of the model's features, so read it with --orientation features-in-rows \(or leave out --orientation samples-in-rows: auto detects it\)/);
      const s = await run(['transform', '--model', model, '--input', colsT, '--features-in-rows', '--out', join(dir, 't-never2.csv')]);
      assert.equal(s.code, 2);
      assert.match(s.err, /its column names are 100% of the model's features, so read it with --orientation samples-in-rows \(or leave out --features-in-rows: auto detects it\)/);
    });
  });
});
