import '@bcnmf/backend-cpu';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { maxRelativeDifference, rng } from '@bcnmf/core/testing';
import { CPCA, NMF, PCA } from '../src/index.js';

const random = rng('estimators');
const uniform = (rows: number, columns: number, low = 0, high = 1) =>
  Array.from({ length: rows }, () => Array.from({ length: columns }, () => low + (high - low) * random()));
/** X = H0 W0 + noise with H0 in [0.5, 1.5]: an NMF whose coefficients' optimum is interior. */
function interior(rows: number, features: number, k: number): number[][] {
  const W0 = uniform(k, features, 0.1, 1.1);
  return uniform(rows, k, 0.5, 1.5).map((h) => W0[0].map((_, j) => h.reduce((s, v, t) => s + v * W0[t][j], 0) + 0.01 * random()));
}
const flat = (m: { data: ArrayLike<number> }) => Array.from(m.data);

describe('estimators: NMF, PCA, CPCA', () => {
  it('check their settings at construction, with the function API\'s rules', () => {
    assert.throws(() => new NMF({ nComponents: 0 }), (e: unknown) => e instanceof BcnmfError && /nComponents must be an integer >= 1, got 0/.test(e.message));
    assert.throws(() => new NMF({ damping: 2 }), /damping must be in \(0, 1\], got 2/);
    assert.throws(() => new NMF({ k: 2 } as never), /unknown NMF option 'k'/);
    assert.throws(() => new PCA({ method: 'qr' as never }), /method must be 'auto', 'SVD', 'covarianceMatrix' or 'gram'/);
    assert.throws(() => new CPCA({ alpha: -1 }), /alpha/);
    assert.throws(() => new PCA().components, /not fitted yet/);
  });

  it('NMF: fitTransform and fit then transform agree on the training data after convergence; inverseTransform is H W', async () => {
    const x = interior(40, 10, 2);
    const settings = { nComponents: 2, maxIter: 4000, tol: 0, seed: 1 };
    const H = await new NMF(settings).fitTransform(x);
    const nmf = await new NMF(settings).fit(x);
    assert.deepEqual(flat(H), flat(nmf.model.embedding));
    const again = await nmf.transform(x);
    const difference = maxRelativeDifference(again.data, H.data, 0.01 * Math.max(...H.data));
    assert.ok(difference < 1e-2, `transform differs from fitTransform by ${difference}`);
    const reconstructed = await nmf.inverseTransform(H);
    let squared = 0;
    x.forEach((row, i) => row.forEach((v, j) => (squared += (v - reconstructed.get(i, j)) ** 2)));
    assert.ok(Math.abs(nmf.reconstructionError - Math.sqrt(squared)) < 1e-3 * Math.sqrt(squared), `${nmf.reconstructionError} vs ${Math.sqrt(squared)}`);
    assert.equal(nmf.nIter, 4000);
    const restored = NMF.load(JSON.parse(JSON.stringify(nmf)));
    assert.deepEqual(flat(restored.components), flat(nmf.components));
  });

  it('PCA: fitTransform is exactly fit then transform; inverseTransform of all components gives the data back', async () => {
    const x = uniform(30, 5, 0, 4);
    const scores = await new PCA({ nComponents: 2, scale: true }).fitTransform(x);
    const pca = await new PCA({ nComponents: 2, scale: true }).fit(x);
    assert.deepEqual(flat(scores), flat(await pca.transform(x)));
    assert.deepEqual(flat(scores), flat(pca.model.embedding));
    // every component: back to X; two: the projection mean + Z C, in float64 here
    const full = await new PCA({ nComponents: 5, scale: true }).fit(x);
    assert.ok(maxRelativeDifference((await full.inverseTransform(await full.transform(x))).data, x.flat(), 1e-9) < 1e-9);
    const back = await pca.inverseTransform(scores);
    const { means, scales } = pca.model.scaling;
    const expected = x.map((_, i) => means.map((m, j) => m + scales[j] * (scores.get(i, 0) * pca.components.get(0, j) + scores.get(i, 1) * pca.components.get(1, j))));
    assert.ok(maxRelativeDifference(back.data, expected.flat(), 1e-12) < 1e-12);
    assert.deepEqual(flat(await PCA.load(JSON.parse(JSON.stringify(pca))).transform(x)), flat(scores));
  });

  it('CPCA: fitTransform is exactly fit then transform; inverseTransform of all components gives the target back', async () => {
    const target = uniform(30, 5, 0, 4);
    const background = uniform(25, 5, 0, 4);
    const scores = await new CPCA({ nComponents: 2, alpha: 1.5 }).fitTransform(target, background);
    const cpca = await new CPCA({ nComponents: 2, alpha: 1.5 }).fit(target, background);
    assert.deepEqual(flat(scores), flat(await cpca.transform(target)));
    assert.equal(cpca.alpha, 1.5);
    const full = await new CPCA({ nComponents: 5, alpha: 1.5 }).fit(target, background);
    const back = await full.inverseTransform(await full.transform(target));
    assert.ok(maxRelativeDifference(back.data, target.flat(), 1e-9) < 1e-9);
    assert.deepEqual(flat(await CPCA.load(JSON.parse(JSON.stringify(cpca))).transform(target)), flat(scores));
    assert.throws(() => CPCA.load({ name: 'PCA estimator' }), /not a CPCA estimator/);
  });
});
