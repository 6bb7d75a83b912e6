import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FileFormatError,
  detectDelimiter,
  guessOrientation,
  parseDelimited,
  readDelimitedTable,
  readLabelsFile,
  tableToMatrix,
} from '../src/csv.js';
import { alignFeatures } from '../src/align.js';

describe('parseDelimited', () => {
  it('reads RFC 4180: quotes, doubled quotes, delimiters and line breaks in quotes, CRLF, BOM', () => {
    const text = '\uFEFFname,"a,b",c\r\n"x ""1""",1,"2\n3"\r\n\r\ny,4,5';
    assert.deepEqual(parseDelimited(text, ','), [
      ['name', 'a,b', 'c'],
      ['x "1"', '1', '2\n3'],
      ['y', '4', '5'],
    ]);
  });
  it('keeps empty fields and reads tabs', () => {
    assert.deepEqual(parseDelimited('a\t\tc\n\t2\t\n', '\t'), [['a', '', 'c'], ['', '2', '']]);
  });
  it('refuses an unclosed quote and text after a closing quote, naming the line', () => {
    assert.throws(() => parseDelimited('a,b\n1,"2\n3,4\n', ',', 'f.csv'), { name: 'FileFormatError', message: 'f.csv: the quote opened on line 2 is never closed' });
    assert.throws(() => parseDelimited('a,b\n1,"2"x\n', ',', 'f.csv'), { message: 'f.csv, line 2: unexpected character "x" after a closing quote' });
  });
  it('detects the delimiter by extension, else by the first line', () => {
    assert.equal(detectDelimiter('x.csv', 'a\tb'), ',');
    assert.equal(detectDelimiter('x.TSV', 'a,b'), '\t');
    assert.equal(detectDelimiter('x.txt', 'a\tb\tc'), '\t');
    assert.equal(detectDelimiter('x.dat', 'a;b;c'), ';');
  });
});

describe('readDelimitedTable and tableToMatrix', () => {
  const csv = 'cell,g1,g2,type\nc1,1,2,T\nc2,3,NA,B\nc3,5,6,T\n';
  it('samples in rows: numeric columns are features, text columns annotations, NA missing', () => {
    const table = readDelimitedTable(csv, 'cells.csv');
    assert.deepEqual(table.rowNames, ['c1', 'c2', 'c3']);
    const m = tableToMatrix(table, 'samples-in-rows');
    assert.deepEqual([m.rows, m.columns], [3, 2]);
    assert.deepEqual(m.featureNames, ['g1', 'g2']);
    assert.deepEqual(Array.from(m.data), [1, 2, 3, NaN, 5, 6]);
    assert.equal(m.missingCount, 1);
    assert.deepEqual(m.annotations, { type: ['T', 'B', 'T'] });
  });
  it('a numeric column named like a label is a label, not a feature', () => {
    const m = tableToMatrix(readDelimitedTable('s,p1,p2,digit\na,0.5,1,0\nb,1,0,1\n', 'x.csv'), 'samples-in-rows');
    assert.deepEqual(m.featureNames, ['p1', 'p2']);
    assert.deepEqual(m.annotations.digit, ['0', '1']);
  });
  it('features in rows: transposed to samples x features', () => {
    const table = readDelimitedTable(',s1,s2,s3\npixel_0,1,2,3\npixel_1,4,5,6\n', 'img.csv');
    const m = tableToMatrix(table, 'features-in-rows');
    assert.deepEqual([m.rows, m.columns], [3, 2]);
    assert.deepEqual(m.sampleNames, ['s1', 's2', 's3']);
    assert.deepEqual(m.featureNames, ['pixel_0', 'pixel_1']);
    assert.deepEqual(Array.from(m.data), [1, 4, 2, 5, 3, 6]);
  });
  it('a file without a names column', () => {
    const m = tableToMatrix(readDelimitedTable('a\tb\n1\t2\n3\t4\n', 'n.tsv'), 'samples-in-rows');
    assert.deepEqual(m.sampleNames, ['sample_1', 'sample_2']);
    assert.deepEqual(Array.from(m.data), [1, 2, 3, 4]);
  });
  it('refuses bad files with the place named', () => {
    assert.throws(() => readDelimitedTable('', 'e.csv'), { message: 'e.csv is empty' });
    assert.throws(() => readDelimitedTable('a,b\n', 'h.csv'), /h\.csv has a header but no data rows/);
    assert.throws(() => readDelimitedTable('s,a,b\nx,1,2\ny,3\n', 'r.csv'), { message: 'r.csv, data row 2: 2 fields but the header has 3' });
    const words = readDelimitedTable(',s1,s2\ng1,1,abc\n', 'w.csv');
    assert.throws(() => tableToMatrix(words, 'features-in-rows'), { message: 'w.csv, data row 1 (g1), column "s2": "abc" is not a number' });
    assert.throws(() => tableToMatrix(readDelimitedTable('s,t\na,x\nb,y\n', 't.csv'), 'samples-in-rows'), /no numeric column/);
    assert.ok(new FileFormatError('x') instanceof Error);
  });
});

