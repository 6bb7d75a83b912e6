import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { topEigenpairs } from '../src/index.js';
import { crossProduct } from '../src/linalg/dense.js';
import { absCos, randomRows } from './helpers.js';

function full(a: Float64Array, n: number): { values: number[]; vectors: number[][] } {
  const m = Matrix.from1DArray(n, n, a);
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((_, i) => i).sort((x, y) => evd.realEigenvalues[y] - evd.realEigenvalues[x]);
  return { values: order.map((i) => evd.realEigenvalues[i]), vectors: order.map((i) => evd.eigenvectorMatrix.getColumn(i)) };
}

function check(a: Float64Array, n: number, k: number, options = {}): void {
  const top = topEigenpairs(a, n, k, options);
  const ref = full(a, n);
  const scale = Math.max(Math.abs(ref.values[0]), Math.abs(ref.values[n - 1]));
  for (let i = 0; i < k; i++) {
    assert.ok(Math.abs(top.values[i] - ref.values[i]) < 1e-9 * scale, `eigenvalue ${i}: ${top.values[i]} vs ${ref.values[i]}`);
    assert.ok(absCos(top.vectors[i], ref.vectors[i]) > 1 - 1e-8, `eigenvector ${i}`);
  }
}

describe('top-k symmetric eigensolver against ml-matrix EigenvalueDecomposition', () => {
  it('random symmetric indefinite matrices (largest algebraic, not largest magnitude)', () => {
    for (const [seed, n, k] of [[1, 90, 1], [2, 120, 2], [3, 150, 3]]) {
      const r = randomRows(seed, n, n);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = r[i][j] + r[j][i];
      // push the spectrum's negative end far out: the largest magnitudes are negative
      for (let i = 0; i < 5; i++) a[i * n + i] -= 100;
      check(a, n, k);
    }
  });

  it('C_fg - alpha C_bg at large alpha (shift-invert path) and with a tiny Krylov budget', () => {
    const p = 100;
    const fg = randomRows(4, 80, p, (j) => (j < 5 ? 4 : 1)).flat();
    const bg = randomRows(5, 90, p, (j) => (j < 3 ? 4 : 1)).flat();
    const cf = crossProduct(Float64Array.from(fg), 80, p, 79);
    const cb = crossProduct(Float64Array.from(bg), 90, p, 89);
    for (const alpha of [0, 3, 1000]) {
      const m = new Float64Array(p * p);
      for (let i = 0; i < m.length; i++) m[i] = cf[i] - alpha * cb[i];
      check(m, p, 2);
      check(m, p, 2, { maxMatvecs: 6 });
    }
  });
});
