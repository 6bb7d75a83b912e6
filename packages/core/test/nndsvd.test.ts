import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { plainOps, useBackend } from '../src/index.js';
import { nndsvd, truncatedSvd } from '../src/init/nndsvd.js';
import { rng, toRows, uniformMat } from '../src/testing/reference.js';

// NNDSVD written out plainly from Boutsidis & Gallopoulos (2008) on an exact SVD.
function plainNndsvd(x: number[][], k: number, fill: boolean): { W: number[][]; H: number[][] } {
  const svd = new SingularValueDecomposition(new Matrix(x), { autoTranspose: true });
  const U = svd.leftSingularVectors;
  const V = svd.rightSingularVectors;
  const S = svd.diagonal;
  const n = x.length;
  const m = x[0].length;
  const W = Array.from({ length: n }, () => new Array<number>(k).fill(0)); // samples x k
  const H = Array.from({ length: k }, () => new Array<number>(m).fill(0)); // k x features
  const pos = (v: number[]) => v.map((a) => Math.max(a, 0));
  const neg = (v: number[]) => v.map((a) => Math.max(-a, 0));
  const nrm = (v: number[]) => Math.hypot(...v);
  for (let j = 0; j < k; j++) {
    const u = U.getColumn(j);
    const v = V.getColumn(j);
    let a: number[];
    let b: number[];
    let c: number;
    if (j === 0) {
      a = u.map(Math.abs);
      b = v.map(Math.abs);
      c = Math.sqrt(S[0]);
    } else {
      const mp = nrm(pos(u)) * nrm(pos(v));
      const mn = nrm(neg(u)) * nrm(neg(v));
      const [uu, vv, mass] = mp > mn ? [pos(u), pos(v), mp] : [neg(u), neg(v), mn];
      a = uu.map((t) => t / nrm(uu));
      b = vv.map((t) => t / nrm(vv));
      c = Math.sqrt(S[j] * mass);
    }
    for (let i = 0; i < n; i++) W[i][j] = c * a[i];
    for (let f = 0; f < m; f++) H[j][f] = c * b[f];
  }
  const mean = x.flat().reduce((s, v) => s + v, 0) / (n * m);
  const clip = (v: number) => (v < 1e-6 ? (fill ? mean : 0) : v);
  return { W: W.map((r) => r.map(clip)), H: H.map((r) => r.map(clip)) };
}

describe('NNDSVD initialisation', () => {
  it('the randomized truncated SVD matches the exact one when the probes span the data', async () => {
    await useBackend('cpu');
    const x = toRows(uniformMat(30, 14, rng('svd'), 0, 2));
    const data = tf.tensor2d(x);
    const { s, u, v } = await truncatedSvd(plainOps, data, 4, 0);
    data.dispose();
    const exact = new SingularValueDecomposition(new Matrix(x), { autoTranspose: true });
    for (let j = 0; j < 4; j++) {
      assert.ok(Math.abs(s[j] - exact.diagonal[j]) < 1e-4 * exact.diagonal[0]);
      // singular vectors agree up to sign
      const dotU = u.getColumn(j).reduce((acc, a, i) => acc + a * exact.leftSingularVectors.get(i, j), 0);
      const dotV = v.getColumn(j).reduce((acc, a, i) => acc + a * exact.rightSingularVectors.get(i, j), 0);
      assert.ok(Math.abs(Math.abs(dotU) - 1) < 1e-4 && Math.abs(Math.abs(dotV) - 1) < 1e-4);
    }
  });

  for (const fill of [false, true]) {
    it(`matches a plain NNDSVD${fill ? 'A' : ''} on an exact SVD`, async () => {
      await useBackend('cpu');
      const x = toRows(uniformMat(25, 12, rng(`nndsvd${fill}`), 0, 3));
      const data = tf.tensor2d(x);
      const result = await nndsvd(plainOps, data, 3, fill, 0);
      data.dispose();
      const expected = plainNndsvd(x, 3, fill);
      const close = (a: ArrayLike<number>, b: number[]) => {
        for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 2e-4 * (1 + Math.abs(b[i])), `${a[i]} vs ${b[i]}`);
      };
      close(result.coefficients, expected.W.flat());
      close(result.basis, expected.H.flat());
    });
  }
});