describe('guessOrientation', () => {
  it('shared row names mean features in rows (the MNIST-on-patches layout)', () => {
    const t = readDelimitedTable(',t0,t1,t2\npixel_0,1,2,3\npixel_1,4,5,6\n', 't.csv');
    const b = readDelimitedTable(',b0,b1\npixel_0,1,2\npixel_1,4,5\n', 'b.csv');
    const guess = guessOrientation(t, b);
    assert.equal(guess.orientation, 'features-in-rows');
    assert.match(guess.reason, /share 2 row names/);
  });
  it('shared column names mean samples in rows', () => {
    const t = readDelimitedTable('cell,g1,g2\nc1,1,2\nc2,3,4\n', 't.csv');
    const b = readDelimitedTable('cell,g1,g2\nd1,1,2\n', 'b.csv');
    assert.equal(guessOrientation(t, b).orientation, 'samples-in-rows');
  });
  it('without shared names: by equal row or column counts; alone: samples in rows', () => {
    const t = readDelimitedTable('1,2\n3,4\n5,6\n', 't.csv');
    const b = readDelimitedTable('7,8,9\n1,2,3\n3,4,5\n', 'b.csv');
    assert.equal(guessOrientation(t, b).orientation, 'features-in-rows');
    assert.equal(guessOrientation(t, null).orientation, 'samples-in-rows');
  });
});

describe('readLabelsFile', () => {
  it('matches labels to samples by name, skipping a header', () => {
    const got = readLabelsFile('sample,digit\nb,1\na,0\n', 'l.csv', ['a', 'b']);
    assert.deepEqual(got.labels, ['0', '1']);
    assert.match(got.how, /matched all 2 samples by name/);
  });
  it('takes labels in order when no names match and the counts agree', () => {
    assert.deepEqual(readLabelsFile('x,T\ny,B\n', 'l.csv', ['a', 'b']).labels, ['T', 'B']);
  });
  it('refuses partial or unmatched label files', () => {
    assert.throws(() => readLabelsFile('s,l\na,1\n', 'l.csv', ['a', 'b']), { message: 'l.csv: labels for 1 of 2 samples; missing for b' });
    assert.throws(() => readLabelsFile('s,l\nx,1\ny,2\nz,3\n', 'l.csv', ['a', 'b']), /none of its 4 sample names is a target sample/);
  });
});

describe('alignFeatures', () => {
  const m = (names: string[], rows: number[][]) => ({
    data: Float32Array.from(rows.flat()),
    shape: [rows.length, names.length] as [number, number],
    sampleNames: rows.map((_, i) => `s${i}`),
    featureNames: names,
  });
  it('equal names pass; other orders are reordered; common features kept', () => {
    const t = m(['a', 'b', 'c'], [[1, 2, 3]]);
    assert.equal(alignFeatures(t, m(['a', 'b', 'c'], [[4, 5, 6]])).note, null);
    const r = alignFeatures(t, m(['c', 'a', 'b'], [[6, 4, 5]]));
    assert.deepEqual(Array.from(r.background.data), [4, 5, 6]);
    const common = alignFeatures(t, m(['c', 'x', 'a'], [[6, 0, 4]]));
    assert.deepEqual(common.target.featureNames, ['a', 'c']);
    assert.deepEqual(Array.from(common.target.data), [1, 3]);
    assert.deepEqual(Array.from(common.background.data), [4, 6]);
    assert.match(common.note!, /2 features in common; dropped 1 target-only and 1 background-only/);
  });
  it('refuses data without common features (of different counts)', () => {
    assert.throws(() => alignFeatures(m(['a', 'b'], [[1, 2]]), m(['x'], [[1]])), /no feature in common/);
  });
});
