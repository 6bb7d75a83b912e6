import '@bcnmf/backend-cpu'; // the cpu and wasm backends, as the bcnmf bin registers them
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CPCA_BEST_LABEL, runReproduce } from '../src/index.js';

const dataDir = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const absent = existsSync(join(dataDir, 'mice-protein')) ? false : `the shared data sets are not in ${dataDir}`;
if (absent) console.log(`skipping the real-data tests: ${absent}`);
const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-data-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('mice-protein on the shared file, reduced iterations and seeds: both settings (zero-fill K=5 alpha=3; mean-fill alpha=1), 4 methods on the UMAP protocol, beside the traced and untraced values', { skip: absent }, async () => {
  const out = join(root, 'mice');
  const report = await runReproduce(['mice-protein', '--seeds', '2', '--data-dir', dataDir, '--out', out], () => {}, {
    overrides: { maxIter: 30, k: 5, umapEpochs: 60, cpcaAlphas: 6 },
  });
  const [r] = report.experiments;
  assert.deepEqual(r.dataset.target, [270, 77]);
  assert.deepEqual(r.dataset.background, [135, 77]);
  assert.equal(r.evaluation.protocol, 'umap');
  assert.deepEqual(r.columns, ['notebook', 'table']);
  assert.deepEqual(r.settings.map((x) => x.name), ['notebook', 'table']);
  assert.match(String(r.dataset.info.impute), /filled with 0/);
  assert.match(String(r.dataset.info['impute (table)']), /column mean/);
  assert.equal(r.rows[0].method, 'PCA');
  assert.ok(r.rows.some((x) => x.method === CPCA_BEST_LABEL));
  for (const m of ['PCA', 'cPCA (returned α #1)', 'NMF', 'bcNMF']) {
    const row = r.rows.find((x) => x.method === m)!;
    assert.ok(row, m);
    for (const cell of row.cells) {
      assert.equal(cell.n, 2);
      assert.ok(cell.mean >= -0.5 && cell.mean <= 1);
    }
  }
  const text = (settings: number, label: string) => r.settings[settings].methods.find((m) => m.label === label)!.text;
  assert.match(text(0, 'bcNMF'), /K=5, alpha=3, frobenius loss, 30 iterations/);
  assert.match(text(1, 'bcNMF'), /K=5, alpha=1, frobenius loss, 30 iterations/);
  assert.match(text(0, 'cPCA'), /alpha automatic .*every returned non-zero alpha is scored/);
  assert.match(r.rows.find((x) => x.method === 'cPCA (returned α #1)')!.details[0], /α=/);
  const md = readFileSync(join(out, 'mice-protein.md'), 'utf8');
  assert.match(md, /\| bcNMF \(reference: notebook experiments\/mice_protein\/mice_protein\.ipynb\) \| 0\.651 \| – \|/);
  assert.match(md, /\| bcNMF \(reference: untraced\) \| – \| 0\.789 \|/);
  assert.doesNotMatch(md, /paper's value|reported: release/);
  const scatter = readFileSync(join(out, 'figures', 'mice-protein-notebook-bcNMF-scatter.svg'), 'utf8');
  assert.equal((scatter.match(/<circle /g) ?? []).length, 270);
  assert.match(scatter, /UMAP 1/);
  // the 77 proteins are named under the heatmap's columns
  const heat = readFileSync(join(out, 'figures', 'mice-protein-table-bcNMF-W-heatmap.svg'), 'utf8');
  const names = heat.slice(heat.indexOf('<g class="feature-names"'));
  for (const protein of ['DYRK1A_N', 'ARC_N', 'CaNA_N']) assert.match(names, new RegExp(`>${protein}</text>`));
});

test('mnist-flowers on the shared files, reduced iterations and one seed: the demo settings, cPCA fixed and automatic, W as 28 x 28 images', { skip: absent }, async () => {
  const out = join(root, 'mnist');
  const report = await runReproduce(['mnist-flowers', '--seeds', '1', '--data-dir', dataDir, '--out', out], () => {}, {
    overrides: { maxIter: 100, cpcaAlphas: 8 },
  });
  const [r] = report.experiments;
  assert.deepEqual(r.dataset.target, [200, 784]);
  assert.deepEqual(r.dataset.background, [150, 784]);
  assert.deepEqual(r.columns, ['notebook']);
  const ari = (m: string) => r.rows.find((x) => x.method === m)!.cells[0].mean;
  for (const m of ['PCA', 'cPCA (α=1.6)', 'cPCA (returned α #1)', CPCA_BEST_LABEL, 'NMF', 'bcNMF']) assert.ok(ari(m) >= -0.5 && ari(m) <= 1, `${m} ${ari(m)}`);
  assert.equal(r.evaluation.protocol, 'raw');
  assert.match(r.settings[0].methods.find((m) => m.label === 'bcNMF')!.text, /K=2, alpha=2, frobenius loss, 100 iterations/);
  assert.equal(r.rows.find((x) => x.method === 'bcNMF')!.cells[0].sd, null);
  const md = readFileSync(join(out, 'mnist-flowers.md'), 'utf8');
  assert.match(md, /\| bcNMF \(reference: notebook demo\/simulation\.ipynb\) \| 0\.8456 \|/);
  assert.match(md, /\| cPCA \(α=1\.6\) \(reference: notebook experiments\/simulation\/mnist_imagenet\.ipynb\) \| 0\.8569 \|/);
  assert.match(md, /other, larger data/);
  const heat = readFileSync(join(out, 'figures', 'mnist-flowers-bcNMF-W-heatmap.svg'), 'utf8');
  const cells = heat.slice(heat.indexOf('<g class="cells"'), heat.indexOf('</g>'));
  assert.equal((cells.match(/<rect /g) ?? []).length, 2 * 784);
  for (const m of ['bcNMF', 'NMF']) {
    const images = readFileSync(join(out, 'figures', `mnist-flowers-${m}-W-images.svg`), 'utf8');
    const pixels = images.slice(images.indexOf('<g class="pixels"'), images.indexOf('</g>'));
    assert.equal((pixels.match(/<rect /g) ?? []).length, 2 * 28 * 28);
    assert.match(images, />topic_1<\/text>/);
  }
  // --settings table: alpha=1, 200 iterations by default (here 100)
  const table = await runReproduce(['mnist-flowers', '--settings', 'table', '--seeds', '1', '--data-dir', dataDir, '--out', join(root, 'mnist-table')], () => {}, {
    overrides: { maxIter: 20, cpcaAlphas: 4 },
  });
  assert.deepEqual(table.experiments[0].columns, ['table']);
  assert.match(table.experiments[0].settings[0].methods.find((m) => m.label === 'bcNMF')!.text, /alpha=1,/);
});
