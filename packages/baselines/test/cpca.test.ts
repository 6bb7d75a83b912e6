import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { CpcaModel, alphaCandidates, cpca, pca } from '../src/index.js';
import { absCos, ariOf, contrastPair, randomRows } from './helpers.js';

const reference = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8'));

/** Plain cPCA in the test: standardize (ddof 0), covariances, full EVD of C_fg - a C_bg. */
function plainTop2(fg: number[][], bg: number[][], alpha: number): number[][] {
  const std = (x: number[][]): Matrix => {
    const m = new Matrix(x);
    const mean = m.mean('column');
    m.subRowVector(mean);
    const sd = m.standardDeviation('column', { unbiased: false, mean: new Array(m.columns).fill(0) });
    m.divRowVector(sd);
    return m;
  };
  const f = std(fg);
  const b = std(bg);
  const cf = f.transpose().mmul(f).div(f.rows - 1);
  const cb = b.transpose().mmul(b).div(b.rows - 1);
  const evd = new EigenvalueDecomposition(cf.sub(cb.mul(alpha)), { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((_, i) => i).sort((x, y) => evd.realEigenvalues[y] - evd.realEigenvalues[x]);
  const v = order.slice(0, 2).map((i) => evd.eigenvectorMatrix.getColumn(i));
  return f.mmul(new Matrix(v).transpose()).to2DArray();
}

/** |det(Q_i^T Q_j)| of the QR-orthonormalised 2-D projections, via ml-matrix QR. */
function plainAffinity(a: number[][], b: number[][]): number {
  const q = (x: number[][]): Matrix => {
    // Gram–Schmidt written out plainly
    const m = new Matrix(x);
    const c0 = m.getColumnVector(0);
    const u0 = c0.div(c0.norm());
    const c1 = m.getColumnVector(1);
    const u1 = c1.sub(u0.clone().mul(u0.transpose().mmul(c1).get(0, 0))); // ml-matrix ops are in place
    return new Matrix([u0.to1DArray(), u1.div(u1.norm()).to1DArray()]).transpose();
  };
  const m = q(a).transpose().mmul(q(b));
  return Math.abs(m.get(0, 0) * m.get(1, 1) - m.get(0, 1) * m.get(1, 0));
}

describe('cpca', () => {
  it('with alpha = 0 equals PCA of the standardized target', async () => {
    const { target, background } = contrastPair(3, 60, 50, 12);
    const c = await cpca(target, background, { alpha: 0, nComponents: 3 });
    const p = await pca(target, { nComponents: 3, scale: true });
    for (let i = 0; i < 3; i++) {
      assert.ok(absCos(c.components.row(i), p.components.row(i)) > 1 - 1e-9);
      assert.ok(Math.abs(c.results[0].eigenvalues[i] - p.explainedVariance[i]) < 1e-9 * p.explainedVariance[0]);
    }
    // same sign convention, so the embeddings agree exactly
    for (let r = 0; r < 60; r++) for (let i = 0; i < 3; i++) assert.ok(Math.abs(c.embedding.get(r, i) - p.embedding.get(r, i)) < 1e-8);
  });

  for (const ref of reference.cpca) {
    it(`${ref.name}: fixed alphas, candidates, affinity and selected alphas match the Python transcription of the reference`, async () => {
      for (const f of ref.fixed) {
        const model = await cpca(ref.target, ref.background, { alpha: f.alpha });
        for (let i = 0; i < 2; i++) {
          assert.ok(Math.abs(model.results[0].eigenvalues[i] - f.eigenvalues[i]) < 1e-9 * (1 + Math.abs(f.eigenvalues[0])));
          assert.ok(absCos(model.components.row(i), f.components[i]) > 1 - 1e-9);
        }
      }
      const auto = await cpca(ref.target, ref.background);
      const sel = auto.selection!;
      assert.equal(sel.candidates.length, 41);
      sel.candidates.forEach((a, i) => assert.ok(Math.abs(a - ref.candidates[i]) <= 1e-12 * (1 + a)));
      for (let i = 0; i < 41; i++) for (let j = 0; j < 41; j++) assert.ok(Math.abs(sel.affinity[i][j] - ref.affinity[i][j]) < 1e-6, `affinity ${i},${j}`);
      // same partition of the candidates (cluster numbers may differ)
      for (let i = 0; i < 41; i++) for (let j = 0; j < 41; j++) assert.equal(sel.labels[i] === sel.labels[j], ref.labels[i] === ref.labels[j]);
      assert.equal(auto.alphas.length, ref.alphas.length);
      auto.alphas.forEach((a, i) => assert.ok(Math.abs(a - ref.alphas[i]) <= 1e-9 * (1 + a)));
      assert.equal(auto.alpha, auto.alphas[1]);
    });
  }

  it('affinity against an independent plain computation (ml-matrix full EVD and Gram–Schmidt)', async () => {
    const ref = reference.cpca[1];
    const auto = await cpca(ref.target, ref.background);
    const cands = alphaCandidates(40, 3);
    for (const [i, j] of [[0, 5], [3, 20], [12, 40], [25, 30]]) {
      const a = plainTop2(ref.target, ref.background, cands[i]);
      const b = plainTop2(ref.target, ref.background, cands[j]);
      assert.ok(Math.abs(auto.selection!.affinity[i][j] - plainAffinity(a, b)) < 1e-7);
    }
  });

  it('separates the target-only groups hidden under stronger shared variance, where PCA does not', async () => {
    const { target, background, groups } = contrastPair();
    const model = await cpca(target, background);
    const aris = model.results.map((r) => ariOf(r.embedding, groups));
    assert.ok(ariOf(model.embedding, groups) > 0.9, `cPCA ARIs ${aris}`);
    assert.ok(ariOf((await pca(target)).embedding, groups) < 0.2);
    assert.ok(ariOf((await pca(target, { scale: true })).embedding, groups) < 0.3);
  });

  it('guards zero-variance features (never divides by zero)', async () => {
    const { target, background } = contrastPair(5, 40, 40, 10);
    target.forEach((r) => (r[3] = 2.1)); // constant in both
    background.forEach((r) => (r[3] = 0.7));
    background.forEach((r) => (r[7] = 0)); // constant in the background only
    const model = await cpca(target, background, { alpha: 1 });
    for (const v of model.components.data) assert.ok(Number.isFinite(v));
    for (const v of model.embedding.data) assert.ok(Number.isFinite(v));
    assert.ok(Math.abs(model.components.get(0, 3)) < 1e-9);
    const auto = await cpca(target, background);
    for (const row of auto.selection!.affinity) for (const v of row) assert.ok(Number.isFinite(v));
  });

  it('the joint pre-projection onto principal axes loses nothing when they span the data', async () => {
    const target = randomRows(7, 15, 60, (j) => (j < 4 ? 3 : 1));
    const background = randomRows(8, 15, 60, (j) => (j < 2 ? 3 : 1));
    const plain = await cpca(target, background, { alpha: 2, preprocessPcaDim: null });
    const projected = await cpca(target, background, { alpha: 2, preprocessPcaDim: 40 });
    for (let i = 0; i < 2; i++) {
      assert.ok(absCos(plain.components.row(i), projected.components.row(i)) > 1 - 1e-8);
      assert.equal(projected.components.columns, 60);
    }
  });

  it('drops the directions both data sets leave null (a duplicated feature) before solving and choosing alphas', async () => {
    // Feature 8 duplicates feature 2 in both sets (as ARC_N and pS6_N in the mouse data):
    // after standardising, e2 - e8 has zero variance in target and background alike.
    const dup = (rows: number[][]) => rows.map((r) => [...r, r[2]]);
    const { target: t0, background: b0 } = contrastPair(9, 90, 80, 8);
    const target = dup(t0);
    const background = dup(b0);
    const p = 9;
    const nul = new Array<number>(p).fill(0);
    nul[2] = Math.SQRT1_2;
    nul[8] = -Math.SQRT1_2;
    // Plain float64 cPCA in the test: standardise, then the full EVD of C_fg - alpha C_bg,
    // with and without restricting it to the complement of the null direction.
    const std = (x: number[][]): Matrix => {
      const m = new Matrix(x);
      m.subRowVector(m.mean('column'));
      m.divRowVector(m.standardDeviation('column', { unbiased: false, mean: new Array(m.columns).fill(0) }));
      return m;
    };
    const f = std(target);
    const b = std(background);
    const cf = f.transpose().mmul(f).div(f.rows - 1);
    const cb = b.transpose().mmul(b).div(b.rows - 1);
    const top = (m: Matrix, k: number): number[][] => {
      const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
      const order = evd.realEigenvalues.map((_, i) => i).sort((x, y) => evd.realEigenvalues[y] - evd.realEigenvalues[x]);
      return order.slice(0, k).map((i) => evd.eigenvectorMatrix.getColumn(i));
    };
    // an orthonormal basis of the complement (p x (p - 1)): Gram–Schmidt of e_j against the null direction
    const basis: number[][] = [];
    for (let j = 0; j < p && basis.length < p - 1; j++) {
      const v = new Array<number>(p).fill(0);
      v[j] = 1;
      for (const u of [nul, ...basis]) {
        const d = v.reduce((s, x, i) => s + x * u[i], 0);
        for (let i = 0; i < p; i++) v[i] -= d * u[i];
      }
      const norm = Math.hypot(...v);
      if (norm > 1e-6) basis.push(v.map((x) => x / norm));
    }
    const B = new Matrix(basis).transpose();
    const restricted = (alpha: number) => top(B.transpose().mmul(cf.clone().sub(cb.clone().mul(alpha))).mmul(B), 2).map((v) => B.mmul(Matrix.columnVector(v)).to1DArray());
    // the reference's unrestricted problem: at large alpha its top vector is the null direction (rounding noise)
    assert.ok(absCos(top(cf.clone().sub(cb.clone().mul(1000)), 1)[0], nul) > 0.999);
    for (const alpha of [0, 3, 1000]) {
      const model = await cpca(target, background, { alpha });
      const expected = restricted(alpha);
      for (let c = 0; c < 2; c++) {
        assert.ok(absCos(model.components.row(c), nul) < 1e-9, `alpha ${alpha}: component ${c} has a null-direction part`);
        assert.ok(absCos(model.components.row(c), expected[c]) > 1 - 1e-9, `alpha ${alpha}: component ${c}`);
      }
    }
    // the automatic choice sees no noise: same alphas on a second fit, every returned solution off the null direction
    const auto = await cpca(target, background, { seed: 3 });
    assert.deepEqual((await cpca(target, background, { seed: 3 })).alphas, auto.alphas);
    for (const r of auto.results) for (let c = 0; c < 2; c++) assert.ok(absCos(r.components.row(c), nul) < 1e-9);
    // and full-rank data are solved without any reduction (the exact path the fixtures check)
    assert.equal((await cpca(t0, b0, { alpha: 2 })).dimension, 8);
    assert.equal((await cpca(target, background, { alpha: 2 })).dimension, 8);
  });

  it('components for any alpha, transform, toJSON and load', async () => {
    const { target, background } = contrastPair(6, 50, 50, 12);
    const model = await cpca(target, background, { alpha: 1 });
    const other = model.result(7.5);
    assert.deepEqual(other.components.shape, [2, 12]);
    assert.deepEqual(other.eigenvalues.length, 2);
    const again = await model.transform(target.slice(0, 4));
    for (let i = 0; i < 4; i++) for (let c = 0; c < 2; c++) assert.ok(Math.abs(again.get(i, c) - model.embedding.get(i, c)) < 1e-9);
    const restored = CpcaModel.load(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual((await restored.transform(target.slice(0, 4))).toArray(), again.toArray());
    assert.throws(() => restored.result(7.5), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION');
    assert.throws(() => CpcaModel.load({ name: 'PCA' }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_MODEL');
  });
});
