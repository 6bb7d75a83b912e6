// bcnmf fit's report and its result tables: report.md, a self-contained report.html,
// figures as SVG and PNG, topics.csv in long format, W.csv a row per feature, and the
// samples' annotation columns carried into H_*.csv.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { evaluateEmbedding } from '@bcnmf/metrics';
import { formatShort } from '../src/format.js';
import { planted, readCsv, run, tempDir, writeTable } from './helpers.js';

let dir: string;
let remove: () => void;
before(() => ({ dir, remove } = tempDir('report')));
after(() => remove());

const p = planted(6);

describe('bcnmf fit report', () => {
  let annotated: string;
  let out: string;
  const split = () => ['fit', '--input', annotated, '--split-by', 'condition', '--target-values', 'treated', '--background-values', 'control',
    '--features', '^f', '--k', '2', '--alpha', '1', '--max-iter', '100', '--seed', '1', '--quiet'];
  before(async () => {
    annotated = join(dir, 'annotated.csv');
    const lines = ['sample,' + p.features.join(',') + ',condition,group,depth'];
    p.target.forEach((row, i) => lines.push(`${p.targetNames[i]},${row.join(',')},treated,${p.groups[i]},${i}`));
    p.background.forEach((row, i) => lines.push(`${p.backgroundNames[i]},${row.join(',')},control,none,${100 + i}`));
    writeFileSync(annotated, lines.join('\n') + '\n');
    out = join(dir, 'split');
    const r = await run([...split(), '--label-column', 'group', '--out', out]);
    assert.equal(r.code, 0, r.err);
  });

  it('writes report.md, a self-contained report.html and each figure as SVG and PNG', () => {
    const figures = readdirSync(join(out, 'figures')).sort();
    assert.deepEqual(figures, ['embedding.png', 'embedding.svg', 'heatmap.png', 'heatmap.svg', 'scores.png', 'scores.svg']);
    for (const f of figures.filter((n) => n.endsWith('.png'))) {
      assert.deepEqual([...readFileSync(join(out, 'figures', f)).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], f);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    // opens offline: no script, no outside resource, the figures inline
    assert.doesNotMatch(html, /<script|<link|<img|src=|href=|url\(/i);
    assert.equal((html.match(/<svg\b/g) ?? []).length >= 3, true);
    for (const heading of ['Inputs', 'Settings', 'Convergence', 'Topics', 'Samples']) assert.match(html, new RegExp(`<h2>${heading}</h2>`));
    // the scatter: a point per target and background sample
    const scatter = readFileSync(join(out, 'figures', 'embedding.svg'), 'utf8');
    assert.equal((scatter.match(/<circle /g) ?? []).length, p.target.length + p.background.length);
    assert.match(scatter, />A<\/text>[\s\S]*>B<\/text>[\s\S]*>background<\/text>/);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(md, /!\[[^\]]+\]\(figures\/scores\.svg\)/);
    assert.match(md, /\| topic \| target mean \| background mean \| enrichment \(log2\) \| top features \(weight\) \|/);
  });

  it('scores the target coefficients against the labels: the ARI of k-means, recomputed here', () => {
    const H = readCsv(join(out, 'H_target.csv'));
    const byHand = evaluateEmbedding(H.values.map((row) => row.slice(0, 2).map(Math.fround)), p.groups, { protocol: 'raw', k: 2, seed: 1 });
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    assert.ok(md.includes(`against --label-column group: ARI ${formatShort(byHand.ari)}, NMI ${formatShort(byHand.nmi)}.`), md);
  });

  it('topics.csv is long (topic, rank, feature, weight), each topic\'s features by decreasing weight, as W.csv has them', () => {
    const W = readCsv(join(out, 'W.csv'));
    assert.deepEqual(W.header, ['feature', 'topic_1', 'topic_2']);
    assert.deepEqual(W.names, p.features);
    const [header, ...rows] = readFileSync(join(out, 'topics.csv'), 'utf8').trimEnd().split('\n');
    assert.equal(header, 'topic,rank,feature,weight');
    assert.equal(rows.length, 2 * p.features.length, 'fewer features than 50: all of them');
    for (const [t, topic] of ['topic_1', 'topic_2'].entries()) {
      const mine = rows.map((r) => r.split(',')).filter((r) => r[0] === topic);
      assert.deepEqual(mine.map((r) => Number(r[1])), p.features.map((_, i) => i + 1));
      const weights = mine.map((r) => Number(r[3]));
      for (let i = 1; i < weights.length; i++) assert.ok(weights[i] <= weights[i - 1]);
      for (const r of mine) assert.equal(Number(r[3]), W.values[p.features.indexOf(r[2])][t]);
    }
  });

  it('carries the annotation columns of the samples into H_target.csv and H_background.csv', () => {
    const Ht = readCsv(join(out, 'H_target.csv'));
    assert.deepEqual(Ht.header, ['sample', 'topic_1', 'topic_2', 'condition', 'group', 'depth']);
    assert.deepEqual(Ht.texts.map((r) => r.slice(2)), p.targetNames.map((_, i) => ['treated', p.groups[i], String(i)]));
    const Hb = readCsv(join(out, 'H_background.csv'));
    assert.deepEqual(Hb.texts.map((r) => r.slice(2)), p.backgroundNames.map((_, i) => ['control', 'none', String(100 + i)]));
  });

  it('--no-report leaves the report out; --w-layout topics-as-rows writes the old W.csv', async () => {
    const bare = join(dir, 'bare');
    const r = await run([...split(), '--no-report', '--w-layout', 'topics-as-rows', '--out', bare, '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readdirSync(bare).sort(), ['H_background.csv', 'H_target.csv', 'W.csv', 'bcnmf-output.json', 'history.csv', 'model.json', 'topics.csv']);
    const W = readCsv(join(bare, 'W.csv'));
    assert.deepEqual(W.header, ['topic', ...p.features]);
    assert.deepEqual(W.names, ['topic_1', 'topic_2']);
    const bad = await run([...split(), '--w-layout', 'sideways', '--out', join(dir, 'never')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--w-layout must be/);
  });

  it('--labels FILE colours the scatter of a two-file fit; labels missing for a sample are refused before the fit', async () => {
    const target = join(dir, 'target.csv');
    const background = join(dir, 'background.csv');
    writeTable(target, p.targetNames, p.features, p.target);
    writeTable(background, p.backgroundNames, p.features, p.background);
    const labels = join(dir, 'labels.csv');
    writeFileSync(labels, ['sample,kind', ...p.targetNames.map((n, i) => `${n},${p.groups[i] === 'A' ? 'plain' : 'special'}`)].join('\n') + '\n');
    const o = join(dir, 'labelled');
    const r = await run(['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--labels', labels, '--out', o, '--quiet']);
    assert.equal(r.code, 0, r.err);
    assert.match(readFileSync(join(o, 'figures', 'embedding.svg'), 'utf8'), />plain<\/text>[\s\S]*>special<\/text>/);
    assert.match(readFileSync(join(o, 'report.md'), 'utf8'), /against --labels labels\.csv: ARI /);
    writeFileSync(labels, 'sample,kind\nt1,plain\n');
    const missing = await run(['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--labels', labels, '--out', join(dir, 'never2')]);
    assert.equal(missing.code, 2);
    assert.equal(existsSync(join(dir, 'never2')), false);
  });
});
