import '@bcnmf/backend-cpu'; // the cpu and wasm backends, as the bcnmf bin registers them
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runReproduce } from '../src/index.js';

const dataDir = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const absent = existsSync(join(dataDir, 'mice-protein')) ? false : `the shared data sets are not in ${dataDir}`;
if (absent) console.log(`skipping the real-data tests: ${absent}`);
const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-data-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('mice-protein on the shared file, reduced iterations and seeds: 4 methods on the UMAP protocol, beside the release value', { skip: absent }, async () => {
  const out = join(root, 'mice');
  const report = await runReproduce(['mice-protein', '--seeds', '2', '--data-dir', dataDir, '--out', out], () => {}, {
    overrides: { maxIter: 30, k: 5, umapEpochs: 60, cpcaAlphas: 6 },
  });
  const [r] = report.experiments;
  assert.deepEqual(r.dataset.target, [270, 77]);
  assert.deepEqual(r.dataset.background, [135, 77]);
  assert.equal(r.evaluation.protocol, 'umap');
  assert.deepEqual(r.rows.slice(0, 2).map((x) => x.method), ['PCA', 'cPCA']);
  for (const m of ['PCA', 'cPCA', 'NMF', 'bcNMF']) {
    const row = r.rows.find((x) => x.method === m)!;
    assert.equal(row.cells[0].n, 2);
    assert.ok(row.cells[0].mean >= -0.5 && row.cells[0].mean <= 1);
  }
  assert.match(r.methods.find((m) => m.label === 'bcNMF')!.text, /K=5, alpha=1, frobenius loss, 30 iterations/);
  assert.match(r.methods.find((m) => m.label === 'cPCA')!.text, /alpha automatic/);
  assert.match(r.rows.find((x) => x.method === 'cPCA')!.details[0], /α=/);
  assert.equal(r.paper.values[0].value, 0.789);
  const md = readFileSync(join(out, 'mice-protein.md'), 'utf8');
  assert.match(md, /\| bcNMF \(reported: release\) \| 0\.789 \|/);
  const scatter = readFileSync(join(out, 'figures', 'mice-protein-bcNMF-scatter.svg'), 'utf8');
  assert.equal((scatter.match(/<circle /g) ?? []).length, 270);
  assert.match(scatter, /UMAP 1/);
});

test('mnist-flowers on the shared files, reduced iterations and one seed: 4 methods, raw protocol, W heatmap', { skip: absent }, async () => {
  const out = join(root, 'mnist');
  const report = await runReproduce(['mnist-flowers', '--seeds', '1', '--data-dir', dataDir, '--out', out], () => {}, {
    overrides: { maxIter: 100, cpcaAlpha: 1 },
  });
  const [r] = report.experiments;
  assert.deepEqual(r.dataset.target, [200, 784]);
  assert.deepEqual(r.dataset.background, [150, 784]);
  const ari = (m: string) => r.rows.find((x) => x.method === m)!.cells[0].mean;
  for (const m of ['PCA', 'cPCA', 'NMF', 'bcNMF']) assert.ok(ari(m) >= -0.5 && ari(m) <= 1, `${m} ${ari(m)}`);
  assert.equal(r.evaluation.protocol, 'raw');
  assert.equal(r.rows.find((x) => x.method === 'bcNMF')!.cells[0].sd, null);
  const heat = readFileSync(join(out, 'figures', 'mnist-flowers-bcNMF-W-heatmap.svg'), 'utf8');
  const cells = heat.slice(heat.indexOf('<g class="cells"'), heat.indexOf('</g>'));
  assert.equal((cells.match(/<rect /g) ?? []).length, 2 * 784);
});
