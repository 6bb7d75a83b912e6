import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BcnmfError, listBackends, useBackend } from '@bcnmf/core';
import { installNextToCore } from './helpers/next-to-core.js';

// As for users whose core can resolve '@bcnmf/backend-cuda' by name (installed next to
// it, npm layout): core imports the package itself and passes on the adapter's reason.
// This file does not import the package before core does.
installNextToCore();

it("useBackend('cuda') from core loads the package by name and gives the adapter's reason, or activates it", async () => {
  let error: unknown;
  let adapter: unknown;
  try {
    adapter = await useBackend('cuda');
  } catch (e) {
    error = e;
  }
  const { cudaAdapter } = await import('../src/index.js');
  const probe = await cudaAdapter.probe();
  if (!probe.available) {
    assert.ok(error instanceof BcnmfError, String(error));
    assert.equal(error.code, 'BACKEND_UNAVAILABLE');
    assert.equal(error.message, `backend 'cuda' cannot run here: ${probe.reason} (available here: wasm, cpu)`);
  } else {
    assert.equal(error, undefined);
    assert.equal(adapter, cudaAdapter, 'core loaded this very module');
    assert.equal(tf.getBackend(), 'tensorflow');
  }
});

it('listBackends() from core lists cuda with the same reason', async () => {
  const { cudaAdapter } = await import('../src/index.js');
  const probe = await cudaAdapter.probe();
  const row = (await listBackends()).find((b) => b.name === 'cuda');
  assert.deepEqual(row, {
    name: 'cuda',
    packageName: '@bcnmf/backend-cuda',
    available: probe.available,
    ...(probe.reason ? { reason: probe.reason } : {}),
  });
});
