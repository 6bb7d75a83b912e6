import '@bcnmf/backend-cpu'; // the cpu and wasm backends, as the bcnmf bin registers them
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadMaitra2023, loadMcFarland2020, loadZheng2017, type LoadedDataset } from '@bcnmf/data';
import { EXPERIMENT_NAMES, ReproduceUsageError, runReproduce } from '../src/index.js';
import { maitraLabel, mcFarlandLabel, writeMaitra, writeMcFarland, writeZheng, zhengLabel } from './helpers.js';
import { methodRunCollector, recomputedSubtest, type IndependentData } from './reference/check.js';

const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-large-'));
after(() => rmSync(root, { recursive: true, force: true }));
const small = { maxIter: 20, k: 2, nTopGenes: 15, cpcaAlphas: 5, umapEpochs: 50, scale: 0.1, betas: [2] };

// Named alone, an experiment without its data is an error (exit 2): it used to print
// "nothing run" and succeed, so a script could not tell that nothing was reproduced. Under
// `all` absent data are skipped without an error (the next test).
test('leukemia, tp53, mdd without data: a clear message with where to get them, nothing written, exit code 2', async () => {
  const empty = join(root, 'empty');
  mkdirSync(empty);
  for (const [name, registry, where] of [
    ['leukemia', 'zheng2017-leukemia', /10xgenomics\.com/],
    ['tp53', 'mcfarland2020-tp53', /figshare/],
    ['mdd', 'maitra2023-mdd', /ncbi\.nlm\.nih\.gov\/geo/],
  ] as const) {
    const lines: string[] = [];
    const out = join(root, `absent-${name}`);
    await assert.rejects(runReproduce([name, '--data-dir', empty, '--out', out], (l) => lines.push(l)), (e: unknown) => {
      assert.ok(e instanceof ReproduceUsageError);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, new RegExp(`^${name}: its data are not in .*; nothing run, nothing written`));
      return true;
    });
    const printed = lines.join('\n');
    assert.match(printed, /not run, its data are not present/);
    assert.match(printed, new RegExp(registry));
    assert.match(printed, where);
    assert.ok(!existsSync(out));
  }
});

/**
 * The matrices as the data package's loader gives them (its HVG selection and
 * normalisation are that package's, tested there), with the labels the small files were
 * written with, read from each cell's name.
 */
function independent(loaded: LoadedDataset, labelOf: (name: string) => string): IndependentData {
  return {
    target: loaded.target.toArray(),
    background: loaded.background.toArray(),
    labels: (loaded.target.rowNames ?? []).map(labelOf),
  };
}

/** log1p of every value (the leukemia notebook's input, from the raw counts). */
function logOfCounts(data: IndependentData): IndependentData {
  const log = (rows: number[][]) => rows.map((r) => r.map(Math.log1p));
  return { ...data, target: log(data.target), background: data.background ? log(data.background) : null };
}

