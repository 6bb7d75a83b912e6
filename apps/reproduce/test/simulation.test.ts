import '@bcnmf/backend-cpu'; // the cpu and wasm backends, as the bcnmf bin registers them
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { log1p, normalizeTotal, simulateBetaSeries } from '@bcnmf/data';
import { CPCA_BEST_LABEL, CSV_HEADER, REFERENCE_KINDS, runReproduce, SIMULATION_BETAS } from '../src/index.js';
import { methodRunCollector, recomputedSubtest, type IndependentData } from './reference/check.js';

const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-sim-'));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * The data of column `β=<beta>` and `seed`, made as ALGORITHM.md §8 and the experiment's
 * notes say: one simulation per (beta, seed), log1p(CP10K) of each matrix.
 */
function simulated(scale: number): (column: string, seed: number) => IndependentData {
  const made = new Map<string, IndependentData>();
  return (column, seed) => {
    const key = `${column}/${seed}`;
    if (!made.has(key)) {
      const beta = Number(/^β=(.+)$/.exec(column)![1]);
      const sim = simulateBetaSeries({ beta, seed, scale });
      made.set(key, {
        target: log1p(normalizeTotal(sim.target)).toArray(),
        background: log1p(normalizeTotal(sim.background)).toArray(),
        labels: Array.from(sim.targetLabels, String),
      });
    }
    return made.get(key)!;
  };
}

