// Entry points off the demo path (a hostile review of the commands other than fit):
// repeated flags, labels that cannot test an embedding, a transform that would write over
// its model, and values out of range, each refused before any work (exit 2).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planted, run, tempDir, writeTable } from './helpers.js';

let dir: string;
let remove: () => void;
const p = planted(3);
let target: string;
let background: string;
before(() => {
  ({ dir, remove } = tempDir('edges'));
  target = join(dir, 'target.csv');
  background = join(dir, 'background.csv');
  writeTable(target, p.targetNames, p.features, p.target);
  writeTable(background, p.backgroundNames, p.features, p.background);
});
after(() => remove());

const fitArgs = ['--k', '2', '--alpha', '1', '--max-iter', '10'];

describe('entry points off the demo path', () => {
  it('a flag that takes one value, given twice, is refused (the last one was kept silently)', async () => {
    const compare = await run(['compare', '--target', target, '--background', background, '--background', target, ...fitArgs]);
    assert.equal(compare.code, 2);
    assert.match(compare.err, /--background is given 2 times \(.*background\.csv, .*target\.csv\); compare takes one \(bcnmf help compare\)/);
    const alpha = await run(['compare', '--target', target, '--background', background, ...fitArgs, '--alpha', '2']);
    assert.match(alpha.err, /--alpha is given 2 times \(1, 2\); compare takes one/);
    const k = await run(['fit', '--target', target, '--background', background, ...fitArgs, '--k', '3', '--out', join(dir, 'never')]);
    assert.equal(k.code, 2);
    assert.match(k.err, /--k is given 2 times \(2, 3\); fit takes one/);
    assert.equal(existsSync(join(dir, 'never')), false);
    // fit's repeatable flags stay repeatable, and a switch twice is harmless
    const several = await run(['fit', '--target', target, '--background', background, '--background', background, '--k', '2', '--alpha', '1', '--alpha', '0.5',
      '--max-iter', '5', '--quiet', '--quiet', '--out', join(dir, 'two-backgrounds')]);
    assert.equal(several.code, 0, several.err);
    // demo, datasets and reproduce, which read their flags apart, too
    assert.match((await run(['demo', '--seed', '1', '--seed', '2'])).err, /--seed is given 2 times \(1, 2\); demo takes one/);
    assert.match((await run(['datasets', 'list', '--data-dir', dir, '--data-dir', target])).err, /--data-dir is given 2 times .*; datasets takes one/);
    const reproduce = await run(['reproduce', 'simulation', '--seeds', '1', '--seeds', '2', '--out', join(dir, 'never3')]);
    assert.equal(reproduce.code, 2);
    assert.match(reproduce.err, /--seeds is given 2 times; reproduce takes one/);
    // a missing input names the command's own help
    const missing = await run(['compare', '--target', target, ...fitArgs]);
    assert.match(missing.err, /give --target FILE and --background FILE, or --input FILE with --split-by \(bcnmf help compare\)/);
  });

  it('labels of one group, or one per sample, are refused: any clustering would score ARI 1', async () => {
    const write = (name: string, label: (i: number) => string) => {
      const path = join(dir, name);
      writeFileSync(path, ['sample,label', ...p.targetNames.map((s, i) => `${s},${label(i)}`)].join('\n') + '\n');
      return path;
    };
    const same = await run(['compare', '--target', target, '--background', background, ...fitArgs, '--labels', write('same.csv', () => 'A')]);
    assert.equal(same.code, 2);
    assert.match(same.err, /--labels .*same\.csv: the labels hold 1 distinct value \('A'\); an ARI needs at least 2 groups/);
    const unique = await run(['compare', '--target', target, '--background', background, ...fitArgs, '--labels', write('unique.csv', (i) => `c${i}`)]);
    assert.match(unique.err, new RegExp(`the labels hold a different value for each of the ${p.targetNames.length} samples; that is no grouping`));
    // fit only colours its report by labels: it warns, fits, and the report has no ARI
    const fit = await run(['fit', '--target', target, '--background', background, ...fitArgs, '--labels', join(dir, 'same.csv'), '--out', join(dir, 'one-group')]);
    assert.equal(fit.code, 0, fit.err);
    assert.match(fit.err, /warning: --labels same\.csv: the labels hold 1 distinct value \('A'\); an ARI needs at least 2 groups .*; the report shows no ARI/);
    assert.match(readFileSync(join(dir, 'one-group', 'report.md'), 'utf8'), /No labels: give/);
    // groups pass
    const groups = await run(['compare', '--target', target, '--background', background, ...fitArgs, '--methods', 'pca', '--labels', write('groups.csv', (i) => p.groups[i]), '--quiet']);
    assert.equal(groups.code, 0, groups.err);
  });

  it('transform --out onto the model file of the --model folder is refused, even with --overwrite; the model stays', async () => {
    const model = join(dir, 'model');
    const fit = await run(['fit', '--target', target, '--background', background, ...fitArgs, '--out', model, '--quiet']);
    assert.equal(fit.code, 0, fit.err);
    const before = readFileSync(join(model, 'model.json'), 'utf8');
    const r = await run(['transform', '--model', model, '--input', target, '--out', join(model, 'model.json'), '--overwrite']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--out .*model\.json is the input .*model\.json; writing there would replace it/);
    assert.equal(readFileSync(join(model, 'model.json'), 'utf8'), before);
    // a name that says another format than the CSV written is refused
    const json = await run(['transform', '--model', model, '--input', target, '--out', join(dir, 'h.json')]);
    assert.equal(json.code, 2);
    assert.match(json.err, /--out .*h\.json would hold CSV \(transform writes the coefficients as CSV\): name it \.csv/);
    assert.equal(existsSync(join(dir, 'h.json')), false);
    const gz = await run(['transform', '--model', model, '--input', target, '--out', join(dir, 'h.csv.gz')]);
    assert.match(gz.err, /h\.csv\.gz would hold CSV/);
  });

  it('a model fit with --make-features-unique transforms files with the same repeated names through transform --make-features-unique', async () => {
    const repeated = p.features.map((f, j) => (j === 3 ? p.features[2] : f));
    const t = join(dir, 'repeat-target.csv');
    const b = join(dir, 'repeat-background.csv');
    writeTable(t, p.targetNames, repeated, p.target);
    writeTable(b, p.backgroundNames, repeated, p.background);
    const model = join(dir, 'repeat-model');
    const fit = await run(['fit', '--target', t, '--background', b, ...fitArgs, '--make-features-unique', '--out', model, '--quiet']);
    assert.equal(fit.code, 0, fit.err);
    const without = await run(['transform', '--model', model, '--input', t, '--out', join(dir, 'repeat-h.csv')]);
    assert.equal(without.code, 2);
    assert.match(without.err, /does not fit the model: .*; its feature names repeat: if the model was fit with --make-features-unique, pass it here too/);
    const withFlag = await run(['transform', '--model', model, '--input', t, '--out', join(dir, 'repeat-h.csv'), '--make-features-unique']);
    assert.equal(withFlag.code, 0, withFlag.err);
    assert.match(withFlag.err, /warning: .*feature names repeat .*renamed/);
  });

  it('transform keeps each row of repeated sample names, named as fit names them, with fit\'s warning', async () => {
    const model = join(dir, 'model');
    const names = p.targetNames.map((s, i) => (i === 1 ? p.targetNames[0] : s));
    const input = join(dir, 'repeat-samples.csv');
    writeTable(input, names, p.features, p.target);
    const out = join(dir, 'repeat-samples-h.csv');
    const r = await run(['transform', '--model', model, '--input', input, '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, new RegExp(`warning: .*repeat-samples\\.csv: sample names repeat \\('${p.targetNames[0]}' 2 times\\); each row is kept, the repeats named name_2`));
    const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[0]);
    assert.deepEqual(rows.slice(0, 2), [p.targetNames[0], `${p.targetNames[0]}_2`]);
    assert.equal(rows.length, names.length);
  });

  it('a file the CLI cannot read as given says what to give instead: the 10x folder of a matrix.mtx, a name that tells the delimiter', async () => {
    const mtx = join(dir, 'matrix.mtx');
    writeFileSync(mtx, '%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 3\n');
    const r = await run(['fit', '--target', mtx, '--background', background, ...fitArgs, '--out', join(dir, 'never-mtx')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /matrix\.mtx is one file of a 10x folder: give the folder that holds it with its features\.tsv \(or genes\.tsv\) and barcodes\.tsv/);
    const spaced = join(dir, 'spaced.dat');
    writeFileSync(spaced, 'sample g1 g2\ns1 1 2\n');
    const d = await run(['fit', '--target', spaced, '--background', background, ...fitArgs, '--out', join(dir, 'never-dat')]);
    assert.equal(d.code, 2);
    assert.match(d.err, /spaced\.dat: cannot tell the delimiter .*; name the file \.csv \(commas\) or \.tsv \(tabs\)$/m);
    assert.doesNotMatch(d.err, /delimiter option/);
    const streamed = await run(['fit', '--target', spaced, '--background', spaced, ...fitArgs, '--stream', '--batch-size', '4', '--out', join(dir, 'never-dat2')]);
    assert.equal(streamed.code, 2);
    assert.match(streamed.err, /spaced\.dat: cannot tell the delimiter.*; name the file \.csv \(commas\) or \.tsv \(tabs\)$/m);
    assert.doesNotMatch(streamed.err, /options\.delimiter/);
  });

  it('demo --beta beyond 1e6 is refused naming --beta (near 1e300 the simulation overflowed with a message about counts)', async () => {
    const r = await run(['demo', '--beta', '1e300']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--beta must be a number >= 0 and <= 1000000, got '1e300'/);
  });
});
