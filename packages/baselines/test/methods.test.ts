import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { METHOD_NAMES, getMethod, methods, type Method, type MethodName } from '../src/index.js';
import { contrastPair } from './helpers.js';

describe('methods registry', () => {
  it('fits every method with one call shape, transforms and round-trips through JSON', async () => {
    const { target, background } = contrastPair(9, 40, 40, 12);
    // each method's options from the shared settings, plus what only it takes
    const extras: Partial<Record<MethodName, object>> = { bcnmf: { alpha: 1, onWarning: () => {} }, cpca: { alpha: 1 } };
    assert.deepEqual(METHOD_NAMES, ['bcnmf', 'nmf', 'pca', 'cpca']);
    for (const name of METHOD_NAMES) {
      const method: Method = getMethod(name);
      assert.ok(method === methods[name]);
      const options = { ...(method.sharedOptions({ k: 2, maxIter: 30, seed: 1 }) as object), ...extras[name] };
      const fitted = await method.fit(target, method.usesBackground ? background : null, options);
      assert.deepEqual(fitted.embedding.shape, [40, 2], name);
      assert.deepEqual(fitted.components?.shape, [2, 12], name);
      const t = await fitted.transform(target.slice(0, 3));
      assert.deepEqual(t.shape, [3, 2]);
      const restored = method.load(JSON.parse(JSON.stringify(fitted.toJSON())));
      assert.equal(restored.name, fitted.name);
      const other = METHOD_NAMES.find((m) => m !== name && !(name === 'nmf' && m === 'bcnmf'))!;
      assert.throws(() => methods[other].load(JSON.parse(JSON.stringify(fitted.toJSON()))), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_MODEL');
    }
  });

  it('sharedOptions: each method\'s own names for the shared settings, unset ones left out', () => {
    const signal = new AbortController().signal;
    const shared = { k: 3, seed: 7, loss: 'poisson' as const, init: 'nndsvda', maxIter: 40, tol: 1e-5, damping: 0.5, backend: 'cpu', signal };
    assert.deepEqual(methods.bcnmf.sharedOptions(shared), { k: 3, seed: 7, loss: 'poisson', init: 'nndsvda', maxIter: 40, tol: 1e-5, damping: 0.5, backend: 'cpu', signal });
    assert.deepEqual(methods.nmf.sharedOptions(shared), { nComponents: 3, loss: 'kl', init: 'nndsvda', maxIter: 40, tol: 1e-5, seed: 7, damping: 0.5, backend: 'cpu', signal });
    assert.deepEqual(methods.nmf.sharedOptions({ k: 2, loss: 'frobenius' }), { nComponents: 2, loss: 'frobenius' });
    assert.deepEqual(methods.pca.sharedOptions(shared), { nComponents: 3 });
    assert.deepEqual(methods.cpca.sharedOptions(shared), { nComponents: 3, seed: 7 });
    assert.deepEqual(methods.cpca.sharedOptions({ k: 2 }), { nComponents: 2 });
  });
});
