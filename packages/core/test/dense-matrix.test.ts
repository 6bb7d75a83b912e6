import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DenseMatrix } from '../src/matrix/dense-matrix.js';
import { BcnmfError } from '../src/errors.js';

describe('DenseMatrix', () => {
  it('reads rows, columns and values from arrays of rows', () => {
    const m = DenseMatrix.fromRows([[1, 2, 3], [4, 5, 6]], { columnNames: ['a', 'b', 'c'] });
    assert.deepEqual(m.shape, [2, 3]);
    assert.equal(m.get(1, 2), 6);
    assert.deepEqual(Array.from(m.row(0)), [1, 2, 3]);
    assert.deepEqual(Array.from(m.column(1)), [2, 5]);
    assert.deepEqual(m.columnNames, ['a', 'b', 'c']);
  });

  it('transposes values and names', () => {
    const m = DenseMatrix.fromRows([[1, 2, 3], [4, 5, 6]], { rowNames: ['r1', 'r2'], columnNames: ['a', 'b', 'c'] });
    const t = m.transpose();
    assert.deepEqual(t.toArray(), [[1, 4], [2, 5], [3, 6]]);
    assert.deepEqual(t.rowNames, ['a', 'b', 'c']);
    assert.deepEqual(t.columnNames, ['r1', 'r2']);
  });

  it('refuses ragged rows, wrong lengths and wrong name counts', () => {
    assert.throws(() => DenseMatrix.fromRows([[1, 2], [3]]), (e: unknown) => e instanceof BcnmfError && /row 1 has 1 values/.test(e.message));
    assert.throws(() => new DenseMatrix({ data: new Float32Array(5), shape: [2, 3] }), /5 values but shape \[2, 3\] needs 6/);
    assert.throws(() => new DenseMatrix({ data: new Float32Array(6), shape: [2, 3], rowNames: ['x'] }), /1 row names for 2 rows/);
  });
});
