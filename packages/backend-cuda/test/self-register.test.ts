import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BcnmfError, useBackend } from '@bcnmf/core';
import { cudaAdapter } from '@bcnmf/backend-cuda';

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
    // this package's tests load no other backend: only core's reference cpu runs
    assert.equal(e.message, `backend 'cuda' cannot run here: ${probe.reason} (available here: cpu)`);
    assert.match(e.message, /@tensorflow\/tfjs-node-gpu@4\.22\.0 \(NVIDIA GPUs on Linux x64; needs CUDA 11\.2 and cuDNN 8\.1\)/);
    return true;
  });
});
