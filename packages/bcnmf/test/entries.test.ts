import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as core from '@bcnmf/core';
import * as node from '../src/node.js';

// The Node entry is core's API, with the four built-in backends registered by their packages.
it("re-exports exactly @bcnmf/core's public API", () => {
  assert.deepEqual(Object.keys(node).sort(), Object.keys(core).sort());
  assert.equal(node.fitBcnmf, core.fitBcnmf, 'one copy of core');
});

it('registers cpu, wasm, webgpu and cuda from their packages', async () => {
  const list = await node.listBackends();
  const owners = Object.fromEntries(list.map((b) => [b.name, b.packageName]));
  assert.deepEqual(owners, {
    wasm: '@bcnmf/backend-cpu',
    cpu: '@bcnmf/backend-cpu',
    webgpu: '@bcnmf/backend-webgpu',
    cuda: '@bcnmf/backend-cuda',
  });
  for (const b of list) assert.doesNotMatch(b.reason ?? '', /not installed: backend/, `${b.name} is registered`);
});
