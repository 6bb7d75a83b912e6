import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { BcnmfModel, DenseMatrix, fitBcnmf } from '@bcnmf/core';
import { loadMiceProtein, toCategorical, writeH5ad } from '@bcnmf/data';
import { planted, readCsv, readJson, run, tempDir, writeTable, writeTenxFolder } from './helpers.js';

let dir: string;
let remove: () => void;
before(() => ({ dir, remove } = tempDir('fit')));
after(() => remove());

const p = planted();
function files(name: string, transposed = false): { target: string; background: string } {
  const ext = transposed ? 'tsv' : 'csv';
  const target = join(dir, `${name}-target.${ext}`);
  const background = join(dir, `${name}-background.${ext}`);
  const write = (path: string, samples: string[], rows: number[][]) => {
    writeTable(path, samples, p.features, rows, transposed);
    if (transposed) writeFileSync(path, readFileSync(path, 'utf8').replace(/,/g, '\t'));
  };
  write(target, p.targetNames, p.target);
  write(background, p.backgroundNames, p.background);
  return { target, background };
}
const { target, background } = files('planted');

describe('bcnmf fit', () => {
  it('writes W, H, model and history; the CSVs hold the model exactly (float32)', async () => {
    const out = join(dir, 'fit1');
    const r = await run(['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--max-iter', '40', '--seed', '3', '--out', out, '--quiet']);
    assert.equal(r.code, 0, r.err);
    // no progress with --quiet, only the warning that 40 iterations did not converge
    assert.deepEqual(r.errLines.map((l) => l.replace(/:.*/, ':')), ['bcnmf:'], r.err);
    assert.match(r.err, /^bcnmf: warning: not converged: the fit stopped at its limit of 40 iterations/);
    assert.deepEqual(readdirSync(out).sort(), ['H_background.csv', 'H_target.csv', 'W.csv', 'bcnmf-output.json', 'figures', 'history.csv', 'model.json', 'report.html', 'report.md', 'topics.csv']);
    // the marker lists every file, the report's figures too
    const figures = readdirSync(join(out, 'figures')).map((f) => `figures/${f}`);
    assert.ok(figures.some((f) => f.endsWith('.svg')), figures.join(' '));
    assert.deepEqual(readJson(join(out, 'bcnmf-output.json')).files, [
      'H_background.csv', 'H_target.csv', 'W.csv', ...figures, 'history.csv', 'model.json', 'report.html', 'report.md', 'topics.csv',
    ].sort());
    const json = readJson(join(out, 'model.json'));
    const model = BcnmfModel.load(json);
    assert.equal(model.settings.k, 2);
    assert.equal(model.settings.seed, 3);

    // W.csv: a row per feature
    const W = readCsv(join(out, 'W.csv'));
    assert.deepEqual(W.header, ['feature', 'topic_1', 'topic_2']);
    assert.deepEqual(W.names, p.features);
    W.values.forEach((row, j) => row.forEach((v, t) => assert.equal(Math.fround(v), json.W[t][j], `W[${t}][${j}]`)));
    W.values.forEach((row, j) => row.forEach((v, t) => assert.equal(Math.fround(v), model.W.get(t, j))));
    const Ht = readCsv(join(out, 'H_target.csv'));
    assert.deepEqual(Ht.header, ['sample', 'topic_1', 'topic_2']);
    assert.deepEqual(Ht.names, p.targetNames);
    Ht.values.forEach((row, i) => row.forEach((v, t) => assert.equal(Math.fround(v), model.Htarget.get(i, t))));
    const Hb = readCsv(join(out, 'H_background.csv'));
    assert.deepEqual(Hb.names, p.backgroundNames);
    Hb.values.forEach((row, i) => row.forEach((v, t) => assert.equal(Math.fround(v), model.Hbackground!.get(i, t))));
    // and the text is the short form, not the float64 expansion of the float32
    assert.ok(W.texts.flat().every((t) => t.replace(/^0\.0*|\.|e.*$/g, '').length <= 9), W.texts.flat().join(' '));

    const history = readCsv(join(out, 'history.csv'));
    assert.deepEqual(history.header, ['iteration', 'target_error', 'background_error', 'score']);
    assert.deepEqual(history.names.map(Number), model.history.map((h) => h.iteration));
    assert.deepEqual(history.values.map((v) => v[2]), model.history.map((h) => h.score));
    assert.deepEqual(history.values.map((v) => v[0]), model.history.map((h) => h.targetError));

    // the same fit through the library gives the same W
    const direct = await fitBcnmf(
      DenseMatrix.fromRows(p.target, { columnNames: p.features }),
      DenseMatrix.fromRows(p.background, { columnNames: p.features }),
      { k: 2, alpha: 1, maxIter: 40, seed: 3 },
    );
    assert.deepEqual(Array.from(direct.W.data), json.W.flat());
  });

  it('reads features in rows (TSV) to the same result as samples in rows', async () => {
    const tsv = files('transposed', true);
    const a = join(dir, 'rows');
    const b = join(dir, 'columns');
    const common = ['--k', '2', '--alpha', '0.5', '--max-iter', '20', '--quiet'];
    assert.equal((await run(['fit', '--target', target, '--background', background, ...common, '--out', a])).code, 0);
    const r = await run(['fit', '--target', tsv.target, '--background', tsv.background, '--features-in-rows', ...common, '--out', b]);
    assert.equal(r.code, 0, r.err);
    for (const f of ['W.csv', 'H_target.csv', 'H_background.csv']) {
      assert.equal(readFileSync(join(b, f), 'utf8'), readFileSync(join(a, f), 'utf8'), f);
    }
  });

  it('tells features in rows from the files (--orientation auto) and reads them as --features-in-rows does', async () => {
    const tsv = files('transposed', true);
    const common = ['--k', '2', '--alpha', '0.5', '--max-iter', '20'];
    const a = join(dir, 'rows-given');
    const b = join(dir, 'rows-detected');
    assert.equal((await run(['fit', '--target', tsv.target, '--background', tsv.background, '--features-in-rows', ...common, '--quiet', '--out', a])).code, 0);
    const r = await run(['fit', '--target', tsv.target, '--background', tsv.background, ...common, '--out', b]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /bcnmf fit: features in rows \(detected: the two files share 8 row names \(features\) and 0 column names\); --orientation samples-in-rows reads them the other way/);
    assert.equal(readFileSync(join(b, 'W.csv'), 'utf8'), readFileSync(join(a, 'W.csv'), 'utf8'));
    // told otherwise, the files are read the other way: 8 "samples" whose features differ
    const other = await run(['fit', '--target', tsv.target, '--background', tsv.background, '--orientation', 'samples-in-rows', ...common, '--out', join(dir, 'never-rows')]);
    assert.equal(other.code, 2);
    assert.match(other.err, /have different features: they share no feature name/);
    const both = await run(['fit', '--target', tsv.target, '--background', tsv.background, '--orientation', 'samples-in-rows', '--features-in-rows', ...common, '--out', join(dir, 'never-rows')]);
    assert.equal(both.code, 2);
    assert.match(both.err, /contradict each other/);
  });

  it('matches features only as --align says: exact (default) refuses, naming what differs and the choices', async () => {
    const shuffled = join(dir, 'shuffled-background.csv');
    const order = [...p.features.keys()].reverse();
    writeTable(shuffled, p.backgroundNames, order.map((j) => p.features[j]), p.background.map((row) => order.map((j) => row[j])));
    const a = join(dir, 'aligned-a');
    const b = join(dir, 'aligned-b');
    const common = ['--target', target, '--k', '2', '--alpha', '1', '--max-iter', '20', '--quiet'];
    assert.equal((await run(['fit', ...common, '--background', background, '--out', a])).code, 0);
    const refused = await run(['fit', ...common, '--background', shuffled, '--out', join(dir, 'never')]);
    assert.equal(refused.code, 2);
    assert.equal(
      refused.err.trim(),
      `bcnmf: ${target} and ${shuffled} have different features: the same 8 features in a different order (first at feature 1: 'f1' in ${target}, 'f8' in ${shuffled}). ` +
        `To reorder the features of ${shuffled} by name, choose --align name; or to take the 8 features as the same ones in file order, choose --align position.`,
    );
    assert.equal((await run(['fit', ...common, '--background', shuffled, '--align', 'name', '--out', b])).code, 0);
    assert.equal(readFileSync(join(b, 'W.csv'), 'utf8'), readFileSync(join(a, 'W.csv'), 'utf8'));

    const fewer = join(dir, 'fewer.csv');
    writeTable(fewer, p.backgroundNames, p.features.slice(1), p.background.map((row) => row.slice(1)));
    const r = await run(['fit', ...common, '--background', fewer, '--out', join(dir, 'never')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^bcnmf: .*target\.csv and .*fewer\.csv have different features: .*fewer\.csv lacks 1 of the 8 features of .*target\.csv \('f1'\)\. To keep the 7 features both have, in the order of .*target\.csv, choose --align name\.\n?$/);
    const kept = join(dir, 'aligned-fewer');
    const named = await run(['fit', ...common.filter((f) => f !== '--quiet'), '--background', fewer, '--align', 'name', '--out', kept, '--json']);
    assert.equal(named.code, 0, named.err);
    assert.match(named.err, /bcnmf fit: kept the 7 features that .*target\.csv and .*fewer\.csv share, in the order of .*target\.csv; dropped 1 of the 8 of .*target\.csv \('f1'\) and 0 of the 7 of .*fewer\.csv/);
    assert.deepEqual(readCsv(join(kept, 'W.csv')).names, p.features.slice(1));
    assert.equal(JSON.parse(named.out).target.features, 7);

    // by position: the shuffled file's columns taken in file order, under the target's names
    const byPosition = join(dir, 'by-position');
    const pos = await run(['fit', ...common.filter((f) => f !== '--quiet'), '--background', shuffled, '--align', 'position', '--out', byPosition]);
    assert.equal(pos.code, 0, pos.err);
    assert.match(pos.err, /8 features taken in file order; 8 of their names differ from those of .*target\.csv \(first at feature 1: 'f8' taken as 'f1'\)/);
    assert.deepEqual(readCsv(join(byPosition, 'W.csv')).names, p.features);
    const badAlign = await run(['fit', ...common, '--background', background, '--align', 'fuzzy', '--out', join(dir, 'never')]);
    assert.equal(badAlign.code, 2);
    assert.match(badAlign.err, /--align must be 'exact', 'name' or 'position', got 'fuzzy'/);
  });

  it('warm start: 10 + 10 iterations from --init-from give the same factors as 20 (tol 0)', async () => {
    const first = join(dir, 'warm-10');
    const second = join(dir, 'warm-10-10');
    const straight = join(dir, 'warm-20');
    const common = ['--target', target, '--background', background, '--alpha', '1', '--tol', '0', '--seed', '5', '--quiet'];
    assert.equal((await run(['fit', ...common, '--k', '3', '--max-iter', '10', '--out', first])).code, 0);
    const r = await run(['fit', ...common, '--init-from', first, '--max-iter', '10', '--out', second]);
    assert.equal(r.code, 0, r.err);
    assert.equal((await run(['fit', ...common, '--k', '3', '--max-iter', '20', '--out', straight])).code, 0);
    for (const f of ['W.csv', 'H_target.csv', 'H_background.csv']) {
      assert.equal(readFileSync(join(second, f), 'utf8'), readFileSync(join(straight, f), 'utf8'), f);
    }
    const warm = readJson(join(second, 'model.json'));
    const full = readJson(join(straight, 'model.json'));
    const start = readJson(join(first, 'model.json'));
    assert.equal(warm.settings.init, 'custom');
    assert.equal(warm.iterations, 10);
    assert.equal(full.iterations, 20);
    // the warm start's first score is the first run's last; its last is the 20-iteration run's
    assert.equal(warm.history[0].score, start.history.at(-1).score);
    assert.equal(warm.history.at(-1).score, full.history.at(-1).score);
  });

  it('warm start from a fit of a split input, whose H files carry text annotation columns after the topics', async () => {
    const path = join(dir, 'annotated.csv');
    const lines = ['sample,' + p.features.join(',') + ',condition,batch,age'];
    p.target.forEach((row, i) => lines.push([p.targetNames[i], ...row, 'treated', `b${i % 2}`, 30 + i].join(',')));
    p.background.forEach((row, i) => lines.push([p.backgroundNames[i], ...row, 'control', `b${i % 2}`, 50 + i].join(',')));
    writeFileSync(path, lines.join('\n') + '\n');
    const split = ['--input', path, '--features', '^f', '--split-by', 'condition', '--target-values', 'treated', '--background-values', 'control',
      '--alpha', '1', '--tol', '0', '--seed', '2', '--quiet'];
    const first = join(dir, 'annotated-10');
    assert.equal((await run(['fit', ...split, '--k', '2', '--max-iter', '10', '--out', first])).code, 0);
    assert.match(readFileSync(join(first, 'H_target.csv'), 'utf8').split('\n')[0], /^sample,topic_1,topic_2,.*condition/);
    const second = join(dir, 'annotated-10-10');
    const r = await run(['fit', ...split, '--init-from', first, '--max-iter', '10', '--out', second]);
    assert.equal(r.code, 0, r.err);
    const straight = join(dir, 'annotated-20');
    assert.equal((await run(['fit', ...split, '--k', '2', '--max-iter', '20', '--out', straight])).code, 0);
    assert.equal(readFileSync(join(second, 'W.csv'), 'utf8'), readFileSync(join(straight, 'W.csv'), 'utf8'));
    assert.equal(readFileSync(join(second, 'H_target.csv'), 'utf8'), readFileSync(join(straight, 'H_target.csv'), 'utf8'));
    // a start of one's own whose H columns have other names: every column is a topic
    const own = join(dir, 'annotated-own-names');
    mkdirSync(own);
    writeFileSync(join(own, 'W.csv'), readFileSync(join(first, 'W.csv'), 'utf8'));
    for (const f of ['H_target.csv', 'H_background.csv']) {
      const [header, ...rest] = readFileSync(join(first, f), 'utf8').trimEnd().split('\n');
      const keep = header.split(',').map((name, c) => (c === 0 || /^topic_/.test(name) ? c : -1)).filter((c) => c >= 0);
      const renamed = ['sample,a,b', ...rest.map((line) => keep.map((c) => line.split(',')[c]).join(','))];
      writeFileSync(join(own, f), renamed.join('\n') + '\n');
    }
    const fromOwn = await run(['fit', ...split, '--init-from', own, '--max-iter', '10', '--out', join(dir, 'annotated-own-10')]);
    assert.equal(fromOwn.code, 0, fromOwn.err);
    assert.equal(readFileSync(join(dir, 'annotated-own-10', 'W.csv'), 'utf8'), readFileSync(join(straight, 'W.csv'), 'utf8'));
  });

  it('--init-from matches rows and features by name and says what does not match', async () => {
    const base = join(dir, 'init-base');
    const common = ['--target', target, '--background', background, '--alpha', '1', '--max-iter', '5', '--quiet'];
    // the old layout (a row per topic), which --init-from reads as it reads the new one
    assert.equal((await run(['fit', ...common, '--k', '2', '--out', base, '--w-layout', 'topics-as-rows'])).code, 0);
    assert.deepEqual(readCsv(join(base, 'W.csv')).names, ['topic_1', 'topic_2']);
    // reordered samples and features in the init files: the same start
    const shuffledInit = join(dir, 'init-shuffled');
    mkdirSync(shuffledInit);
    const W = readCsv(join(base, 'W.csv'));
    const order = [...p.features.keys()].reverse();
    writeTable(join(shuffledInit, 'W.csv'), W.names, order.map((j) => p.features[j]), W.texts.map((row) => order.map((j) => Number(row[j]))));
    writeFileSync(join(shuffledInit, 'W.csv'), readFileSync(join(shuffledInit, 'W.csv'), 'utf8').replace(/^sample/, 'topic'));
    for (const f of ['H_target.csv', 'H_background.csv']) {
      const [header, ...lines] = readFileSync(join(base, f), 'utf8').trimEnd().split('\n');
      writeFileSync(join(shuffledInit, f), [header, ...lines.reverse()].join('\n') + '\n');
    }
    const a = join(dir, 'init-a');
    const b = join(dir, 'init-b');
    assert.equal((await run(['fit', ...common, '--init-from', base, '--out', a])).code, 0);
    const r = await run(['fit', ...common, '--init-from', shuffledInit, '--out', b]);
    assert.equal(r.code, 0, r.err);
    assert.equal(readFileSync(join(b, 'W.csv'), 'utf8'), readFileSync(join(a, 'W.csv'), 'utf8'));
    // the same start in the new layout (a row per feature, told apart by its header): the same fit
    const rowsLayout = join(dir, 'init-features-as-rows');
    mkdirSync(rowsLayout);
    const oldW = readCsv(join(base, 'W.csv'));
    const lines = ['feature,topic_1,topic_2', ...p.features.map((f, j) => [f, ...oldW.texts.map((row) => row[j])].join(','))];
    writeFileSync(join(rowsLayout, 'W.csv'), lines.join('\n') + '\n');
    for (const f of ['H_target.csv', 'H_background.csv']) writeFileSync(join(rowsLayout, f), readFileSync(join(base, f), 'utf8'));
    const c = join(dir, 'init-c');
    const fromRows = await run(['fit', ...common, '--init-from', rowsLayout, '--out', c]);
    assert.equal(fromRows.code, 0, fromRows.err);
    assert.equal(readFileSync(join(c, 'W.csv'), 'utf8'), readFileSync(join(a, 'W.csv'), 'utf8'));

    const broken = join(dir, 'init-broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'W.csv'), readFileSync(join(base, 'W.csv'), 'utf8').replace(',f3,', ',gene3,'));
    writeFileSync(join(broken, 'H_target.csv'), readFileSync(join(base, 'H_target.csv'), 'utf8'));
    writeFileSync(join(broken, 'H_background.csv'), readFileSync(join(base, 'H_background.csv'), 'utf8'));
    const bad = await run(['fit', ...common, '--init-from', broken, '--out', join(dir, 'never')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /W\.csv does not match the data: it lacks 1 of the features \('f3'\); it has 1 features not in the data \('gene3'\)/);
    writeFileSync(join(broken, 'W.csv'), readFileSync(join(base, 'W.csv'), 'utf8'));
    writeFileSync(join(broken, 'H_target.csv'), readFileSync(join(base, 'H_target.csv'), 'utf8').replace('\nt4,', '\nt99,'));
    const badRows = await run(['fit', ...common, '--init-from', broken, '--out', join(dir, 'never')]);
    assert.equal(badRows.code, 2);
    assert.match(badRows.err, /H_target\.csv does not match the data: it lacks 1 of the target samples \('t4'\); it has 1 target samples not in the data \('t99'\)/);
    const wrongK = await run(['fit', ...common, '--k', '3', '--init-from', base, '--out', join(dir, 'never')]);
    assert.equal(wrongK.code, 2);
    assert.match(wrongK.err, /--k is 3 but .*W\.csv has 2 topics/);
    const absent = await run(['fit', ...common, '--init-from', join(dir, 'nowhere'), '--out', join(dir, 'never')]);
    assert.equal(absent.code, 2);
    assert.match(absent.err, /there is no W\.csv/);
    assert.equal(existsSync(join(dir, 'never')), false);
  });

  it('refuses missing values without --impute mean, naming the row and column; fills them with it', async () => {
    const holes = join(dir, 'holes.csv');
    const rows = p.target.map((row) => [...row]);
    rows[4][2] = NaN;
    rows[7][5] = NaN;
    writeTable(holes, p.targetNames, p.features, rows);
    writeFileSync(holes, readFileSync(holes, 'utf8').replace(/NaN/g, ''));
    const out = join(dir, 'holes-out');
    const refused = await run(['fit', '--target', holes, '--background', background, '--k', '2', '--alpha', '1', '--out', out, '--quiet']);
    assert.equal(refused.code, 2);
    assert.equal(refused.errLines.length, 1);
    assert.match(refused.err, /holes\.csv has 2 missing values, the first at data row 5 \(sample 't5'\), column 'f3'; pass --impute mean \(column means\) or --impute zero/);
    assert.equal(existsSync(out), false);
    const filled = await run(['fit', '--target', holes, '--background', background, '--k', '2', '--alpha', '1', '--max-iter', '10', '--out', out, '--impute', 'mean', '--json', '--quiet']);
    assert.equal(filled.code, 0, filled.err);
    assert.equal(JSON.parse(filled.out).imputed, 2);
    // --impute zero: the same fit as on the file with 0 written into the holes
    const zeroOut = join(dir, 'holes-zero');
    const zero = await run(['fit', '--target', holes, '--background', background, '--k', '2', '--alpha', '1', '--max-iter', '10', '--seed', '3', '--out', zeroOut, '--impute', 'zero', '--quiet']);
    assert.equal(zero.code, 0, zero.err);
    const zeros = join(dir, 'zeros.csv');
    writeTable(zeros, p.targetNames, p.features, rows.map((r) => r.map((v) => (Number.isNaN(v) ? 0 : v))));
    const zeroRef = join(dir, 'zeros-out');
    assert.equal((await run(['fit', '--target', zeros, '--background', background, '--k', '2', '--alpha', '1', '--max-iter', '10', '--seed', '3', '--out', zeroRef, '--quiet'])).code, 0);
    assert.deepEqual(readJson(join(zeroOut, 'model.json')).W, readJson(join(zeroRef, 'model.json')).W);
    const bad = await run(['fit', '--target', holes, '--background', background, '--k', '2', '--alpha', '1', '--out', join(dir, 'never'), '--impute', 'median', '--quiet']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--impute must be 'mean' or 'zero', got 'median'/);
  });

  const dataDir = new URL('../../../../shared/datasets', import.meta.url).pathname;
  const miceAbsent = existsSync(join(dataDir, 'mice-protein', 'Data_Cortex_Nuclear.csv')) ? false : `the shared data sets are not in ${dataDir}`;
  it('fits the mouse protein file split by class with --impute mean, as the paper loader splits it', { skip: miceAbsent }, async () => {
    const path = join(dataDir, 'mice-protein', 'Data_Cortex_Nuclear.csv');
    const split = ['--input', path, '--features', '_N$', '--split-by', 'class', '--target-values', 'c-SC-s,t-SC-s', '--background-values', 'c-CS-s'];
    const refused = await run(['fit', ...split, '--k', '2', '--alpha', '1', '--out', join(dir, 'mice-never'), '--quiet']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /has 324 missing values, the first at data row 466 \(sample '3424_1'\), column 'BAD_N'/);
    const out = join(dir, 'mice');
    const r = await run(['fit', ...split, '--impute', 'mean', '--k', '2', '--alpha', '1', '--max-iter', '20', '--seed', '1', '--out', out, '--quiet', '--json']);
    assert.equal(r.code, 0, r.err);
    const summary = JSON.parse(r.out);
    assert.equal(summary.target.samples, 270);
    assert.equal(summary.background.samples, 135);
    assert.equal(summary.target.features, 77);
    // the same data as @bcnmf/data's loader of the paper's split: the same fit
    const loaded = await loadMiceProtein({ dataDir });
    const direct = await fitBcnmf(loaded.target, loaded.background, { k: 2, alpha: 1, maxIter: 20, seed: 1 });
    assert.deepEqual(readJson(join(out, 'model.json')).W, direct.W.toArray());
    assert.deepEqual(readCsv(join(out, 'H_target.csv')).names, loaded.target.rowNames);
  });

  it('fits an .h5ad split by an obs column and adds the results to a copy of it', async () => {
    await h5wasm.ready;
    const path = join(dir, 'cells.h5ad');
    const rows = [...p.target, ...p.background];
    const names = [...p.targetNames, ...p.backgroundNames];
    // an extra feature the fit leaves out (--features), and an extra group of cells
    const X = DenseMatrix.fromRows([...rows, rows[0]].map((r) => [...r, 1]), { rowNames: [...names, 'other1'], columnNames: [...p.features, 'MT-1'] });
    const condition = [...p.targetNames.map(() => 'treated'), ...p.backgroundNames.map(() => 'control'), 'unused'];
    await writeH5ad(path, { X, obs: { condition: toCategorical(condition) } });
    const out = join(dir, 'h5ad-out');
    const r = await run(['fit', '--input', path, '--split-by', 'condition', '--target-values', 'treated', '--background-values', 'control',
      '--features', '^f', '--k', '2', '--alpha', '1', '--max-iter', '10', '--out', out, '--quiet']);
    assert.equal(r.code, 0, r.err);
    assert.ok(readdirSync(out).includes('cells.bcnmf.h5ad'), readdirSync(out).join(' '));
    const model = BcnmfModel.load(readJson(join(out, 'model.json')));
    const f = new h5wasm.File(join(out, 'cells.bcnmf.h5ad'), 'r');
    try {
      const embedding = (f.get('obsm/X_bcnmf') as any).value as Float32Array;
      const loadings = (f.get('varm/bcnmf_W') as any).value as Float32Array;
      assert.deepEqual(Array.from(embedding.slice(0, 2)), Array.from(model.Htarget.row(0)));
      const b0 = p.targetNames.length;
      assert.deepEqual(Array.from(embedding.slice(b0 * 2, b0 * 2 + 2)), Array.from(model.Hbackground!.row(0)));
      assert.ok(Number.isNaN(embedding[(names.length) * 2]), 'a cell in neither group has NaN');
      assert.deepEqual([loadings[0], loadings[1]], [model.W.get(0, 0), model.W.get(1, 0)]);
      assert.ok(Number.isNaN(loadings[p.features.length * 2]), 'a feature left out has NaN');
      assert.equal(Number((f.get('uns/bcnmf/alpha') as any).value), 1);
      assert.equal((f.get('uns/bcnmf/role') as any).value, 'target+background');
    } finally {
      f.close();
    }
  });

  it('fits a 10x folder (sparse) against a CSV background', async () => {
    const tenx = join(dir, 'tenx');
    const barcodes = writeTenxFolder(tenx, p.targetNames, p.features, p.target);
    const out = join(dir, 'tenx-out');
    const common = ['--background', background, '--k', '2', '--alpha', '1', '--max-iter', '10', '--quiet'];
    const r = await run(['fit', '--target', tenx, ...common, '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readCsv(join(out, 'H_target.csv')).names, barcodes);
    // the same numbers as the CSV: the same W (to float rounding: the sparse and dense
    // kernels sum in different orders)
    const csvOut = join(dir, 'tenx-csv');
    assert.equal((await run(['fit', '--target', target, ...common, '--out', csvOut])).code, 0);
    const fromTenx = readCsv(join(out, 'W.csv'));
    const fromCsv = readCsv(join(csvOut, 'W.csv'));
    assert.deepEqual(fromTenx.header, fromCsv.header);
    fromTenx.values.flat().forEach((v, i) => {
      const expected = fromCsv.values.flat()[i];
      assert.ok(Math.abs(v - expected) <= 1e-4 * Math.max(1e-3, Math.abs(expected)), `W entry ${i}: ${v} vs ${expected}`);
    });
  });

  it('a CITE-seq 10x folder (Gene Expression and Antibody Capture): genes by default, said; --feature-types all or a list; loaded and streamed alike', async () => {
    const adt = ['CD3_TotalSeqB', 'CD19_TotalSeqB'];
    const folder = (name: string, rows: number[][], samples: string[]) => {
      const path = join(dir, name);
      writeTenxFolder(path, samples, [...p.features, ...adt], rows.map((row, i) => [...row, 50 + i, 3 + (i % 5)]));
      const types = [...p.features.map(() => 'Gene Expression'), ...adt.map(() => 'Antibody Capture')];
      writeFileSync(join(path, 'features.tsv'), [...p.features, ...adt].map((f, j) => `ID_${f}\t${f}\t${types[j]}`).join('\n') + '\n');
      return path;
    };
    const t = folder('cite-target', p.target, p.targetNames);
    const b = folder('cite-background', p.background, p.backgroundNames);
    const common = ['--target', t, '--background', b, '--k', '2', '--alpha', '1', '--max-iter', '5'];
    for (const stream of [[], ['--stream', '--batch-size', '8']]) {
      const tag = stream.length > 0 ? 'stream' : 'loaded';
      const genes = await run(['fit', ...common, ...stream, '--out', join(dir, `cite-genes-${tag}`)]);
      assert.equal(genes.code, 0, genes.err);
      assert.match(genes.err, /cite-target: fitting its 8 Gene Expression features; left out 2 Antibody Capture, as scanpy does \(--feature-types all, or a list, fits them\)/);
      assert.deepEqual(readCsv(join(dir, `cite-genes-${tag}`, 'W.csv')).names, p.features);
      const all = await run(['fit', ...common, ...stream, '--feature-types', 'all', '--quiet', '--out', join(dir, `cite-all-${tag}`)]);
      assert.equal(all.code, 0, all.err);
      assert.deepEqual(readCsv(join(dir, `cite-all-${tag}`, 'W.csv')).names, [...p.features, ...adt]);
      const antibodies = await run(['fit', ...common.map((a) => (a === '2' ? '1' : a)), ...stream, '--feature-types', 'Antibody Capture', '--quiet', '--out', join(dir, `cite-adt-${tag}`)]);
      assert.equal(antibodies.code, 0, antibodies.err);
      assert.deepEqual(readCsv(join(dir, `cite-adt-${tag}`, 'W.csv')).names, adt);
      const unknown = await run(['fit', ...common, ...stream, '--feature-types', 'Peaks', '--out', join(dir, 'never-peaks')]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.err, /--feature-types: .*cite-target has no features of type 'Peaks'; its types: 8 Gene Expression, 2 Antibody Capture/);
    }
    const csv = await run(['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--feature-types', 'all', '--out', join(dir, 'never-types')]);
    assert.equal(csv.code, 2);
    assert.match(csv.err, /--feature-types chooses among the features of a 10x folder; no input is one/);
  });

  it('refuses a non-empty --out unless --overwrite, and then replaces it', async () => {
    const out = join(dir, 'again');
    const common = ['fit', '--target', target, '--background', background, '--alpha', '1', '--max-iter', '5', '--out', out, '--quiet'];
    assert.equal((await run([...common, '--k', '2'])).code, 0);
    const refused = await run([...common, '--k', '3']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /^bcnmf: --out .*again exists and is not empty; pass --overwrite to replace an earlier output of bcnmf$/);
    assert.deepEqual(readCsv(join(out, 'W.csv')).header, ['feature', 'topic_1', 'topic_2'], 'left as it was');
    const replaced = await run([...common, '--k', '3', '--overwrite']);
    assert.equal(replaced.code, 0, replaced.err);
    assert.deepEqual(readCsv(join(out, 'W.csv')).header, ['feature', 'topic_1', 'topic_2', 'topic_3']);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no temporary folders left');
  });

  it('leaves no output folder when the output would fail, or when the fit is aborted', async () => {
    // an .h5ad that already holds bcNMF results: adding them again is refused, before the fit
    const path = join(dir, 'has-results.h5ad');
    const X = DenseMatrix.fromRows(p.target, { rowNames: p.targetNames, columnNames: p.features });
    const H = DenseMatrix.fromRows(p.target.map(() => [1, 1]));
    const W = DenseMatrix.fromRows(p.features.map(() => [1, 1]));
    await writeH5ad(path, { X, results: { embedding: H, loadings: W } });
    const out = join(dir, 'fails');
    const r = await run(['fit', '--target', path, '--background', background, '--k', '2', '--alpha', '1', '--max-iter', '5', '--out', out, '--quiet']);
    assert.equal(r.code, 2);
    assert.match(r.err, /already holds results under the key 'bcnmf' \(obsm\['X_bcnmf'\], varm\['bcnmf_W'\], uns\['bcnmf'\]\); pass --key NAME/);
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no temporary folder left');

    const controller = new AbortController();
    const aborted = join(dir, 'aborted');
    const a = await run(
      ['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--tol', '0', '--max-iter', '100000', '--out', aborted],
      { signal: controller.signal, err: (line) => { if (line.includes('iteration 20/')) controller.abort(new Error('interrupted')); } },
    );
    assert.equal(a.code, 1);
    assert.equal(existsSync(aborted), false);
  });
});
