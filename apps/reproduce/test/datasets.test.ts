import '@bcnmf/backend-cpu'; // the cpu and wasm backends, as the bcnmf bin registers them
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CPCA_BEST_LABEL, EXPERIMENTS, runReproduce, type ImagesFigure } from '../src/index.js';
import { evaluateEmbedding } from '@bcnmf/metrics';
import { meanAri, methodRunCollector, permuted, recomputedSubtest } from './reference/check.js';
import { readMiceProtein, readMnistFlowers } from './reference/reference.js';

const dataDir = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const absent = existsSync(join(dataDir, 'mice-protein')) ? false : `the shared data sets are not in ${dataDir}`;
if (absent) console.log(`skipping the real-data tests: ${absent}`);
const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-data-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('mice-protein on the shared file, reduced iterations and seeds: both settings (zero-fill K=5 alpha=3; mean-fill alpha=1), 4 methods on the UMAP protocol, beside the traced and untraced values', { skip: absent }, async (t) => {
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
  const names = heat.slice(heat.indexOf('<g class="column-names"'));
  for (const protein of ['DYRK1A_N', 'ARC_N', 'CaNA_N']) assert.match(names, new RegExp(`>${protein}</text>`));
  // every score, recomputed: the notebook's column on the zero-filled file, the table's on the mean-filled one
  const mice = { notebook: readMiceProtein(dataDir, 'zero'), table: readMiceProtein(dataDir, 'mean') };
  await recomputedSubtest(t, r, runs.events.get('mice-protein'), (column) => mice[column as 'notebook' | 'table']);
});

