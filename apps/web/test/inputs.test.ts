// The page's inputs (src/inputs.ts) in Node: files read with @bcnmf/data/browser, the
// orientation chosen, features matched by the data package's rule, labels matched.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DenseMatrix } from '@bcnmf/core';
import { toCategorical, writeH5ad } from '@bcnmf/data';
import { alignInputs, chooseOrientation, defaultLabelColumn, describeMatrix, labelsFromFile, labelsProblem, matrixOf, readInputFile, readLabelsTable, sampleNamesOf } from '../src/inputs.js';

const blob = (text: string) => new Blob([text]);

describe('the page inputs', () => {
  it('reads CSV files, tells features in rows from their names, and reads them so', async () => {
    const target = await readInputFile(blob(',t0,t1,t2\npixel_0,1,2,3\npixel_1,4,5,6\n'), 'target.csv');
    const background = await readInputFile(blob(',b0,b1\npixel_0,1,2\npixel_1,4,5\n'), 'background.csv');
    const { orientation, note } = chooseOrientation('auto', target, background);
    assert.equal(orientation, 'features-in-rows');
    assert.equal(note, 'detected: features in rows, because the two files share 2 row names (features) and 0 column names');
    const t = await matrixOf(target, orientation);
    assert.deepEqual(t.matrix.toArray(), [[1, 4], [2, 5], [3, 6]]);
    assert.ok(t.matrix.data instanceof Float32Array);
    assert.deepEqual(sampleNamesOf(t.matrix), ['t0', 't1', 't2']);
    assert.equal(await matrixOf(target, orientation), t, 'read once per orientation');
    // the other way round: samples in rows, whose features then differ: refused, with the page's choices
    const [t2, b2] = await Promise.all([matrixOf(target, 'samples-in-rows'), matrixOf(background, 'samples-in-rows')]);
    assert.throws(() => alignInputs(t2, b2, 'exact'), {
      message:
        "target.csv and background.csv have different features: they share no feature name (target.csv: 3 features, e.g. 't0'; background.csv: 2, e.g. 'b0'); " +
        'is one of them oriented the other way (features in rows)? Give both the same features.',
    });
  });

  it('names shared in part on both sides: not guessed, the user is asked to choose; one file twice is the usual layout', async () => {
    const table = (features: string[]) => `cell,${features.join(',')}\n${Array.from({ length: 12 }, (_, i) => `cell_${i},${features.map(() => '1').join(',')}`).join('\n')}\n`;
    const g = ['g0', 'g1', 'g2', 'g3', 'g4'];
    const target = await readInputFile(blob(table(g)), 'sT.csv');
    // 10 of the 12 cells, 4 of the 5 genes (and one other): neither side is the same set
    const background = await readInputFile(blob(table([...g.slice(0, 4), 'h4']).split('\n').slice(0, 11).join('\n') + '\n'), 'sB.csv');
    const chosen = chooseOrientation('auto', target, background);
    assert.equal(chosen.note, 'not detected: choose one');
    assert.equal(chosen.ambiguous, 'Cannot tell how sT.csv and sB.csv lie: the two files share both 10 row names and 4 column names, so either could be the features. Choose "samples in rows" or "features in rows" under Orientation.');
    // one file as target and background: the usual layout, said
    const same = chooseOrientation('auto', target, target);
    assert.equal(same.ambiguous, undefined);
    assert.equal(same.note, 'detected: samples in rows, because the two files share all 12 row names and all 5 column names, which tells nothing: the usual layout');
    assert.equal(chooseOrientation('samples-in-rows', target, background).ambiguous, undefined);
  });

  it('samples in rows: number columns are features, text and label-named columns are label choices', async () => {
    const target = await readInputFile(blob('sample,g1,g2,group,digit\ns1,1,2,A,0\ns2,3,NA,B,1\n'), 'cells.csv');
    const m = await matrixOf(target, chooseOrientation('auto', target, null).orientation);
    assert.deepEqual(m.matrix.columnNames, ['g1', 'g2']);
    assert.equal(m.missingCount, 1);
    assert.deepEqual({ ...m.annotations }, { group: ['A', 'B'], digit: ['0', '1'] });
    assert.equal(describeMatrix(m), '2 samples x 2 features, 1 missing value');
    const one = await matrixOf(await readInputFile(blob('sample,g1\ns1,1\n'), 'one.csv'), 'samples-in-rows');
    assert.equal(describeMatrix(one), '1 sample x 1 feature');
  });

  it('matches features by the chosen rule, saying what it did', async () => {
    const target = await matrixOf(await readInputFile(blob('s,a,b,c\nt1,1,2,3\n'), 't.csv'), 'samples-in-rows');
    const background = await matrixOf(await readInputFile(blob('s,c,a,x\nb1,6,4,0\n'), 'b.csv'), 'samples-in-rows');
    assert.throws(
      () => alignInputs(target, background, 'exact'),
      (e: unknown) =>
        (e as Error).message ===
        "t.csv and b.csv have different features: b.csv lacks 1 of the 3 features of t.csv ('b'); b.csv has 1 feature that t.csv lacks ('x'). " +
          "To keep the 2 features both have, in the order of t.csv, choose 'by name' under Feature matching; or to take the 3 features as the same ones in file order, choose 'by position' under Feature matching.",
    );
    const byName = alignInputs(target, background, 'name');
    assert.deepEqual(byName.background.toArray(), [[4, 6]]);
    assert.match(byName.note!, /^kept the 2 features that t\.csv and b\.csv share/);
    assert.deepEqual(alignInputs(target, background, 'position').background.columnNames, ['a', 'b', 'c']);
  });

  it('reads .h5ad files (by name or by the HDF5 signature) with obs columns as label choices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bcnmf-web-inputs-'));
    try {
      const path = join(dir, 'cells.h5ad');
      await writeH5ad(path, {
        X: DenseMatrix.fromRows([[1, 0], [0, 2], [3, 1]], { rowNames: ['c1', 'c2', 'c3'], columnNames: ['g1', 'g2'] }),
        obs: { n_counts: [10.5, 20.25, 30], condition: toCategorical(['x', 'y', 'x']), depth: [1, 2, 3] },
      });
      const bytes = readFileSync(path);
      for (const name of ['cells.h5ad', 'cells.bin']) {
        const input = await readInputFile(new Blob([bytes]), name);
        assert.equal(input.kind, 'matrix');
        const m = await matrixOf(input, 'features-in-rows');
        assert.deepEqual(m.matrix.toArray(), [[1, 0], [0, 2], [3, 1]]);
        assert.deepEqual({ ...m.annotations }, { n_counts: ['10.5', '20.25', '30'], condition: ['x', 'y', 'x'], depth: ['1', '2', '3'] });
        // the page's default labels: the categorical, not the first obs column (one value per cell)
        assert.equal(defaultLabelColumn(m.annotations), 'condition');
        assert.match(labelsProblem(m.annotations.n_counts, 'column "n_counts" of cells.h5ad')!, /hold 3 distinct values for 3 samples/);
        // an orientation chosen for .h5ad files says it is not used, rather than "as chosen"
        assert.deepEqual(chooseOrientation('features-in-rows', input, input), {
          orientation: 'samples-in-rows',
          note: 'not used: only CSV/TSV files have an orientation (an .h5ad holds samples in rows)',
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad files with the messages of the data package', async () => {
    await assert.rejects(readInputFile(blob('sample,g1,g2\ns1,1,2\ns2,3\n'), 'ragged.csv'), { message: 'ragged.csv: line 3 (data row 2) has 2 fields but the header has 3' });
    await assert.rejects(readInputFile(blob('this is not HDF5 at all'), 'broken.h5ad'), { message: 'broken.h5ad: not an HDF5 file (no HDF5 signature)' });
    await assert.rejects(readInputFile(blob(''), 'empty.csv'), { message: 'empty.csv: the file is empty (no header row)' });
    const words = await readInputFile(blob(',s1,s2\ng1,1,abc\n'), 'w.csv');
    await assert.rejects(matrixOf(words, 'features-in-rows'), { message: 'w.csv: line 2, column 3 "s2": "abc" is not a number' });
  });

  it('matches a labels file to the target samples by name', async () => {
    const table = await readLabelsTable(blob('sample,digit\nb,1\na,0\n'), 'labels.csv');
    assert.deepEqual(labelsFromFile(table, 'labels.csv', ['a', 'b']), { labels: ['0', '1'], how: 'labels.csv: matched all 2 samples by name' });
    assert.equal(labelsFromFile(table, 'labels.csv', ['b']).how, 'labels.csv: matched the one sample by name');
    assert.throws(() => labelsFromFile(table, 'labels.csv', ['a', 'c']), { message: "labels.csv has no label for 1 target samples ('c')" });
  });
});

describe('a file whose name does not say its delimiter', () => {
  it('is told to be named .csv or .tsv (the page has no delimiter option)', async () => {
    await assert.rejects(readInputFile(blob('a b c\n1 2 3\n'), 'table.dat'), (e: Error) => /table\.dat: cannot tell the delimiter .*; name the file \.csv \(commas\) or \.tsv \(tabs\)$/.test(e.message) && !/delimiter option/.test(e.message));
  });
});
