// The browser entry must bundle for a browser: no `node:` module (nor h5wasm's Node build)
// anywhere in its module graph, and h5wasm only behind a dynamic import. Checked by
// bundling it with esbuild for the browser platform, as a web app's bundler would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build, type BuildFailure, type Metafile } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

async function bundle(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [here(entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    splitting: true,
    outdir: here('../.browser-bundle-never-written'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    conditions: ['source'],
    // core is bundled (and tested) by the web app; this test is about the data package's graph
    external: ['@bcnmf/core'],
  });
  return result.metafile;
}

test('@bcnmf/data/browser bundles for the browser: no node: module, h5wasm only lazily', async () => {
  const meta = await bundle('../src/browser.ts');
  const inputs = Object.keys(meta.inputs);
  assert.ok(inputs.some((p) => p.endsWith('src/browser.ts')));
  assert.deepEqual(inputs.filter((p) => p.startsWith('node:') || /h5wasm\/dist\/node/.test(p)), []);
  for (const input of Object.values(meta.inputs)) {
    for (const imported of input.imports) assert.ok(!imported.path.startsWith('node:'), `imports ${imported.path}`);
  }
  // h5wasm (4.8 MB) lands in a chunk of its own, loaded by a dynamic import only
  const outputs = Object.entries(meta.outputs);
  const [, main] = outputs.find(([, o]) => o.entryPoint?.endsWith('src/browser.ts'))!;
  assert.deepEqual(Object.keys(main.inputs).filter((p) => p.includes('h5wasm')), []);
  assert.ok(main.imports.some((i) => i.kind === 'dynamic-import'), 'the entry loads h5wasm by a dynamic import');
  assert.ok(outputs.some(([, o]) => Object.keys(o.inputs).some((p) => p.includes('h5wasm/dist/esm'))), "h5wasm's browser build is in a chunk");
});

test('the check can fail: the Node entry does not bundle for the browser', async () => {
  await assert.rejects(bundle('../src/index.ts'), (error: BuildFailure) => {
    assert.ok(error.errors.some((e) => /node:(fs|path|crypto|zlib)/.test(e.text)), error.errors.map((e) => e.text).join('\n'));
    return true;
  });
});
