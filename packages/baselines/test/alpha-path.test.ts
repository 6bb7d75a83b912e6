import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError, fitBcnmf } from '@bcnmf/core';
import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { fitAlphaPath, selectFromAlphaPath, subspaceAffinity } from '../src/index.js';
import { ariOf, contrastPair, randomRows } from './helpers.js';

const quiet = { onWarning: () => {} };

describe('subspace affinity in any dimension', () => {
  it('is the product of the principal-angle cosines, as an SVD computes them', () => {
    const n = 12;
    for (const dim of [1, 2, 3, 4]) {
      const a = randomRows(dim, n, dim);
      const b = randomRows(dim + 10, n, dim).map((row, i) => row.map((v, j) => v + 0.5 * a[i][j]));
      const affinity = subspaceAffinity([Float64Array.from(a.flat()), Float64Array.from(b.flat())], n, dim);
      const qa = new QrDecomposition(new Matrix(a)).orthogonalMatrix;
      const qb = new QrDecomposition(new Matrix(b)).orthogonalMatrix;
      const cosines = new SingularValueDecomposition(qa.transpose().mmul(qb)).diagonal;
      const expected = cosines.reduce((p, c) => p * c, 1);
      assert.ok(Math.abs(affinity[0][1] - expected) < 1e-10, `dim ${dim}: ${affinity[0][1]} vs ${expected}`);
      assert.equal(affinity[0][0], 1);
      assert.equal(affinity[1][0], affinity[0][1]);
    }
  });
});

describe('alpha path', () => {
  const { target, background, groups } = contrastPair(1);

  it('fits every alpha in increasing order, warm-started, and the selection finds the contrastive regime', async () => {
    const steps: number[] = [];
    const path = await fitAlphaPath(target, background, { k: 2, seed: 0, ...quiet, onFit: (s) => steps.push(s.alpha) });
    assert.equal(path.alphas.length, 16);
    assert.deepEqual(steps, path.alphas);
    assert.deepEqual(path.fits.map((f) => f.settings.alpha), path.alphas);
    assert.equal(path.fits[1].settings.init, 'custom', 'later fits start from the previous one');
    assert.ok(path.fits.slice(1).every((f) => f.iterations <= 50));
    const selection = selectFromAlphaPath(path);
    assert.equal(selection.alphas[0], 0);
    assert.ok(selection.alphas.length >= 2 && selection.alphas.length <= 4);
    assert.equal(selection.affinity.length, 16);
    assert.equal(selection.fits.length, selection.alphas.length);
    const aris = selection.fits.map((f) => ariOf(f.Htarget, groups));
    assert.ok(aris[0] < 0.1, `alpha = 0 does not separate the groups (ARI ${aris[0]})`);
    assert.ok(Math.max(...aris.slice(1)) > 0.95, `an exemplar separates them (ARIs ${aris.join(', ')})`);
  });

  it('warm-started fits agree with cold fits at the same alpha to within what random restarts vary', async () => {
    const alphas = [0, 0.3, 0.7, 1.9, 3.2];
    const path = await fitAlphaPath(target, background, { k: 2, seed: 0, alphas, ...quiet });
    for (let i = 1; i < alphas.length; i++) {
      const cold: number[] = [];
      for (let seed = 0; seed < 5; seed++) cold.push((await fitBcnmf(target, background, { k: 2, alpha: alphas[i], seed, ...quiet })).finalScore);
      cold.sort((a, b) => a - b);
      const median = cold[2];
      const spread = Math.max(cold[4] - cold[0], 1e-4 * Math.abs(median));
      const warm = path.fits[i].finalScore;
      assert.ok(Math.abs(warm - median) <= spread, `alpha ${alphas[i]}: warm ${warm}, cold ${cold.join(', ')}`);
    }
  });

  it('compares bases as well as embeddings, and refuses bad options', async () => {
    const path = await fitAlphaPath(target.slice(0, 40), background.slice(0, 40), { k: 2, alphas: [0, 0.5, 1, 2, 4], maxIter: 30, pathMaxIter: 10, ...quiet });
    const byBasis = selectFromAlphaPath(path, { compare: 'basis', nClusters: 3 });
    assert.equal(byBasis.compare, 'basis');
    assert.equal(byBasis.affinity.length, 5);
    assert.throws(() => selectFromAlphaPath(path, { nClusters: 6 }), /the path has 5 fits; selecting 6 groups/);
    assert.throws(() => selectFromAlphaPath(path, { compare: 'loadings' as never }), /compare must be 'embedding' or 'basis'/);
    await assert.rejects(fitAlphaPath(target, background, { k: 2, alphas: [0, -1] }), (e: unknown) => e instanceof BcnmfError && /alphas must be finite numbers >= 0/.test(e.message));
    await assert.rejects(fitAlphaPath(target, background, { k: 2, alphas: [2, 0, 2, 1] }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION' && /alphas lists 2 twice/.test(e.message));
    await assert.rejects(fitAlphaPath(target, background, { k: 2, pathMaxIter: 0 }), /pathMaxIter must be an integer >= 1/);
    const noZero = await fitAlphaPath(target.slice(0, 20), background.slice(0, 20), { k: 2, alphas: [1, 2, 3, 4], maxIter: 5, pathMaxIter: 5, ...quiet });
    assert.throws(() => selectFromAlphaPath(noZero, { nClusters: 2 }), /must start at alpha = 0/);
  });
});
