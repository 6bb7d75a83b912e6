// The delimited reader on text (parseDelimited, scanDelimited: the browser entry's), the
// same reader as readDelimited on files: same tables, same messages, whatever holds the text.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BcnmfError } from '@bcnmf/core';
import { readDelimited } from '../../src/formats/delimited.js';
import { scanDelimited } from '../../src/formats/delimited-layout.js';
import { parseDelimited } from '../../src/formats/delimited-table.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bcnmf-delimited-text-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function refused(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof BcnmfError, `expected a BcnmfError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  };
}

const MICE = fileURLToPath(new URL('../../../../../shared/datasets/mice-protein/Data_Cortex_Nuclear.csv', import.meta.url));
const CSV = '\uFEFFcell,g1,"g,2",type\r\nc1,1.5,2,T\r\n"c ""2""",3,NA,B\r\nc3,inf,-0,T\r\n';
const bytes = new TextEncoder().encode(CSV);

function streamOf(data: Uint8Array, pieces: number): ReadableStream<Uint8Array> {
  const size = Math.ceil(data.length / pieces);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= data.length) controller.close();
      else controller.enqueue(data.subarray(at, (at += size)));
    },
  });
}

describe('parseDelimited', () => {
  it('gives the table readDelimited gives, from a string, bytes, a Blob, a byte stream and gzip bytes', async () => {
    const path = join(dir, 'cells.csv');
    writeFileSync(path, CSV);
    const options = { features: ['g1', 'g,2'] };
    const expected = await readDelimited(path, options);
    assert.deepEqual(expected.matrix.toArray(), [[1.5, 2], [3, NaN], [Infinity, -0]]);
    assert.deepEqual(expected.matrix.rowNames, ['c1', 'c "2"', 'c3']);
    const gz = gzipSync(bytes);
    const inputs: Array<[string, Parameters<typeof parseDelimited>[0], string]> = [
      ['string', CSV, 'cells.csv'],
      ['bytes', bytes, 'cells.csv'],
      ['ArrayBuffer', bytes.slice().buffer, 'cells.csv'],
      ['Blob', new Blob([bytes]), 'cells.csv'],
      ['stream in 7 pieces (a UTF-8 sequence and rows cut)', streamOf(bytes, 7), 'cells.csv'],
      ['gzip bytes', gz, 'cells.csv.gz'],
      ['gzip Blob', new Blob([gz]), 'cells.csv.gz'],
    ];
    for (const [what, input, name] of inputs) {
      const got = await parseDelimited(input, { ...options, name });
      assert.deepEqual(got.matrix.toArray(), expected.matrix.toArray(), what);
      assert.deepEqual(got.matrix.rowNames, expected.matrix.rowNames, what);
      assert.deepEqual(got.matrix.columnNames, expected.matrix.columnNames, what);
      assert.deepEqual(got.annotations, expected.annotations, what);
      assert.equal(got.missingCount, 1, what);
    }
  });

  it('reads the real mouse protein file as readDelimited does', { skip: existsSync(MICE) ? false : `no ${MICE}` }, async () => {
    const a = await readDelimited(MICE, { features: /_N$/ });
    const b = await parseDelimited(new Uint8Array(readFileSync(MICE)), { name: 'Data_Cortex_Nuclear.csv', features: /_N$/ });
    assert.deepEqual(b.matrix.shape, [1080, 77]);
    assert.deepEqual(Array.from(b.matrix.data).map(String), Array.from(a.matrix.data).map(String));
    assert.deepEqual(b.annotations, a.annotations);
    // 'numeric' finds the same 77 features: the four text columns become annotations
    const numeric = await parseDelimited(readFileSync(MICE, 'utf8'), { name: 'mice.csv', features: 'numeric' });
    assert.deepEqual(numeric.matrix.columnNames, a.matrix.columnNames);
    assert.deepEqual(Object.keys(numeric.annotations), ['Genotype', 'Treatment', 'Behavior', 'class']);
    assert.equal(numeric.missingCount, 1396);
  });

  it("features: 'numeric': number columns are features; text columns and label-named ones are annotations", async () => {
    const text = 's,p1,p2,digit,kind\na,0.5,1,0,x\nb,1,,1,y\n';
    const { matrix, annotations, missingCount } = await parseDelimited(text, { name: 'x.csv', features: 'numeric' });
    assert.deepEqual(matrix.columnNames, ['p1', 'p2']);
    assert.deepEqual(matrix.toArray(), [[0.5, 1], [1, NaN]]);
    assert.equal(missingCount, 1);
    assert.deepEqual({ ...annotations }, { digit: ['0', '1'], kind: ['x', 'y'] });
    await assert.rejects(parseDelimited('s,t\na,x\nb,y\n', { name: 't.csv', features: 'numeric' }), refused('INVALID_DATA', /t\.csv: no numeric column/));
    await assert.rejects(
      parseDelimited(text, { name: 'x.csv', features: 'numeric', orientation: 'features-in-rows' }),
      refused('INVALID_OPTION', /needs orientation 'samples-in-rows'/),
    );
  });

  it("features: 'numeric' refuses a number column with stray text, or numbers written with a comma, instead of making it an annotation", async () => {
    const rows = (cell: (i: number) => string) => ['s,g0,g1,group', ...Array.from({ length: 6 }, (_, i) => `t${i},${cell(i)},${i},${i % 2 ? 'A' : 'B'}`)].join('\n') + '\n';
    // one text cell among counts: line 5 is data row 4
    await assert.rejects(parseDelimited(rows((i) => (i === 3 ? 'x' : String(i))), { name: 'cnt.csv', features: 'numeric' }),
      refused('INVALID_DATA', /cnt\.csv: column "g0" holds numbers \(5 cells\) and text \(1\), first at line 5: "x"; a feature column holds numbers only/));
    // a decimal comma (quoted, as a CSV must) or thousands separators, in every cell or in one
    await assert.rejects(parseDelimited(rows((i) => `"1,${i}35"`), { name: 'k.csv', features: 'numeric' }),
      refused('INVALID_DATA', /k\.csv: line 2, column "g0": "1,035" is a number written with a comma \(a decimal comma or thousands separators\); write numbers with '\.' as the decimal point/));
    await assert.rejects(parseDelimited(rows((i) => (i === 2 ? '"2,5"' : String(i))), { name: 'c.csv', features: 'numeric' }),
      refused('INVALID_DATA', /c\.csv: line 4, column "g0": "2,5" is a number written with a comma/));
    // an assay column mostly 'ND' (not detected) with a few numbers is refused too, not made the labels
    await assert.rejects(parseDelimited(rows((i) => (i < 4 ? 'ND' : String(i / 10))), { name: 'assay.csv', features: 'numeric' }),
      refused('INVALID_DATA', /assay\.csv: column "g0" holds numbers \(2 cells\) and text \(4\), first at line 2: "ND"/));
    // pandas' and Excel's missing-value texts are missing values, not text
    const marks = await parseDelimited(rows((i) => ['#N/A', 'NULL', 'None', '<NA>', 'n/a', '3'][i]), { name: 'm.csv', features: 'numeric' });
    assert.deepEqual(marks.matrix.columnNames, ['g0', 'g1']);
    assert.equal(marks.missingCount, 5);
    // a column of text stays an annotation; a label-named one too, whatever it holds
    const text = await parseDelimited(rows((i) => `note ${i}`), { name: 'a.csv', features: 'numeric' });
    assert.deepEqual(text.matrix.columnNames, ['g1']);
    assert.deepEqual(Object.keys(text.annotations), ['g0', 'group']);
    const layout = await scanDelimited(rows((i) => (i === 3 ? 'x' : String(i))), { name: 'cnt.csv' });
    assert.deepEqual(layout.columnCells[0], { numbers: 5, texts: 1, commaNumbers: 0, firstText: { line: 5, text: 'x' } });
    assert.deepEqual(layout.columnCells[2], { numbers: 0, texts: 6, commaNumbers: 0, firstText: { line: 2, text: 'B' } });
    // without 'numeric', a comma number is refused as any text in a feature column, with the hint
    await assert.rejects(parseDelimited('s,g0\na,"2,5"\n', { name: 'd.csv' }), refused('INVALID_DATA', /d\.csv: line 2.*"2,5" is not a number \(a decimal comma or thousands separators\?/));
  });

  it("namesColumn: 'auto': names when the header cell is empty or a cell is not a number", async () => {
    const noNames = await parseDelimited('a\tb\n1\t2\n3\t4\n', { name: 'n.tsv', namesColumn: 'auto' });
    assert.equal(noNames.matrix.rowNames, undefined);
    assert.deepEqual(noNames.matrix.toArray(), [[1, 2], [3, 4]]);
    const blankHeader = await parseDelimited(',s1,s2\n1,0.5,0.25\n2,1,2\n', { name: 'img.csv', namesColumn: 'auto', orientation: 'features-in-rows' });
    assert.deepEqual(blankHeader.matrix.rowNames, ['s1', 's2']);
    assert.deepEqual(blankHeader.matrix.columnNames, ['1', '2']);
    assert.deepEqual(blankHeader.matrix.toArray(), [[0.5, 1], [0.25, 2]]);
    const textNames = await parseDelimited('id,a\nr1,1\n2,2\n', { name: 'r.csv', namesColumn: 'auto' });
    assert.deepEqual(textNames.matrix.rowNames, ['r1', '2']);
    // a first column named like identifiers holds names, even when they are numbers
    for (const header of ['cell_id', 'id', 'Barcode', 'sample', 'Unnamed: 0', 'CellID', 'gene.id', 'GeneID', 'ID_REF', 'EntrezID', 'PatientID', 'SubjectID', 'sample_name']) {
      const ids = await parseDelimited(`${header},g0,g1\n1000,1,2\n1001,3,4\n`, { name: 'ids.csv', namesColumn: 'auto', features: 'numeric' });
      assert.deepEqual([ids.matrix.rowNames, ids.matrix.columnNames], [['1000', '1001'], ['g0', 'g1']], header);
    }
    // a feature that merely ends in 'id' stays a feature
    for (const feature of ['lipid', 'Lipid', 'ACID', 'fluid']) {
      const kept = await parseDelimited(`${feature},g0\n1,2\n3,4\n`, { name: 'l.csv', namesColumn: 'auto' });
      assert.deepEqual(kept.matrix.columnNames, [feature, 'g0'], feature);
    }
  });

  it('refuses an option name it does not know (a misspelt delimiter was ignored, then blamed on the header)', async () => {
    await assert.rejects(parseDelimited('id;a;b\nr1;1;2\n', { name: 'x.csv', delimeter: ';' } as never),
      refused('INVALID_OPTION', /^x\.csv: unknown option 'delimeter'; the options are delimiter, orientation, features/));
    await assert.rejects(scanDelimited('a,b\n1,2\n', { name: 'y.csv', namescolumn: 'auto' } as never), refused('INVALID_OPTION', /^y\.csv: unknown option 'namescolumn'/));
    const path = join(dir, 'opts.csv');
    writeFileSync(path, 'id;a;b\nr1;1;2\n');
    await assert.rejects(readDelimited(path, { delimeter: ';' } as never), refused('INVALID_OPTION', /opts\.csv: unknown option 'delimeter'/));
    // a semicolon-separated file named .csv: the message says what the fields hold
    const semicolon = refused('INVALID_DATA', /^semi\.csv: the header has 1 field\(s\), so no feature columns; its fields hold a semicolon: if that separates the columns, save the table comma-separated \(\.csv\) or tab-separated \(\.tsv\), with '\.' as the decimal point$/);
    await assert.rejects(parseDelimited('id;a;b\nr1;1;2\n', { name: 'semi.csv' }), semicolon);
    // with decimal commas the rows split into more fields than the header: the same message, not a ragged row
    await assert.rejects(parseDelimited('id;a;b\nr1;1,5;2,25\n', { name: 'semi.csv' }), semicolon);
    await assert.rejects(parseDelimited('id;a;b\nr1;1,5;2,25\n', { name: 'semi.csv', namesColumn: 'auto', features: 'numeric' }), semicolon);
    // a feature listed twice would be read twice; one not in the file is named
    await assert.rejects(parseDelimited('id,a,b\nr1,1,2\n', { name: 'f.csv', features: ['a', 'b', 'a'] }), refused('INVALID_OPTION', /^f\.csv: features lists "a" twice$/));
    await assert.rejects(parseDelimited('id,a,b\nr1,1,2\n', { name: 'f.csv', features: ['a', 'c'] }), refused('INVALID_OPTION', /^f\.csv: no column named "c"$/));
  });

  it('refuses bad text with the messages readDelimited gives, and a second pass of a stream', async () => {
    await assert.rejects(parseDelimited('sample,g1,g2\ns1,1,2\ns2,3\n', { name: 'ragged.csv' }), refused('INVALID_DATA', /^ragged\.csv: line 3 \(data row 2\) has 2 fields but the header has 3$/));
    await assert.rejects(parseDelimited('id,a,b\nr1,1,2\nr2,3,abc\n', { name: 'text.csv' }), refused('INVALID_DATA', /^text\.csv: line 3, column 3 "b": "abc" is not a number$/));
    await assert.rejects(parseDelimited('', { name: 'empty.csv' }), refused('INVALID_DATA', /empty\.csv: the file is empty/));
    await assert.rejects(parseDelimited('id,a\nr,"1\n', { name: 'open.csv' }), refused('INVALID_DATA', /open\.csv: line 2: a quoted field is never closed/));
    await assert.rejects(parseDelimited(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x2c]), { name: 'zip.csv' }), refused('INVALID_DATA', /zip\.csv: not CSV\/TSV text/));
    const gz = gzipSync(Buffer.from('id,a,b\n' + 'r,1,2\n'.repeat(2000)));
    await assert.rejects(parseDelimited(gz.subarray(0, gz.length - 20), { name: 'cut.csv.gz' }), refused('INVALID_DATA', /cut\.csv\.gz: gzip data is damaged or truncated/));
    await assert.rejects(
      parseDelimited(streamOf(bytes, 2), { name: 'cells.csv', features: 'numeric' }),
      refused('INVALID_OPTION', /read the text twice; pass a string, bytes or a Blob, not a stream/),
    );
  });
});

