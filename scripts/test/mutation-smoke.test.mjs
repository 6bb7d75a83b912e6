// The mutation smoke test's anchors are checked on every test run (the mutations
// themselves run in CI, scripts/mutation-smoke.mjs): each snippet is still in the code,
// exactly once, and each mutation names tests that exist. A refactoring that moves a
// snippet fails here, saying which, instead of silently leaving a mutation untested.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AnchorError, locate, MUTATIONS } from '../mutation-smoke.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('mutation smoke test', () => {
  it('has the curated mutations: an update, a default, a label, a native kernel, the CLI', () => {
    assert.ok(MUTATIONS.length >= 5);
    assert.ok(MUTATIONS.some((m) => m.in.startsWith('packages/backend-cpu/native') && m.rebuild));
  });

  for (const m of MUTATIONS) {
    it(`anchor found once: ${m.name}`, () => {
      const { text } = locate(m, root);
      assert.notEqual(m.replace, m.find);
      assert.notEqual(text.replace(m.find, m.replace), text);
      for (const t of m.tests) assert.ok(existsSync(join(root, t)), `${t} does not exist`);
    });
  }

  it('says "mutation anchor not found" when a snippet is gone, and "not unique" when it repeats', () => {
    const gone = { name: 'gone', in: 'packages/core/src', find: 'this snippet is in no file', replace: 'x', tests: [] };
    assert.throws(() => locate(gone, root), (e) => e instanceof AnchorError && /^mutation anchor not found: gone: /.test(e.message));
    const repeated = { name: 'repeated', in: 'packages/core/src', find: 'import ', replace: 'x', tests: [] };
    assert.throws(() => locate(repeated, root), (e) => e instanceof AnchorError && /^mutation anchor not unique: repeated: /.test(e.message));
  });
});
