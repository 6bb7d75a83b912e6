import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { cpca, nativeLinalgStatus, pca, PcaModel, useNativeLinalg } from '../src/index.js';
import { jointPrincipalAxes } from '../src/cpca/preproject.js';
import { nativeLinalg } from '../src/linalg/lapack.js';
import { fullEigenpairs } from '../src/linalg/symmetric-eigs.js';
import { resolveSolver } from '../src/pca.js';
import { absCos, randomRows } from './helpers.js';

const reference = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8'));

/**
 * cPCA written out in the test: each data set centred and divided by its standard
 * deviation (ddof 0), sample covariances, and ml-matrix's full eigendecomposition of
 * C_fg - alpha C_bg in all features (no pre-projection); the top `n` pairs.
 */
function fullEigenCpca(target: number[][], background: number[][], alpha: number, n: number): { values: number[]; vectors: number[][] } {
  const standardized = (x: number[][]): Matrix => {
    const m = new Matrix(x);
    m.subRowVector(m.mean('column'));
    m.divRowVector(m.standardDeviation('column', { unbiased: false, mean: new Array(m.columns).fill(0) }));
    return m;
  };
  const f = standardized(target);
  const b = standardized(background);
  const c = f.transpose().mmul(f).div(f.rows - 1).sub(b.transpose().mmul(b).div(b.rows - 1).mul(alpha));
  const evd = new EigenvalueDecomposition(c, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((_, i) => i).sort((x, y) => evd.realEigenvalues[y] - evd.realEigenvalues[x]).slice(0, n);
  return { values: order.map((i) => evd.realEigenvalues[i]), vectors: order.map((i) => evd.eigenvectorMatrix.getColumn(i)) };
}

const lib = await nativeLinalg();
const noNative = lib ? false : `native OpenBLAS/LAPACK not available: ${(await nativeLinalgStatus()).reason}`;

/** Both paths: the native one (skipped without OpenBLAS) and the JavaScript fallback. */
const paths = [
  { name: 'native', native: true, skip: noNative },
  { name: 'JS fallback', native: false, skip: false as const },
];

function centred(rows: number[][]): Float64Array {
  const n = rows.length;
  const p = rows[0].length;
  const out = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += rows[i][j];
    m /= n;
    for (let i = 0; i < n; i++) out[i * p + j] = rows[i][j] - m;
  }
  return out;
}

