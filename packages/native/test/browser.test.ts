import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Bundled for a browser, the package pulls in no native code: koffi is imported only
// lazily, and the package's "browser" field maps it to nothing (without that field this
// bundle fails on koffi's Node-only imports).
it('bundles for a browser without koffi or Node modules', async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.every((file) => !file.includes('node_modules') || file.startsWith('(disabled):')), inputs.join(', '));
  assert.ok(inputs.some((file) => file.startsWith('(disabled):') && file.includes('koffi')), 'koffi is mapped to nothing');
  assert.doesNotMatch(result.outputFiles[0].text, /\bfrom ["']node:|require\(["']node:/);
});
