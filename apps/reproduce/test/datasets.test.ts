import '@bcnmf/backend-cpu'; // the cpu and wasm backends, as the bcnmf bin registers them
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CPCA_BEST_LABEL, runReproduce } from '../src/index.js';
import { evaluateEmbedding } from '@bcnmf/metrics';
import { meanAri, methodRunCollector, permuted, recomputedSubtest } from './reference/check.js';
import { readMiceProtein, readMnistFlowers } from './reference/reference.js';

const dataDir = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const absent = existsSync(join(dataDir, 'mice-protein')) ? false : `the shared data sets are not in ${dataDir}`;
if (absent) console.log(`skipping the real-data tests: ${absent}`);
const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-data-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('mice-protein on the shared file, reduced iterations and seeds: 4 methods on the UMAP protocol, beside the release value', { skip: absent }, async (t) => {
  const out = join(root, 'mice');
  const runs = methodRunCollector();
  const report = await runReproduce(['mice-protein', '--seeds', '2', '--data-dir', dataDir, '--out', out], () => {}, {
    overrides: { maxIter: 30, k: 5, umapEpochs: 60, cpcaAlphas: 6 },
    onMethodRun: runs.onMethodRun,
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
  const mice = readMiceProtein(dataDir);
  await recomputedSubtest(t, r, runs.events.get('mice-protein'), () => mice);
});

test('mnist-flowers on the shared files, reduced iterations and one seed: 4 methods, raw protocol, W heatmap', { skip: absent }, async (t) => {
  const out = join(root, 'mnist');
  const runs = methodRunCollector();
  const report = await runReproduce(['mnist-flowers', '--seeds', '1', '--data-dir', dataDir, '--out', out], () => {}, {
    overrides: { maxIter: 100, cpcaAlpha: 1 },
    onMethodRun: runs.onMethodRun,
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
  const mnist = readMnistFlowers(dataDir);
  await recomputedSubtest(t, r, runs.events.get('mnist-flowers'), () => mnist);
});

test('mnist-flowers --quick, its own settings: every score recomputed; bcNMF well above NMF, PCA near 0, as the paper says', { skip: absent }, async (t) => {
  const runs = methodRunCollector();
  const report = await runReproduce(['mnist-flowers', '--quick', '--seeds', '3', '--data-dir', dataDir, '--out', join(root, 'mnist-quick')], () => {}, {
    onMethodRun: runs.onMethodRun,
  });
  const [r] = report.experiments;
  assert.deepEqual(r.seeds, [0, 1, 2]);
  const mnist = readMnistFlowers(dataDir);
  await recomputedSubtest(t, r, runs.events.get('mnist-flowers'), () => mnist);
  // the paper: "bcNMF well above NMF"; the digits hide under the patches' variance, so PCA misses them
  const ari = (m: string) => meanAri(r, m);
  assert.ok(ari('bcNMF') >= 0.5, `bcNMF ${ari('bcNMF')}`);
  assert.ok(ari('bcNMF') >= ari('NMF') + 0.15, `bcNMF ${ari('bcNMF')} vs NMF ${ari('NMF')}`);
  assert.ok(Math.abs(ari('PCA')) <= 0.15, `PCA ${ari('PCA')}`);
  assert.ok(ari(CPCA_BEST_LABEL) >= ari('cPCA'), 'the best returned alpha is at least the scored one');
  await t.test('the same embeddings scored against shuffled digits: every ARI about 0 (the floors above come from the labels)', () => {
    const events = runs.events.get('mnist-flowers')!;
    for (let p = 0; p < 3; p++) {
      const shuffled = permuted(mnist.labels, 1000 + p);
      for (const e of events) {
        const protocol = r.methods.find((m) => m.label === e.method)!.protocol;
        const ari = evaluateEmbedding(e.embedding.toArray(), shuffled, { protocol, k: r.evaluation.k, nInit: r.evaluation.nInit, seed: e.seed }).ari;
        assert.ok(Math.abs(ari) <= 0.05, `${e.method} seed ${e.seed}: ARI ${ari} against shuffled labels (${e.ari} against the digits)`);
      }
    }
  });
});
