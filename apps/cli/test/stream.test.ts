// bcnmf fit --stream: the inputs read in batches from their files, never whole. The
// reference is the same minibatch fit of the same data loaded in memory (--batch-size
// without --stream): the two must give the same results, and every input the streamed
// path cannot honour is refused before any work.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { BcnmfModel, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { writeH5ad } from '@bcnmf/data';
import { InterruptedError } from '../src/errors.js';
import { planted, readCsv, readJson, run, tempDir, writeTable, writeTenxFolder } from './helpers.js';

const p = planted(11, 90, 70, 12);
const FIT = ['--k', '3', '--alpha', '0.5', '--max-iter', '40', '--seed', '2', '--batch-size', '16', '--backend', 'cpu', '--quiet'];

function maxDifference(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  let most = 0;
  a.forEach((row, i) => row.forEach((v, j) => (most = Math.max(most, Math.abs(v - b[i][j])))));
  return most;
}

function matrixOf(rows: number[][], rowNames: string[], columnNames: string[]): DenseMatrix {
  return DenseMatrix.fromRows(rows, { rowNames, columnNames });
}

/** A target and a background of `features` columns, CSR, with names: row i holds i mod 7 + 1 on two features. */
function bigPair(targetRows: number, backgroundRows: number, features: number): { target: CsrMatrix; background: CsrMatrix } {
  const make = (rows: number, prefix: string, shift: number): CsrMatrix => {
    const data = new Float64Array(rows * features);
    for (let i = 0; i < rows; i++) {
      data[i * features + (i % features)] = (i % 7) + 1;
      data[i * features + ((i + shift) % features)] += 1 + (i % 3);
    }
    const dense = new DenseMatrix({
      data,
      shape: [rows, features],
      rowNames: Array.from({ length: rows }, (_, i) => `${prefix}${i}`),
      columnNames: Array.from({ length: features }, (_, j) => `g${j}`),
    });
    return CsrMatrix.fromDense(dense);
  };
  return { target: make(targetRows, 't', 1), background: make(backgroundRows, 'b', 2) };
}

