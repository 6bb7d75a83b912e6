import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { build } from 'esbuild';

// The browser entry (export condition `browser`) must bundle for a browser without any
// Node module or native code: koffi and node: builtins are left out, not shimmed.
it('bundles for the browser with no node: module and no koffi', async () => {
  const entry = fileURLToPath(new URL('../src/browser.ts', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    conditions: ['source', 'browser'],
    metafile: true,
    logLevel: 'silent',
    // tfjs-backend-webgpu and Dawn are imported by a variable specifier at run time
    external: ['@tensorflow/tfjs-backend-webgpu', 'webgpu'],
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((path) => path.includes('packages/core/src/fit.ts')), 'core is in the bundle');
  assert.ok(inputs.some((path) => path.includes('backend-cpu/src/wasm-adapter.ts')), 'the wasm adapter is in the bundle');
  const native = inputs.filter((path) => /koffi|backend-cpu\/src\/(native|blas|accelerator|cpu-adapter)|packages\/native\//.test(path));
  assert.deepEqual(native, [], 'no native code');
  const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  assert.deepEqual(imports.filter((path) => path.startsWith('node:') || path === 'koffi'), [], 'no node: import');
});