describe('native OpenBLAS/LAPACK path and its JavaScript fallback', () => {
  after(() => useNativeLinalg(true));

  it('reports its path, and useNativeLinalg(false) forces the JavaScript one', async () => {
    const status = await nativeLinalgStatus();
    if (status.path === 'native') assert.ok(status.library);
    else assert.ok(status.reason && status.reason.length > 0);
    useNativeLinalg(false);
    const off = await nativeLinalgStatus();
    assert.equal(off.path, 'js');
    assert.match(off.reason ?? '', /useNativeLinalg/);
    assert.equal(await nativeLinalg(), null);
    useNativeLinalg(true);
    assert.equal((await nativeLinalgStatus()).path, status.path);
  });

  it("PCA's 'auto' solver is 'gram' for a few components of a large matrix, else ml-pca's SVD", () => {
    assert.equal(resolveSolver('auto', 1000, 3000, 2), 'gram');
    assert.equal(resolveSolver('auto', 3000, 250, 10), 'gram');
    assert.equal(resolveSolver('auto', 150, 3000, 2), 'SVD');
    assert.equal(resolveSolver('auto', 1000, 3000, 400), 'SVD');
    assert.equal(resolveSolver('covarianceMatrix', 1000, 3000, 2), 'covarianceMatrix');
    assert.equal(resolveSolver('gram', 10, 10, 2), 'gram');
  });

  it('a fitted PCA and cPCA say which solver and path ran', async () => {
    const x = randomRows(41, 250, 210); // min(samples, features) >= 200: auto picks gram
    const native = (await nativeLinalgStatus()).path === 'native';
    const gram = await pca(x, { nComponents: 2 });
    assert.equal(gram.solver, 'gram');
    assert.equal(gram.native, native);
    const svd = await pca(x, { nComponents: 2, method: 'SVD' });
    assert.equal(svd.solver, 'SVD');
    assert.equal(svd.native, false);
    assert.equal(PcaModel.load(JSON.parse(JSON.stringify(gram.toJSON()))).solver, 'gram');
    assert.equal((await cpca(x.slice(0, 120), x.slice(120), { alpha: 1 })).native, native);
    useNativeLinalg(false);
    try {
      assert.equal((await pca(x, { nComponents: 2 })).native, false);
      assert.equal((await cpca(x.slice(0, 120), x.slice(120), { alpha: 1 })).native, false);
    } finally {
      useNativeLinalg(true);
    }
  });

  it('dsyevr top eigenpairs equal the full ml-matrix decomposition (indefinite matrix)', { skip: noNative }, () => {
    const n = 70;
    const b = randomRows(3, n, n);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = b[i][j] + b[j][i];
    const full = fullEigenpairs(a, n);
    const top = lib!.topEigen(Float64Array.from(a), n, 5);
    for (let c = 0; c < 5; c++) {
      assert.ok(Math.abs(top.values[c] - full.values[c]) < 1e-10 * Math.abs(full.values[0]), `value ${c}`);
      assert.ok(absCos(top.vectors.subarray(c * n, c * n + n), full.vectors[c]) > 1 - 1e-10, `vector ${c}`);
    }
  });

  for (const path of paths) {
    it(`joint pre-projection (60 x 80 onto 40 axes) equals the top right singular vectors (${path.name})`, { skip: path.skip }, async () => {
      useNativeLinalg(path.native);
      try {
        const zfg = centred(randomRows(11, 30, 80, (j) => (j < 5 ? 3 : 1)));
        const zbg = centred(randomRows(12, 30, 80, (j) => (j < 3 ? 2 : 1)));
        const z = new Matrix(60, 80);
        for (let i = 0; i < 30; i++) for (let j = 0; j < 80; j++) {
          z.set(i, j, zfg[i * 80 + j]);
          z.set(30 + i, j, zbg[i * 80 + j]);
        }
        const svd = new SingularValueDecomposition(z, { autoTranspose: true });
        const v = svd.rightSingularVectors;
        const { axes, dim } = jointPrincipalAxes(zfg, 30, zbg, 30, 80, 40, 0, await nativeLinalg());
        assert.equal(dim, 40);
        for (let c = 0; c < 40; c++) {
          const axis = axes.subarray(c * 80, c * 80 + 80);
          assert.ok(Math.abs(Math.hypot(...axis) - 1) < 1e-10, `axis ${c} unit`);
          assert.ok(absCos(axis, v.getColumn(c)) > 1 - 1e-8, `axis ${c}`);
        }
        // more samples than features: the scatter side
        const tall = jointPrincipalAxes(centred(randomRows(13, 60, 20)), 60, centred(randomRows(14, 50, 20)), 50, 20, 8, 0, await nativeLinalg());
        assert.equal(tall.dim, 8);
      } finally {
        useNativeLinalg(true);
      }
    });

    it(`cPCA equals the full eigendecomposition of C_fg - alpha C_bg (ml-matrix, no pre-projection), with a pre-projection that keeps the joint row space and without one (${path.name})`, { skip: path.skip }, async () => {
      useNativeLinalg(path.native);
      try {
        // 30 + 30 samples in 80 features: the centred data span at most 58 dimensions
        const target = randomRows(21, 30, 80, (j) => (j < 6 ? 3 : 1));
        const background = randomRows(22, 30, 80, (j) => (j < 3 ? 3 : 1));
        const full = fullEigenCpca(target, background, 2, 2);
        assert.ok(full.values[1] > 0, 'the top eigenvalues are positive, so their vectors lie in the joint row space');
        for (const preprocessPcaDim of [58, null]) {
          const model = await cpca(target, background, { alpha: 2, preprocessPcaDim });
          for (let c = 0; c < 2; c++) {
            const what = `preprocessPcaDim ${preprocessPcaDim}, component ${c}`;
            assert.ok(absCos(model.components.row(c), full.vectors[c]) > 1 - 1e-9, what);
            assert.ok(Math.abs(model.results[0].eigenvalues[c] - full.values[c]) < 1e-9 * full.values[0], what);
          }
        }
      } finally {
        useNativeLinalg(true);
      }
    });

    it(`cPCA matches the Python transcription of the reference package (fixtures/reference.json): fixed alphas and the automatic choice (${path.name})`, { skip: path.skip }, async () => {
      useNativeLinalg(path.native);
      try {
        for (const ref of reference.cpca) {
          for (const fixed of ref.fixed) {
            const model = await cpca(ref.target, ref.background, { alpha: fixed.alpha });
            for (let c = 0; c < 2; c++) {
              assert.ok(absCos(model.components.row(c), fixed.components[c]) > 1 - 1e-9, `${ref.name} alpha ${fixed.alpha} component ${c}`);
              assert.ok(Math.abs(model.results[0].eigenvalues[c] - fixed.eigenvalues[c]) < 1e-9 * Math.abs(fixed.eigenvalues[0]));
            }
          }
          const auto = await cpca(ref.target, ref.background);
          assert.deepEqual(auto.alphas.map((a) => a.toPrecision(12)), ref.alphas.map((a: number) => a.toPrecision(12)), ref.name);
        }
      } finally {
        useNativeLinalg(true);
      }
    });

    it(`PCA 'gram' agrees with ml-pca's SVD${path.native ? ", and cPCA with a lossy pre-projection (40 of 58 dimensions) agrees with the JavaScript path's" : ''} (${path.name})`, { skip: path.skip }, async () => {
      useNativeLinalg(path.native);
      try {
        if (path.native) {
          const target = randomRows(21, 30, 80, (j) => (j < 6 ? 3 : 1));
          const background = randomRows(22, 30, 80, (j) => (j < 3 ? 3 : 1));
          useNativeLinalg(false);
          const js = await cpca(target, background, { alpha: 2, preprocessPcaDim: 40 });
          useNativeLinalg(true);
          const model = await cpca(target, background, { alpha: 2, preprocessPcaDim: 40 });
          for (let c = 0; c < 2; c++) {
            assert.ok(absCos(model.components.row(c), js.components.row(c)) > 1 - 1e-8, `cPCA component ${c}`);
            assert.ok(Math.abs(model.results[0].eigenvalues[c] - js.results[0].eigenvalues[c]) < 1e-9 * Math.abs(js.results[0].eigenvalues[0]));
          }
        }
        for (const [n, p] of [[60, 300], [300, 40]]) {
          const x = randomRows(31 + n, n, p, (j) => 1 + 4 / (1 + j));
          const svd = await pca(x, { nComponents: 3, method: 'SVD' });
          const gram = await pca(x, { nComponents: 3, method: 'gram' });
          for (let c = 0; c < 3; c++) {
            assert.ok(Math.abs(gram.explainedVariance[c] - svd.explainedVariance[c]) < 1e-9 * svd.explainedVariance[0], `${n}x${p} variance ${c}`);
            assert.ok(Math.abs(gram.explainedVarianceRatio[c] - svd.explainedVarianceRatio[c]) < 1e-10, `${n}x${p} ratio ${c}`);
            assert.ok(absCos(gram.components.row(c), svd.components.row(c)) > 1 - 1e-9, `${n}x${p} component ${c}`);
            // same sign convention, so the scores agree too
            for (let i = 0; i < 5; i++) assert.ok(Math.abs(gram.embedding.get(i, c) - svd.embedding.get(i, c)) < 1e-7 * (1 + Math.abs(svd.embedding.get(i, c))));
          }
        }
      } finally {
        useNativeLinalg(true);
      }
    });
  }
});
