import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { scanDelimited } from '../../src/formats/delimited-layout.js';
import { parseDelimited } from '../../src/formats/delimited-table.js';
import { labelsForSamples } from '../../src/formats/labels.js';
import { detectOrientation } from '../../src/formats/orientation.js';

const scan = (text: string, name: string) => scanDelimited(text, { name, namesColumn: 'auto' });

describe('detectOrientation', () => {
  it('shared row names mean features in rows (the MNIST-on-patches layout)', async () => {
    const t = await scan(',t0,t1,t2\npixel_0,1,2,3\npixel_1,4,5,6\n', 't.csv');
    const b = await scan(',b0,b1\npixel_0,1,2\npixel_1,4,5\n', 'b.csv');
    assert.deepEqual(detectOrientation(t, b), {
      orientation: 'features-in-rows',
      reason: 'the two files share 2 row names (features) and 0 column names',
    });
  });
  it('the side whose names are (nearly) the same set wins: features in rows, where sample names coincide in part', async () => {
    const t = await scan(',0,1,2\ng1,1,2,3\ng2,4,5,6\ng3,7,8,9\ng4,1,1,1\n', 't.csv');
    const b = await scan(',0,1\ng1,1,2\ng2,4,5\ng3,7,8\ng4,1,1\n', 'b.csv');
    assert.equal(detectOrientation(t, b).orientation, 'features-in-rows');
  });
  it('samples named alike in both files (a pandas index) do not turn a samples-in-rows pair around', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `s${i},1,2,3`).join('\n');
    const t = await scan(`sample,f0,f1,f2\n${rows(30)}\n`, 't.csv');
    const b = await scan(`sample,f0,f1,f2\n${rows(25)}\n`, 'b.csv');
    assert.deepEqual(detectOrientation(t, b), { orientation: 'samples-in-rows', reason: 'the two files share 3 column names (features)' });
  });
  it("row names 0, 1, 2, ... in both files (pandas' default index) are not taken for shared features", async () => {
    const table = (prefix: string, n: number, first = 0) =>
      `,${[0, 1, 2].map((j) => `${prefix}${j}`).join(',')}\n${Array.from({ length: n }, (_, i) => `${i + first},1,2,3`).join('\n')}\n`;
    // as many samples in both, features named apart: nothing says features in rows
    assert.deepEqual(detectOrientation(await scan(table('g', 10), 't.csv'), await scan(table('h', 10), 'b.csv')), {
      orientation: 'samples-in-rows',
      reason: 'the usual layout (their row names are a plain index 0, 1, 2, ..., which says nothing)',
    });
    // also counted from 1; and the counts still decide where they differ
    assert.equal(detectOrientation(await scan(table('g', 10, 1), 't.csv'), await scan(table('h', 10, 1), 'b.csv')).orientation, 'samples-in-rows');
    assert.deepEqual(detectOrientation(await scan(table('g', 10), 't.csv'), await scan(`,a,b\n${Array.from({ length: 10 }, (_, i) => `${i},1,2`).join('\n')}\n`, 'b.csv')), {
      orientation: 'features-in-rows',
      reason: 'the two files have the same number of rows (their row names are a plain index 0, 1, 2, ..., which says nothing)',
    });
    // names that are not an index still decide
    const genes = (n: number) => `,t0,t1\n${Array.from({ length: n }, (_, i) => `${i + 5},1,2`).join('\n')}\n`;
    assert.equal(detectOrientation(await scan(genes(6), 't.csv'), await scan(genes(6).replace(',t0,t1', ',b0,b1'), 'b.csv')).orientation, 'features-in-rows');
  });

  it('names shared on both sides: the side that is the same set tells the features; two partial matches are ambiguous (the reader asks); a full tie is the usual layout, said', async () => {
    const table = (cells: number, features: string[]) => `cell,${features.join(',')}\n${Array.from({ length: cells }, (_, i) => `cell_${i + 1},${features.map(() => '1').join(',')}`).join('\n')}\n`;
    const g = Array.from({ length: 10 }, (_, j) => `g${j}`);
    // the same 40 cell names and the same 10 genes in both files (one file twice, a paired design): the usual layout, said as a tie
    assert.deepEqual(detectOrientation(await scan(table(40, g), 't.csv'), await scan(table(40, g), 'b.csv')), {
      orientation: 'samples-in-rows',
      reason: 'the two files share all 40 row names and all 10 column names, which tells nothing: the usual layout',
      tie: true,
    });
    // 8 of 10 genes shared, 32 of 40 cells: neither side is the same set
    const some = await scan(table(32, [...g.slice(0, 8), 'h8', 'h9']), 'b.csv');
    assert.deepEqual(detectOrientation(await scan(table(40, g), 't.csv'), some), {
      orientation: 'features-in-rows',
      reason: 'the two files share both 32 row names and 8 column names, so either could be the features',
      ambiguous: true,
    });
    // the same genes, cells named alike in part (files of 40 and 30): the usual layout, no doubt
    assert.deepEqual(detectOrientation(await scan(table(40, g), 't.csv'), await scan(table(30, g), 'b.csv')), { orientation: 'samples-in-rows', reason: 'the two files share 10 column names (features)' });
    // the same 40 names on the rows, 8 of 12 on the columns: the rows are the features
    const rowsSame = detectOrientation(await scan(table(40, g), 't.csv'), await scan(table(40, [...g.slice(0, 8), 'h8', 'h9']), 'b.csv'));
    assert.deepEqual(rowsSame, { orientation: 'features-in-rows', reason: 'the two files share 40 row names (features) and 8 column names' });
    // features in rows with a plain index 0..n-1 as sample headers in both (pandas df.T.to_csv()): the rows
    const transposed = (n: number) => `,${Array.from({ length: n }, (_, i) => i).join(',')}\n${g.map((gene) => `${gene},${Array.from({ length: n }, () => '1').join(',')}`).join('\n')}\n`;
    assert.equal(detectOrientation(await scan(transposed(12), 't.csv'), await scan(transposed(12), 'b.csv')).orientation, 'features-in-rows');
  });

  it('shared column names mean samples in rows', async () => {
    const t = await scan('cell,g1,g2\nc1,1,2\nc2,3,4\n', 't.csv');
    const b = await scan('cell,g1,g2\nd1,1,2\n', 'b.csv');
    assert.deepEqual(detectOrientation(t, b), { orientation: 'samples-in-rows', reason: 'the two files share 2 column names (features)' });
  });
  it('without shared names: by equal column or row counts; alone: samples in rows', async () => {
    const t = await scan('1,2\n3,4\n5,6\n', 't.csv');
    const b = await scan('7,8,9\n1,2,3\n3,4,5\n', 'b.csv');
    assert.equal(t.namesColumn, false);
    assert.equal(detectOrientation(t, b).orientation, 'features-in-rows');
    assert.equal(detectOrientation(t, await scan('7,8\n1,2\n', 'c.csv')).orientation, 'samples-in-rows');
    assert.deepEqual(detectOrientation(t, null), { orientation: 'samples-in-rows', reason: 'the usual layout (nothing in the files says otherwise)' });
  });
});

