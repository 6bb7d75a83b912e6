import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsrMatrix } from '../src/matrix/csr-matrix.js';
import { DenseMatrix } from '../src/matrix/dense-matrix.js';
import { BcnmfError } from '../src/errors.js';

// Dense reference operations, written here independently of the class under test.
function denseTranspose(a: number[][]): number[][] {
  const rows = a.length;
  const cols = rows ? a[0].length : 0;
  return Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => a[i][j]));
}
function randomSparse(rows: number, cols: number, density: number, seed: number): number[][] {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => (rnd() < density ? Math.round(rnd() * 100) / 4 + 0.25 : 0)),
  );
}
function isInvalidData(pattern: RegExp) {
  return (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA' && pattern.test(e.message);
}

describe('CsrMatrix', () => {
  it('stores the non-zeros of a dense matrix and gives them back', () => {
    const a = randomSparse(7, 11, 0.3, 1);
    const dense = DenseMatrix.fromRows(a, { rowNames: a.map((_, i) => `r${i}`), columnNames: a[0].map((_, j) => `c${j}`) });
    const m = CsrMatrix.fromDense(dense);
    const expectedNnz = a.flat().filter((v) => v !== 0).length;
    assert.equal(m.nnz, expectedNnz);
    assert.equal(m.density, expectedNnz / 77);
    assert.deepEqual(m.shape, [7, 11]);
    assert.deepEqual(m.toDense().toArray(), a);
    assert.deepEqual(m.toDense().rowNames, dense.rowNames);
    assert.deepEqual(m.columnNames, dense.columnNames);
    for (let i = 0; i < 7; i++) for (let j = 0; j < 11; j++) assert.equal(m.get(i, j), a[i][j]);
    assert.ok(m.indptr instanceof Int32Array);
    assert.ok(m.data instanceof Float64Array);
  });

  it('keeps Float32 values as Float32', () => {
    const d = new DenseMatrix({ data: new Float32Array([0, 1.5, 2, 0]), shape: [2, 2] });
    const m = CsrMatrix.fromDense(d);
    assert.ok(m.data instanceof Float32Array);
    assert.ok(m.toDense().data instanceof Float32Array);
    assert.deepEqual(Array.from(m.indptr), [0, 1, 2]);
    assert.deepEqual(Array.from(m.indices), [1, 0]);
  });

  it('builds from unsorted COO triplets, summing duplicates', () => {
    const rows = [2, 0, 2, 1, 0, 2, 2];
    const cols = [3, 1, 0, 2, 1, 3, 1];
    const vals = [1, 2, 3, 4, 5, 6, 7];
    const expected = [
      [0, 7, 0, 0],
      [0, 0, 4, 0],
      [3, 7, 0, 7],
    ];
    const m = CsrMatrix.fromCoo(rows, cols, vals, [3, 4]);
    assert.deepEqual(m.toDense().toArray(), expected);
    assert.equal(m.nnz, 5);
    assert.deepEqual(Array.from(m.indptr), [0, 1, 2, 5]);
    assert.deepEqual(Array.from(m.indices), [1, 2, 0, 1, 3]);
    assert.throws(() => CsrMatrix.fromCoo(rows, cols, vals, [3, 4], { sumDuplicates: false }), isInvalidData(/repeat position \(0, 1\)/));
    assert.throws(() => CsrMatrix.fromCoo([0, 3], [0, 0], [1, 1], [3, 4]), isInvalidData(/entry 1: row index 3 is outside 0..2/));
    assert.throws(() => CsrMatrix.fromCoo([0], [-1], [1], [3, 4]), isInvalidData(/column index -1/));
    assert.throws(() => CsrMatrix.fromCoo([0, 1], [0], [1, 1], [3, 4]), isInvalidData(/differ in length/));
  });

  it('sorts long unsorted rows (larger than the insertion-sort cutoff)', () => {
    const n = 100;
    const cols = Array.from({ length: n }, (_, k) => (k * 37) % n);
    const m = CsrMatrix.fromCoo(new Array(n).fill(0), cols, cols.map((c) => c + 1), [1, n]);
    assert.deepEqual(Array.from(m.indices), Array.from({ length: n }, (_, k) => k));
    assert.deepEqual(Array.from(m.data), Array.from({ length: n }, (_, k) => k + 1));
  });

  it('transposes like the dense transpose (CSR <-> CSC)', () => {
    const a = randomSparse(9, 5, 0.35, 7);
    const m = CsrMatrix.fromDense(DenseMatrix.fromRows(a, { rowNames: a.map((_, i) => `r${i}`) }));
    const t = m.transpose();
    assert.deepEqual(t.shape, [5, 9]);
    assert.deepEqual(t.toDense().toArray(), denseTranspose(a));
    assert.deepEqual(t.columnNames, m.rowNames);
    assert.equal(t.rowNames, undefined);
    assert.deepEqual(t.transpose().toDense().toArray(), a);
    // CSC arrays of `a` are the CSR arrays of its transpose: rebuild `a` from them
    const csc = new CsrMatrix({ indptr: t.indptr, indices: t.indices, data: t.data, shape: [5, 9] });
    assert.deepEqual(csc.transpose().toDense().toArray(), a);
  });

  it('selects rows and columns in any order, with repeats', () => {
    const a = randomSparse(6, 8, 0.4, 3);
    const names = { rowNames: a.map((_, i) => `r${i}`), columnNames: a[0].map((_, j) => `c${j}`) };
    const m = CsrMatrix.fromDense(DenseMatrix.fromRows(a, names));
    const rowSel = [4, 0, 4, 5];
    const colSel = [7, 2, 2, 0, 5];
    const r = m.selectRows(rowSel);
    assert.deepEqual(r.toDense().toArray(), rowSel.map((i) => a[i]));
    assert.deepEqual(r.rowNames, ['r4', 'r0', 'r4', 'r5']);
    const c = m.selectColumns(colSel);
    assert.deepEqual(c.toDense().toArray(), a.map((row) => colSel.map((j) => row[j])));
    assert.deepEqual(c.columnNames, ['c7', 'c2', 'c2', 'c0', 'c5']);
    for (let i = 0; i < c.rows; i++) {
      const { indices } = c.row(i);
      for (let p = 1; p < indices.length; p++) assert.ok(indices[p] > indices[p - 1]);
    }
    assert.deepEqual(m.selectColumns([]).shape, [6, 0]);
    assert.throws(() => m.selectRows([6]), isInvalidData(/row index 6/));
    assert.throws(() => m.selectColumns([1.5]), isInvalidData(/column index 1.5/));
  });

  it('validates its arrays and sorts unsorted rows in the constructor', () => {
    const ok = () => ({ indptr: new Int32Array([0, 2, 3]), indices: new Int32Array([2, 0, 1]), data: new Float64Array([1, 2, 3]) });
    const m = new CsrMatrix({ ...ok(), shape: [2, 3] });
    assert.deepEqual(Array.from(m.indices), [0, 2, 1]);
    assert.deepEqual(Array.from(m.data), [2, 1, 3]);
    assert.deepEqual(m.toDense().toArray(), [[2, 0, 1], [0, 3, 0]]);
    assert.throws(() => new CsrMatrix({ ...ok(), indptr: new Int32Array([0, 3, 2]), shape: [2, 3] }), isInvalidData(/non-decreasing/));
    assert.throws(() => new CsrMatrix({ ...ok(), indptr: new Int32Array([1, 2, 3]), shape: [2, 3] }), isInvalidData(/indptr\[0\] must be 0/));
    assert.throws(() => new CsrMatrix({ ...ok(), indptr: new Int32Array([0, 2, 2]), shape: [2, 3] }), isInvalidData(/ends at 2 but there are 3/));
    assert.throws(() => new CsrMatrix({ ...ok(), shape: [3, 3] }), isInvalidData(/4 entries|needs? 4/));
    assert.throws(() => new CsrMatrix({ ...ok(), shape: [2, 2] }), isInvalidData(/column index 2 in row 0 is outside 0..1/));
    assert.throws(
      () => new CsrMatrix({ indptr: new Int32Array([0, 2]), indices: new Int32Array([1, 1]), data: new Float64Array(2), shape: [1, 3] }),
      isInvalidData(/stores column 1 more than once/),
    );
    assert.throws(() => new CsrMatrix({ ...ok(), data: new Float64Array(2), shape: [2, 3] }), isInvalidData(/indices has 3 entries but data has 2/));
    assert.throws(() => new CsrMatrix({ ...ok(), shape: [2, 3], rowNames: ['a'] }), isInvalidData(/1 row names for 2 rows/));
    // Float64Array indptr (the form used past 2^31 entries) is accepted and checked for integers
    const f = new CsrMatrix({ ...ok(), indptr: new Float64Array([0, 2, 3]), shape: [2, 3] });
    assert.equal(f.get(0, 2), 1);
    assert.throws(() => new CsrMatrix({ ...ok(), indptr: new Float64Array([0, 1.5, 3]), shape: [2, 3] }), isInvalidData(/integers/));
  });

  it('handles empty matrices', () => {
    const e = CsrMatrix.fromCoo([], [], [], [0, 0]);
    assert.equal(e.nnz, 0);
    assert.equal(e.density, 0);
    const z = CsrMatrix.fromDense(new DenseMatrix({ data: new Float64Array(6), shape: [2, 3] }));
    assert.equal(z.nnz, 0);
    assert.deepEqual(z.transpose().toDense().toArray(), [[0, 0], [0, 0], [0, 0]]);
  });
});