describe('bcnmf fit --stream', () => {
  let dir: string;
  let remove: () => void;
  const at = (name: string) => join(dir, name);
  before(async () => {
    ({ dir, remove } = tempDir('stream'));
    writeTable(at('target.csv'), p.targetNames, p.features, p.target);
    writeTable(at('background.csv'), p.backgroundNames, p.features, p.background);
    const t = matrixOf(p.target, p.targetNames, p.features);
    const b = matrixOf(p.background, p.backgroundNames, p.features);
    await writeH5ad(at('target.h5ad'), { X: CsrMatrix.fromDense(t) });
    await writeH5ad(at('background.h5ad'), { X: CsrMatrix.fromDense(b) });
    await writeH5ad(at('background-dense.h5ad'), { X: b });
    writeFileSync(at('labels.csv'), ['sample,group', ...p.targetNames.map((n, i) => `${n},${p.groups[i]}`)].join('\n') + '\n');
  });
  after(() => remove());

  const fit = async (name: string, inputs: string[], extra: string[] = []) => {
    const result = await run(['fit', ...inputs, ...FIT, ...extra, '--out', at(name), '--json']);
    assert.equal(result.code, 0, result.err);
    return { result, summary: JSON.parse(result.out) };
  };
  const h5adInputs = () => ['--target', at('target.h5ad'), '--background', at('background.h5ad')];

  it('.h5ad inputs: the same W, H, history and checks as the minibatch fit of the data in memory, and copies of the inputs with the results', async () => {
    const streamed = await fit('h5ad-stream', h5adInputs(), ['--stream']);
    const loaded = await fit('h5ad-loaded', h5adInputs());
    assert.equal(streamed.summary.stream, true);
    assert.equal(loaded.summary.stream, false);
    assert.equal(streamed.summary.batchSize, 16);
    for (const file of ['W.csv', 'H_target.csv', 'H_background.csv', 'history.csv']) {
      const a = readCsv(join(at('h5ad-stream'), file));
      const b = readCsv(join(at('h5ad-loaded'), file));
      assert.deepEqual(a.names, b.names, file);
      // the same float32 values from the same file: the same fit
      assert.equal(maxDifference(a.values, b.values), 0, file);
    }
    assert.deepEqual(streamed.summary.warnings, loaded.summary.warnings);
    assert.equal(streamed.summary.degenerate, loaded.summary.degenerate);
    assert.deepEqual(readCsv(join(at('h5ad-stream'), 'H_target.csv')).names, p.targetNames);
    // the .h5ad copies hold the coefficients under obsm['X_bcnmf']
    assert.ok(streamed.summary.files.includes('target.bcnmf.h5ad') && streamed.summary.files.includes('background.bcnmf.h5ad'));
    const model = BcnmfModel.load(readJson(join(at('h5ad-stream'), 'model.json')));
    const f = new h5wasm.File(join(at('h5ad-stream'), 'target.bcnmf.h5ad'), 'r');
    try {
      const embedding = (f.get('obsm/X_bcnmf') as any).value as Float32Array;
      assert.equal(embedding.length, p.target.length * 3);
      for (let i = 0; i < p.target.length; i++) assert.deepEqual(Array.from(embedding.slice(i * 3, i * 3 + 3)), Array.from(model.Htarget.row(i)));
    } finally {
      f.close();
    }
  });

  it('CSV inputs and a dense .h5ad background: the loaded fit within float32 rounding (streamed CSV is read as float32)', async () => {
    const streamed = await fit('csv-stream', ['--target', at('target.csv'), '--background', at('background-dense.h5ad')], ['--stream']);
    const loaded = await fit('csv-loaded', ['--target', at('target.csv'), '--background', at('background-dense.h5ad')]);
    for (const file of ['W.csv', 'H_target.csv', 'H_background.csv']) {
      const a = readCsv(join(at('csv-stream'), file)).values;
      const b = readCsv(join(at('csv-loaded'), file)).values;
      const scale = Math.max(...b.flat());
      assert.ok(maxDifference(a, b) <= 1e-3 * scale, `${file}: ${maxDifference(a, b)} (scale ${scale})`);
    }
    assert.ok(Math.abs(streamed.summary.finalScore - loaded.summary.finalScore) <= 1e-4 * Math.abs(loaded.summary.finalScore));
  });

  it('a 10x folder and a gzipped TSV, with --features and --align name, as the loaded fit with the same flags', async () => {
    const tenx = at('tenx');
    writeTenxFolder(tenx, p.targetNames, p.features, p.target);
    // the background's features reversed, one of them missing
    const order = [...p.features].reverse().filter((f) => f !== 'f3');
    // and a text column (an annotation), which --features leaves out
    const lines = [['sample', 'extra', ...order].join('\t'), ...p.background.map((row, i) => [p.backgroundNames[i], `note ${i}`, ...order.map((f) => String(row[p.features.indexOf(f)]))].join('\t'))];
    writeFileSync(at('background.tsv.gz'), gzipSync(lines.join('\n') + '\n'));
    const flags = ['--features', '^f', '--align', 'name'];
    const inputs = ['--target', tenx, '--background', at('background.tsv.gz')];
    const streamed = await fit('tenx-stream', inputs, ['--stream', ...flags]);
    const loaded = await fit('tenx-loaded', inputs, flags);
    const w = readCsv(join(at('tenx-stream'), 'W.csv'));
    assert.deepEqual(w.names, readCsv(join(at('tenx-loaded'), 'W.csv')).names);
    assert.equal(w.names.length, p.features.length - 1);
    assert.ok(!w.names.includes('f3') && !w.names.includes('extra'));
    for (const file of ['W.csv', 'H_target.csv', 'H_background.csv']) {
      // the topic columns: the loaded fit adds the text column after them, the streamed one reads no annotations
      const a = readCsv(join(at('tenx-stream'), file)).values.map((r) => r.slice(0, 3));
      const b = readCsv(join(at('tenx-loaded'), file)).values.map((r) => r.slice(0, 3));
      assert.ok(maxDifference(a, b) <= 1e-3 * Math.max(...b.flat()), `${file}: ${maxDifference(a, b)}`);
    }
    assert.deepEqual(readCsv(join(at('tenx-loaded'), 'H_background.csv')).header.slice(4), ['extra']);
    assert.deepEqual(readCsv(join(at('tenx-stream'), 'H_background.csv')).header.length, 4);
    assert.deepEqual(streamed.summary.target, loaded.summary.target);
  });

  it('--labels colours the report and gives its ARI', async () => {
    const { summary } = await fit('labels', h5adInputs(), ['--stream', '--labels', at('labels.csv')]);
    assert.ok(summary.files.includes('report.md'));
    assert.match(readFileSync(join(at('labels'), 'report.md'), 'utf8'), /against --labels labels\.csv: ARI /);
  });

  it('without labels, the report names the one way --stream takes them (--labels), not --label-column, which it refuses', async () => {
    await fit('no-labels', h5adInputs(), ['--stream']);
    const report = readFileSync(join(at('no-labels'), 'report.md'), 'utf8');
    assert.match(report, /No labels: give --labels FILE \(sample name, then label\) to colour the target/);
    assert.doesNotMatch(report, /label-column/);
  });

  it('all-zero samples and features of a streamed file are warned of, naming the file, as a loaded fit warns of them', async () => {
    const rows = p.target.map((row, i) => row.map((v, j) => (i === 4 || i === 17 || j === 2 ? 0 : v)));
    writeTable(at('target-zeros.csv'), p.targetNames, p.features, rows);
    const streamed = await fit('zeros-stream', ['--target', at('target-zeros.csv'), '--background', at('background.h5ad')], ['--stream']);
    assert.match(streamed.result.err, /warning: target \(.*target-zeros\.csv\) has 2 all-zero samples; their coefficients stay zero/);
    assert.match(streamed.result.err, /warning: target \(.*target-zeros\.csv\) has 1 all-zero feature\n/);
    const loaded = await fit('zeros-loaded', ['--target', at('target-zeros.csv'), '--background', at('background.h5ad')]);
    assert.match(loaded.result.err, /warning: target has 2 all-zero samples/);
  });

  it('a large fit: the report draws 20,000 evenly spaced samples and says so', async () => {
    const { target, background } = bigPair(24_000, 6_000, 6);
    await writeH5ad(at('big-target.h5ad'), { X: target });
    await writeH5ad(at('big-background.h5ad'), { X: background });
    const result = await run(['fit', '--target', at('big-target.h5ad'), '--background', at('big-background.h5ad'), '--k', '2', '--alpha', '0.5',
      '--max-iter', '3', '--batch-size', '5000', '--stream', '--backend', 'cpu', '--quiet', '--out', at('big')]);
    assert.equal(result.code, 0, result.err);
    assert.equal(readCsv(join(at('big'), 'H_target.csv')).names.length, 24_000);
    assert.match(readFileSync(join(at('big'), 'report.md'), 'utf8'), /\(20,000 of the 30,000 samples, evenly spaced\)/);
    assert.equal(readFileSync(join(at('big'), 'figures', 'embedding.svg'), 'utf8').split('<circle ').length - 1, 20_000);
  });

  it('refuses what it cannot honour before any work, creating nothing', async () => {
    const base = ['fit', '--k', '3', '--alpha', '1', '--stream', '--batch-size', '8'];
    const cases: [string[], RegExp][] = [
      [['fit', ...h5adInputs(), '--k', '3', '--alpha', '1', '--stream'], /--stream fits in minibatches: give --batch-size N as well/],
      [[...base, ...h5adInputs(), '--init-from', at('h5ad-stream')], /--init-from does not go with --stream/],
      [[...base, ...h5adInputs(), '--h5ad-out', at('x.h5ad')], /--h5ad-out does not go with --stream/],
      [[...base, '--input', at('target.h5ad'), '--split-by', 'g', '--target-values', 'A', '--background-values', 'B'], /--input does not go with --stream/],
      [[...base, ...h5adInputs(), '--layer', 'counts'], /--layer does not go with --stream: only X/],
      [[...base, ...h5adInputs(), '--use-raw'], /--use-raw does not go with --stream/],
      [[...base, ...h5adInputs(), '--impute', 'mean'], /--impute does not go with --stream/],
      [[...base, ...h5adInputs(), '--orientation', 'features-in-rows'], /--orientation features-in-rows does not go with --stream/],
      [[...base, '--target', at('nope.h5ad'), '--background', at('background.h5ad')], /nope\.h5ad: no such file or folder/],
      [[...base, ...h5adInputs(), '--labels', at('nope.csv')], /--labels .*nope\.csv: no such file/],
      [[...base, ...h5adInputs(), '--features', '^zzz'], /no feature name matches --features/],
      [[...base, '--target', at('target.csv'), '--background', at('background-dense.h5ad'), '--features', '^f[12]$'], /k must be between 1 and min\(features, target samples\) = 2, got 3/],
      [[...base, '--alpha', 'auto', ...h5adInputs()], /--stream does not go with --alpha auto/],
      [['fit', ...h5adInputs(), '--k', '3', '--alpha', 'auto', '--stream'], /--stream does not go with --alpha auto/],
    ];
    for (const [argv, expected] of cases) {
      const out = at('refused');
      const result = await run([...argv, '--out', out]);
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.err}`);
      assert.match(result.err, expected, argv.join(' '));
      assert.equal(existsSync(out), false, `${argv.join(' ')}: no output folder`);
    }
  });

  it('CSV files that hold features in rows are refused, not fitted the wrong way round', async () => {
    writeTable(at('target-t.csv'), p.targetNames, p.features, p.target, true);
    writeTable(at('background-t.csv'), p.backgroundNames, p.features, p.background, true);
    const result = await run(['fit', '--target', at('target-t.csv'), '--background', at('background-t.csv'), ...FIT, '--stream', '--out', at('transposed')]);
    assert.equal(result.code, 2, result.err);
    assert.match(result.err, /--stream reads samples in rows, and these CSV\/TSV files look like features in rows \(detected: .*\); if they hold samples in rows, say so with --orientation samples-in-rows; else transpose them, or fit without --stream/);
    assert.equal(existsSync(at('transposed')), false);
  });

  it('Ctrl-C while the inputs are opened stops the opening (exit 130), before any input is described', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const result = await run(['fit', '--target', at('target.csv'), '--background', at('background.csv'), '--k', '3', '--alpha', '0.5', '--batch-size', '16',
      '--stream', '--backend', 'cpu', '--out', at('aborted')], {
      signal: controller.signal,
      err: (line) => {
        lines.push(line);
        // as the SIGINT handler does, at the first moment it can
        if (/opening the inputs/.test(line)) controller.abort(new InterruptedError('SIGINT'));
      },
    });
    assert.equal(result.code, 130, lines.join('\n'));
    assert.equal(lines[lines.length - 1], 'bcnmf: interrupted (Ctrl-C); nothing was written');
    assert.ok(!lines.some((l) => /bcnmf fit: target /.test(l)), lines.join('\n'));
    assert.equal(existsSync(at('aborted')), false);
  });

  it('a bad value far into a streamed file stops the fit with exit 2, naming it, and writes nothing', async () => {
    const bad = p.target.map((row) => [...row]);
    bad[80][4] = -1;
    writeTable(at('target-negative.csv'), p.targetNames, p.features, bad);
    const negative = await run(['fit', '--target', at('target-negative.csv'), '--background', at('background.csv'), ...FIT, '--stream', '--out', at('negative')]);
    assert.equal(negative.code, 2, negative.err);
    assert.match(negative.err, /target \(.*target-negative\.csv\) has .*negative/i);
    assert.equal(existsSync(at('negative')), false);
    const missing = p.target.map((row) => row.map(String));
    missing[85][2] = 'NA';
    writeTable(at('target-missing.csv'), p.targetNames, p.features, missing as unknown as number[][]);
    const nan = await run(['fit', '--target', at('target-missing.csv'), '--background', at('background.csv'), ...FIT, '--stream', '--out', at('missing')]);
    assert.equal(nan.code, 2, nan.err);
    assert.match(nan.err, /target \(.*target-missing\.csv\) has a missing value \(NaN\)/);
    assert.equal(existsSync(at('missing')), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temporary sibling left');
  });
});
