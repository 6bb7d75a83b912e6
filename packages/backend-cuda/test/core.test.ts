import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BcnmfError, useBackend } from '@bcnmf/core';

// Core imports '@bcnmf/backend-cuda' by a variable specifier, resolved from core's own
// location. Core does not depend on this package, so in this pnpm workspace core cannot
// see it: until the package is imported once (and registers itself, see
// self-register.test.ts) core gives its own message, which names the package and the
// backends that run here. This file never imports the package.
it("useBackend('cuda') from core, which cannot see this package here, names @bcnmf/backend-cuda", async () => {
  await assert.rejects(useBackend('cuda'), (e: unknown) => {
    assert.ok(e instanceof BcnmfError);
    assert.equal(e.code, 'BACKEND_UNAVAILABLE');
    assert.match(
      e.message,
      /^backend 'cuda' needs the package @bcnmf\/backend-cuda, which could not be loaded \(Cannot find package '@bcnmf\/backend-cuda' imported from .*packages\/core\/src\/backend\/registry\.ts\); install it/,
    );
    assert.match(e.message, /\(available here: wasm, cpu\)$/);
    return true;
  });
});
