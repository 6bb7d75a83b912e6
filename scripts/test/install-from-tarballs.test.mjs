// What a researcher gets from the npm registry, before it is published: builds the
// packages (turbo, into each package's gitignored dist/), packs every public package with
// pnpm (which rewrites `workspace:^` ranges), installs the tarballs with npm into an empty
// temporary folder, and there runs `npx bcnmf backends`, `npx bcnmf demo`, the library
// from an ES module (and through require, which Node >= 20.19 maps onto ES modules), and
// the native kernels' not-built path: the reason, the once-only advice of the first fit,
// and the command it names. Needs the npm registry (for the third-party dependencies):
// skipped, with the reason, where it cannot be reached, except under CI=true, where it
// must run. Nothing is left in the repository but dist/ folders.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { publicPackages, root } from '../lib/workspace-packages.mjs';

const pnpm = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager; // 'pnpm@12.4.2'
const packages = publicPackages();

/** The environment of a user's shell: no test runner flags, no workspace or bcnmf switches. */
function userEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) =>
    !/^(npm_|pnpm_|NODE_OPTIONS$|NODE_PATH$|BCNMF_|TURBO_)/i.test(key)));
  return { ...env, DO_NOT_TRACK: '1', TURBO_TELEMETRY_DISABLED: '1', ...extra };
}

function run(command, args, { cwd, env = userEnv(), timeout = 300_000 } = {}) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  const shown = `${command} ${args.join(' ')} (in ${cwd})`;
  if (result.error) throw new Error(`${shown}: ${result.error.message}`);
  return { ...result, shown, output: `${result.stdout}\n${result.stderr}` };
}

function mustRun(command, args, options) {
  const result = run(command, args, options);
  assert.equal(result.status, 0, `${result.shown} exited ${result.status}:\n${result.output.slice(-4000)}`);
  return result;
}

function registryReason() {
  const ping = spawnSync('npm', ['ping'], { cwd: tmpdir(), env: userEnv(), encoding: 'utf8', timeout: 20_000 });
  if (ping.status === 0) return '';
  const why = ping.error ? ping.error.message : `${ping.stdout}\n${ping.stderr}`.trim().split('\n').pop();
  return `the npm registry cannot be reached (npm ping: ${why})`;
}

const unreachable = registryReason();
const skip = unreachable && process.env.CI !== 'true' ? unreachable : false;
if (skip) console.log(`# skipping the install from packed tarballs: ${skip}`);
const compiler = ['cc', 'gcc', 'clang'].find((cc) => spawnSync(cc, ['--version']).status === 0);

// Two fits from an ES module, with what each said through onWarning.
const ESM_CHECK = `import { Bcnmf, fitBcnmf, listBackends } from 'bcnmf';
const background = [[9, 1, 1, 0.2], [1, 9, 1, 0.1], [7, 3, 1, 0.1], [3, 7, 1, 0.2]];
const target = [[9, 1, 1, 4], [1, 9, 1, 0.1], [7, 3, 1, 4], [3, 7, 1, 0.2]];
const first = [];
const model = await fitBcnmf(target, background, { k: 2, alpha: 1, seed: 0, maxIter: 200, onWarning: (w) => first.push(w) });
const second = [];
const estimator = new Bcnmf({ nComponents: 2, alpha: 1, seed: 0, maxIter: 50, onWarning: (w) => second.push(w) });
const H = await estimator.fitTransform(target, background);
const cpu = (await listBackends()).find((b) => b.name === 'cpu');
console.log(JSON.stringify({
  backend: model.settings.backend, W: model.W.shape, Htarget: model.Htarget.shape, H: H.shape,
  finite: [...model.W.data].every(Number.isFinite), first, second, nativeKernels: cpu.details['native kernels'],
}));
`;