describe('scanDelimited', () => {
  it('reads the layout: delimiter, names, row count, numeric columns', async () => {
    const layout = await scanDelimited(',t0,t1,label\npixel_0,1,2,a\npixel_1,4,NA,b\n', { name: 't.data', namesColumn: 'auto' });
    assert.deepEqual(layout, {
      delimiter: ',',
      namesColumn: true,
      columnNames: ['t0', 't1', 'label'],
      rowNames: ['pixel_0', 'pixel_1'],
      rows: 2,
      numericColumns: [true, true, false],
      // NA is missing: in neither count
      columnCells: [
        { numbers: 2, texts: 0, commaNumbers: 0 },
        { numbers: 1, texts: 0, commaNumbers: 0 },
        { numbers: 0, texts: 2, commaNumbers: 0, firstText: { line: 2, text: 'a' } },
      ],
    });
    const semicolons = await scanDelimited('a;b\n1;2\n', { name: 'x', namesColumn: 'auto' });
    assert.equal(semicolons.delimiter, ';');
    assert.equal(semicolons.namesColumn, false);
    assert.equal(semicolons.rowNames, undefined);
    await assert.rejects(scanDelimited('sample,g1,g2\ns1,1,2\ns2,3\n', { name: 'ragged.csv' }), refused('INVALID_DATA', /ragged\.csv: line 3 \(data row 2\) has 2 fields but the header has 3/));
  });
});
