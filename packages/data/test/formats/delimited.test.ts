import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BcnmfError } from '@bcnmf/core';
import { DelimitedParser } from '../../src/formats/delimited-parser.js';
import { readDelimited } from '../../src/formats/delimited.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bcnmf-delimited-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
function invalidData(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof BcnmfError, `expected a BcnmfError, got ${String(e)}`);
    assert.equal(e.code, 'INVALID_DATA');
    assert.match(e.message, pattern);
    return true;
  };
}
function sameNumbers(actual: ArrayLike<number>, expected: number[]) {
  assert.equal(actual.length, expected.length);
  for (let k = 0; k < expected.length; k++) {
    if (Number.isNaN(expected[k])) assert.ok(Number.isNaN(actual[k]), `value ${k} should be NaN, got ${actual[k]}`);
    else assert.equal(actual[k], expected[k], `value ${k}`);
  }
}

const sharedData = fileURLToPath(new URL('../../../../../shared/datasets', import.meta.url));
const MICE = join(sharedData, 'mice-protein', 'Data_Cortex_Nuclear.csv');
const absent = existsSync(MICE) ? false : `the shared data sets are not in ${sharedData}`;
if (absent) console.log(`# skipping the real mouse protein file: ${absent}`);

describe('DelimitedParser', () => {
  it('follows RFC 4180 across arbitrary chunk boundaries', () => {
    const text = 'a,"b,c",d\r\n"say ""hi""","line\nbreak",\n\n"",x,"y"\r\nlast,row,no-newline';
    const expected = [
      ['a', 'b,c', 'd'],
      ['say "hi"', 'line\nbreak', ''],
      ['', 'x', 'y'],
      ['last', 'row', 'no-newline'],
    ];
    const lines = [1, 2, 5, 6];
    for (let size = 1; size <= text.length; size++) {
      const got: string[][] = [];
      const at: number[] = [];
      const p = new DelimitedParser(',', 'mem.csv', (f, line) => {
        got.push(f);
        at.push(line);
      });
      for (let k = 0; k < text.length; k += size) p.push(text.slice(k, k + size));
      p.end();
      assert.deepEqual(got, expected, `chunk size ${size}`);
      assert.deepEqual(at, lines, `line numbers, chunk size ${size}`);
    }
  });

  it('keeps a long unfinished record without parsing it again for every chunk (a line of millions of fields)', () => {
    const fields = Array.from({ length: 5000 }, (_, j) => `v${j}`);
    const text = fields.join(',') + '\nnext,row\n';
    const got: string[][] = [];
    const p = new DelimitedParser(',', 'wide.csv', (f) => got.push(f));
    let parses = 0;
    const instance = p as unknown as { parse: (text: string, final: boolean) => number };
    const parse = instance.parse.bind(p);
    instance.parse = (t, final) => {
      parses++;
      return parse(t, final);
    };
    for (let k = 0; k < text.length; k += 100) p.push(text.slice(k, k + 100));
    p.end();
    assert.deepEqual(got, [fields, ['next', 'row']]);
    // the first chunk, the chunk with the line break, and the rest: not one parse per chunk
    assert.ok(parses <= 4, `${parses} parses for ${Math.ceil(text.length / 100)} chunks`);
  });

  it('refuses an unclosed quote and text after a closing quote', () => {
    const p = new DelimitedParser(',', 'q.csv', () => {});
    p.push('a,b\n1,"open\n');
    assert.throws(() => p.end(), invalidData(/q\.csv: line 2: a quoted field is never closed/));
    const p2 = new DelimitedParser(',', 'q2.csv', () => {});
    assert.throws(() => {
      p2.push('a,"b"x,c\n');
      p2.end();
    }, invalidData(/q2\.csv: line 1: unexpected "x" after the closing quote of field 2/));
  });
});

