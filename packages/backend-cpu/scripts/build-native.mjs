#!/usr/bin/env node
// Compiles native/*.c (the worker pool, the micro-kernels and the operations; see
// native/common.h) into one library in native/build/ with the machine's C compiler (cc, gcc or
// clang; $CC first): a generic build, and on x86-64 an AVX2+FMA build and an AVX-512 build
// beside it (the last only where the compiler can make it: older compilers skip it). Run at
// install time (package.json "install") and by `pnpm --filter @bcnmf/backend-cpu
// build:native`. Never fails the install: where no compiler works, it writes the reason to
// native/build/status.json and the cpu backend runs without these kernels (it says why).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'native');
const out = join(root, 'build');
const sources = readdirSync(root).filter((f) => f.endsWith('.c')).sort().map((f) => join(root, f));
const extension = platform() === 'darwin' ? 'dylib' : platform() === 'win32' ? 'dll' : 'so';
const quiet = process.argv.includes('--quiet');

function log(message) {
  if (!quiet) console.log(`@bcnmf/backend-cpu: ${message}`);
}

function writeStatus(status) {
  writeFileSync(join(out, 'status.json'), `${JSON.stringify(status, null, 2)}\n`);
}

mkdirSync(out, { recursive: true });
// the test of @bcnmf/native's switchedOff('BCNMF_NATIVE'), written out: this script runs at
// install time, before any TypeScript is built
if (/^(off|0|false|no|none)$/i.test(process.env.BCNMF_NATIVE ?? '')) {
  writeStatus({ built: false, reason: 'not built: BCNMF_NATIVE=off at install time' });
  log('native kernels not built (BCNMF_NATIVE=off)');
  process.exit(0);
}

const compilers = [...new Set([process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean))];
const variants = [{ name: 'generic', flags: [] }];
if (arch() === 'x64') {
  variants.push({ name: 'avx2', flags: ['-mavx2', '-mfma'] });
  // optional: a compiler without AVX-512 support still builds the other two
  variants.push({ name: 'avx512', flags: ['-mavx2', '-mfma', '-mavx512f', '-mavx512vl'], optional: true });
}

const failures = [];
for (const compiler of compilers) {
  const built = {};
  const skipped = [];
  let ok = true;
  for (const variant of variants) {
    const file = join(out, `libbcnmf-cpu-${variant.name}.${extension}`);
    const partial = `${file}.partial`;
    const args = ['-O3', '-std=gnu11', '-ffp-contract=fast', '-D_GNU_SOURCE', '-shared', '-fPIC', '-pthread', ...variant.flags, '-o', partial, ...sources, '-lm'];
    const run = spawnSync(compiler, args, { encoding: 'utf8' });
    if (run.error || run.status !== 0) {
      const why = run.error ? run.error.message : (run.stderr || `exit ${run.status}`).trim().split('\n').slice(0, 3).join(' ');
      rmSync(partial, { force: true });
      if (variant.optional) {
        skipped.push(`${variant.name}: ${why}`);
        continue;
      }
      failures.push(`${compiler} (${variant.name}): ${why}`);
      ok = false;
      break;
    }
    renameSync(partial, file); // a half-written library is never left under the final name
    built[variant.name] = `libbcnmf-cpu-${variant.name}.${extension}`;
  }
  if (ok) {
    writeStatus({ built: true, compiler, libraries: built, ...(skipped.length ? { skipped } : {}) });
    log(`native kernels built with ${compiler} (${Object.keys(built).join(', ')})`);
    process.exit(0);
  }
}
writeStatus({ built: false, reason: `no C compiler could build native/*.c (${failures.join('; ')})` });
log(`native kernels not built; the cpu backend runs without them (${failures[0] ?? 'no compiler'})`);