test('simulation at a tiny size: 4 methods x betas, mean ± sd, the paper\'s separation of the methods, three formats written and parsed back', async (t) => {
  const out = join(root, 'report');
  const lines: string[] = [];
  const runs = methodRunCollector();
  const report = await runReproduce(['simulation', '--seeds', '2', '--out', out], (l) => lines.push(l), {
    overrides: { scale: 0.25, betas: [0, 2], cpcaAlpha: 2 },
    onMethodRun: runs.onMethodRun,
  });
  const [result] = report.experiments;
  assert.equal(result.name, 'simulation');
  assert.deepEqual(result.columns, ['β=0', 'β=2']);
  assert.deepEqual(result.seeds, [0, 1]);
  assert.deepEqual(result.dataset.target, [250, 750]);
  for (const method of ['PCA', 'cPCA', 'NMF', 'bcNMF']) {
    const row = result.rows.find((r) => r.method === method);
    assert.ok(row, `row ${method}`);
    assert.equal(row.cells.length, 2);
    for (const cell of row.cells) {
      assert.equal(cell.n, 2);
      assert.equal(cell.values.length, 2);
      assert.ok(Number.isFinite(cell.mean) && cell.mean <= 1, `${method} mean ${cell.mean}`);
      assert.ok(cell.sd !== null && cell.sd >= 0, `${method} sd ${cell.sd}`);
    }
  }
  // ALGORITHM.md §8: at beta 0 every method finds the target programs; from beta 1 the shared
  // programs hide them from PCA and NMF, not from bcNMF. (cPCA has no floor here: at this
  // size neither the fixed alpha 2 nor its automatic choice, 0.50 with 6 candidates, does.)
  const at = (m: string, column: number) => result.rows.find((r) => r.method === m)!.cells[column].mean;
  for (const m of ['PCA', 'cPCA', 'NMF', 'bcNMF']) assert.ok(at(m, 0) >= 0.8, `${m} at beta 0: ${at(m, 0)}`);
  for (const m of ['PCA', 'NMF']) assert.ok(at(m, 1) <= 0.1, `${m} at beta 2: ${at(m, 1)}`);
  assert.ok(at('bcNMF', 1) >= 0.75, `bcNMF at beta 2: ${at('bcNMF', 1)}`);
  assert.ok(at('bcNMF', 1) > at('NMF', 1) + 0.5, `bcNMF ${at('bcNMF', 1)} vs NMF ${at('NMF', 1)} at beta 2`);
  // every method's settings are stated
  assert.deepEqual(result.settings.map((x) => x.name), ['notebook']);
  assert.equal(result.settings[0].sameAs, 'table');
  const settings = Object.fromEntries(result.settings[0].methods.map((m) => [m.label, m.text]));
  assert.match(settings.bcNMF, /K=2, alpha=2, frobenius loss, 300 iterations/);
  assert.match(settings.NMF, /K=2, .*300 iterations/);
  assert.match(settings.cPCA, /alpha=2 \(fixed\)/);
  assert.match(settings.PCA, /2 components/);
  // the reference values are carried beside ours, each with its source: all untraced here
  assert.equal(result.reference.values.find((p) => p.row === CPCA_BEST_LABEL && p.column === 'β=16')?.sd, 0.036);
  assert.equal(result.reference.values.length, 4 * SIMULATION_BETAS.length);
  for (const v of result.reference.values) assert.equal(v.source.kind, 'untraced');
  assert.ok(REFERENCE_KINDS.includes(result.reference.values[0].source.kind));

  // Markdown
  const md = readFileSync(join(out, 'simulation.md'), 'utf8');
  assert.match(md, /\| method \| β=0 \| β=2 \|/);
  assert.match(md, /\| bcNMF \(ours\) \| \d\.\d{3} ± \d\.\d{3} \| \d\.\d{3} ± \d\.\d{3} \|/);
  assert.match(md, /\| bcNMF \(reference: untraced\) \| 1 \| 0\.999 \|/);
  assert.doesNotMatch(md, /reported|\(reference: paper/);
  assert.match(md, /- \*\*untraced\*\*: ALGORITHM\.md §8/);
  assert.match(md, /## Settings|### Settings/);
  // where it ran: auto's pick named, PCA's linear algebra, versions
  assert.match(md, /NMF and bcNMF ran on backend auto \((cpu|wasm)\)[^\n]*; PCA and cPCA linear algebra: (native|JavaScript) \([^\n]*Node v\d+/);
  // CSV
  const csv = readFileSync(join(out, 'simulation.csv'), 'utf8').trimEnd().split('\n');
  assert.equal(csv[0], CSV_HEADER.join(','));
  const rows = csv.slice(1).map((l) => l.split(','));
  assert.equal(CSV_HEADER.at(-1), 'row_kind');
  const kind = -1; // the last field (method_settings before it may hold quoted commas)
  const bc2 = rows.filter((r) => r[1] === 'bcNMF' && r[2] === 'β=2');
  // one line of ours, one per reference value: the mean column counts each result once
  assert.deepEqual(bc2.map((r) => r.at(kind)), ['ours', 'reference']);
  assert.equal(Number(bc2[0][3]), result.rows.find((r) => r.method === 'bcNMF')!.cells[1].mean);
  assert.equal(bc2[0][CSV_HEADER.indexOf('settings')], 'notebook');
  assert.equal(bc2[0][CSV_HEADER.indexOf('reference')], '');
  assert.equal(bc2[1][CSV_HEADER.indexOf('mean')], '');
  assert.equal(bc2[1][CSV_HEADER.indexOf('reference')], '0.999');
  assert.equal(bc2[1][CSV_HEADER.indexOf('reference_source')], 'untraced');
  assert.equal(bc2[1][CSV_HEADER.indexOf('quick')], '', "a reference's own run is not cut by --quick");
  const ours = rows.filter((r) => r.at(kind) === 'ours');
  assert.equal(ours.length, result.rows.length * result.columns.length);
  // JSON
  const json = JSON.parse(readFileSync(join(out, 'simulation.json'), 'utf8'));
  assert.deepEqual(json.columns, result.columns);
  assert.equal(json.rows.length, result.rows.length);
  assert.equal(json.environment.versions.node, process.version);
  const report2 = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.match(report2.environment.backend, /^auto \((cpu|wasm)\)$/);
  // this checkout's commit; no machine's paths (a native library by its file name)
  assert.match(report2.environment.versions.commit, /^[0-9a-f]{12}( \+ changes)?$/);
  assert.doesNotMatch(JSON.stringify(report2.environment), /"\/|[ (]\/[\w.-]+\//);
  assert.equal(report2.generator, '@bcnmf/reproduce');
  assert.ok(existsSync(join(out, 'report.md')) && existsSync(join(out, 'results.csv')));
  // every beta's scatters; the W heatmap at beta 2
  for (const b of [0, 2]) for (const m of ['PCA', 'cPCA', 'NMF', 'bcNMF']) assert.ok(existsSync(join(out, 'figures', `simulation-beta${b}-${m}-scatter.svg`)), `beta ${b} ${m}`);
  assert.ok(existsSync(join(out, 'figures', 'simulation-beta2-bcNMF-W-heatmap.svg')));
  assert.ok(!existsSync(join(out, 'figures', 'simulation-beta0-bcNMF-W-heatmap.svg')));
  // the table is printed
  assert.ok(lines.some((l) => l.startsWith('| bcNMF (ours) |')));
  await recomputedSubtest(t, result, runs.events.get('simulation'), simulated(0.25));
});

test('simulation --quick: fewer cells, never fewer genes or smaller planted programs; said on the printed and written table', async () => {
  const out = join(root, 'quick');
  const lines: string[] = [];
  const report = await runReproduce(['simulation', '--quick', '--seeds', '1', '--out', out], (l) => lines.push(l), {
    overrides: { betas: [2], maxIter: 60, cpcaAlphas: 8 },
  });
  const [result] = report.experiments;
  assert.deepEqual(result.dataset.target, [250, 3000]);
  assert.deepEqual(result.dataset.background, [250, 3000]);
  assert.equal(result.dataset.info.targetGenesPerProgram, 120);
  assert.equal(result.quick, true);
  const printed = lines.join('\n');
  assert.match(printed, /\*\*Quick run \(--quick\): 250 \+ 250 cells instead of 1000 \+ 1000 \(the 3000 genes and the planted programs unchanged\), 1 seed instead of 3\./);
  // the seeds that ran (--seeds 1), not the quick default's 2
  assert.match(printed, /^simulation: .*; seeds 0; quick: .*1 seed instead of 3$/m);
  assert.doesNotMatch(printed, /2 seeds instead of 3/);
  assert.match(printed, /\| bcNMF \(ours, quick\) \|/);
  assert.match(printed, /\| bcNMF \(reference: untraced\) \| 0\.999 \|/);
  assert.match(printed, /The reference rows are the references' own runs, not cut by --quick\./);
  assert.equal(printed.match(/not cut by --quick/g)?.length, 1);
  // a figure travels without its table: it says quick run on itself
  assert.match(readFileSync(join(out, 'figures', 'simulation-beta2-bcNMF-scatter.svg'), 'utf8'), /\(quick run\)/);
  assert.doesNotMatch(readFileSync(join(root, 'report', 'figures', 'simulation-beta2-bcNMF-scatter.svg'), 'utf8'), /quick run/);
  // cPCA with automatic alpha: a row per returned alpha and the best one, chosen with labels
  const rows = result.rows.map((r) => r.method);
  assert.ok(rows.includes('cPCA (returned α #1)'), rows.join(', '));
  assert.ok(rows.includes(CPCA_BEST_LABEL));
  const best = result.rows.find((r) => r.method === CPCA_BEST_LABEL)!;
  for (const r of result.rows.filter((x) => x.method.startsWith('cPCA (returned'))) assert.ok(best.cells[0].mean >= r.cells[0].mean - 1e-12);
  assert.match(readFileSync(join(out, 'simulation.md'), 'utf8'), /\*\*Quick run/);
  // PCA and cPCA fitted in worker processes give the same table as fitted here
  assert.match(String(result.dataset.info.workers), /^\d+ processes fitted PCA and cPCA/);
  const here = await runReproduce(['simulation', '--quick', '--seeds', '1', '--out', join(root, 'quick-here')], () => {}, {
    overrides: { betas: [2], maxIter: 60, cpcaAlphas: 8, workers: 0 },
  });
  assert.match(String(here.experiments[0].dataset.info.workers), /^none/);
  assert.deepEqual(here.experiments[0].rows, result.rows);
});
