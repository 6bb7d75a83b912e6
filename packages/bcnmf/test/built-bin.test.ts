// The helper for tests of the published command (scripts/test-support/package-bin.ts):
// it builds this package with the workspace packages it depends on, dependencies first,
// and runs the built `bcnmf` bin (dist/bin.js) with plain node, as an installed package
// runs. Checked here on the cheapest exits: 0 (--help) and 2 (bad usage).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { binPath, buildOrder, buildPackage, runBin } from '../../../scripts/test-support/package-bin.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));

describe('the built bcnmf bin', () => {
  before(() => {
    buildPackage(pkg);
  });

  it('is built with the workspace packages it imports, dependencies first', () => {
    const order = buildOrder(pkg).map((d) => basename(d));
    assert.equal(order.at(-1), 'bcnmf');
    for (const [dep, user] of [['native', 'backend-cpu'], ['core', 'backend-cpu'], ['metrics', 'baselines'], ['reproduce', 'cli'], ['cli', 'bcnmf']]) {
      assert.ok(order.indexOf(dep) >= 0 && order.indexOf(dep) < order.indexOf(user), `${dep} before ${user}: ${order.join(', ')}`);
    }
    for (const d of buildOrder(pkg)) assert.ok(existsSync(join(d, 'dist')), `${d}/dist`);
    assert.equal(binPath(pkg, 'bcnmf'), join(pkg, 'dist', 'bin.js'));
    assert.deepEqual(buildPackage(pkg), [], 'a second build finds everything up to date');
  });

  it('exit 0: --help prints the usage on stdout', () => {
    const r = runBin(pkg, 'bcnmf', ['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bcnmf/);
    assert.match(r.stdout, /\bfit\b/);
    assert.match(r.stdout, /\bcompare\b/);
  });

  it('exit 2: an unknown command, one line on stderr', () => {
    const r = runBin(pkg, 'bcnmf', ['frobnicate']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^bcnmf: .*frobnicate/);
  });
});
