import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { matrixSource } from '../../src/index.js';
import { denseValues, readAllShuffled, rejects } from './helpers.js';

const dense = DenseMatrix.fromRows(
  Array.from({ length: 11 }, (_, i) => [i, 0, (i * 7) % 5, i % 3 === 0 ? 2.5 : 0]),
  { rowNames: Array.from({ length: 11 }, (_, i) => `r${i}`), columnNames: ['a', 'b', 'c', 'd'] },
);

describe('matrixSource', () => {
  it('serves a dense matrix in batches that put it back together (sizes 1, 3, 4, 11, any order, twice)', async () => {
    const source = matrixSource(dense);
    assert.equal(source.rows, 11);
    assert.equal(source.columns, 4);
    assert.deepEqual(source.rowNames, dense.rowNames);
    for (const size of [1, 3, 4, 11]) {
      assert.deepEqual(await readAllShuffled(source, size, { kind: 'dense', dtype: 'float64' }), denseValues(dense));
    }
  });

  it('serves a CSR matrix as CSR batches, empty rows included', async () => {
    const csr = CsrMatrix.fromDense(dense);
    const source = matrixSource(csr);
    for (const size of [2, 5, 11]) {
      assert.deepEqual(await readAllShuffled(source, size, { kind: 'csr', dtype: 'float64' }), denseValues(dense));
    }
    const empty = await source.readRows(4, 0);
    assert.deepEqual(empty.shape, [0, 4]);
  });

  it('a batch is a copy: changing it leaves the source as it was', async () => {
    const source = matrixSource(dense);
    const batch = (await source.readRows(0, 2)) as DenseMatrix;
    batch.data[0] = 99;
    assert.equal(dense.get(0, 0), 0);
  });

  it('refuses rows outside the matrix, fractional ranges and reads after close()', async () => {
    const source = matrixSource(dense);
    await rejects(source.readRows(-1, 2), 'INVALID_OPTION', /cannot read rows \[-1/);
    await rejects(source.readRows(10, 2), 'INVALID_OPTION', /start \+ count <= 11/);
    await rejects(source.readRows(1.5, 2), 'INVALID_OPTION', /integers/);
    await source.close();
    await rejects(source.readRows(0, 1), 'INVALID_OPTION', /closed/);
  });
});
