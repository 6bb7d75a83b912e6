// The committed fixture files are real output of their generators: each
// packages/*/fixtures/make-*.py is run again (in a temporary copy of its folder without
// the JSON files, so nothing in the repository is rewritten and it is plain which files it
// writes) and each JSON it writes is compared with the committed one: numbers within
// 1e-9 (relative), or within the file's own "tolerance" where it states one (umap-learn's
// compiled code may round differently on another CPU). Every committed JSON file must be
// written by a generator. A generator needs the Python modules it imports (Debian
// python3-sklearn, umap-learn for /usr/bin/python3); where one is missing it is skipped,
// with the reason (.ci/run installs them).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const python = '/usr/bin/python3';
/** The Debian package that gives /usr/bin/python3 each module the generators import. */
const DEBIAN = { numpy: 'python3-numpy', sklearn: 'python3-sklearn', scipy: 'python3-scipy', umap: 'umap-learn' };

function close(actual, expected, path, tolerance) {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(actual - expected) <= tolerance * scale, `${path}: ${actual} vs ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: length`);
    expected.forEach((e, i) => close(actual[i], e, `${path}[${i}]`, tolerance));
    return;
  }
  if (expected && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const key of Object.keys(expected)) close(actual[key], expected[key], path ? `${path}.${key}` : key, tolerance);
    return;
  }
  assert.equal(actual, expected, path);
}

/** The third-party modules a generator imports (top-level `import x` / `from x import`). */
function importsOf(file) {
  const modules = new Set();
  for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|from)\s+([A-Za-z_]\w*)/gm)) modules.add(m[1]);
  return [...modules].filter((m) => m in DEBIAN);
}

/** '' when /usr/bin/python3 imports every module, else the skip reason naming the Debian packages. */
function missingFor(modules) {
  const absent = modules.filter((m) => spawnSync(python, ['-c', `import ${m}`], { encoding: 'utf8' }).status !== 0);
  if (absent.length === 0) return '';
  const packages = [...new Set(absent.map((m) => DEBIAN[m]))];
  return `needs Debian ${packages.join(', ')} for ${python} (apt-get install ${packages.join(' ')})`;
}

const folders = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name, 'fixtures'))
  .filter((dir) => existsSync(dir) && readdirSync(dir).some((f) => /^make-.*\.py$/.test(f)));

describe('fixtures regenerate to the committed values', () => {
  it('finds the fixture generators', () => assert.ok(folders.length >= 1));
  for (const dir of folders) {
    const generators = readdirSync(dir).filter((f) => /^make-.*\.py$/.test(f)).sort();
    const committed = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const written = new Set();
    for (const generator of generators) {
      const missing = missingFor(importsOf(join(dir, generator)));
      if (missing) console.log(`# skipping ${generator}: ${missing}`);
      it(`${dir.slice(root.length)}/${generator}`, { skip: missing || false }, () => {
        const copy = mkdtempSync(join(tmpdir(), 'bcnmf-fixtures-'));
        try {
          cpSync(dir, copy, { recursive: true, filter: (src) => !src.endsWith('.json') });
          const run = spawnSync(python, [join(copy, generator)], { encoding: 'utf8', cwd: copy });
          assert.equal(run.status, 0, run.stderr);
          const files = readdirSync(copy).filter((f) => f.endsWith('.json'));
          assert.ok(files.length > 0, `${generator} wrote no JSON file`);
          for (const file of files) {
            assert.ok(committed.includes(file), `${generator} wrote ${file}, which is not committed`);
            written.add(file);
            const expected = JSON.parse(readFileSync(join(dir, file), 'utf8'));
            close(JSON.parse(readFileSync(join(copy, file), 'utf8')), expected, '', expected.tolerance ?? 1e-9);
          }
        } finally {
          rmSync(copy, { recursive: true, force: true });
        }
      });
    }
    it(`${dir.slice(root.length)}: every committed JSON file is written by a generator`, { skip: missingFor(generators.flatMap((g) => importsOf(join(dir, g)))) || false }, () => {
      assert.deepEqual([...written].sort(), [...committed].sort());
    });
  }
});
