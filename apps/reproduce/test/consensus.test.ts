import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getExperiment, runReproduce } from '../src/index.js';

const dataDir = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const absent = existsSync(join(dataDir, 'mice-protein')) ? false : `the shared data sets are not in ${dataDir}`;
if (absent) console.log(`skipping the consensus experiment's run: ${absent}`);
const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-consensus-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('the consensus experiment is registered with its settings', () => {
  const e = getExperiment('consensus');
  assert.deepEqual(e.methods(false).map((m) => m.label), ['bcNMF, one seed', 'consensus bcNMF, 20 restarts']);
  assert.deepEqual(e.methods(false)[1].options, { k: 15, alpha: 1, maxIter: 100, tol: 0, restarts: 20, densityThreshold: 0.5 });
  assert.deepEqual(e.seeds, { full: 10, quick: 3 });
});

test('consensus, reduced: one seed against a consensus per run on the mouse data and the simulation, and the sweep', { skip: absent }, async () => {
  const out = join(root, 'consensus');
  const lines: string[] = [];
  const report = await runReproduce(['consensus', '--quick', '--seeds', '2', '--data-dir', dataDir, '--out', out], (l) => lines.push(l), {
    overrides: { maxIter: 20, k: 5, umapEpochs: 60, scale: 0.05 },
  });
  const [r] = report.experiments;
  assert.equal(r.name, 'consensus');
  assert.equal(r.columns.length, 4);
  assert.match(r.columns[0], /^mouse K=5 α=1 \(UMAP seed = run\)$/);
  assert.deepEqual(r.rows.map((x) => x.method), [
    'bcNMF, one seed',
    'consensus bcNMF, 10 restarts',
    'consensus bcNMF, 10 restarts: stability (silhouette of the topics)',
    'consensus bcNMF, 10 restarts: smallest reproducibility of a topic',
  ]);
  for (const row of r.rows.slice(0, 2)) {
    for (const cell of row.cells) {
      assert.equal(cell.n, 2);
      assert.ok(cell.values.every((v) => v >= -1 && v <= 1));
    }
  }
  // run 0's entries agree between the first and the third mouse column (the same fit and seed)
  assert.equal(r.rows[0].cells[2].values[0], r.rows[0].cells[0].values[0]);
  assert.equal(r.rows[2].cells[1].n, 0);
  assert.ok(r.rows[2].cells[3].values.every((v) => v >= -1 && v <= 1));
  assert.match(r.rows[1].details[0], /^per run: -?[0-9.]+, -?[0-9.]+$/);
  assert.ok(r.notes.some((n) => /^Selection sweep on the simulation \(bcnmf select; 5 restarts per cell, no outlier filter\): k 2, α 0: /.test(n)));
  assert.ok(r.notes.some((n) => /^Sweep recommendation: /.test(n)));
  assert.ok(lines.some((l) => /^ {2}mouse, run 1: one seed ARI/.test(l)));
  const md = readFileSync(join(out, 'consensus.md'), 'utf8');
  assert.match(md, /\| consensus bcNMF, 10 restarts \(ours, quick\) \|/);
  assert.match(md, /neither the paper nor a reference notebook has a consensus/);
  assert.match(md, /ARI per run .*coloured by method/);
  for (const id of ['consensus-mouse-scatter', 'consensus-mouse-ari-per-run', 'consensus-simulation-sweep', 'consensus-simulation-W-heatmap']) {
    assert.ok(existsSync(join(out, 'figures', `${id}.svg`)), id);
  }
  const perRun = readFileSync(join(out, 'figures', 'consensus-mouse-ari-per-run.svg'), 'utf8');
  assert.equal((perRun.match(/<circle /g) ?? []).length, 4);
});
