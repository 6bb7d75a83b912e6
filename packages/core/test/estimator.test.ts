import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Bcnmf, BcnmfError, fitBcnmf } from '../src/index.js';
import { plantedPair } from '../src/testing/planted.js';
import { maxRelativeDifference, rng } from '../src/testing/reference.js';

const planted = plantedPair('estimator', 60, 50);
const quiet = { onWarning: () => {} };

/**
 * X = H0 W0 + small noise with every coefficient of H0 in [0.5, 1.5]: the coefficients'
 * optimum for a fitted W is inside the positive orthant. (Where an optimal coefficient is
 * near zero, float32 multiplicative updates can underflow it to an exact 0, which no
 * later update changes: then a fit's coefficients and a fresh transform legitimately
 * differ. See the core README, "Known limits".)
 */
function interior(seed: string, rows: number, features: number, k: number): number[][] {
  const random = rng(seed);
  const W0 = Array.from({ length: k }, () => Array.from({ length: features }, () => 0.1 + random()));
  return Array.from({ length: rows }, () => {
    const h = Array.from({ length: k }, () => 0.5 + random());
    return Array.from({ length: features }, (_, j) => h.reduce((s, v, t) => s + v * W0[t][j], 0) + 0.01 * random());
  });
}

describe('Bcnmf, the estimator', () => {
  it('checks its settings at construction, by the rules of fitBcnmf', () => {
    assert.throws(() => new Bcnmf({ nComponents: 0 }), (e: unknown) => e instanceof BcnmfError && /nComponents must be an integer >= 1, got 0/.test(e.message));
    assert.throws(() => new Bcnmf({ nComponents: 2, damping: 1.5 }), /damping must be in \(0, 1\], got 1.5/);
    assert.throws(() => new Bcnmf({ nComponents: 2, loss: 'l1' as never }), /loss must be 'frobenius' or 'poisson'/);
    assert.throws(() => new Bcnmf({ nComponents: 2, k: 2 } as never), /number of topics is nComponents/);
    assert.throws(() => new Bcnmf({ nComponents: 2, tpyo: 1 } as never), /unknown option tpyo/);
    assert.throws(() => new Bcnmf({ nComponents: 2 }).components, /not fitted yet: call fit/);
  });

  it('fitBcnmf takes nComponents as well as k (one setting: both must agree)', async () => {
    const a = await fitBcnmf(planted.target, planted.background, { nComponents: 2, maxIter: 5, ...quiet });
    const b = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 5, ...quiet });
    assert.deepEqual(Array.from(a.W.data), Array.from(b.W.data));
    await assert.rejects(fitBcnmf(planted.target, null, { k: 2, nComponents: 3, alpha: 0 }), /k \(2\) and nComponents \(3\) are the same setting/);
  });

  for (const loss of ['frobenius', 'poisson'] as const) {
    it(`${loss}: fitTransform is the fit's coefficients; fit then transform agrees on the training data after convergence`, async () => {
      const target = interior('estimator target', 40, 12, 2);
      const background = interior('estimator background', 30, 12, 2);
      // converged: a score change below tol can leave the coefficients still moving slowly,
      // so the fit runs its iterations out (tol 0)
      // (undamped, so that the multiplicative updates converge in a few thousand iterations)
      const settings = { nComponents: 2, alpha: 0.2, loss, damping: 1, maxIter: 4000, tol: 0, seed: 2, ...quiet };
      const H = await new Bcnmf(settings).fitTransform(target, background);
      const estimator = await new Bcnmf(settings).fit(target, background);
      assert.deepEqual(Array.from(H.data), Array.from(estimator.model.Htarget.data), 'fitTransform = fit then Htarget');
      assert.equal(estimator.nIter, estimator.model.iterations);
      assert.ok(H.data.every((v) => v > 0), 'no coefficient locked at zero');
      const again = await estimator.transform(target, { maxIter: 20000, tol: 0 });
      // relative to each entry, with a floor of 1% of the largest coefficient
      const floor = 0.01 * Math.max(...H.data);
      const difference = maxRelativeDifference(again.data, H.data, floor);
      assert.ok(difference < 1e-2, `transform(target) differs from the fit's coefficients by ${difference}`);
    });
  }

  it('inverseTransform reconstructs as the model does: its error is the history\'s, and reconstructionError is ‖X − HW‖_F', async () => {
    const estimator = await new Bcnmf({ nComponents: 3, alpha: 0.5, maxIter: 50, tol: 0, ...quiet }).fit(planted.target, planted.background);
    const reconstructed = await estimator.inverseTransform(estimator.model.Htarget);
    assert.deepEqual(reconstructed.shape, [planted.target.length, planted.features]);
    let squared = 0;
    planted.target.forEach((row, i) => row.forEach((x, j) => (squared += (x - reconstructed.get(i, j)) ** 2)));
    const entries = planted.target.length * planted.features;
    const last = estimator.model.history.at(-1)!;
    assert.ok(Math.abs(squared / entries - last.targetError) <= 1e-4 * last.targetError, `${squared / entries} vs ${last.targetError}`);
    assert.ok(Math.abs(estimator.reconstructionError - Math.sqrt(squared)) <= 1e-4 * Math.sqrt(squared));
    // H W in float64 from the model's factors
    const W = estimator.components;
    const H = estimator.model.Htarget;
    const expected = Array.from({ length: H.rows * W.columns }, (_, p) => {
      const [i, j] = [Math.floor(p / W.columns), p % W.columns];
      let sum = 0;
      for (let t = 0; t < W.rows; t++) sum += H.get(i, t) * W.get(t, j);
      return sum;
    });
    assert.ok(maxRelativeDifference(reconstructed.data, expected, 1e-6) < 1e-5);
    await assert.rejects(estimator.inverseTransform([[1, 2]]), /coefficients have 2 columns but the model has 3 topics/);
  });

  it('toJSON and load round-trip the settings and the model, and check what they load', async () => {
    const estimator = await new Bcnmf({ nComponents: 2, alpha: 1, maxIter: 10, seed: 4, ...quiet }).fit(planted.target, planted.background);
    const restored = Bcnmf.load(JSON.parse(JSON.stringify(estimator)));
    assert.deepEqual(restored.toJSON(), estimator.toJSON());
    assert.equal(restored.params.seed, 4);
    const json = estimator.toJSON();
    assert.throws(() => Bcnmf.load({ ...json, name: 'NMF' }), /not a Bcnmf estimator/);
    assert.throws(() => Bcnmf.load({ ...json, params: { ...json.params, damping: 7 } }), /params: damping must be in \(0, 1\]/);
    assert.throws(() => Bcnmf.load({ ...json, params: { ...json.params, nComponents: 3 } }), /params.nComponents \(3\) differs from the model's k \(2\)/);
  });
});