describe('readDelimited', () => {
  it('reads samples in rows with a byte-order mark, quotes and CRLF', async () => {
    const path = file('bom.csv', '\uFEFFid,"gene, A","gene ""B"""\r\ns1,1.5,2\r\n"s,2",-3e-2,4\r\n');
    const { matrix, annotations, missingCount } = await readDelimited(path);
    assert.deepEqual(matrix.shape, [2, 2]);
    assert.deepEqual(matrix.rowNames, ['s1', 's,2']);
    assert.deepEqual(matrix.columnNames, ['gene, A', 'gene "B"']);
    sameNumbers(matrix.data, [1.5, 2, -0.03, 4]);
    assert.ok(matrix.data instanceof Float64Array);
    assert.deepEqual({ ...annotations }, {});
    assert.equal(missingCount, 0);
  });

  it('reads features in rows (transposed to samples x features), TSV from the extension', async () => {
    const path = file('expr.tsv', 'gene\tcellA\tcellB\tcellC\ng1\t1\t2\t3\ng2\t4\t5\t6\n');
    const { matrix } = await readDelimited(path, { orientation: 'features-in-rows', dtype: 'float32' });
    assert.deepEqual(matrix.shape, [3, 2]);
    assert.deepEqual(matrix.rowNames, ['cellA', 'cellB', 'cellC']);
    assert.deepEqual(matrix.columnNames, ['g1', 'g2']);
    assert.deepEqual(matrix.toArray(), [[1, 4], [2, 5], [3, 6]]);
    assert.ok(matrix.data instanceof Float32Array);
    // a feature list picks lines and orders the columns
    const picked = await readDelimited(path, { orientation: 'features-in-rows', features: ['g2', 'g1'] });
    assert.deepEqual(picked.matrix.columnNames, ['g2', 'g1']);
    assert.deepEqual(picked.matrix.toArray(), [[4, 1], [5, 2], [6, 3]]);
    const byPattern = await readDelimited(path, { orientation: 'features-in-rows', features: /2$/ });
    assert.deepEqual(byPattern.matrix.toArray(), [[4], [5], [6]]);
  });

  it('keeps missing values as NaN and counts them', async () => {
    const path = file('missing.csv', 'id,a,b,c\nr1,,NA,1\nr2,NaN, 2 ,\nr3,3,N/A,nan\n');
    const { matrix, missingCount } = await readDelimited(path);
    sameNumbers(matrix.data, [NaN, NaN, 1, NaN, 2, NaN, 3, NaN, NaN]);
    assert.equal(missingCount, 6);
    // a narrower list of missing markers makes 'NA' a bad cell
    await assert.rejects(readDelimited(path, { missingValues: [''] }), invalidData(/missing\.csv: line 2, column 3 "b": "NA" is not a number/));
  });

  it('reads chosen feature columns as numbers and the others as annotations', async () => {
    const path = file(
      'meta.csv',
      'MouseID,A_N,Genotype,B_N,class\nm1,1,Control,2,c-CS-s\nm2,3,"Ts65Dn",,t-SC-s\n',
    );
    const { matrix, annotations, missingCount } = await readDelimited(path, { features: /_N$/ });
    assert.deepEqual(matrix.columnNames, ['A_N', 'B_N']);
    sameNumbers(matrix.data, [1, 2, 3, NaN]);
    assert.deepEqual({ ...annotations }, { Genotype: ['Control', 'Ts65Dn'], class: ['c-CS-s', 't-SC-s'] });
    assert.equal(missingCount, 1);
    const listed = await readDelimited(path, { features: ['B_N', 'A_N'] });
    assert.deepEqual(listed.matrix.columnNames, ['B_N', 'A_N']);
    sameNumbers(listed.matrix.data, [2, 1, NaN, 3]);
    await assert.rejects(readDelimited(path, { features: ['A_N', 'Z_N'] }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION' && /"Z_N"/.test(e.message));
    // without a selection every non-name column must be numeric
    await assert.rejects(readDelimited(path), invalidData(/meta\.csv: line 2, column 3 "Genotype": "Control" is not a number/));
  });

  it('reads the real mouse protein file: 1,080 x 77, 1,396 missing, values as python csv reads them', { skip: absent }, async () => {
    const { matrix, annotations, missingCount } = await readDelimited(MICE, { features: /_N$/ });
    assert.deepEqual(matrix.shape, [1080, 77]);
    assert.equal(missingCount, 1396);
    let nan = 0;
    for (const v of matrix.data) if (Number.isNaN(v)) nan++;
    assert.equal(nan, 1396);
    assert.equal(matrix.columnNames![0], 'DYRK1A_N');
    assert.equal(matrix.columnNames![76], 'CaNA_N');
    assert.deepEqual(Object.keys(annotations), ['Genotype', 'Treatment', 'Behavior', 'class']);
    const col = (name: string) => matrix.columnNames!.indexOf(name);
    // values read with python's csv module (encoding='utf-8-sig')
    assert.equal(matrix.rowNames![0], '309_1');
    assert.equal(matrix.get(0, col('DYRK1A_N')), 0.503643884);
    assert.equal(matrix.get(0, col('ITSN1_N')), 0.747193224);
    assert.ok(Number.isNaN(matrix.get(0, col('BCL2_N'))));
    assert.deepEqual([0, 1, 2, 3].map((k) => Object.values(annotations)[k][0]), ['Control', 'Memantine', 'C/S', 'c-CS-m']);
    assert.equal(matrix.rowNames![1079], 'J3295_15');
    assert.equal(matrix.get(1079, col('pCAMKII_N')), 2.361815754);
    assert.equal(annotations.class[1079], 't-SC-s');
    assert.equal(matrix.rowNames![500], '3488_6');
    assert.equal(matrix.get(500, col('SOD1_N')), 1.088200238);
    assert.equal(matrix.get(500, col('CaNA_N')), 0.917534292);
    const counts: Record<string, number> = {};
    for (const c of annotations.class) counts[c] = (counts[c] ?? 0) + 1;
    assert.deepEqual(counts, { 'c-CS-m': 150, 'c-SC-m': 150, 'c-CS-s': 135, 'c-SC-s': 135, 't-CS-m': 135, 't-SC-m': 135, 't-SC-s': 135, 't-CS-s': 105 });
  });

  it('reads gzip input and gives the same table', { skip: absent }, async () => {
    const plain = readFileSync(MICE);
    const gz = file('mice.csv.gz', gzipSync(plain));
    const a = await readDelimited(MICE, { features: /_N$/ });
    const b = await readDelimited(gz, { features: /_N$/ });
    assert.deepEqual(b.matrix.shape, a.matrix.shape);
    assert.deepEqual(Array.from(b.matrix.data).map(String), Array.from(a.matrix.data).map(String));
    assert.deepEqual(b.annotations, a.annotations);
    assert.equal(b.missingCount, 1396);
  });

  it('takes a given delimiter, else tells it from the first line, else refuses', async () => {
    const path = file('semi.data', 'id;x;y\nr;1;2\n');
    const { matrix } = await readDelimited(path, { delimiter: ';' });
    assert.deepEqual(matrix.toArray(), [[1, 2]]);
    // the name does not say: the most frequent of comma, tab and semicolon in the first line
    assert.deepEqual((await readDelimited(path)).matrix.toArray(), [[1, 2]]);
    assert.deepEqual((await readDelimited(file('tabs.data', 'id\tx,y\tz\nr\t1\t2\n'))).matrix.columnNames, ['x,y', 'z']);
    await assert.rejects(
      readDelimited(file('one.data', 'id\nr\n')),
      (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION' && /one\.data: cannot tell the delimiter/.test(e.message),
    );
    const noNames = await readDelimited(file('nonames.csv', 'x,y\n1,2\n3,4\n'), { namesColumn: false });
    assert.deepEqual(noNames.matrix.toArray(), [[1, 2], [3, 4]]);
    assert.equal(noNames.matrix.rowNames, undefined);
  });

  it('refuses bad files, naming the file and the place', async () => {
    await assert.rejects(
      readDelimited(file('ragged.csv', 'id,a,b\nr1,1,2\nr2,3\n')),
      invalidData(/ragged\.csv: line 3 \(data row 2\) has 2 fields but the header has 3/),
    );
    await assert.rejects(
      readDelimited(file('ragged2.tsv', 'id\ta\nr1\t1\t9\n')),
      invalidData(/ragged2\.tsv: line 2 \(data row 1\) has 3 fields but the header has 2/),
    );
    await assert.rejects(
      readDelimited(file('text.csv', 'id,a,b\nr1,1,2\nr2,3,abc\n')),
      invalidData(/text\.csv: line 3, column 3 "b": "abc" is not a number/),
    );
    await assert.rejects(readDelimited(file('hex.csv', 'id,a\nr1,0x10\n')), invalidData(/"0x10" is not a number/));
    const gz = gzipSync(Buffer.from('id,a,b\n' + 'r,1,2\n'.repeat(2000)));
    await assert.rejects(readDelimited(file('cut.csv.gz', gz.subarray(0, gz.length - 20))), invalidData(/cut\.csv\.gz: gzip data is truncated/));
    await assert.rejects(readDelimited(file('notgz.csv.gz', 'id,a\nr,1\n')), invalidData(/notgz\.csv\.gz: gzip data is damaged/));
    await assert.rejects(readDelimited(file('empty.csv', '')), invalidData(/empty\.csv: the file is empty/));
    await assert.rejects(readDelimited(join(dir, 'absent.csv')), invalidData(/absent\.csv: no such file/));
    await assert.rejects(readDelimited(file('open.csv', 'id,a\nr,"1\n')), invalidData(/open\.csv: line 2: a quoted field is never closed/));
  });

  it('streams a larger file with long rows across many chunks', async () => {
    // 300 samples x 2,000 features (~4 MB): rows span chunk boundaries
    const features = 2000;
    const rows: string[] = ['id,' + Array.from({ length: features }, (_, j) => `f${j}`).join(',')];
    for (let i = 0; i < 300; i++) rows.push(`s${i},` + Array.from({ length: features }, (_, j) => ((i * 31 + j * 7) % 1000) / 8).join(','));
    const path = file('big.csv', rows.join('\n') + '\n');
    const { matrix } = await readDelimited(path, { dtype: 'float32' });
    assert.deepEqual(matrix.shape, [300, features]);
    assert.equal(matrix.get(299, 1999), ((299 * 31 + 1999 * 7) % 1000) / 8);
    assert.equal(matrix.get(123, 456), ((123 * 31 + 456 * 7) % 1000) / 8);
    assert.equal(matrix.data.length, 300 * features);
    assert.ok(existsSync(path));
  });
});

describe('readDelimited stops on its signal (Ctrl-C while a large file is read)', () => {
  it('rejects with the signal\'s reason, between chunks, long before the end of the file', async () => {
    const path = join(dir, 'large.csv');
    const header = 'sample,' + Array.from({ length: 400 }, (_, j) => `g${j}`).join(',');
    const row = (i: number) => `s${i},` + Array.from({ length: 400 }, (_, j) => ((i * 7 + j) % 13) + 0.5).join(',');
    writeFileSync(path, [header, ...Array.from({ length: 6000 }, (_, i) => row(i))].join('\n') + '\n'); // ~15 MB
    const whole = performance.now();
    await readDelimited(path);
    const wholeMs = performance.now() - whole;
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const started = performance.now();
    setTimeout(() => controller.abort(reason), 10);
    await assert.rejects(readDelimited(path, { signal: controller.signal }), (e) => e === reason);
    const stoppedMs = performance.now() - started;
    assert.ok(stoppedMs < wholeMs, `stopped after ${stoppedMs.toFixed(0)} ms; the whole read takes ${wholeMs.toFixed(0)} ms`);
    const aborted = new AbortController();
    aborted.abort(reason);
    await assert.rejects(readDelimited(path, { signal: aborted.signal, namesColumn: 'auto' }), (e) => e === reason);
  });
});

describe('a file that is not text says what it is', () => {
  it('gzip under .csv, HDF5, a zip (xlsx) and UTF-16 each get their own advice', async () => {
    const cases: [string, Buffer, RegExp][] = [
      ['gz.csv', gzipSync('a,b\n1,2\n'), /gz\.csv: not CSV\/TSV text \(it holds a NUL character: it is gzip-compressed; name it \.csv\.gz or \.tsv\.gz\)/],
      ['hdf5.csv', Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]), /it is an HDF5 file; if it is an AnnData file, name it \.h5ad/],
      ['book.csv', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(32)]), /it is a zip archive \(an \.xlsx workbook\?\); save the sheet as CSV/],
      ['wide.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name,a,b\ns1,1,2\ns2,3,4\n', 'utf16le')]), /it looks like UTF-16 text; save it as UTF-8/],
      ['blob.csv', Buffer.from([0x41, 0x00, 0x00, 0x00, 0x7f, 0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]), /a binary file\?/],
    ];
    for (const [name, bytes, pattern] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      await assert.rejects(readDelimited(path), (e: unknown) => e instanceof BcnmfError && pattern.test(e.message), name);
    }
  });
});
