// readH5adBytes (the browser entry's .h5ad reader: h5wasm's browser build on its in-memory
// file system) reads what readH5ad (files, h5wasm's Node build) reads, and refuses what it
// refuses: the files are written here with writeH5ad and with h5wasm's low-level API.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import h5wasmNode from 'h5wasm/node';
import h5wasmBrowser from 'h5wasm';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { readH5ad, writeH5ad } from '../../src/formats/h5ad.js';
import { readH5adBytes } from '../../src/formats/h5ad-bytes.js';
import { frameColumnValues, toCategorical } from '../../src/formats/h5ad-read.js';
import { writeBadCsr, writeCscX } from './h5ad-fixtures.js';

let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bcnmf-h5ad-bytes-'));
  await h5wasmNode.ready;
});
after(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = [
  [1, 0, 2.5, 0],
  [0, 0, 0, 4],
  [3, 1, 0, 0],
];
const CELLS = ['c1', 'c2', 'c3'];
const GENES = ['g1', 'g2', 'g3', 'g4'];

function bytesOf(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

async function sameAsFile(path: string): Promise<void> {
  const fromFile = await readH5ad(path);
  const fromBytes = await readH5adBytes(bytesOf(path), { name: path });
  assert.equal(fromBytes.xEncoding, fromFile.xEncoding);
  assert.equal(fromBytes.X.constructor, fromFile.X.constructor);
  const dense = (X: DenseMatrix | CsrMatrix) => (X instanceof CsrMatrix ? X.toDense() : X);
  assert.deepEqual(dense(fromBytes.X).toArray(), dense(fromFile.X).toArray());
  assert.equal(fromBytes.X.data.constructor, fromFile.X.data.constructor);
  assert.deepEqual(fromBytes.X.rowNames, fromFile.X.rowNames);
  assert.deepEqual(fromBytes.X.columnNames, fromFile.X.columnNames);
  assert.deepEqual(fromBytes.obs, fromFile.obs);
  assert.deepEqual(fromBytes.var, fromFile.var);
}

describe('readH5adBytes', () => {
  it('reads dense and CSR files as readH5ad does', async () => {
    const dense = join(dir, 'dense.h5ad');
    await writeH5ad(dense, {
      X: DenseMatrix.fromRows(ROWS, { rowNames: CELLS, columnNames: GENES }),
      obs: { condition: toCategorical(['target', 'background', 'target']), depth: [10, 20, 30], note: ['a', 'b', 'c'] },
    });
    await sameAsFile(dense);
    const fromBytes = await readH5adBytes(bytesOf(dense), { name: 'dense.h5ad' });
    assert.ok(fromBytes.X instanceof DenseMatrix);
    assert.deepEqual(fromBytes.X.toArray(), ROWS);
    assert.deepEqual({ ...frameColumnValues(fromBytes.obs) }, { condition: ['target', 'background', 'target'], depth: [10, 20, 30], note: ['a', 'b', 'c'] });

    const csr = join(dir, 'csr.h5ad');
    await writeH5ad(csr, {
      X: CsrMatrix.fromDense(new DenseMatrix({ data: Float32Array.from(ROWS.flat()), shape: [3, 4], rowNames: CELLS, columnNames: GENES })),
    });
    await sameAsFile(csr);
    assert.ok((await readH5adBytes(bytesOf(csr), { dtype: 'float64' })).X.data instanceof Float64Array);
  });

  it('reads a CSC X with int64 indptr, built by hand, as readH5ad does', async () => {
    const path = join(dir, 'csc.h5ad');
    const f = new h5wasmNode.File(path, 'w');
    writeCscX(f);
    f.close();
    await sameAsFile(path);
    const back = await readH5adBytes(bytesOf(path));
    assert.ok(back.X instanceof CsrMatrix);
    assert.deepEqual(back.X.toDense().toArray(), ROWS);
    assert.deepEqual(back.X.rowNames, ['0', '1', '2']);
  });

  it('refuses what readH5ad refuses, naming the file, and leaves nothing in the in-memory file system', async () => {
    const refused = (pattern: RegExp) => (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA' && pattern.test(e.message);
    await assert.rejects(readH5adBytes(new TextEncoder().encode('this is not HDF5 at all'), { name: 'broken.h5ad' }), refused(/^broken\.h5ad: not an HDF5 file \(no HDF5 signature\)$/));
    const noX = join(dir, 'nox.h5ad');
    const f = new h5wasmNode.File(noX, 'w');
    f.create_group('obs');
    f.close();
    await assert.rejects(readH5adBytes(bytesOf(noX), { name: 'nox.h5ad' }), refused(/^nox\.h5ad: the file has no X/));
    const bad = join(dir, 'bad-csr.h5ad');
    writeBadCsr(bad);
    await assert.rejects(readH5adBytes(bytesOf(bad), { name: 'bad-csr.h5ad' }), refused(/bad-csr\.h5ad: X \(csr_matrix\): CSR column index 5 in row 1 is outside 0\.\.1/));
    // a truncated file: the signature is there, HDF5 cannot open it
    const cut = bytesOf(join(dir, 'dense.h5ad')).subarray(0, 600);
    await assert.rejects(readH5adBytes(cut, { name: 'cut.h5ad' }), refused(/^cut\.h5ad: opening the file: HDF5 error \(File has been truncated: truncated file: eof = 600/));
    const FS = (await h5wasmBrowser.ready).FS;
    assert.deepEqual(FS.readdir('/').filter((name: string) => name.endsWith('.h5ad')), []);
  });
});
