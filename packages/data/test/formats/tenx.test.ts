import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BcnmfError } from '@bcnmf/core';
import { readTenx } from '../../src/formats/tenx.js';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'bcnmf-tenx-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

// The reference: a genes x cells count table, written out independently below.
const GENES = [
  ['ENSG00000243485', 'MIR1302-2HG'],
  ['ENSG00000237613', 'FAM138A'],
  ['ENSG00000186092', 'OR4F5'],
  ['ENSG00000238009', 'AL627309.1'],
];
const BARCODES = ['AAACCTGAGAAGGCCT-1', 'AAACCTGAGACAGACC-1', 'AAACCTGAGATAGTCA-1'];
const COUNTS = [
  // cells:  c0 c1 c2
  [0, 3, 0], // gene 0
  [1, 0, 0], // gene 1
  [0, 0, 0], // gene 2
  [7, 2, 5], // gene 3
];

/** Entries of COUNTS in Matrix Market form, deliberately not sorted. */
function mtxBody(field: 'integer' | 'real' | 'pattern', scale = 1): string {
  const entries: string[] = [];
  for (let g = COUNTS.length - 1; g >= 0; g--) {
    for (let c = 0; c < BARCODES.length; c++) {
      const v = COUNTS[g][c];
      if (v === 0) continue;
      entries.push(field === 'pattern' ? `${g + 1} ${c + 1}` : `${g + 1}\t${c + 1}  ${v * scale}`);
    }
  }
  entries.push(entries.shift()!); // rotate to break any order
  const header = `%%MatrixMarket matrix coordinate ${field} general\n%metadata_json: {"format_version": 2}\n`;
  return `${header}${GENES.length} ${BARCODES.length} ${entries.length}\n${entries.join('\n')}\n`;
}

function makeFolder(
  name: string,
  layout: 'v2' | 'v3',
  gz: boolean,
  mtx = mtxBody('integer'),
  options: { barcodes?: string[]; genes?: string[][] } = {},
): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const put = (file: string, text: string) => writeFileSync(join(dir, gz ? `${file}.gz` : file), gz ? gzipSync(text) : text);
  const genes = options.genes ?? GENES;
  if (layout === 'v3') put('features.tsv', genes.map((g) => `${g.join('\t')}\tGene Expression\n`).join(''));
  else put('genes.tsv', genes.map((g) => `${g.join('\t')}\n`).join(''));
  put('barcodes.tsv', (options.barcodes ?? BARCODES).map((b) => `${b}\n`).join(''));
  put('matrix.mtx', mtx);
  return dir;
}

/** cells x genes, from the reference table. */
function expectedDense(scale = 1): number[][] {
  return BARCODES.map((_, c) => GENES.map((_, g) => COUNTS[g][c] * scale));
}

function invalidData(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof BcnmfError, `expected a BcnmfError, got ${String(e)}`);
    assert.equal(e.code, 'INVALID_DATA');
    assert.match(e.message, pattern);
    return true;
  };
}

