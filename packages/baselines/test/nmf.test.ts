import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError, fitBcnmf } from '@bcnmf/core';
import { NmfModel, methods, nmf } from '../src/index.js';
import { ariOf, contrastPair } from './helpers.js';

describe('nmf (core bcNMF with alpha = 0, no background)', () => {
  it('is exactly core fitBcnmf with alpha 0 and no background, undamped', async () => {
    const { target } = contrastPair(2, 40, 10, 12);
    for (const loss of ['frobenius', 'kl'] as const) {
      for (const init of ['random', 'nndsvd', 'nndsvda'] as const) {
        const model = await nmf(target, { nComponents: 3, loss, init, maxIter: 30, seed: 4 });
        const direct = await fitBcnmf(target, null, {
          k: 3, alpha: 0, loss: loss === 'kl' ? 'poisson' : 'frobenius', init, maxIter: 30, seed: 4, damping: 1, tol: 1e-4,
          onWarning: () => {},
        });
        assert.equal(model.model.settings.damping, 1);
        assert.deepEqual(model.components.toArray(), direct.W.toArray());
        assert.deepEqual(model.embedding.shape, [40, 3]);
      }
    }
  });

  it('transforms, serializes and reloads', async () => {
    const { target } = contrastPair(2, 30, 10, 12);
    const model = await nmf(target, { nComponents: 2, maxIter: 50 });
    const restored = NmfModel.load(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual(restored.components.toArray(), model.components.toArray());
    assert.deepEqual((await restored.transform(target.slice(0, 3))).shape, [3, 2]);
    assert.throws(() => NmfModel.load({ name: 'PCA' }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_MODEL');
  });

  it('bcNMF separates the target-only groups where NMF does not', async () => {
    const { target, background, groups } = contrastPair();
    const b = await methods.bcnmf.fit(target, background, { k: 2, alpha: 2, maxIter: 300, tol: 0 });
    const n = await methods.nmf.fit(target, null, { nComponents: 2, maxIter: 300, tol: 0 });
    assert.ok(ariOf(b.embedding, groups) > 0.9, `bcNMF ARI ${ariOf(b.embedding, groups)}`);
    assert.ok(ariOf(n.embedding, groups) < 0.2, `NMF ARI ${ariOf(n.embedding, groups)}`);
  });

  it('stops on its AbortSignal within about an iteration, rejecting with the signal\'s reason, and keeps the signal out of the model', async () => {
    const { target } = contrastPair(2, 60, 10, 12);
    const controller = new AbortController();
    const reason = new DOMException('stopped by the test', 'AbortError');
    let iterations = 0;
    const fit = nmf(target, { nComponents: 3, maxIter: 1_000_000, tol: 0, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(fit, (e: unknown) => e === reason);
    const done = await nmf(target, { nComponents: 2, maxIter: 5, signal: new AbortController().signal });
    iterations = done.model.iterations;
    assert.equal(iterations, 5);
    assert.equal('signal' in done.toJSON().options, false);
  });
});
