import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FLOAT32_MAX, type DenseMatrix } from '@bcnmf/core';
import { openCsvSource, readDelimited } from '../../src/index.js';
import { denseValues, readAllShuffled, rejects } from './helpers.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bcnmf-csv-source-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** 19 rows: quoted names with delimiters and line breaks, CRLF and LF, blank lines, missing cells, a BOM. */
function awkwardCsv(): string {
  const lines = ['\ufeffname,a,"b,c",d'];
  for (let i = 0; i < 19; i++) {
    const name = i % 5 === 0 ? `"cell ""${i}"",\nsecond line"` : i % 3 === 0 ? `"c,${i}"` : `c${i}`;
    const d = i % 4 === 0 ? '' : i % 7 === 0 ? 'NA' : String(i / 8);
    lines.push(`${name},${i},${(i * 1.5) % 4},${d}`);
    if (i % 6 === 2) lines.push('');
  }
  return lines.map((l, k) => (k % 2 === 0 ? `${l}\r\n` : `${l}\n`)).join('');
}

describe('openCsvSource', () => {
  it('quoted names, CRLF, blank lines, missing cells: batches (sizes 1, 4, 5, 19, shuffled, twice) equal readDelimited', async () => {
    const path = file('awkward.csv', awkwardCsv());
    const whole = (await readDelimited(path, { dtype: 'float32' })).matrix;
    assert.equal(whole.rows, 19);
    const source = await openCsvSource(path);
    assert.equal(source.rows, 19);
    assert.equal(source.columns, 3);
    assert.deepEqual(source.columnNames, ['a', 'b,c', 'd']);
    assert.deepEqual(source.rowNames, whole.rowNames);
    assert.equal(source.rowNames![0], 'cell "0",\nsecond line');
    for (const size of [1, 4, 5, 19]) {
      assert.deepEqual(await readAllShuffled(source, size, { kind: 'dense', dtype: 'float32' }), denseValues(whole), `size ${size}`);
    }
    await source.close();
  });

  it('records straddling 1 MiB read chunks (quoted line breaks, CRLF) are indexed as the parser splits them', async () => {
    const lines = ['id,a,b'];
    for (let i = 0; i < 40_000; i++) lines.push(i % 97 === 0 ? `"n\r\n${i}",${i},"${i % 3}"` : `n${i},${i},${i % 3}`);
    const path = file('long.csv', lines.join('\r\n') + '\r\n');
    const whole = (await readDelimited(path, { dtype: 'float32' })).matrix;
    const source = await openCsvSource(path);
    assert.equal(source.rows, 40_000);
    assert.deepEqual(source.rowNames, whole.rowNames);
    assert.deepEqual(await readAllShuffled(source, 7001, { kind: 'dense' }), denseValues(whole));
    await source.close();
  });

  it('gzipped TSV: served from a gunzipped temporary copy that close() removes', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `s${i}\t${i % 13}\t${(i * 7) % 5}\t0.${i % 10}`);
    const path = file('table.tsv.gz', gzipSync(`id\tx\ty\tz\n${rows.join('\n')}`)); // no final newline
    const whole = (await readDelimited(path, { dtype: 'float32' })).matrix;
    const temp = join(dir, 'temp-gz');
    mkdirSync(temp);
    const source = await openCsvSource(path, { tempDir: temp });
    assert.equal(readdirSync(temp).length, 1);
    assert.deepEqual(source.rowNames, whole.rowNames);
    for (const size of [1000, 701]) {
      assert.deepEqual(await readAllShuffled(source, size, { kind: 'dense' }), denseValues(whole));
    }
    await source.close();
    assert.deepEqual(readdirSync(temp), []);
  });

  it('features by pattern (other columns skipped), no names column, float64, names not kept', async () => {
    const path = file('mice.csv', 'A_N,B_N,class,C_N\n1.5,,c-CS-s,3\n2,3,t-SC-m,4\n5,6,x,7\n');
    const whole = (await readDelimited(path, { features: /_N$/, namesColumn: false })).matrix;
    const source = await openCsvSource(path, { features: /_N$/, namesColumn: false, dtype: 'float64' });
    assert.deepEqual(source.columnNames, ['A_N', 'B_N', 'C_N']);
    assert.equal(source.rowNames, undefined);
    assert.deepEqual(await readAllShuffled(source, 2, { kind: 'dense', dtype: 'float64' }), denseValues(whole));
    await source.close();
    const named = await openCsvSource(file('named.csv', 'id,a\nr1,1\nr2,2\n'), { rowNames: false });
    assert.equal(named.rowNames, undefined);
    assert.deepEqual(((await named.readRows(1, 1)) as DenseMatrix).toArray(), [[2]]);
    await named.close();
  });

  it('refuses bad files when opening, naming the file and line, and leaves no temporary files', async () => {
    const temp = join(dir, 'temp-bad');
    mkdirSync(temp);
    const cases: [string, string, RegExp][] = [
      ['fields.csv', 'id,a,b\nr1,1,2\nr2,3\n', /fields\.csv(\.gz)?: line 3 \(data row 2\) has 2 fields but the header has 3/],
      ['number.csv', 'id,a,b\nr1,1,2\nr2,3,abc\n', /number\.csv(\.gz)?: line 3, column 3 "b": "abc" is not a number/],
      ['quote.csv', 'id,a\n"r1,1\n', /quote\.csv(\.gz)?: line 2: a quoted field is never closed/],
      ['empty.csv', '', /empty\.csv(\.gz)?: the file is empty/],
      ['header.csv', 'id\nr1\n', /header\.csv(\.gz)?: the header has 1 field\(s\), so no feature columns/],
    ];
    for (const [name, content, pattern] of cases) {
      await rejects(openCsvSource(file(name, content)), 'INVALID_DATA', pattern);
      await rejects(openCsvSource(file(`${name}.gz`, gzipSync(content)), { tempDir: temp }), 'INVALID_DATA', pattern);
      assert.deepEqual(readdirSync(temp), [], name);
    }
    const gz = gzipSync('id,a\n' + 'r,1\n'.repeat(5000));
    await rejects(openCsvSource(file('cut.csv.gz', gz.subarray(0, gz.length >> 1)), { tempDir: temp }), 'INVALID_DATA', /cut\.csv\.gz: gzip data is truncated/);
    assert.deepEqual(readdirSync(temp), []);
    await rejects(openCsvSource(join(dir, 'absent.csv')), 'INVALID_DATA', /absent\.csv: no such file/);
    await rejects(openCsvSource(file('x.dat', 'a')), 'INVALID_OPTION', /cannot tell the delimiter/);
  });

  it('refuses a value beyond float32 when opening (float32 would make it Infinity); float64 batches take it', async () => {
    // float32's largest value as usually printed rounds to it: taken
    const largest = await openCsvSource(file('largest.csv', 'id,a\nr1,3.4028235e38\n'));
    assert.equal((await largest.readRows(0, 1)).data[0], FLOAT32_MAX);
    await largest.close();
    const path = file('huge.csv', 'id,a,b\nr1,1,2\nr2,3,1e39\nr3,3e38,-1e39\n');
    await rejects(openCsvSource(path), 'INVALID_DATA', /huge\.csv: line 3, column 3 \('b'\): the value 1e39 is beyond float32 \(largest 3\.40e\+38\)/);
    const source = await openCsvSource(path, { dtype: 'float64' });
    try {
      assert.deepEqual(Array.from((await source.readRows(1, 2)).data), [3, 1e39, 3e38, -1e39]);
    } finally {
      await source.close();
    }
  });

  it('stops opening when its signal aborts, with the reason, leaving no temporary files', async () => {
    const temp = join(dir, 'temp-abort');
    mkdirSync(temp);
    const path = file('long.csv.gz', gzipSync('id,a,b\n' + 'r,1,2\n'.repeat(600_000)));
    const controller = new AbortController();
    const opening = openCsvSource(path, { tempDir: temp, signal: controller.signal });
    controller.abort(new Error('stop now'));
    await assert.rejects(opening, /^Error: stop now$/);
    assert.deepEqual(readdirSync(temp), []);
  });

  it('refuses to read a batch once the file has changed', async () => {
    const path = file('changing.csv', 'id,a\nr1,1\nr2,2\n');
    const source = await openCsvSource(path);
    assert.deepEqual(((await source.readRows(0, 2)) as DenseMatrix).toArray(), [[1], [2]]);
    writeFileSync(path, 'id,a\nr1,10\nr2,20\nr3,3\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    await rejects(source.readRows(0, 1), 'INVALID_DATA', /changing\.csv: the file changed after it was opened/);
    await source.close();
    assert.ok(existsSync(path));
  });
});
