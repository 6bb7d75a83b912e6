import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BcnmfError, useBackend } from '@bcnmf/core';
import { cudaAdapter, registerWithCore } from '@bcnmf/backend-cuda';

// Importing the package registers it with core (pnpm: core cannot resolve it by name).
it("after import '@bcnmf/backend-cuda', useBackend('cuda') from core gives the adapter's own reason", async () => {
  const probe = await cudaAdapter.probe();
  if (probe.available) {
    assert.equal(await useBackend('cuda'), cudaAdapter);
    return;
  }
  await assert.rejects(useBackend('cuda'), (e: unknown) => {
    assert.ok(e instanceof BcnmfError);
    assert.equal(e.code, 'BACKEND_UNAVAILABLE');
    assert.equal(e.message, `backend 'cuda' cannot run here: ${probe.reason} (available here: wasm, cpu)`);
    return true;
  });
  assert.equal(await registerWithCore(), true, 'core is importable from here and has registerBackend');
});
