// The published `bcnmf-reproduce` command, built (dist/) and run as a real process with
// plain node, as an installed package runs: its exit codes (0 done, 2 bad usage, 1 any
// other failure) and its messages. Exercises scripts/test-support/package-bin.ts, the
// helper for tests of built commands.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildOrder, buildPackage, runBin } from '../../../scripts/test-support/package-bin.js';

const app = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-bin-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('the built bcnmf-reproduce command', () => {
  before(() => {
    buildPackage(app);
  });

  it('is built with the workspace packages it imports, dependencies first', () => {
    const order = buildOrder(app).map((d) => d.slice(d.lastIndexOf('/', d.length - 2) + 1));
    assert.equal(order.at(-1), 'reproduce');
    for (const [dep, user] of [['core', 'baselines'], ['metrics', 'baselines'], ['core', 'data'], ['baselines', 'reproduce']]) {
      assert.ok(order.indexOf(dep) < order.indexOf(user), `${dep} before ${user}: ${order.join(', ')}`);
    }
    for (const d of buildOrder(app)) assert.ok(existsSync(join(d, 'dist', 'index.js')), `${d}/dist/index.js`);
  });

  it('exit 0: --help prints the usage', () => {
    const r = runBin(app, 'bcnmf-reproduce', ['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^bcnmf reproduce NAME \[--out DIR\]/);
    assert.equal(r.stderr, '');
  });

  it('exit 2: an unknown experiment, one line on stderr', () => {
    const r = runBin(app, 'bcnmf-reproduce', ['nonsense']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^bcnmf reproduce: unknown experiment 'nonsense'; known: simulation, .*\n$/);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  });

  it('exit 1: a damaged data file fails the run, and no output folder is left', () => {
    const data = join(root, 'data');
    mkdirSync(join(data, 'mice-protein'), { recursive: true });
    writeFileSync(join(data, 'mice-protein', 'Data_Cortex_Nuclear.csv'), 'MouseID,A_N,class\nm1,1,c-SC-s\n');
    const parent = join(root, 'failing');
    mkdirSync(parent);
    const r = runBin(app, 'bcnmf-reproduce', ['mice-protein', '--data-dir', data, '--out', join(parent, 'out')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^bcnmf reproduce: /);
    assert.deepEqual(readdirSync(parent), []);
  });
});
