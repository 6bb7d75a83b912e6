import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DenseMatrix, fitBcnmf } from '@bcnmf/core';
import { log1p, normalizeTotal, simulateBetaSeries } from '@bcnmf/data';
import { evaluateEmbedding } from '@bcnmf/metrics';
import { alphaFolderNames } from '../src/commands/alpha-auto.js';
import { planted, readCsv, readJson, run, tempDir, writeTable } from './helpers.js';

let dir: string;
let remove: () => void;
before(() => ({ dir, remove } = tempDir('backgrounds')));
after(() => remove());

describe('bcnmf fit with several backgrounds', () => {
  const p = planted(1);
  const q = planted(2, 16, 10);
  const secondNames = q.backgroundNames.map((n) => n.replace('b', 'c'));
  let target: string;
  let first: string;
  let second: string;
  before(() => {
    target = join(dir, 'target.csv');
    first = join(dir, 'background-1.csv');
    second = join(dir, 'background-2.csv');
    writeTable(target, p.targetNames, p.features, p.target);
    writeTable(first, p.backgroundNames, p.features, p.background);
    // the second background's features in another order: matched to the target's by name (--align name)
    const order = [...p.features.keys()].reverse();
    writeTable(second, secondNames, order.map((j) => p.features[j]), q.background.map((row) => order.map((j) => row[j])));
  });

  it('writes H_background_1.csv, H_background_2.csv and equals fitBcnmf(target, [bg1, bg2], { alpha: [a1, a2] })', async () => {
    const out = join(dir, 'two');
    const r = await run(['fit', '--target', target, '--background', first, '--alpha', '1', '--background', second, '--alpha', '0.5',
      '--align', 'name', '--k', '2', '--max-iter', '40', '--seed', '3', '--out', out, '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readdirSync(out).sort(), ['H_background_1.csv', 'H_background_2.csv', 'H_target.csv', 'W.csv', 'bcnmf-output.json', 'figures', 'history.csv', 'model.json', 'report.html', 'report.md', 'topics.csv']);
    const summary = JSON.parse(r.out);
    assert.deepEqual(summary.alphas, [1, 0.5]);
    assert.deepEqual(summary.backgrounds.map((b: { samples: number }) => b.samples), [14, 10]);
    assert.equal(summary.backgroundErrors.length, 2);

    const direct = await fitBcnmf(
      DenseMatrix.fromRows(p.target, { columnNames: p.features }),
      [DenseMatrix.fromRows(p.background, { columnNames: p.features }), DenseMatrix.fromRows(q.background, { columnNames: p.features })],
      { k: 2, alpha: [1, 0.5], maxIter: 40, seed: 3, onWarning: () => {} },
    );
    const W = readCsv(join(out, 'W.csv'));
    assert.deepEqual(W.header, ['feature', 'topic_1', 'topic_2']);
    assert.deepEqual(W.names, p.features);
    assert.deepEqual(W.values.flat().map(Math.fround), Array.from(direct.W.transpose().data));
    const H1 = readCsv(join(out, 'H_background_1.csv'));
    const H2 = readCsv(join(out, 'H_background_2.csv'));
    assert.deepEqual(H1.names, p.backgroundNames);
    assert.deepEqual(H2.names, secondNames);
    assert.deepEqual(H1.values.flat().map(Math.fround), Array.from(direct.Hbackgrounds[0].data));
    assert.deepEqual(H2.values.flat().map(Math.fround), Array.from(direct.Hbackgrounds[1].data));
    const model = readJson(join(out, 'model.json'));
    assert.deepEqual(model.settings.alphas, [1, 0.5]);
    const history = readCsv(join(out, 'history.csv'));
    assert.deepEqual(history.header, ['iteration', 'target_error', 'background_error_1', 'background_error_2', 'score']);
    assert.deepEqual(history.values.map((v) => v[2]), direct.history.map((h) => h.backgroundErrors[1]));
  });

  it('one --alpha applies to every background; a count that matches neither is refused (exit 2)', async () => {
    const out = join(dir, 'one-alpha');
    const r = await run(['fit', '--target', target, '--background', first, '--background', second, '--alpha', '0.7',
      '--align', 'name', '--k', '2', '--max-iter', '10', '--out', out, '--quiet']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readJson(join(out, 'model.json')).settings.alphas, [0.7, 0.7]);

    const never = join(dir, 'never');
    const three = await run(['fit', '--target', target, '--background', first, '--background', second, '--alpha', '1', '--alpha', '2', '--alpha', '3',
      '--align', 'name', '--k', '2', '--out', never, '--quiet']);
    assert.equal(three.code, 2);
    assert.match(three.err, /^bcnmf: 3 --alpha values for 2 backgrounds: give one --alpha per --background/);
    const twoForOne = await run(['fit', '--target', target, '--background', first, '--alpha', '1', '--alpha', '2', '--k', '2', '--out', never]);
    assert.equal(twoForOne.code, 2);
    assert.match(twoForOne.err, /2 --alpha values for 1 background/);
    const auto = await run(['fit', '--target', target, '--background', first, '--background', second, '--alpha', 'auto', '--k', '2', '--out', never]);
    assert.equal(auto.code, 2);
    assert.match(auto.err, /auto needs exactly one background/);
    const stray = await run(['fit', '--target', target, '--background', first, '--alpha', '1', '--clusters', '3', '--k', '2', '--out', never]);
    assert.equal(stray.code, 2);
    assert.match(stray.err, /--clusters goes with --alpha auto/);
    assert.ok(!existsSync(never));
  });
});

describe('bcnmf fit --alpha auto', () => {
  it('names the alpha folders stably and safely', () => {
    assert.deepEqual(alphaFolderNames([0, 0.5, 1.1787686347935873, 1e-7, 100]), ['alpha_0', 'alpha_0.5', 'alpha_1.179', 'alpha_1e-7', 'alpha_100']);
    assert.deepEqual(alphaFolderNames([0, 1.00001, 1.00002]), ['alpha_0', 'alpha_1.00001', 'alpha_1.00002']);
  });

  it('fits the path, picks 0 and exemplars, and an exemplar separates the planted groups where alpha 0 does not', async () => {
    // the paper's simulation, 30% of its size (900 genes, 300 + 300 cells), log1p(CP10K)
    const sim = simulateBetaSeries({ beta: 2, seed: 1, scale: 0.3 });
    const t = log1p(normalizeTotal(sim.target));
    const b = log1p(normalizeTotal(sim.background));
    const genes = Array.from({ length: t.columns }, (_, j) => `g${j + 1}`);
    const target = join(dir, 'sim-target.csv');
    const background = join(dir, 'sim-background.csv');
    writeTable(target, Array.from({ length: t.rows }, (_, i) => `t${i + 1}`), genes, t.toArray());
    writeTable(background, Array.from({ length: b.rows }, (_, i) => `b${i + 1}`), genes, b.toArray());
    const out = join(dir, 'auto');
    const alphas = [0, 0.5, 1, 2, 4, 8];
    const r = await run(['fit', '--target', target, '--background', background, '--alpha', 'auto', '--alphas', alphas.join(','),
      '--clusters', '3', '--k', '2', '--out', out, '--json']);
    assert.equal(r.code, 0, r.err);
    // the path on stderr, a line per fit
    assert.equal(r.errLines.filter((l) => /^bcnmf fit: alpha [\d.]+ \(\d\/6\)  score .* iterations/.test(l)).length, 6, r.err);
    const summary = JSON.parse(r.out);
    const chosen: number[] = summary.selected.map((s: { alpha: number }) => s.alpha);
    assert.equal(chosen[0], 0);
    assert.ok(chosen.length >= 2 && chosen.length <= 3, `chosen ${chosen}`);
    for (const s of summary.selected) {
      assert.deepEqual(readdirSync(join(out, s.folder)).sort(), ['H_background.csv', 'H_target.csv', 'W.csv', 'figures', 'history.csv', 'model.json', 'report.html', 'report.md', 'topics.csv']);
      assert.equal(readJson(join(out, s.folder, 'model.json')).settings.alpha, s.alpha);
    }
    assert.deepEqual(readdirSync(out).filter((f) => !f.startsWith('alpha_')).sort(), ['affinity.csv', 'alpha-path.csv', 'bcnmf-output.json']);

    const path = readCsv(join(out, 'alpha-path.csv'));
    assert.deepEqual(path.header, ['alpha', 'score', 'target_error', 'background_error', 'iterations', 'cluster', 'selected', 'folder', 'converged', 'dropped']);
    assert.deepEqual(path.names.map(Number), alphas);
    assert.deepEqual(path.texts.map((row) => row[6]).filter(Boolean), summary.selected.map((s: { folder: string }) => s.folder));
    assert.deepEqual(path.names.filter((_, i) => path.texts[i][5] === 'yes').map(Number), chosen);
    assert.ok(path.texts.every((row) => Number.isFinite(Number(row[0])) && Number.isInteger(Number(row[3]))));
    // the affinity of the fits that were clustered: every alpha but the dropped (degenerate) ones
    const kept = alphas.filter((a) => !summary.dropped.some((d: { alpha: number }) => d.alpha === a));
    const affinity = readCsv(join(out, 'affinity.csv'));
    assert.deepEqual(affinity.header.slice(1).map(Number), kept);
    assert.deepEqual(affinity.names.map(Number), kept);
    affinity.values.forEach((row, i) => {
      assert.equal(row[i], 1);
      row.forEach((v, j) => assert.ok(Math.abs(v - affinity.values[j][i]) < 1e-12 && v >= 0 && v <= 1 + 1e-9));
    });

    const labels = Array.from(sim.targetLabels);
    const ari = (folder: string) => evaluateEmbedding(readCsv(join(out, folder, 'H_target.csv')).values, labels, { protocol: 'raw', k: 2 }).ari;
    const zero = ari('alpha_0');
    const best = Math.max(...summary.selected.slice(1).map((s: { folder: string }) => ari(s.folder)));
    assert.ok(zero < 0.2, `alpha 0 does not separate the groups (ARI ${zero})`);
    assert.ok(best > 0.8, `a chosen alpha separates them (best ARI ${best})`);
  });
});