describe('labelsForSamples', () => {
  const read = (text: string) => parseDelimited(text, { name: 'l.csv', features: [] });
  it('matches labels to samples by name; the file may hold more samples', async () => {
    const table = await read('sample,digit,other\nb,1,x\na,0,y\nz,1,z\n');
    assert.deepEqual(labelsForSamples(table, ['a', 'b'], { source: 'l.csv' }), ['0', '1']);
    assert.deepEqual(labelsForSamples(table, ['a', 'b'], { column: 'other' }), ['y', 'x']);
  });
  it('refuses a missing column, samples without labels, and conflicting labels', async () => {
    const table = await read('s,l\na,1\n');
    const refused = (pattern: RegExp) => (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA' && pattern.test(e.message);
    assert.throws(() => labelsForSamples(table, ['a', 'b', 'c', 'd', 'e'], { source: 'l.csv' }), refused(/^l\.csv has no label for 4 target samples \('b', 'c', 'd' and 1 more\)$/));
    assert.throws(() => labelsForSamples(table, ['a'], { column: 'x', source: 'l.csv' }), refused(/l\.csv has no column 'x' \(it has 'l'\)/));
    assert.throws(() => labelsForSamples(table, ['a'], { column: 'x' }), refused(/^the labels has no column/));
    const noLabels = await parseDelimited('s,l\na,1\n', { name: 'l.csv', features: ['l'] });
    assert.throws(() => labelsForSamples(noLabels, ['a']), refused(/has no label column/));
    const twice = await read('s,l\na,1\na,2\n');
    assert.throws(() => labelsForSamples(twice, ['a'], { source: 'l.csv' }), refused(/l\.csv: sample 'a' has two different labels/));
    // an empty label is no label (it would be a class of its own in the ARI); the file's other samples may have none
    const blanks = await read('s,l\na,1\nb,\nc, \nd,\n');
    assert.throws(() => labelsForSamples(blanks, ['a', 'b', 'c'], { source: 'l.csv' }), refused(/^l\.csv: the label of 2 target samples is empty \('b', 'c'\); every target sample needs a label/));
    assert.deepEqual(labelsForSamples(blanks, ['a'], { source: 'l.csv' }), ['1']);
  });
});
