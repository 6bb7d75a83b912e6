import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { cpca, nativeLinalgStatus, pca, PcaModel, useNativeLinalg } from '../src/index.js';
import { jointPrincipalAxes } from '../src/cpca/preproject.js';
import { nativeLinalg } from '../src/linalg/lapack.js';
import { fullEigenpairs } from '../src/linalg/symmetric-eigs.js';
import { resolveSolver } from '../src/pca.js';
import { absCos, randomRows } from './helpers.js';

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

    it(`cPCA with the pre-projection and PCA 'gram' agree with the exact paths (${path.name})`, { skip: path.skip }, async () => {
      useNativeLinalg(path.native);
      try {
        const target = randomRows(21, 30, 80, (j) => (j < 6 ? 3 : 1));
        const background = randomRows(22, 30, 80, (j) => (j < 3 ? 3 : 1));
        useNativeLinalg(false);
        const exact = await cpca(target, background, { alpha: 2, preprocessPcaDim: 40 });
        useNativeLinalg(path.native);
        const model = await cpca(target, background, { alpha: 2, preprocessPcaDim: 40 });
        for (let c = 0; c < 2; c++) {
          assert.ok(absCos(model.components.row(c), exact.components.row(c)) > 1 - 1e-8, `cPCA component ${c}`);
          assert.ok(Math.abs(model.results[0].eigenvalues[c] - exact.results[0].eigenvalues[c]) < 1e-9 * Math.abs(exact.results[0].eigenvalues[0]));
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
