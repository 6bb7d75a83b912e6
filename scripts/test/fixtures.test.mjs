// The committed scikit-learn fixture files are real scikit-learn output: each
// packages/*/fixtures/make-fixtures.py is run again (in a temporary copy of its folder,
// so nothing in the repository is rewritten) and its JSON compared with the committed
// one. Needs Debian's python3-sklearn for /usr/bin/python3; skipped, with the reason,
// where it is missing (.ci/run installs it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const python = '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' });
const missing = probe.status === 0 ? '' : 'needs Debian python3-sklearn for /usr/bin/python3 (apt-get install python3-sklearn)';
if (missing) console.log(`# skipping fixture regeneration: ${missing}`);

function close(actual, expected, path) {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(actual - expected) <= 1e-9 * scale, `${path}: ${actual} vs ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: length`);
    expected.forEach((e, i) => close(actual[i], e, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const key of Object.keys(expected)) close(actual[key], expected[key], `${path}.${key}`);
    return;
  }
  assert.equal(actual, expected, path);
}

const generators = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name, 'fixtures'))
  .filter((dir) => existsSync(join(dir, 'make-fixtures.py')));

describe('scikit-learn fixtures regenerate to the committed values', () => {
  it('finds the fixture generators', () => assert.ok(generators.length >= 1));
  for (const dir of generators) {
    it(dir.slice(root.length), { skip: missing || false }, () => {
      const copy = mkdtempSync(join(tmpdir(), 'bcnmf-fixtures-'));
      try {
        cpSync(dir, copy, { recursive: true });
        const run = spawnSync(python, [join(copy, 'make-fixtures.py')], { encoding: 'utf8', cwd: copy });
        assert.equal(run.status, 0, run.stderr);
        const jsonFiles = readdirSync(dir).filter((f) => f.endsWith('.json'));
        assert.ok(jsonFiles.length > 0);
        for (const file of jsonFiles) {
          close(JSON.parse(readFileSync(join(copy, file), 'utf8')), JSON.parse(readFileSync(join(dir, file), 'utf8')), file);
        }
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  }
});
