import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { METHOD_NAMES, getMethod, methods, type MethodName } from '../src/index.js';
import { contrastPair } from './helpers.js';

describe('methods registry', () => {
  it('fits every method with one call shape, transforms and round-trips through JSON', async () => {
    const { target, background } = contrastPair(9, 40, 40, 12);
    const options: Record<MethodName, unknown> = {
      bcnmf: { k: 2, alpha: 1, maxIter: 30, onWarning: () => {} },
      nmf: { nComponents: 2, maxIter: 30 },
      pca: { nComponents: 2 },
      cpca: { alpha: 1 },
    };
    assert.deepEqual(METHOD_NAMES, ['bcnmf', 'nmf', 'pca', 'cpca']);
    for (const name of METHOD_NAMES) {
      const method = getMethod(name);
      assert.equal(method, methods[name]);
      const fitted = await method.fit(target, method.usesBackground ? background : null, options[name]);
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
});
