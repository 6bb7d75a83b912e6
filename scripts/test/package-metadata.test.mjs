// What every published package says about itself: the MIT licence (a LICENSE identical
// to the root one), Node >= 20, ESM only, keywords, side effects, the folder it lives in,
// the files it ships, exports without the development-only `source` condition once
// packed, peers declared where their metadata is, and no dependency on a private package.
// scripts/test/install-from-tarballs.test.mjs installs what they pack.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { publicPackages, root, workspacePackages } from '../lib/workspace-packages.mjs';

const rootLicense = readFileSync(join(root, 'LICENSE'), 'utf8');
const packages = publicPackages();

/** An exports map with every `source` condition removed (what publishConfig.exports must be). */
function withoutSource(value) {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'source').map(([key, v]) => [key, withoutSource(v)]));
}

/** Every condition name used anywhere in an exports map. */
function conditions(value, out = new Set()) {
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, v] of Object.entries(value)) {
    if (!key.startsWith('.')) out.add(key);
    conditions(v, out);
  }
  return out;
}

describe('package metadata', () => {
  it('the root LICENSE is MIT, by the bcnmf contributors', () => {
    assert.match(rootLicense, /^MIT License\n\nCopyright \(c\) 2026 the bcnmf contributors\n/);
  });

  it('publishes the umbrella and everything it needs; only the web app and the benchmarks stay private', () => {
    assert.deepEqual(
      workspacePackages().filter((p) => p.manifest.private === true).map((p) => p.manifest.name),
      ['@bcnmf/web', '@bcnmf/benchmarks'],
    );
    const bcnmf = packages.find((p) => p.manifest.name === 'bcnmf');
    assert.deepEqual(bcnmf?.manifest.bin, { bcnmf: './dist/bin.js' });
    const published = new Set(packages.map((p) => p.manifest.name));
    for (const { manifest } of packages) {
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const [name, range] of Object.entries(manifest[field] ?? {})) {
          if (String(range).startsWith('workspace:')) {
            assert.ok(published.has(name), `${manifest.name} ${field} ${name}, which is not published`);
          }
        }
      }
    }
  });

  for (const { dir, path, manifest } of packages) {
    describe(manifest.name, () => {
      it('LICENSE: a copy of the root one, shipped', () => {
        assert.equal(manifest.license, 'MIT');
        assert.ok(existsSync(join(path, 'LICENSE')), `${dir}/LICENSE is missing: cp LICENSE ${dir}/`);
        assert.equal(readFileSync(join(path, 'LICENSE'), 'utf8'), rootLicense, `${dir}/LICENSE differs from the root LICENSE: cp LICENSE ${dir}/`);
        for (const file of ['dist', 'README.md', 'LICENSE']) assert.ok(manifest.files?.includes(file), `files lacks ${file}`);
      });

      it('engines, keywords, repository folder, side effects', () => {
        assert.deepEqual(manifest.engines, { node: '>=20' });
        assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.includes('bcnmf'), 'keywords include bcnmf');
        // No public repository URL is known yet: the field names the folder only.
        assert.deepEqual(manifest.repository, { type: 'git', directory: dir });
        const sideEffects = manifest.sideEffects;
        assert.ok(sideEffects === false || Array.isArray(sideEffects), 'sideEffects: false, or the entries that register backends');
        for (const file of Array.isArray(sideEffects) ? sideEffects : []) {
          if (file.startsWith('./src/')) assert.ok(existsSync(join(path, file)), `sideEffects lists ${file}, which does not exist`);
          else assert.match(file, /^\.\/dist\/.*\.js$/);
        }
      });

      it('ESM only: type module, no require condition; packed exports drop the source condition', () => {
        assert.equal(manifest.type, 'module');
        assert.ok(!conditions(manifest.exports).has('require'), 'ESM only: no require condition');
        assert.equal(manifest.publishConfig?.access, 'public');
        assert.deepEqual(manifest.publishConfig?.exports, withoutSource(manifest.exports), 'publishConfig.exports = exports without `source`');
      });

      it('peers with metadata are declared as peers; bcnmf peers take any 0.x (see .changeset/README.md)', () => {
        for (const name of Object.keys(manifest.peerDependenciesMeta ?? {})) {
          assert.ok(manifest.peerDependencies?.[name], `peerDependenciesMeta names ${name}, which peerDependencies lacks`);
        }
        for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
          if (String(range).startsWith('workspace:')) assert.equal(range, 'workspace:^0', `${name}: while bcnmf is 0.x, a peer range a minor release stays in`);
        }
      });
    });
  }
});