test('mnist-flowers on the shared files, reduced iterations and one seed: the demo settings, cPCA fixed and automatic, W as 28 x 28 images', { skip: absent }, async (t) => {
  const out = join(root, 'mnist');
  const runs = methodRunCollector();
  const report = await runReproduce(['mnist-flowers', '--seeds', '1', '--data-dir', dataDir, '--out', out], () => {}, {
    overrides: { maxIter: 100, cpcaAlphas: 8 },
    onMethodRun: runs.onMethodRun,
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
  assert.match(md, /\| cPCA \(α=1\.6\) \(reference: notebook experiments\/simulation\/mnist_imagenet\.ipynb, on other data\) \| 0\.8569 \|/);
  assert.match(md, /other, larger data/);
  const heat = readFileSync(join(out, 'figures', 'mnist-flowers-bcNMF-W-heatmap.svg'), 'utf8');
  const cells = heat.slice(heat.indexOf('<g class="cells"'), heat.indexOf('</g>'));
  assert.equal((cells.match(/<rect /g) ?? []).length, 2 * 784);
  for (const m of ['bcNMF', 'NMF']) {
    const images = readFileSync(join(out, 'figures', `mnist-flowers-${m}-W-images.svg`), 'utf8');
    // one group per topic; its runs of shaded pixels cover exactly the pixels that are not
    // white (32 shades of the topic's largest loading: at least 1/62 of it)
    const figure = r.figures.find((f) => f.id === `mnist-flowers-${m}-W-images`) as ImagesFigure;
    const groups = [...images.matchAll(/<g class="image"[^>]*>([\s\S]*?)<\/g>/g)].map((g) => g[1]);
    assert.equal(groups.length, 2);
    const pixel = Number(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="none" stroke="#999999"\/>/.exec(images)![1]) / 28;
    groups.forEach((g, t) => {
      const covered = [...g.matchAll(/width="([\d.]+)"/g)].reduce((sum, w) => sum + Number(w[1]) / pixel, 0);
      const max = Math.max(...figure.images[t]);
      assert.equal(Math.round(covered), figure.images[t].filter((v) => v / max >= 0.5 / 31).length, `${m} topic ${t + 1}`);
    });
    assert.match(images, />topic_1<\/text>/);
  }
  // --settings table: alpha=1, 200 iterations by default (here 100)
  const table = await runReproduce(['mnist-flowers', '--settings', 'table', '--seeds', '1', '--data-dir', dataDir, '--out', join(root, 'mnist-table')], () => {}, {
    overrides: { maxIter: 20, cpcaAlphas: 4 },
  });
  assert.deepEqual(table.experiments[0].columns, ['table']);
  assert.match(table.experiments[0].settings[0].methods.find((m) => m.label === 'bcNMF')!.text, /alpha=1,/);
  const mnist = readMnistFlowers(dataDir);
  await recomputedSubtest(t, r, runs.events.get('mnist-flowers'), () => mnist);
});

test('mnist-flowers --quick, the demo settings (K=2, alpha=2, 300 iterations), 3 seeds: every score recomputed; bcNMF well above NMF, PCA near 0, as the paper says', { skip: absent }, async (t) => {
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
  const best = r.rows.find((x) => x.method === CPCA_BEST_LABEL)!;
  for (const row of r.rows.filter((x) => x.method.startsWith('cPCA (returned'))) {
    assert.ok(best.cells[0].mean >= row.cells[0].mean - 1e-12, `the best returned alpha (${best.cells[0].mean}) is at least ${row.method}'s (${row.cells[0].mean})`);
  }
  await t.test('the same embeddings scored against shuffled digits: every ARI about 0 (the floors above come from the labels)', () => {
    const events = runs.events.get('mnist-flowers')!;
    for (let p = 0; p < 3; p++) {
      const shuffled = permuted(mnist.labels, 1000 + p);
      for (const e of events) {
        const protocol = r.settings.find((x) => x.columns.includes(e.column))!.methods.find((m) => m.label === e.method)!.protocol;
        const ari = evaluateEmbedding(e.embedding.toArray(), shuffled, { protocol, k: r.evaluation.k, nInit: r.evaluation.nInit, seed: e.seed }).ari;
        assert.ok(Math.abs(ari) <= 0.05, `${e.row} seed ${e.seed}: ARI ${ari} against shuffled labels (${e.ari} against the digits)`);
      }
    }
  });
});

// --quick's text said the quick default's seeds ("3 seeds instead of 10") whatever --seeds ran
test('every experiment\'s quick text states the seeds that ran, not the quick default', () => {
  for (const e of EXPERIMENTS) {
    const unit = e.name === 'consensus' ? 'run' : 'seed';
    assert.match(e.quickChanges(1), new RegExp(`(^|\\W)1 ${unit} instead of ${e.seeds.full}\\b`), e.name);
    assert.doesNotMatch(e.quickChanges(1), new RegExp(`\\b${e.seeds.quick} ${unit}s\\b`), e.name);
    assert.match(e.quickChanges(e.seeds.quick), new RegExp(`(^|\\W)${e.seeds.quick} ${unit}s instead of ${e.seeds.full}\\b`), e.name);
    assert.match(e.quickChanges(e.seeds.full), new RegExp(`(^|\\W)${e.seeds.full} ${unit}s, as a full run`), e.name);
  }
});

test('mice-protein --quick --seeds 1: the printed header, the table and report.md say 1 seed', { skip: absent }, async () => {
  const out = join(root, 'mice-quick-1');
  const lines: string[] = [];
  const report = await runReproduce(['mice-protein', '--quick', '--seeds', '1', '--settings', 'notebook', '--data-dir', dataDir, '--out', out], (l) => lines.push(l), {
    overrides: { maxIter: 5, k: 3, umapEpochs: 30, cpcaAlphas: 4 },
  });
  assert.deepEqual(report.experiments[0].seeds, [0]);
  const printed = lines.join('\n');
  assert.match(printed, /^mice-protein: .*; seeds 0; quick: 1 seed instead of 10, sizes and iterations unchanged$/m);
  assert.match(printed, /\*\*Quick run \(--quick\): 1 seed instead of 10, sizes and iterations unchanged\.\*\*/);
  for (const file of ['report.md', 'mice-protein.md']) {
    const md = readFileSync(join(out, file), 'utf8');
    assert.match(md, /Quick run \(--quick\): 1 seed instead of 10/, file);
    assert.doesNotMatch(md, /3 seeds/, file);
  }
  assert.equal(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).experiments[0].quickChanges, '1 seed instead of 10, sizes and iterations unchanged');
});
