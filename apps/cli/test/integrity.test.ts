// Issue #17, "nothing lost, nothing silently wrong": each failure it lists, run again the
// same way, ends with a clear message, the right exit code and nothing lost or
// half-written.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { BcnmfModel, DenseMatrix } from '@bcnmf/core';
import { h5adResultsKeyClashes, readDelimited, writeH5ad } from '@bcnmf/data';
import { spreadsheetSafe, spreadsheetText } from '../src/format.js';
import { numberListOption, numberOption } from '../src/options.js';
import { OUTPUT_MARKER } from '../src/output.js';
import { assertFinite, matrixCsv } from '../src/results.js';
import { planted, readJson, run, tempDir, writeTable } from './helpers.js';

const { dir, remove } = tempDir('integrity');
after(() => remove());

const p = planted(3, 16, 14, 8);
const target = join(dir, 'target.csv');
const background = join(dir, 'background.csv');
writeTable(target, p.targetNames, p.features, p.target);
writeTable(background, p.backgroundNames, p.features, p.background);
const fitArgs = (out: string, ...extra: string[]) =>
  ['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--max-iter', '20', '--out', out, ...extra];

/** No progress line on stderr: the command stopped before any fit began. */
function noWorkDone(err: string): void {
  assert.doesNotMatch(err, /iteration \d+\//, 'no fit was started');
}

/** A copy of a CSV table with one cell replaced (data row `row`, feature column `column`, both 0-based). */
function withCell(path: string, row: number, column: number, text: string): string {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const cells = lines[row + 1].split(',');
  cells[column + 1] = text;
  lines[row + 1] = cells.join(',');
  const out = join(dir, `cell-${row}-${column}-${text.replace(/\W/g, '_')}.csv`);
  writeFileSync(out, lines.join('\n') + '\n');
  return out;
}

describe('overflow is refused before work, divergence is an error (item 2)', () => {
  for (const [value, why] of [['1e39', /beyond float32/], ['1e30', /above 1\.00e\+15, beyond which this loss's float32 sums overflow/]] as const) {
    it(`a CSV cell of ${value}: exit 2 naming the row and column, no output`, async () => {
      const out = join(dir, `big-${value}`);
      const r = await run(['fit', '--target', withCell(target, 2, 3, value), '--background', background, '--k', '2', '--alpha', '1', '--out', out]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.errLines[r.errLines.length - 1], new RegExp(`^bcnmf: target has the value 1e\\+${value.slice(2)} at row 2 \\(sample 't3'\\), column 3 \\(feature 'f4'\\)`));
      assert.match(r.err, why);
      noWorkDone(r.err);
      assert.equal(existsSync(out), false);
    });
  }

  it('--alpha 1e300 is refused (exit 2); an alpha that overflows the score diverges (exit 1, one line), never a model of NaNs', async () => {
    const huge = await run(fitArgs(join(dir, 'alpha-huge')).map((a) => (a === '1' ? '1e300' : a)));
    assert.equal(huge.code, 2, huge.err);
    assert.match(huge.err, /alpha must be at most 3\.40e\+38 \(float32\), got 1e\+300/);
    const out = join(dir, 'diverged');
    const r = await run(['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1e38', '--max-iter', '50', '--out', out, '--quiet']);
    assert.equal(r.code, 1, r.err);
    assert.equal(r.errLines.length, 1, r.err);
    assert.match(r.err, /^bcnmf: the fit diverged at iteration \d+: .* try: scale the data down .*; lower alpha \(now 1e\+38\)/);
    assert.equal(existsSync(out), false);
  });

  it('the writer refuses NaN and Infinity (exit 1 through main), naming the file and the place', () => {
    const m = DenseMatrix.fromRows([[1, 2], [3, NaN]], { rowNames: ['a', 'b'], columnNames: ['x', 'y'] });
    assert.throws(() => matrixCsv(m, 'sample', 'H_target.csv'), /refusing to write H_target\.csv: it would hold NaN \(row 2, column 2\); nothing was written/);
    assert.throws(() => assertFinite([1, Infinity], 0, 'history.csv'), /history\.csv: it would hold Infinity \(value 2\)/);
    assert.equal(matrixCsv(DenseMatrix.fromRows([[1, 0.5]], { rowNames: ['a'], columnNames: ['x', 'y'] }), 'sample'), 'sample,x,y\na,1,0.5\n');
  });
});

describe('a tampered model is refused by transform and topics (item 3)', () => {
  const modelDir = join(dir, 'model');
  const tampered: [string, (m: any) => void, RegExp][] = [
    ['settings.damping = "abc"', (m) => { m.settings.damping = 'abc'; }, /settings\.damping must be in \(0, 1\], got "abc"/],
    ['settings.damping = 0', (m) => { m.settings.damping = 0; }, /settings\.damping must be in \(0, 1\], got 0/],
    ['W[0][0] = 1e39', (m) => { m.W[0][0] = 1e39; }, /W\[0\]\[0\] must be a finite non-negative number that float32 holds, got 1e\+39/],
    ['loss: "evil"', (m) => { m.settings.loss = 'evil'; }, /settings\.loss must be 'frobenius' or 'poisson', got "evil"/],
    ['eps: -1', (m) => { m.settings.eps = -1; }, /settings\.eps must be a number > 0/],
    ['settings.k = 2e9 (named only after W has k rows: no 2e9 names allocated)', (m) => { m.settings.k = 2e9; }, /W has 2 rows but settings\.k is 2000000000/],
    ['Htarget[1][0] = "NaN"', (m) => { m.Htarget[1][0] = 'NaN'; }, /Htarget\[1\]\[0\] must be a finite non-negative number/],
  ];
  for (const [what, change, message] of tampered) {
    it(`${what}: exit 2 naming the field, for transform and for topics`, async () => {
      if (!existsSync(modelDir)) assert.equal((await run(fitArgs(modelDir, '--quiet'))).code, 0);
      const json = readJson(join(modelDir, 'model.json'));
      change(json);
      const path = join(dir, `tampered-${what.replace(/\W/g, '_')}.json`);
      writeFileSync(path, JSON.stringify(json));
      const out = join(dir, `tampered-${what.replace(/\W/g, '_')}.csv`);
      const t = await run(['transform', '--model', path, '--input', target, '--out', out]);
      assert.equal(t.code, 2, t.err);
      assert.equal(t.errLines.length, 1, t.err);
      assert.match(t.err, message);
      assert.equal(existsSync(out), false);
      const topics = await run(['topics', '--model', path]);
      assert.equal(topics.code, 2, topics.err);
      assert.match(topics.err, message);
      assert.equal(topics.out, '');
    });
  }
});

describe('--overwrite replaces only an earlier output of bcnmf (item 4)', () => {
  it('a folder of someone else\'s files is refused even with --overwrite, naming them, and left as it was', async () => {
    const folder = join(dir, 'somefolder');
    mkdirSync(join(folder, 'projects'), { recursive: true });
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    writeFileSync(join(folder, 'projects', 'main.c'), 'int main() {}');
    const r = await run(fitArgs(folder, '--overwrite'));
    assert.equal(r.code, 2);
    assert.match(r.err, /is not an output folder of bcnmf \(it has no bcnmf-output\.json\); --overwrite replaces only those, and here it would delete 2 files \('notes\.txt', 'projects\/main\.c'\)/);
    noWorkDone(r.err);
    assert.equal(readFileSync(join(folder, 'notes.txt'), 'utf8'), 'mine');
    assert.equal(readFileSync(join(folder, 'projects', 'main.c'), 'utf8'), 'int main() {}');
  });

  it('an earlier output is replaced; one a file was added to is refused, naming the file', async () => {
    const out = join(dir, 'earlier');
    assert.equal((await run(fitArgs(out, '--quiet'))).code, 0);
    const marker = readJson(join(out, OUTPUT_MARKER));
    assert.equal(marker.generator, '@bcnmf/cli');
    assert.equal(marker.command, 'bcnmf fit');
    const again = await run(fitArgs(out, '--quiet', '--overwrite', '--seed', '7'));
    assert.equal(again.code, 0, again.err);
    assert.equal(readJson(join(out, 'model.json')).settings.seed, 7);
    writeFileSync(join(out, 'my-notes.md'), 'keep me');
    const refused = await run(fitArgs(out, '--quiet', '--overwrite'));
    assert.equal(refused.code, 2);
    assert.match(refused.err, /holds 1 file that bcnmf did not write \('my-notes\.md'\); --overwrite would delete them/);
    assert.equal(readFileSync(join(out, 'my-notes.md'), 'utf8'), 'keep me');
  });
});

describe('output paths are checked before any work (item 5)', () => {
  const cases: [string, string, RegExp][] = [
    ['an empty --out', '', /^bcnmf: --out is empty; give a path$/],
    ['--out /proc/x (cannot be written)', '/proc/x', /^bcnmf: --out \/proc\/x: cannot write in \/proc \(E[A-Z]+\)$/],
    ['--out dir/.. (the current folder)', join(relative(process.cwd(), dir) || '.', '..', relative(join(dir, '..'), process.cwd()) || '.'), /is the current folder; give a new folder/],
    ['--out . (the current folder)', '.', /^bcnmf: --out \. is the current folder; give a new folder for the results$/],
    ['--out ~ (the home folder)', homedir(), /is (your home folder|a folder above the current folder); give a new folder/],
    ['--out / (above everything)', '/', /is a folder above (the current folder|your home folder)|is the root folder/],
    ['--out an input file', target, /is the input .*target\.csv; writing there would replace it|exists and is not a folder/],
    ['--out the folder that holds the inputs', dir, /holds the input .*target\.csv; writing there would replace it/],
  ];
  for (const [what, out, message] of cases) {
    it(`${what}: exit 2 at once, nothing touched`, async () => {
      if (what.includes('/proc') && !existsSync('/proc')) return;
      const before = readdirSync(dir).sort();
      const r = await run(fitArgs(out, '--overwrite'));
      assert.equal(r.code, 2, r.err);
      assert.equal(r.errLines.length, 1, r.err);
      assert.match(r.err, message);
      noWorkDone(r.err);
      assert.deepEqual(readdirSync(dir).sort(), before);
    });
  }

  it('transform and compare refuse an --out that is one of their inputs', async () => {
    const model = join(dir, 'model-for-out');
    assert.equal((await run(fitArgs(model, '--quiet'))).code, 0);
    const t = await run(['transform', '--model', model, '--input', target, '--out', target, '--overwrite']);
    assert.equal(t.code, 2);
    assert.match(t.err, /--out .*target\.csv is the input .*target\.csv; writing there would replace it/);
    const c = await run(['compare', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--out', background, '--overwrite']);
    assert.equal(c.code, 2);
    assert.match(c.err, /is the input .*background\.csv/);
    assert.equal(statSync(target).size > 0, true);
  });
});

describe('the smaller defects (item 7)', () => {
  const split = join(dir, 'split.csv');
  const rows = p.target.map((r, i) => [`s${i}`, i % 2 ? 'x' : 'y', i < 8 ? 'u' : 'v', ...r.map(String)].join(','));
  writeFileSync(split, ['sample,constructor,B,' + p.features.join(','), ...rows].join('\n') + '\n');

  it('--split-by nosuch names the missing column and the columns that exist (not "B is not a number")', async () => {
    const r = await run(['fit', '--input', split, '--split-by', 'nosuch', '--target-values', 'x', '--background-values', 'y', '--k', '2', '--alpha', '1', '--out', join(dir, 'nosuch')]);
    assert.equal(r.code, 2);
    assert.equal(r.err, `bcnmf: --split-by nosuch: ${split} has no column 'nosuch'; its columns are 'constructor', 'B', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'`);
  });

  it('a column named constructor (an Object.prototype key) is found', async () => {
    const r = await run(['fit', '--input', split, '--split-by', 'constructor', '--target-values', 'x', '--background-values', 'y', '--features', '^f',
      '--k', '2', '--alpha', '1', '--max-iter', '10', '--out', join(dir, 'constructor'), '--quiet']);
    assert.equal(r.code, 0, r.err);
    const labels = await run(['compare', '--input', split, '--split-by', 'B', '--target-values', 'u', '--background-values', 'v', '--features', '^f',
      '--label-column', 'constructor', '--k', '2', '--alpha', '1', '--max-iter', '10', '--methods', 'pca', '--quiet']);
    assert.equal(labels.code, 0, labels.err);
  });

  it('numeric flags take decimal and exponent notation only: --k 0x2 and --alpha 0b1 are refused, as the CSV reader refuses 0x10', async () => {
    for (const [flag, value] of [['--k', '0x2'], ['--alpha', '0b1'], ['--max-iter', '1_000'], ['--tol', 'Infinity'], ['--seed', '']]) {
      const args = fitArgs(join(dir, 'flags')).map((a, i, all) => (all[i - 1] === flag ? value : a));
      if (!args.includes(flag)) args.push(flag, value);
      const r = await run(args);
      assert.equal(r.code, 2, `${flag} ${value}: ${r.err}`);
      assert.match(r.err, new RegExp(`^bcnmf: ${flag} must be (an integer|a number)`));
    }
    assert.equal(numberOption('--alpha', '2.5e-1', 0), 0.25);
    assert.deepEqual(numberListOption('--alphas', '0,0.5,1'), [0, 0.5, 1]);
    assert.deepEqual(numberListOption('--alphas', '0..3'), [0, 1, 2, 3]);
    assert.throws(() => numberListOption('--alphas', '0,0x2'), /^UsageError: --alphas: '0x2' is not a number/);
    const hex = withCell(target, 0, 0, '0x10');
    const csv = await run(['fit', '--target', hex, '--background', background, '--k', '2', '--alpha', '1', '--out', join(dir, 'hex')]);
    assert.equal(csv.code, 2);
    assert.match(csv.err, /line 2, column 2 "f1": "0x10" is not a number/);
  });

  it('repeated feature names are refused (or renamed on request, with a warning); repeated sample names are kept apart with a warning', async () => {
    const features = ['f0', 'f0', 'f1'];
    const rowsOf = (n: number, shift: number) => Array.from({ length: n }, (_, i) => [1 + ((i + shift) % 3), 2 + (i % 2), 1 + ((i * 7) % 5) / 5]);
    const dupTarget = join(dir, 'dup-target.csv');
    const dupBackground = join(dir, 'dup-background.csv');
    writeTable(dupTarget, ['a', 'a', 'b', 'c', 'a_2', 'd'], features, rowsOf(6, 0));
    writeTable(dupBackground, ['e', 'f', 'g', 'h', 'i', 'j'], features, rowsOf(6, 1));
    const refused = await run(['fit', '--target', dupTarget, '--background', dupBackground, '--k', '1', '--alpha', '1', '--out', join(dir, 'dup')]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /dup-target\.csv: feature names repeat \('f0' 2 times\); give each feature its own name, or pass --make-features-unique/);
    noWorkDone(refused.err);
    const out = join(dir, 'dup');
    const made = await run(['fit', '--target', dupTarget, '--background', dupBackground, '--k', '1', '--alpha', '1', '--max-iter', '10', '--out', out, '--make-features-unique', '--quiet']);
    assert.equal(made.code, 0, made.err);
    assert.match(made.err, /warning: .*dup-target\.csv: feature names repeat \('f0' 2 times\); the repeats were renamed/);
    assert.match(made.err, /warning: .*dup-target\.csv: sample names repeat \('a' 2 times\); each row is kept/);
    const H = await readDelimited(join(out, 'H_target.csv'));
    assert.deepEqual(H.matrix.rowNames, ['a', 'a_3', 'b', 'c', 'a_2', 'd'], 'every row has its own name, none taken twice');
    const W = await readDelimited(join(out, 'W.csv'));
    assert.deepEqual(W.matrix.rowNames, ['f0', 'f0_2', 'f1'], 'W.csv has a row per feature');
    // transform takes the model back: its features are unique
    const renamed = join(dir, 'renamed.csv');
    writeTable(renamed, ['x', 'y'], ['f0', 'f0_2', 'f1'], rowsOf(2, 0));
    const t = await run(['transform', '--model', out, '--input', renamed, '--out', join(dir, 'renamed-H.csv'), '--quiet']);
    assert.equal(t.code, 0, t.err);
  });

  it('refitting an .h5ad that bcnmf wrote is refused before the fit; --key NAME adds the results under another name', async () => {
    const h5 = join(dir, 'cells.h5ad');
    const X = DenseMatrix.fromRows([...p.target, ...p.background], { rowNames: [...p.targetNames, ...p.backgroundNames], columnNames: p.features });
    const condition = [...p.targetNames.map(() => 't'), ...p.backgroundNames.map(() => 'b')];
    await writeH5ad(h5, { X, obs: { condition } });
    const split5 = ['--input', h5, '--split-by', 'condition', '--target-values', 't', '--background-values', 'b', '--k', '2', '--alpha', '1', '--max-iter', '10'];
    const first = join(dir, 'h5-first');
    assert.equal((await run(['fit', ...split5, '--out', first, '--quiet'])).code, 0);
    const output = join(first, 'cells.bcnmf.h5ad');
    const refit = await run(['fit', ...split5.map((a) => (a === h5 ? output : a)), '--out', join(dir, 'h5-refit')]);
    assert.equal(refit.code, 2);
    assert.match(refit.err, /cells\.bcnmf\.h5ad already holds results under the key 'bcnmf' \(obsm\['X_bcnmf'\], varm\['bcnmf_W'\], uns\['bcnmf'\]\); pass --key NAME/);
    noWorkDone(refit.err);
    const keyed = join(dir, 'h5-keyed');
    const ok = await run(['fit', ...split5.map((a) => (a === h5 ? output : a)), '--out', keyed, '--key', 'run2', '--quiet']);
    assert.equal(ok.code, 0, ok.err);
    const written = join(keyed, readdirSync(keyed).find((f) => f.endsWith('.h5ad'))!);
    assert.deepEqual(await h5adResultsKeyClashes(written, 'bcnmf'), ["obsm['X_bcnmf']", "varm['bcnmf_W']", "uns['bcnmf']"]);
    assert.deepEqual(await h5adResultsKeyClashes(written, 'run2'), ["obsm['X_run2']", "varm['run2_W']", "uns['run2']"]);
    const badKey = await run(['fit', ...split5, '--out', join(dir, 'h5-badkey'), '--key', 'a/b']);
    assert.equal(badKey.code, 2);
    assert.match(badKey.err, /--key must be 1 to 64 letters, digits/);
  });

  it('names a spreadsheet would run are written guarded, and read back unchanged by --init-from', async () => {
    const names = ['=HYPERLINK("http://example.com","x")', '+1', '-2', '@SUM(A1)', "'=already", 'plain'];
    assert.deepEqual(names.map(spreadsheetSafe).map(spreadsheetText), names);
    const injected = join(dir, 'injected.csv');
    const lines = ['sample,f1,f2', ...names.map((n, i) => `${JSON.stringify(n).replace(/\\"/g, '""')},${1 + i},${2 + (i % 3)}`)];
    writeFileSync(injected, lines.join('\n') + '\n');
    const bg = join(dir, 'injected-bg.csv');
    writeTable(bg, ['u', 'v', 'w', 'z'], ['f1', 'f2'], [[1, 2], [2, 1], [3, 3], [1, 1]]);
    const out = join(dir, 'injected-out');
    const r = await run(['fit', '--target', injected, '--background', bg, '--k', '1', '--alpha', '1', '--max-iter', '10', '--out', out, '--quiet']);
    assert.equal(r.code, 0, r.err);
    const text = readFileSync(join(out, 'H_target.csv'), 'utf8');
    for (const line of text.trimEnd().split('\n').slice(1)) assert.doesNotMatch(line, /^"?[=+\-@]/, `a line a spreadsheet would run: ${line}`);
    assert.match(text, /^"'=HYPERLINK\(""http:\/\/example\.com"",""x""\)",/m);
    const again = await run(['fit', '--target', injected, '--background', bg, '--alpha', '1', '--max-iter', '5', '--init-from', out, '--out', join(dir, 'injected-again'), '--quiet']);
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(BcnmfModel.load(readJson(join(dir, 'injected-again', 'model.json'))).Htarget.rowNames, names);
  });

  it('a truncated .h5ad is one line saying so (exit 2), with HDF5\'s own text under --debug', async () => {
    const h5 = join(dir, 'truncated.h5ad');
    await writeH5ad(h5, { X: DenseMatrix.fromRows(p.target, { rowNames: p.targetNames, columnNames: p.features }) });
    const size = statSync(h5).size;
    truncateSync(h5, Math.floor(size * 0.6));
    const r = await run(['fit', '--target', h5, '--background', background, '--k', '2', '--alpha', '1', '--out', join(dir, 'trunc')]);
    assert.equal(r.code, 2);
    assert.equal(r.errLines.length, 1, r.err);
    assert.match(r.err, new RegExp(`truncated\\.h5ad: cannot read this \\.h5ad file: it is truncated: [\\d,]+ bytes of the ${size.toLocaleString('en-US')} its HDF5 header declares`));
    const debug = await run(['fit', '--target', h5, '--background', background, '--k', '2', '--alpha', '1', '--out', join(dir, 'trunc'), '--debug']);
    assert.match(debug.err, /caused by: .*HDF5/);
  });
});