test('all: runs what is present (small files in the published formats), skips the rest, writes Markdown/CSV/JSON and SVG figures', async (t) => {
  const dataDir = join(root, 'data');
  writeZheng(dataDir);
  writeMcFarland(dataDir);
  await writeMaitra(dataDir);
  const out = join(root, 'all');
  const runs = methodRunCollector();
  const report = await runReproduce(['all', '--seeds', '2', '--data-dir', dataDir, '--out', out], () => {}, { overrides: small, onMethodRun: runs.onMethodRun });
  assert.deepEqual(report.experiments.map((r) => r.name), ['simulation', 'leukemia', 'tp53', 'mdd']);
  assert.deepEqual(report.skipped.map((s) => s.name), ['mice-protein', 'mnist-flowers', 'consensus']);
  const leuk = report.experiments[1];
  assert.deepEqual(leuk.dataset.target, [28, 15]);
  assert.equal(leuk.evaluation.protocol, 'row-normalized');
  // the notebook's settings: log1p of the raw counts, PCA of 2 standardised components, cPCA at its second returned alpha
  assert.deepEqual(leuk.columns, ['notebook']);
  assert.equal(leuk.dataset.info.values, 'log1p of the raw counts on the HVGs');
  const leukMethods = leuk.settings[0].methods;
  assert.equal(leukMethods.find((m) => m.label === 'PCA')!.protocol, 'raw');
  assert.match(leukMethods.find((m) => m.label === 'PCA')!.text, /2 components, standardised/);
  assert.match(leukMethods.find((m) => m.label === 'cPCA')!.text, /the notebook scored its second non-zero returned alpha/);
  assert.match(leukMethods.find((m) => m.label === 'bcNMF')!.text, /alpha=20/);
  assert.deepEqual(report.experiments[2].dataset.target, [24, 15]);
  const mdd = report.experiments[3];
  assert.match(mdd.settings[0].methods.find((m) => m.label === 'bcNMF')!.text, /alpha=300, poisson loss, 20 iterations .*damping 0\.5/);
  assert.deepEqual(mdd.columns, ['ARI']);
  assert.equal(mdd.settings[0].sameAs, 'table');
  assert.equal(mdd.evaluation.umap?.minDist, 0.2);
  for (const r of report.experiments) {
    for (const row of r.rows) {
      // a returned-alpha row has no value for a seed whose cPCA returned fewer alphas
      if (row.method.startsWith('cPCA (returned')) assert.ok(row.cells[0].n >= 1 && row.cells[0].n <= 2, `${r.name} ${row.method}`);
      else assert.equal(row.cells[0].n, 2, `${r.name} ${row.method}`);
    }
  }

  for (const f of ['report.md', 'report.json', 'results.csv', ...['simulation', 'leukemia', 'tp53', 'mdd'].flatMap((n) => [`${n}.md`, `${n}.csv`, `${n}.json`])]) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, /## Not run/);
  assert.match(md, /\*\*mice-protein\*\*/);
  assert.match(md, /\| bcNMF \(reference: paper \(arXiv 2602\.22387\)\) \| 0\.621 \|/);
  assert.match(md, /\| bcNMF \(reference: untraced\) \| 0\.605 \|/);
  assert.match(md, /\| bcNMF \(reference: notebook experiments\/leukemia\/leukemia\.ipynb\) \| 0\.591 \|/);
  assert.match(md, /!\[.*\]\(figures\/leukemia-bcNMF-W-heatmap\.svg\)/);
  const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(json.experiments.length, 4);
  assert.equal(json.skipped.length, 3);
  const csv = readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n');
  assert.ok(csv.some((l) => l.startsWith('tp53,bcNMF,ARI,')));

  // figures: a scatter per method with a <circle> per point, a heatmap with a <rect> per cell
  const figures = readdirSync(join(out, 'figures'));
  for (const name of ['leukemia', 'tp53', 'mdd']) {
    for (const m of ['PCA', 'cPCA', 'NMF', 'bcNMF']) assert.ok(figures.includes(`${name}-${m}-scatter.svg`), `${name}-${m}`);
    const r = report.experiments.find((x) => x.name === name)!;
    const svg = readFileSync(join(out, 'figures', `${name}-bcNMF-scatter.svg`), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/);
    assert.match(svg, /<\/svg>\n$/);
    assert.equal((svg.match(/<circle /g) ?? []).length, r.dataset.target[0]);
    const heat = readFileSync(join(out, 'figures', `${name}-bcNMF-W-heatmap.svg`), 'utf8');
    assert.match(heat, /^<svg /);
    const cells = heat.slice(heat.indexOf('<g class="cells"'), heat.indexOf('</g>'));
    assert.equal((cells.match(/<rect /g) ?? []).length, 2 * 15);
    // balanced tags (XML-ish)
    for (const tag of ['svg', 'g', 'text', 'title']) {
      assert.equal((heat.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length, (heat.match(new RegExp(`</${tag}>`, 'g')) ?? []).length, tag);
    }
  }
  if (report.png.written) assert.ok(figures.includes('tp53-bcNMF-scatter.png'));

  // every score of leukemia, tp53 and mdd, recomputed from the same files with the experiments' settings
  const genes = { nTopGenes: small.nTopGenes };
  const data: Record<string, IndependentData> = {
    // the notebook's settings: log1p of the raw counts on the HVGs (taken here with Math.log1p)
    leukemia: logOfCounts(independent(await loadZheng2017({ dataDir, values: 'counts', ...genes }), zhengLabel)),
    tp53: independent(await loadMcFarland2020({ dataDir, ...genes }), mcFarlandLabel),
    mdd: independent(await loadMaitra2023({ dataDir, verify: false, ...genes }), maitraLabel),
  };
  for (const name of ['leukemia', 'tp53', 'mdd']) {
    assert.ok(!data[name].labels.includes('?'), `${name}: a cell name the small files did not write`);
    await recomputedSubtest(t, report.experiments.find((r) => r.name === name)!, runs.events.get(name), () => data[name]);
  }
});

test('bad usage: one-line errors with exitCode 2; a failing run leaves no --out behind', async () => {
  const usage = async (argv: string[], pattern: RegExp) => {
    await assert.rejects(runReproduce(argv, () => {}), (e: unknown) => {
      assert.ok(e instanceof ReproduceUsageError);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes('\n'), e.message);
      return true;
    });
  };
  await usage(['nonsense'], new RegExp(`unknown experiment 'nonsense'; known: ${EXPERIMENT_NAMES.join(', ')}, all`));
  await usage([], /no experiment named/);
  await usage(['simulation', '--seeds', '0'], /--seeds must be a whole number/);
  await usage(['simulation', '--seeds', 'x'], /--seeds/);
  await usage(['simulation', '--fast'], /--fast/);
  await usage(['simulation', 'tp53'], /one experiment at a time/);
  const notOurs = join(root, 'not-ours');
  mkdirSync(notOurs);
  writeFileSync(join(notOurs, 'precious.txt'), 'keep me');
  await usage(['simulation', '--out', notOurs], /not a reproduce report folder/);
  assert.equal(readFileSync(join(notOurs, 'precious.txt'), 'utf8'), 'keep me');

  // a damaged data set fails the run: no output folder, no temporary sibling left
  const bad = join(root, 'bad-data');
  mkdirSync(join(bad, 'mice-protein'), { recursive: true });
  writeFileSync(join(bad, 'mice-protein', 'Data_Cortex_Nuclear.csv'), 'MouseID,A_N,class\nm1,1,c-SC-s\n');
  const parent = join(root, 'failing');
  mkdirSync(parent);
  await assert.rejects(runReproduce(['mice-protein', '--data-dir', bad, '--out', join(parent, 'out')], () => {}));
  assert.deepEqual(readdirSync(parent), []);

  const help: string[] = [];
  await runReproduce(['--help'], (l) => help.push(l));
  assert.match(help.join('\n'), /^bcnmf reproduce NAME \[--settings notebook\|table\|both\] \[--out DIR\] \[--seeds N\] \[--quick\] \[--data-dir DIR\]/);
  await usage(['simulation', '--settings', 'paper'], /--settings must be notebook, table or both, got 'paper'/);
});
