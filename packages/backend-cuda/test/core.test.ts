import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BcnmfError, useBackend } from '@bcnmf/core';

// Core imports no backend package: until '@bcnmf/backend-cuda' is imported (which
// registers it), core says that 'cuda' is not installed and names the package. This
// file never imports the package.
it("useBackend('cuda') before the package is imported names @bcnmf/backend-cuda and the bcnmf package", async () => {
  await assert.rejects(useBackend('cuda'), (e: unknown) => {
    assert.ok(e instanceof BcnmfError);
    assert.equal(e.code, 'BACKEND_UNAVAILABLE');
    assert.match(e.message, /^backend 'cuda' is not installed: backend 'cuda' comes with @bcnmf\/backend-cuda \(part of the bcnmf package\)/);
    assert.match(e.message, /\(available here: cpu\)$/);
    return true;
  });
});
