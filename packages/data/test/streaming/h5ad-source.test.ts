import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { generateSparseH5ad, openH5adSource, readH5ad, writeH5ad } from '../../src/index.js';
import { denseValues, readAllShuffled, rejects } from './helpers.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bcnmf-h5ad-source-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** 23 x 6 with empty rows (every 4th) and a few values per row. */
function table(rows = 23, columns = 6): DenseMatrix {
  const data = new Float32Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    if (i % 4 === 3) continue;
    for (let j = 0; j < columns; j++) if ((i * 5 + j * 3) % 7 < 2) data[i * columns + j] = 1 + ((i + 2 * j) % 9) + 0.25;
  }
  return new DenseMatrix({
    data,
    shape: [rows, columns],
    rowNames: Array.from({ length: rows }, (_, i) => `cell${i}`),
    columnNames: Array.from({ length: columns }, (_, j) => `g${j}`),
  });
}

describe('openH5adSource', () => {
  it('CSR X: batches (sizes that divide 23 and not, shuffled, twice) equal readH5ad', async () => {
    const path = join(dir, 'csr.h5ad');
    await writeH5ad(path, { X: CsrMatrix.fromDense(table()) });
    const whole = (await readH5ad(path)).X;
    const source = await openH5adSource(path);
    assert.equal(source.rows, 23);
    assert.equal(source.columns, 6);
    assert.deepEqual(source.columnNames, whole.columnNames);
    assert.deepEqual(source.rowNames, whole.rowNames);
    for (const size of [1, 4, 5, 23]) {
      assert.deepEqual(await readAllShuffled(source, size, { kind: 'csr', dtype: 'float32' }), denseValues(whole), `batch size ${size}`);
    }
    await source.close();
  });

  it('dense X: batches are DenseMatrix rows equal to readH5ad; dtype float64 on request', async () => {
    const path = join(dir, 'dense.h5ad');
    await writeH5ad(path, { X: table(17, 4) });
    const whole = (await readH5ad(path)).X;
    const source = await openH5adSource(path, { dtype: 'float64' });
    for (const size of [3, 17]) {
      assert.deepEqual(await readAllShuffled(source, size, { kind: 'dense', dtype: 'float64' }), denseValues(whole));
    }
    await source.close();
  });

  it('row names only when asked for, or for small files', async () => {
    const path = join(dir, 'names.h5ad');
    await writeH5ad(path, { X: CsrMatrix.fromDense(table(8, 3)) });
    const without = await openH5adSource(path, { rowNames: false });
    assert.equal(without.rowNames, undefined);
    assert.equal((await without.readRows(2, 2)).rowNames, undefined);
    await without.close();
    const withNames = await openH5adSource(path);
    assert.deepEqual((await withNames.readRows(2, 2)).rowNames, ['cell2', 'cell3']);
    await withNames.close();
  });

  it('refuses CSC X, saying how to convert it', async () => {
    const path = join(dir, 'csc.h5ad');
    await writeH5ad(path, { X: CsrMatrix.fromDense(table(5, 3)) });
    await h5wasm.ready;
    const f = new h5wasm.File(path, 'a');
    const x = f.get('X') as InstanceType<typeof h5wasm.Group>;
    x.delete_attribute('encoding-type');
    x.create_attribute('encoding-type', 'csc_matrix');
    f.close();
    await rejects(openH5adSource(path), 'INVALID_DATA', /csc\.h5ad: X is stored as csc_matrix.*needs CSR.*tocsr\(\)/);
  });

  it('refuses a missing file, a file that is not HDF5, a file without X, and inconsistent CSR arrays', async () => {
    await rejects(openH5adSource(join(dir, 'absent.h5ad')), 'INVALID_DATA', /absent\.h5ad: no such file/);
    const text = join(dir, 'text.h5ad');
    writeFileSync(text, 'not hdf5 at all');
    await rejects(openH5adSource(text), 'INVALID_DATA', /text\.h5ad: not an HDF5 file/);
    await h5wasm.ready;
    const noX = join(dir, 'nox.h5ad');
    new h5wasm.File(noX, 'w').close();
    await rejects(openH5adSource(noX), 'INVALID_DATA', /nox\.h5ad: the file has no X/);

    const bad = join(dir, 'bad-indptr.h5ad');
    await writeH5ad(bad, { X: CsrMatrix.fromDense(table(5, 3)) });
    const f = new h5wasm.File(bad, 'a');
    const indptr = f.get('X/indptr') as InstanceType<typeof h5wasm.Dataset>;
    const values = Int32Array.from(indptr.value as Int32Array);
    values[2] = values[3] + 1; // goes down after row 2
    indptr.write_slice([[0, values.length]], values);
    f.close();
    await rejects(openH5adSource(bad), 'INVALID_DATA', /bad-indptr\.h5ad: X\/indptr must be non-decreasing/);
  });

  it('refuses a batch whose column indices are out of range, naming the entry and row', async () => {
    const path = join(dir, 'bad-index.h5ad');
    await writeH5ad(path, { X: CsrMatrix.fromDense(table(6, 3)) });
    await h5wasm.ready;
    const f = new h5wasm.File(path, 'a');
    const indices = f.get('X/indices') as InstanceType<typeof h5wasm.Dataset>;
    const n = indices.shape![0];
    indices.write_slice([[n - 1, n]], Int32Array.of(7));
    f.close();
    const source = await openH5adSource(path);
    await source.readRows(0, 2);
    await rejects(source.readRows(3, 3), 'INVALID_DATA', new RegExp(`bad-index\\.h5ad: X/indices\\[${n - 1}\\] = 7 \\(row 5\\) is outside 0\\.\\.2`));
    await source.close();
    await rejects(source.readRows(0, 1), 'INVALID_OPTION', /closed/);
  });

  it('refuses an entry stored twice in a row, naming the file and the row of X (not of the batch)', async () => {
    const path = join(dir, 'repeated-entry.h5ad');
    await writeH5ad(path, { X: CsrMatrix.fromDense(table(12, 6)) });
    await h5wasm.ready;
    const f = new h5wasm.File(path, 'a');
    const indptr = Array.from((f.get('X/indptr') as InstanceType<typeof h5wasm.Dataset>).value as ArrayLike<number>, Number);
    const indices = f.get('X/indices') as InstanceType<typeof h5wasm.Dataset>;
    // the last row with two entries or more: its last entry names its first entry's column again
    let row = 11;
    while (indptr[row + 1] - indptr[row] < 2) row--;
    assert.ok(row >= 1, 'the table has a row with two entries after row 0');
    indices.write_slice([[indptr[row + 1] - 1, indptr[row + 1]]], Int32Array.of(Number((indices.value as ArrayLike<number>)[indptr[row]])));
    f.close();
    const source = await openH5adSource(path);
    await rejects(source.readRows(row - 1, 2), 'INVALID_DATA', new RegExp(`repeated-entry\\.h5ad: X row ${row} stores column \\d more than once \\(0-based\\)`));
    await source.close();
  });
});