// skipped test by test (a skipped describe is not counted as skipped)
describe('npm install of the packed tarballs, in an empty folder', { timeout: 20 * 60_000 }, () => {
  let work;
  let consumer;
  before(() => {
    if (skip) return;
    work = mkdtempSync(join(tmpdir(), 'bcnmf-install-'));
    consumer = join(work, 'consumer');
    mkdirSync(consumer);
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds and packs every public package', { skip }, () => {
    const filters = packages.map((p) => `--filter=${p.manifest.name}`);
    mustRun('npx', ['-y', pnpm, 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...filters], { cwd: root, timeout: 900_000 });
    const tarballs = join(work, 'tarballs');
    mustRun('npx', ['-y', pnpm, '-r', ...filters, 'pack', '--pack-destination', tarballs], { cwd: root });
    const packed = readdirSync(tarballs).sort();
    assert.equal(packed.length, packages.length, `one tarball per public package: ${packed.join(', ')}`);
    for (const { manifest } of packages) {
      const file = `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`;
      assert.ok(packed.includes(file), `${file} packed`);
      const listing = mustRun('tar', ['tzf', join(tarballs, file)], { cwd: work }).stdout;
      for (const entry of ['package/LICENSE', 'package/README.md', 'package/package.json']) assert.ok(listing.includes(entry), `${file} has ${entry}`);
      assert.match(listing, /package\/dist\/.*\.js\n/, `${file} has its built dist/`);
      const packedManifest = JSON.parse(mustRun('tar', ['xzf', join(tarballs, file), '-O', 'package/package.json'], { cwd: work }).stdout);
      assert.doesNotMatch(JSON.stringify(packedManifest.dependencies ?? {}) + JSON.stringify(packedManifest.peerDependencies ?? {}), /workspace:/);
      assert.doesNotMatch(JSON.stringify(packedManifest.exports), /"source"/, `${file}: exports without the source condition`);
    }
  });

  it('installs them with npm, resolving every bcnmf package to its tarball and leaving the optional tfjs-node peers out', { skip }, () => {
    const tarballs = join(work, 'tarballs');
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'bcnmf-install-check', private: true }, null, 2));
    mustRun('npm', ['install', '--no-audit', '--no-fund', ...readdirSync(tarballs).map((f) => join(tarballs, f))], { cwd: consumer, timeout: 600_000 });
    const lock = JSON.parse(readFileSync(join(consumer, 'package-lock.json'), 'utf8'));
    for (const { manifest } of packages) {
      const entry = lock.packages[`node_modules/${manifest.name}`];
      assert.ok(entry, `${manifest.name} installed at the top level`);
      assert.match(entry.resolved ?? '', /^file:/, `${manifest.name} from its tarball, not the registry`);
    }
    for (const peer of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
      assert.ok(!existsSync(join(consumer, 'node_modules', peer)), `${peer} (an optional peer) is not installed`);
    }
  });

  it('npx bcnmf backends: the backends, and the native kernels built (or why not, with the fix)', { skip }, () => {
    const { stdout } = mustRun('npx', ['--no', 'bcnmf', 'backends'], { cwd: consumer });
    for (const name of ['wasm', 'cpu', 'webgpu', 'cuda']) assert.match(stdout, new RegExp(`^${name} `, 'm'));
    assert.match(stdout, /neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed/);
    if (compiler) {
      assert.match(stdout, /native kernels: built \((avx512|avx2|generic), /);
      assert.match(stdout, /A fit that names no backend runs on 'cpu'/);
    } else {
      assert.match(stdout, /native kernels: not used: no C compiler could build .*; to build them, install a C compiler .*then run `npm rebuild @bcnmf\/backend-cpu`/);
    }
  });

  it('npx bcnmf demo: bcNMF finds the target-only groups that NMF misses', { skip }, () => {
    const { stdout, stderr } = mustRun('npx', ['--no', 'bcnmf', 'demo', '--scale', '0.2', '--max-iter', '50', '--json'], { cwd: consumer });
    const { results } = JSON.parse(stdout);
    const ari = Object.fromEntries(results.map((r) => [r.method, r.ari]));
    assert.ok(ari.bcNMF > 0.5, `bcNMF ARI ${ari.bcNMF}`);
    assert.ok(ari.NMF < 0.3, `NMF ARI ${ari.NMF}`);
    if (compiler) assert.doesNotMatch(stderr, /native kernels are not used/);
  });

  it('imports the library from an ES module and through require (Node >= 20.19 loads ES modules there)', { skip }, (t) => {
    writeFileSync(join(consumer, 'check.mjs'), ESM_CHECK);
    const report = JSON.parse(mustRun(process.execPath, ['check.mjs'], { cwd: consumer }).stdout);
    assert.deepEqual([report.W, report.Htarget, report.H], [[2, 4], [4, 2], [4, 2]]);
    assert.ok(report.finite);
    if (compiler) {
      assert.equal(report.backend, 'cpu');
      assert.deepEqual([report.first, report.second], [[], []]);
    }
    if (!process.features.require_module) {
      t.diagnostic(`require(esm) is not available in Node ${process.version}: bcnmf is ESM only (use import)`);
      return;
    }
    const required = mustRun(process.execPath, ['-e', "const b = require('bcnmf'); console.log(typeof b.fitBcnmf, typeof b.Bcnmf)"], { cwd: consumer });
    assert.equal(required.stdout.trim(), 'function function');
  });

  it('without the native kernels: bcnmf backends and the first fit (once) name the command, and that command builds them', { skip: skip || (compiler ? false : 'no C compiler here (cc, gcc, clang)') }, () => {
    // the package's install script run again with the kernels switched off: not built
    mustRun('npm', ['rebuild', '@bcnmf/backend-cpu'], { cwd: consumer, env: userEnv({ BCNMF_NATIVE: 'off' }) });
    const fix = 'to build them, run `npm rebuild @bcnmf/backend-cpu`';
    const backends = mustRun('npx', ['--no', 'bcnmf', 'backends'], { cwd: consumer }).stdout;
    assert.ok(backends.includes(`native kernels: not used: not built: BCNMF_NATIVE=off at install time; ${fix}`), backends);
    assert.match(backends, /A fit that names no backend runs on 'wasm'/);
    const report = JSON.parse(mustRun(process.execPath, ['check.mjs'], { cwd: consumer }).stdout);
    assert.equal(report.backend, 'wasm');
    assert.equal(report.first.length, 1, `the first fit says it: ${JSON.stringify(report.first)}`);
    assert.ok(report.first[0].startsWith("the cpu backend's native kernels are not used, so fits run on wasm or on tfjs's kernels, several times slower: "));
    assert.ok(report.first[0].endsWith(fix));
    assert.deepEqual(report.second, [], 'said once per process');
    // the command it names
    mustRun('npm', ['rebuild', '@bcnmf/backend-cpu'], { cwd: consumer });
    assert.match(mustRun('npx', ['--no', 'bcnmf', 'backends'], { cwd: consumer }).stdout, /native kernels: built \((avx512|avx2|generic), /);
  });
});
