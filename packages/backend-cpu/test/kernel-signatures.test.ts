import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { prototype, switchedOff, type SignatureTable } from '@bcnmf/native';
import { loadNativeKernels } from '../src/index.js';
import { BUILD_SIGNATURES, DENSE_SIGNATURES, SPARSE_SIGNATURES, VARIANT_SIGNATURES } from '../src/kernel-signatures.js';

// The signature table (src/kernel-signatures.ts) against the C sources it binds
// (native/*.c): the same exported functions, with parameters of the same kinds in the
// same order. And a library that lacks some of them (an old build) is refused, naming them.

const nativeDir = fileURLToPath(new URL('../native', import.meta.url));
const TABLE: SignatureTable = { ...BUILD_SIGNATURES, ...VARIANT_SIGNATURES, ...DENSE_SIGNATURES, ...SPARSE_SIGNATURES };

/** A parameter's kind: its base type and whether it is a pointer (names and const dropped). */
function kind(parameter: string): string {
  const words = parameter.replace(/\b(const|_Out_|_Inout_)\b/g, '').trim();
  const pointer = words.includes('*');
  const base = words.replace(/\*/g, ' ').trim().split(/\s+/)[0];
  const alias: Record<string, string> = { int32_t: 'int', void: '' };
  return `${alias[base] ?? base}${pointer ? '*' : ''}`;
}

function kinds(parameters: string): string[] {
  return parameters.split(',').map(kind).filter(Boolean);
}

/** The functions native/*.c exports: defined at the top level, neither static nor declared HIDDEN in a header. */
function exportedFunctions(): Map<string, string[]> {
  const files = readdirSync(nativeDir);
  const hidden = new Set<string>();
  for (const header of files.filter((f) => f.endsWith('.h'))) {
    for (const m of readFileSync(join(nativeDir, header), 'utf8').matchAll(/(\w+)\(([^)]*)\)\s*HIDDEN;/g)) hidden.add(m[1]);
  }
  const exported = new Map<string, string[]>();
  for (const source of files.filter((f) => f.endsWith('.c'))) {
    const text = readFileSync(join(nativeDir, source), 'utf8');
    for (const m of text.matchAll(/^(?:HOT )?(?:int|float \*|void|double) (\w+)\(([^)]*)\) \{/gm)) {
      if (!hidden.has(m[1])) exported.set(m[1], kinds(m[2]));
    }
  }
  return exported;
}

describe('the kernel signature table', () => {
  it('declares every function native/*.c exports, with its parameters', () => {
    const exported = exportedFunctions();
    assert.deepEqual([...exported.keys()].sort(), Object.keys(TABLE).sort());
    for (const [name, signature] of Object.entries(TABLE)) {
      const declared = /\((.*)\)$/.exec(prototype(name, signature))![1];
      assert.deepEqual(kinds(declared), exported.get(name), name);
    }
  });

  it('refuses a library that lacks some of its functions (a stale build), naming them', async (t) => {
    if (switchedOff('BCNMF_NATIVE')) {
      t.skip('BCNMF_NATIVE=off: no library is loaded');
      return;
    }
    const compiler = ['cc', 'gcc', 'clang'].find((cc) => spawnSync(cc, ['--version']).status === 0);
    if (!compiler || process.platform === 'win32') {
      t.skip('no C compiler here (cc, gcc, clang)');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'bcnmf-stale-'));
    try {
      const library = join(dir, `libbcnmf-cpu-stale.${process.platform === 'darwin' ? 'dylib' : 'so'}`);
      // the library's build information and thread pool, without its operations
      const built = spawnSync(compiler, ['-O1', '-std=gnu11', '-shared', '-fPIC', '-pthread', '-o', library,
        join(nativeDir, 'build-info.c'), join(nativeDir, 'pool.c')], { encoding: 'utf8' });
      assert.equal(built.status, 0, built.stderr);
      const loaded = await loadNativeKernels({ library });
      assert.ok('reason' in loaded);
      assert.match(loaded.reason, /native kernels could not be loaded \(.*libbcnmf-cpu-stale\.\w+: no bcnmf_dense_times_thin, /);
      assert.match(loaded.reason, /bcnmf_csr_fused_pass \(.*\): a stale build\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