describe('generateSparseH5ad', () => {
  it('writes a CSR h5ad at the requested density that readH5ad and openH5adSource read alike', async () => {
    const path = join(dir, 'gen.h5ad');
    const info = await generateSparseH5ad(path, { rows: 500, columns: 300, density: 0.05, seed: 3 });
    const { X, xEncoding, obs, var: vars } = await readH5ad(path);
    assert.equal(xEncoding, 'csr_matrix');
    assert.ok(X instanceof CsrMatrix);
    assert.deepEqual(X.shape, [500, 300]);
    assert.equal(X.nnz, info.nnz);
    assert.ok(Math.abs(X.density - 0.05) < 0.005, `density ${X.density}`);
    for (let k = 0; k < X.nnz; k++) assert.ok(X.data[k] >= 1 && Number.isInteger(X.data[k]));
    assert.equal(obs.columns.planted_topic.kind, 'categorical');
    assert.equal(vars.index[0], 'gene-0');
    const source = await openH5adSource(path);
    assert.deepEqual(await readAllShuffled(source, 64, { kind: 'csr', dtype: 'float32' }), denseValues(X));
    await source.close();
    // same seed, same file content
    const again = join(dir, 'gen-again.h5ad');
    await generateSparseH5ad(again, { rows: 500, columns: 300, density: 0.05, seed: 3 });
    assert.deepEqual(denseValues((await readH5ad(again)).X), denseValues(X));
  });

  it('the planted structure is there: samples of one planted topic share their features', async () => {
    const path = join(dir, 'structure.h5ad');
    await generateSparseH5ad(path, { rows: 400, columns: 200, density: 0.05, seed: 1, topics: 4, targetTopics: 1 });
    const { X, obs } = await readH5ad(path);
    const topic = obs.columns.planted_topic;
    assert.ok(topic.kind === 'categorical');
    const dense = (X as CsrMatrix).toDense();
    // cosine similarity of mean profiles: within a topic's samples vs across topics
    const profile = (t: number, half: number): Float64Array => {
      const p = new Float64Array(200);
      let seen = 0;
      for (let i = 0; i < 400; i++) {
        if (topic.codes[i] !== t || (seen++ % 2) !== half) continue;
        for (let j = 0; j < 200; j++) p[j] += dense.get(i, j);
      }
      return p;
    };
    const cos = (a: Float64Array, b: Float64Array): number => {
      let ab = 0, aa = 0, bb = 0;
      for (let j = 0; j < a.length; j++) { ab += a[j] * b[j]; aa += a[j] * a[j]; bb += b[j] * b[j]; }
      return ab / Math.sqrt(aa * bb);
    };
    const within = cos(profile(0, 0), profile(0, 1));
    const across = cos(profile(0, 0), profile(1, 1));
    assert.ok(within > 0.8 && across < 0.5, `within ${within}, across ${across}`);
  });

  it('target and background files of different sizes share the shared topics; both stream', async () => {
    const target = join(dir, 'target.h5ad');
    const background = join(dir, 'background.h5ad');
    await generateSparseH5ad(target, { rows: 120, columns: 50, density: 0.1, seed: 5 });
    await generateSparseH5ad(background, { rows: 70, columns: 50, density: 0.1, seed: 5, role: 'background' });
    const t = await readH5ad(target);
    const b = await readH5ad(background);
    const tc = t.obs.columns.planted_topic;
    const bc = b.obs.columns.planted_topic;
    assert.ok(tc.kind === 'categorical' && bc.kind === 'categorical');
    assert.ok(Array.from(bc.codes).every((c) => bc.categories[c].startsWith('shared-')));
    assert.ok(Array.from(tc.codes).some((c) => tc.categories[c].startsWith('target-')));
    const sources = [await openH5adSource(target), await openH5adSource(background)];
    assert.deepEqual(sources.map((s) => s.rows), [120, 70]);
    assert.deepEqual(await readAllShuffled(sources[0], 32, { kind: 'csr' }), denseValues(t.X));
    assert.deepEqual(await readAllShuffled(sources[1], 32, { kind: 'csr' }), denseValues(b.X));
    await Promise.all(sources.map((s) => s.close()));
  });

  it('refuses bad options and leaves no file behind', async () => {
    const path = join(dir, 'never.h5ad');
    await rejects(generateSparseH5ad(path, { rows: 0, columns: 5, density: 0.1 }), 'INVALID_OPTION', /rows must be an integer >= 1/);
    await rejects(generateSparseH5ad(path, { rows: 5, columns: 5, density: 0.9 }), 'INVALID_OPTION', /density must be a number in \(0, 0\.5\]/);
    await rejects(generateSparseH5ad(path, { rows: 5, columns: 5, density: 0.1, topics: 2, targetTopics: 2 }), 'INVALID_OPTION', /targetTopics/);
    assert.equal(existsSync(path), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('never')), []);
  });
});
