import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

// scripts/build-native.mjs on a copy of the package's sources: a compiler that cannot make
// the AVX-512 build (an older gcc or clang) still gives the generic and AVX2 builds, with
// the reason the AVX-512 one was skipped in status.json; the optional build never fails
// the install.

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const hasCc = spawnSync('cc', ['--version']).status === 0;
const skip = arch() !== 'x64' ? 'the AVX builds are made on x86-64 only' : !hasCc ? 'no C compiler (cc) here' : false;
if (skip) console.log(`# skipping the build script test: ${skip}`);

it('a compiler without AVX-512 support: generic and AVX2 built, AVX-512 skipped with the reason', { skip, timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bcnmf-build-'));
  try {
    cpSync(join(packageDir, 'scripts'), join(dir, 'scripts'), { recursive: true });
    cpSync(join(packageDir, 'native'), join(dir, 'native'), { recursive: true, filter: (source) => !source.includes(`${join('native', 'build')}`) });
    // a "compiler" that refuses -mavx512f as an old one would, and otherwise is cc
    const compiler = join(dir, 'old-cc');
    writeFileSync(compiler, '#!/bin/sh\nfor a in "$@"; do [ "$a" = "-mavx512f" ] && { echo "cc: error: unrecognized command-line option \'-mavx512f\'" >&2; exit 1; }; done\nexec cc "$@"\n');
    chmodSync(compiler, 0o755);
    const run = spawnSync(process.execPath, [join(dir, 'scripts', 'build-native.mjs')], { encoding: 'utf8', env: { ...process.env, CC: compiler, BCNMF_NATIVE: '' } });
    assert.equal(run.status, 0, run.stderr);
    const status = JSON.parse(readFileSync(join(dir, 'native', 'build', 'status.json'), 'utf8'));
    assert.equal(status.built, true);
    assert.equal(status.compiler, compiler);
    assert.deepEqual(Object.keys(status.libraries).sort(), ['avx2', 'generic']);
    assert.match(status.skipped.join(' '), /^avx512: cc: error: unrecognized command-line option '-mavx512f'/);
    assert.deepEqual(readdirSync(join(dir, 'native', 'build')).filter((f) => f.includes('.partial')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