describe('readTenx', () => {
  for (const layout of ['v2', 'v3'] as const) {
    for (const gz of [false, true]) {
      it(`reads a cellranger ${layout} folder (${gz ? 'gzip' : 'plain'}) as cells x genes`, async () => {
        const dir = makeFolder(`${layout}-${gz ? 'gz' : 'plain'}`, layout, gz);
        const data = await readTenx(dir);
        assert.equal(data.layout, layout);
        assert.deepEqual(data.matrix.shape, [3, 4]);
        assert.deepEqual(data.matrix.toDense().toArray(), expectedDense());
        assert.deepEqual(data.matrix.rowNames, BARCODES);
        assert.deepEqual(data.matrix.columnNames, GENES.map((g) => g[1]));
        assert.deepEqual(data.featureIds, GENES.map((g) => g[0]));
        assert.deepEqual(data.featureTypes, layout === 'v3' ? GENES.map(() => 'Gene Expression') : undefined);
        assert.equal(data.matrix.nnz, 5);
        assert.ok(data.matrix.data instanceof Float32Array);
        // every row's column indices strictly increase although the file was unsorted
        for (let i = 0; i < 3; i++) {
          const { indices } = data.matrix.row(i);
          for (let p = 1; p < indices.length; p++) assert.ok(indices[p] > indices[p - 1]);
        }
        assert.ok(data.files.matrix.endsWith(gz ? 'matrix.mtx.gz' : 'matrix.mtx'));
      });
    }
  }

  it('uses gene ids as column names on request, and a file-name prefix', async () => {
    const dir = join(root, 'prefixed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'GSM1_matrix.mtx.gz'), gzipSync(mtxBody('integer')));
    writeFileSync(join(dir, 'GSM1_features.tsv.gz'), gzipSync(GENES.map((g) => `${g[0]}\t${g[1]}\tGene Expression\n`).join('')));
    writeFileSync(join(dir, 'GSM1_barcodes.tsv.gz'), gzipSync(BARCODES.join('\n') + '\n'));
    const data = await readTenx(dir, { prefix: 'GSM1_', columnNames: 'ids', dtype: 'float64' });
    assert.deepEqual(data.matrix.columnNames, GENES.map((g) => g[0]));
    assert.ok(data.matrix.data instanceof Float64Array);
    assert.deepEqual(data.matrix.toDense().toArray(), expectedDense());
  });

  it('reads real and pattern fields', async () => {
    const real = await readTenx(makeFolder('real', 'v3', false, mtxBody('real', 0.5)));
    assert.deepEqual(real.matrix.toDense().toArray(), expectedDense(0.5));
    const pattern = await readTenx(makeFolder('pattern', 'v3', true, mtxBody('pattern')));
    assert.deepEqual(
      pattern.matrix.toDense().toArray(),
      expectedDense().map((row) => row.map((v) => (v === 0 ? 0 : 1))),
    );
  });

  it('refuses files whose header and entries disagree', async () => {
    const body = mtxBody('integer');
    const [h1, h2, size, ...entries] = body.trimEnd().split('\n');
    const withSize = (s: string, e = entries) => [h1, h2, s, ...e].join('\n') + '\n';
    await assert.rejects(
      readTenx(makeFolder('count-high', 'v3', false, withSize('4 3 6'))),
      invalidData(/matrix\.mtx: the size line announces 6 entries but the file holds 5/),
    );
    await assert.rejects(
      readTenx(makeFolder('count-low', 'v3', true, withSize('4 3 4'))),
      invalidData(/matrix\.mtx\.gz: line 8: more entries than the 4 the size line announces/),
    );
    await assert.rejects(
      readTenx(makeFolder('row-range', 'v3', false, withSize(size, [...entries.slice(1), '5 1 1']))),
      invalidData(/matrix\.mtx: line 8: row index 5 is outside 1\.\.4/),
    );
    await assert.rejects(
      readTenx(makeFolder('col-range', 'v3', false, withSize(size, [...entries.slice(1), '1 0 1']))),
      invalidData(/line 8: column index 0 is outside 1\.\.3/),
    );
    await assert.rejects(
      readTenx(makeFolder('genes-count', 'v3', false, body, { genes: GENES.slice(0, 3) })),
      invalidData(/size line says 4 genes \(rows\) but .*features\.tsv lists 3/),
    );
    await assert.rejects(
      readTenx(makeFolder('cells-count', 'v2', false, body, { barcodes: BARCODES.slice(0, 2) })),
      invalidData(/size line says 3 cells \(columns\) but .*barcodes\.tsv lists 2/),
    );
    await assert.rejects(
      readTenx(makeFolder('array-format', 'v3', false, body.replace('coordinate', 'array'))),
      invalidData(/matrix\.mtx: line 1 must be "%%MatrixMarket matrix coordinate/),
    );
    await assert.rejects(
      readTenx(makeFolder('not-integer', 'v3', false, withSize(size, [...entries.slice(1), '1 1 2.5']))),
      invalidData(/line 8: value 2\.5 is not an integer in an integer matrix/),
    );
    await assert.rejects(
      readTenx(makeFolder('hex-value', 'v3', false, withSize(size, [...entries.slice(1), '1 1 0x10']))),
      invalidData(/line 8: value "0x10" is not a number \(decimal or exponent notation\)/),
    );
    await assert.rejects(readTenx(makeFolder('hex-index', 'v3', false, withSize(size, [...entries.slice(1), '0x1 1 2']))), invalidData(/line 8: row index 0x1 is not a whole number/));
    await assert.rejects(
      readTenx(makeFolder('duplicate', 'v3', false, withSize('4 3 6', [...entries, entries[0]]))),
      invalidData(/an entry is given more than once/),
    );
    const gzDir = makeFolder('truncated', 'v3', true);
    const full = gzipSync(mtxBody('integer'));
    writeFileSync(join(gzDir, 'matrix.mtx.gz'), full.subarray(0, full.length - 12));
    await assert.rejects(readTenx(gzDir), invalidData(/matrix\.mtx\.gz: gzip data is truncated/));
    const missing = join(root, 'no-barcodes');
    mkdirSync(missing);
    writeFileSync(join(missing, 'matrix.mtx'), body);
    writeFileSync(join(missing, 'genes.tsv'), GENES.map((g) => g.join('\t')).join('\n'));
    await assert.rejects(readTenx(missing), invalidData(/not a 10x matrix folder, missing barcodes\.tsv\[\.gz\]/));
    await assert.rejects(readTenx(join(root, 'nowhere')), invalidData(/no such folder/));
    await assert.rejects(readTenx(join(missing, 'matrix.mtx')), invalidData(/matrix\.mtx: is a file, not a 10x folder/));
    // two candidates for one file: which is meant is not guessed
    const both = makeFolder('both-matrices', 'v3', false);
    writeFileSync(join(both, 'matrix.mtx.gz'), gzipSync(body));
    await assert.rejects(readTenx(both), invalidData(/both-matrices: holds both matrix\.mtx\.gz and matrix\.mtx; remove the one that is not meant/));
    const stale = makeFolder('genes-and-features', 'v3', false);
    writeFileSync(join(stale, 'genes.tsv'), GENES.map((g) => g.slice(0, 2).join('\t')).join('\n'));
    await assert.rejects(readTenx(stale), invalidData(/holds both features\.tsv and genes\.tsv/));
  });
});
