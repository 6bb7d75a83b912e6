import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { BcnmfModel, DenseMatrix } from '@bcnmf/core';
import { log1p, normalizeTotal, simulateBetaSeries } from '@bcnmf/data';
import { evaluateEmbedding } from '@bcnmf/metrics';
import { planted, readCsv, readJson, run, runChild, tempDir, writeTable } from './helpers.js';

let dir: string;
let remove: () => void;
before(() => ({ dir, remove } = tempDir('commands')));
after(() => remove());

const p = planted(2);
let target: string;
let background: string;
let modelDir: string;
before(async () => {
  target = join(dir, 'target.csv');
  background = join(dir, 'background.csv');
  writeTable(target, p.targetNames, p.features, p.target);
  writeTable(background, p.backgroundNames, p.features, p.background);
  modelDir = join(dir, 'model');
  const r = await run(['fit', '--target', target, '--background', background, '--k', '3', '--alpha', '1', '--max-iter', '60', '--out', modelDir, '--quiet']);
  assert.equal(r.code, 0, r.err);
});

function matrixOf(rows: number[][], features: string[], names: string[]): DenseMatrix {
  return DenseMatrix.fromRows(rows, { columnNames: features, rowNames: names });
}

describe('bcnmf compare', () => {
  it('scores methods by ARI: bcNMF finds the planted target groups that NMF misses', async () => {
    const sim = simulateBetaSeries({ beta: 2, seed: 0, scale: 0.25 });
    const X = log1p(normalizeTotal(sim.target));
    const Y = log1p(normalizeTotal(sim.background));
    const features = [...X.columnNames!];
    const tNames = Array.from({ length: X.rows }, (_, i) => `cell${i}`);
    const bNames = Array.from({ length: Y.rows }, (_, i) => `ctrl${i}`);
    const tPath = join(dir, 'sim-target.csv');
    const bPath = join(dir, 'sim-background.csv');
    writeTable(tPath, tNames, features, X.toArray().map((r) => r.map((v) => Math.fround(v))));
    writeTable(bPath, bNames, features, Y.toArray().map((r) => r.map((v) => Math.fround(v))));
    const labels = join(dir, 'sim-labels.csv');
    // the labels file may list the samples in any order, with extra columns
    const order = tNames.map((_, i) => i).reverse();
    writeFileSync(labels, 'cell,batch,program\n' + order.map((i) => `${tNames[i]},b1,p${sim.targetLabels[i]}`).join('\n') + '\n');
    const out = join(dir, 'compare.json');
    const r = await run(['compare', '--target', tPath, '--background', bPath, '--k', '2', '--alpha', '2', '--max-iter', '200', '--tol', '0',
      '--labels', labels, '--label-column', 'program', '--methods', 'bcnmf,nmf', '--json', '--quiet', '--out', out]);
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out);
    const byMethod = Object.fromEntries(result.results.map((row: { method: string }) => [row.method, row]));
    assert.deepEqual(Object.keys(byMethod), ['bcnmf', 'nmf']);
    assert.equal(result.protocol, 'raw');
    assert.equal(result.labelled, 250);
    assert.ok(byMethod.bcnmf.ari > 0.6, `bcNMF ARI ${byMethod.bcnmf.ari}`);
    assert.ok(byMethod.nmf.ari < 0.1, `NMF ARI ${byMethod.nmf.ari}`);
    assert.ok(byMethod.bcnmf.ari > byMethod.nmf.ari);
    for (const row of result.results) assert.equal(row.components, 2);
    assert.deepEqual(readJson(out).results.map((row: { ari: number }) => row.ari), result.results.map((row: { ari: number }) => row.ari));

    // the table, without labels: fits only
    const plain = await run(['compare', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--methods', 'bcnmf,pca', '--quiet']);
    assert.equal(plain.code, 0, plain.err);
    assert.match(plain.out, /^method +components +ARI +NMI +seconds\nbcNMF +2 +- +- +\d+\.\d\nPCA +2 +- +- +\d+\.\d\nno labels/);
  });

  it('runs bcNMF, NMF, PCA and cPCA by default, with labels from --label-column of a split input, under the chosen protocol', async () => {
    const all = join(dir, 'annotated.csv');
    const rows = [...p.target, ...p.background];
    const lines = ['sample,' + p.features.join(',') + ',condition,group'];
    p.target.forEach((row, i) => lines.push(`${p.targetNames[i]},${row.join(',')},treated,${p.groups[i]}`));
    p.background.forEach((row, i) => lines.push(`${p.backgroundNames[i]},${row.join(',')},control,none`));
    writeFileSync(all, lines.join('\n') + '\n');
    assert.equal(rows.length, lines.length - 1);
    const r = await run(['compare', '--input', all, '--split-by', 'condition', '--target-values', 'treated', '--background-values', 'control',
      '--label-column', 'group', '--k', '2', '--alpha', '1', '--protocol', 'row-normalized', '--json', '--quiet']);
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out);
    assert.deepEqual(result.results.map((row: { name: string }) => row.name), ['bcNMF', 'NMF', 'PCA', 'cPCA']);
    assert.ok(result.results.every((row: { nmi: number }) => row.nmi >= 0 && row.nmi <= 1));
    // the same bcNMF through fit, scored here by hand, gives the reported ARI
    const fitOut = join(dir, 'split-fit');
    const fit = await run(['fit', '--input', all, '--split-by', 'condition', '--target-values', 'treated', '--background-values', 'control',
      '--features', '^f', '--k', '2', '--alpha', '1', '--out', fitOut, '--quiet']);
    assert.equal(fit.code, 0, fit.err);
    const H = readCsv(join(fitOut, 'H_target.csv'));
    // the topic columns (the split file's annotation columns follow them)
    assert.deepEqual(H.header.slice(0, 3), ['sample', 'topic_1', 'topic_2']);
    const byHand = evaluateEmbedding(H.values.map((row) => row.slice(0, 2).map(Math.fround)), p.groups, { protocol: 'row-normalized', seed: 0, nInit: 10 });
    assert.equal(result.results[0].ari, byHand.ari);
    assert.equal(result.protocol, 'row-normalized');
    assert.equal(result.labelled, p.target.length);
    for (const row of result.results) assert.ok(row.ari >= -1 && row.ari <= 1);

    // a target sample whose label is missing is refused, not scored as a class of its own
    const blank = join(dir, 'annotated-blank.csv');
    writeFileSync(blank, lines.map((line, i) => (i === 3 || i === 5 ? line.replace(/,[^,]*$/, ',') : line)).join('\n') + '\n');
    const unlabelled = await run(['compare', '--input', blank, '--split-by', 'condition', '--target-values', 'treated', '--background-values', 'control',
      '--label-column', 'group', '--k', '2', '--alpha', '1', '--quiet']);
    assert.equal(unlabelled.code, 2, unlabelled.err);
    assert.match(unlabelled.err, new RegExp(`annotated-blank\\.csv: --label-column group is missing for 2 target samples \\('${p.targetNames[2]}', '${p.targetNames[4]}'\\); every target sample needs a label`));
    // fit only colours its report by them: a warning, and the fit runs
    const fitBlank = await run(['fit', '--input', blank, '--split-by', 'condition', '--target-values', 'treated', '--background-values', 'control',
      '--label-column', 'group', '--features', '^f', '--k', '2', '--alpha', '1', '--max-iter', '5', '--out', join(dir, 'blank-fit'), '--quiet']);
    assert.equal(fitBlank.code, 0, fitBlank.err);
    assert.match(fitBlank.err, /warning: .*--label-column group is missing for 2 target samples.*; the report shows no ARI/);

    const badProtocol = await run(['compare', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--protocol', 'tsne']);
    assert.equal(badProtocol.code, 2);
    assert.equal(badProtocol.err, "bcnmf: --protocol must be 'raw', 'row-normalized' or 'umap', got 'tsne'");
    const missingLabel = join(dir, 'few-labels.csv');
    writeFileSync(missingLabel, 'sample,label\nt1,A\n');
    const noLabel = await run(['compare', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--labels', missingLabel]);
    assert.equal(noLabel.code, 2);
    assert.match(noLabel.err, /has no label for 15 target samples \('t2', 't3', 't4' and 12 more\)/);
  });
});

describe('bcnmf transform', () => {
  it('puts new samples through a saved model, matching features by name', async () => {
    const model = BcnmfModel.load(readJson(join(modelDir, 'model.json')));
    const fresh = p.target.slice(0, 5);
    const names = p.targetNames.slice(0, 5).map((n) => `new-${n}`);
    // reversed columns plus one the model does not know
    const order = [...p.features.keys()].reverse();
    const input = join(dir, 'new.csv');
    writeTable(input, names, [...order.map((j) => p.features[j]), 'extra'], fresh.map((row) => [...order.map((j) => row[j]), 7]));
    const out = join(dir, 'new-H.csv');
    const r = await run(['transform', '--model', join(modelDir, 'model.json'), '--input', input, '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /5 samples x 3 topics written to .*new-H\.csv; 1 input features the model does not use were left out/);
    const H = readCsv(out);
    assert.deepEqual(H.header, ['sample', 'topic_1', 'topic_2', 'topic_3']);
    assert.deepEqual(H.names, names);
    const expected = await model.transform(matrixOf(fresh, p.features, names));
    H.values.forEach((row, i) => row.forEach((v, t) => assert.equal(Math.fround(v), expected.get(i, t))));

    const again = await run(['transform', '--model', modelDir, '--input', input, '--out', out]);
    assert.equal(again.code, 2);
    assert.match(again.err, /exists; pass --overwrite/);
    const lacking = join(dir, 'lacking.csv');
    writeTable(lacking, names, p.features.slice(0, 6), fresh.map((row) => row.slice(0, 6)));
    const bad = await run(['transform', '--model', modelDir, '--input', lacking, '--out', join(dir, 'never.csv')]);
    assert.equal(bad.code, 2);
    assert.equal(bad.err, `bcnmf: ${lacking} does not fit the model: it lacks 2 of the model's 8 features ('f7', 'f8')`);
    assert.equal(existsSync(join(dir, 'never.csv')), false);
  });

  it('--impute zero fills missing values with 0 (--impute mean with the column means); without it they are refused', async () => {
    const rows = p.target.slice(0, 4).map((r) => [...r]);
    rows[1][2] = NaN;
    const names = p.targetNames.slice(0, 4);
    const holes = join(dir, 'transform-holes.csv');
    writeTable(holes, names, p.features, rows);
    writeFileSync(holes, readFileSync(holes, 'utf8').replace(/NaN/g, ''));
    const refused = await run(['transform', '--model', modelDir, '--input', holes, '--out', join(dir, 'never.csv')]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /--impute mean \(column means\) or --impute zero/);
    const out = join(dir, 'holes-zero-H.csv');
    const r = await run(['transform', '--model', modelDir, '--input', holes, '--out', out, '--impute', 'zero']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /; 1 missing values filled with 0$/);
    const model = BcnmfModel.load(readJson(join(modelDir, 'model.json')));
    const expected = await model.transform(matrixOf(rows.map((row) => row.map((v) => (Number.isNaN(v) ? 0 : v))), p.features, names));
    readCsv(out).values.forEach((row, i) => row.forEach((v, t) => assert.equal(Math.fround(v), expected.get(i, t))));
    const mean = await run(['transform', '--model', modelDir, '--input', holes, '--out', join(dir, 'holes-mean-H.csv'), '--impute', 'mean']);
    assert.match(mean.out, /; 1 missing values filled with column means$/);
  });
});

describe('bcnmf topics', () => {
  it('lists the top features and enrichment of each topic', async () => {
    const model = BcnmfModel.load(readJson(join(modelDir, 'model.json')));
    const json = await run(['topics', '--model', join(modelDir, 'model.json'), '--top', '3', '--json']);
    assert.equal(json.code, 0, json.err);
    assert.deepEqual(JSON.parse(json.out), JSON.parse(JSON.stringify(model.topics({ top: 3 }))));
    const text = await run(['topics', '--model', modelDir, '--top', '2', '--sort', 'enrichment']);
    assert.equal(text.code, 0, text.err);
    const lines = text.out.split('\n');
    assert.match(lines[0], /^topic +target mean +background mean +enrichment +top features/);
    assert.equal(lines.length, 4);
    const ranked = model.topics({ top: 2 }).sort((a, b) => b.enrichment! - a.enrichment!);
    ranked.forEach((t, i) => {
      assert.ok(lines[i + 1].startsWith(t.topic), lines[i + 1]);
      assert.ok(lines[i + 1].includes(`${t.topFeatures[0].name} (`), lines[i + 1]);
    });
    const absent = await run(['topics', '--model', join(dir, 'nope.json')]);
    assert.equal(absent.code, 2);
    assert.match(absent.err, /^bcnmf: --model .*nope\.json: no such file$/);
  });
});

describe('progress and output', () => {
  const fit = (out: string, ...extra: string[]) =>
    ['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--max-iter', '30', '--out', join(dir, out), ...extra];

  it('prints a progress line per score check when stderr is not a terminal, nothing with --quiet', async () => {
    const plain = await run(fit('progress-plain'));
    assert.equal(plain.code, 0, plain.err);
    const progress = plain.errLines.filter((l) => l.startsWith('bcnmf fit: iteration'));
    assert.deepEqual(progress.map((l) => Number(/iteration (\d+)\/30/.exec(l)![1])), [0, 10, 20, 30]);
    assert.match(progress[3], /score -?[\d.e-]+ +target error [\d.e-]+ +background error [\d.e-]+ +elapsed [\d.]+ s +ETA [\d.]+ s$/);
    assert.match(plain.errLines[0], /^bcnmf fit: target 16 x 8 \(.*target\.csv\), background 14 x 8/);
    assert.match(plain.out, /wrote .*progress-plain: W\.csv H_target\.csv H_background\.csv topics\.csv model\.json history\.csv report\.md report\.html figures\/scores\.svg/);
    const quiet = await run(fit('progress-quiet', '--quiet'));
    assert.equal(quiet.code, 0);
    // --quiet drops the progress; a warning (here: 30 iterations do not converge) stays
    assert.deepEqual(quiet.errLines.filter((l) => !l.startsWith('bcnmf: warning: not converged')), []);
  });

  it('draws a progress bar on a terminal', async () => {
    let drawn = '';
    const terminal = Object.assign(new Writable({ write(chunk, _enc, done) { drawn += String(chunk); done(); } }), { isTTY: true, columns: 120 });
    const r = await run(fit('progress-bar'), { isTTY: true, errStream: terminal });
    assert.equal(r.code, 0, r.err);
    assert.ok(!r.errLines.some((l) => l.startsWith('bcnmf fit: iteration')), 'no plain lines on a terminal');
    assert.match(drawn, /bcnmf fit \|.*\| 100% \| iteration 30\/30 \| score -?[\d.e-]+ \| [\d.]+ s elapsed \| ETA [\d.]+ s/);
  });

  it('--json prints only JSON on stdout', async () => {
    const r = await run(fit('as-json', '--json'));
    assert.equal(r.code, 0, r.err);
    const summary = JSON.parse(r.out);
    assert.equal(summary.iterations, 30);
    assert.equal(summary.k, 2);
    assert.equal(summary.topics.length, 2);
    assert.deepEqual(summary.files.filter((f: string) => !f.startsWith('figures/')), ['W.csv', 'H_target.csv', 'H_background.csv', 'topics.csv', 'model.json', 'history.csv', 'report.md', 'report.html']);
  });
});

describe('errors and exit codes', () => {
  it('bad usage and bad input exit 2 with one line', async () => {
    const cases: [string[], RegExp][] = [
      [['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1'], /^bcnmf: --out DIR is required \(bcnmf help fit\)$/],
      [['fit', '--target', target, '--background', background, '--k', '2', '--out', join(dir, 'x')], /^bcnmf: --alpha is required$/],
      [['fit', '--target', target, '--background', background, '--alpha', '1', '--out', join(dir, 'x')], /^bcnmf: --k is required$/],
      [['fit', '--target', target, '--k', '2', '--alpha', '1', '--out', join(dir, 'x')], /^bcnmf: give --target FILE and --background FILE, or --input FILE with --split-by/],
      [['fit', '--bogus'], /^bcnmf: Unknown option '--bogus' \(bcnmf help fit\)$/],
      [['fit', '--target', join(dir, 'none.csv'), '--background', background, '--k', '2', '--alpha', '1', '--out', join(dir, 'x')], /none\.csv: no such file or folder$/],
      [['fit', '--target', target, '--background', background, '--k', '20', '--alpha', '1', '--out', join(dir, 'x'), '--quiet'], /^bcnmf: k must be between 1 and min\(features, target samples\) = 8, got 20$/],
      [['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--loss', 'l1', '--out', join(dir, 'x')], /^bcnmf: --loss must be 'frobenius' or 'poisson', got 'l1'$/],
      [['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--damping', '0', '--out', join(dir, 'x')], /^bcnmf: --damping must be in \(0, 1\], got '0'$/],
      [['fit', '--input', target, '--split-by', 'class', '--k', '2', '--alpha', '1', '--out', join(dir, 'x')], /^bcnmf: --input needs --split-by COLUMN, --target-values A,B and --background-values C$/],
      [['help', 'nope'], /^bcnmf: unknown command 'nope'/],
      [['fit', '--alpha', '-1'], /^bcnmf: --alpha needs a value; a value that starts with '-' goes as --alpha=-VALUE$/],
    ];
    for (const [argv, pattern] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
      assert.equal(r.errLines.length, 1, r.err);
      assert.match(r.err, pattern);
    }
    assert.equal(existsSync(join(dir, 'x')), false);
  });

  it('help lists every command', async () => {
    const r = await run(['help']);
    assert.equal(r.code, 0);
    for (const command of ['fit', 'compare', 'transform', 'topics', 'demo']) assert.match(r.out, new RegExp(`\\n  ${command} `));
    for (const command of ['fit', 'compare', 'transform', 'topics']) {
      const h = await run([command, '--help']);
      assert.equal(h.code, 0);
      assert.ok(h.out.startsWith(`bcnmf ${command} `), h.out);
    }
  });

  it('in a real process: exit 2 with one line on stderr and no stack trace', () => {
    // (a successful run in a child process, which must also end, is the README example's test)
    const bad = runChild(['fit', '--target', target, '--background', background, '--k', '2', '--alpha=-1', '--out', join(dir, 'child2')]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.equal(bad.stderr, "bcnmf: --alpha must be a number >= 0, got '-1'\n");
  });

  it('in a real process: exit 1 for a failure that is not bad input, with the stack under --debug', () => {
    // an alpha so large that the score overflows float32: the fit diverges (DIVERGED)
    const out = join(dir, 'diverged');
    const r = runChild(['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1e38', '--max-iter', '50', '--out', out, '--quiet', '--debug']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^bcnmf: the fit diverged at iteration \d+[^\n]*\n\w*Error: [^\n]*\n +at /);
    assert.equal(existsSync(out), false);
  });

  it('in a real process: an output path that cannot be written is refused before any work (exit 2), not after it', () => {
    const parentFile = join(dir, 'a-file');
    writeFileSync(parentFile, 'x');
    const r = runChild(['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--max-iter', '5', '--out', join(parentFile, 'out')]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, `bcnmf: --out ${join(parentFile, 'out')}: ${parentFile} is not a folder\n`, 'one line, and no progress: no work was done');
    assert.equal(readFileSync(parentFile, 'utf8'), 'x');
  });
});
