import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BcnmfModel } from '@bcnmf/core';
import { InterruptedError } from '../src/errors.js';
import { parseAlphaGrid, parseKList } from '../src/commands/select.js';
import { planted, readCsv, readJson, run, tempDir, writeTable } from './helpers.js';

const { dir, remove } = tempDir('consensus');
after(remove);
const data = planted(3, 24, 20, 10);
const target = join(dir, 'target.csv');
const background = join(dir, 'background.csv');
writeTable(target, data.targetNames, data.features, data.target);
writeTable(background, data.backgroundNames, data.features, data.background);
const inputs = ['--target', target, '--background', background];
const small = ['--max-iter', '40', '--tol', '0'];

/** The rows of selection.csv without the columns that hold times. */
function tableWithoutTimes(path: string): string[][] {
  const { header, names, texts } = readCsv(path);
  const drop = new Set(['seconds']);
  return texts.map((row, i) => [names[i], ...row.filter((_, j) => !drop.has(header[j + 1]))]);
}

describe('bcnmf consensus', () => {
  it('writes the consensus model as fit does, with its topic tables, restarts and figure', async () => {
    const out = join(dir, 'c1');
    const r = await run(['consensus', ...inputs, '--k', '2', '--alpha', '1', '--restarts', '4', ...small, '--density-threshold', '2', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^bcnmf consensus: k 2, alpha 1, frobenius loss: 4 restarts in /);
    assert.match(r.out, /stability -?[0-9.]+ \(silhouette of 8 restart topics in 2 clusters; 0 of 8 dropped by the outlier filter, density >= 2, 1 neighbours\)/);
    for (const file of ['W.csv', 'H_target.csv', 'H_background.csv', 'topics.csv', 'report.md', 'report.html', 'figures/scores.svg', 'model.json', 'history.csv', 'consensus-topics.csv', 'restart-topics.csv', 'restarts.csv', 'consensus.svg', 'consensus.json']) {
      assert.ok(existsSync(join(out, file)), file);
    }
    // one line per finished restart on a non-terminal stderr
    assert.equal(r.errLines.filter((l) => /^bcnmf consensus: restart \d\/4 done/.test(l)).length, 4);
    const model = BcnmfModel.load(readJson(join(out, 'model.json')));
    assert.deepEqual(model.W.shape, [2, 10]);
    assert.equal(model.settings.init, 'custom');
    const W = readCsv(join(out, 'W.csv'));
    // a row per feature, as bcnmf fit writes it
    assert.deepEqual(W.header, ['feature', 'topic_1', 'topic_2']);
    assert.equal(W.names.length, 10);
    W.values.forEach((row, j) => row.forEach((v, t) => assert.equal(Math.fround(v), model.W.get(t, j))));
    const summary = readJson(join(out, 'consensus.json'));
    assert.equal(summary.restarts, 4);
    assert.equal(summary.topics.length, 2);
    assert.equal(summary.restartScores.length, 4);
    const restartTopics = readCsv(join(out, 'restart-topics.csv'));
    assert.deepEqual(restartTopics.header, ['restart', 'topic', 'norm', 'density', 'kept', 'cluster', 'silhouette']);
    assert.equal(restartTopics.names.length, 8);
    const topics = readCsv(join(out, 'consensus-topics.csv'));
    assert.deepEqual(topics.names, ['topic_1', 'topic_2']);
    assert.equal(topics.texts.reduce((sum, row) => sum + Number(row[0]), 0), 8); // members
    const svg = readFileSync(join(out, 'consensus.svg'), 'utf8');
    assert.equal((svg.match(/<rect class="bar" data-series="reproducibility"/g) ?? []).length, 2);
    // the saved model works with the other commands
    const topicsRun = await run(['topics', '--model', join(out, 'model.json')]);
    assert.equal(topicsRun.code, 0, topicsRun.err);
    // --json prints the summary
    const json = await run(['consensus', ...inputs, '--k', '2', '--alpha', '1', '--restarts', '3', ...small, '--out', join(dir, 'c2'), '--json', '--quiet']);
    assert.equal(json.code, 0, json.err);
    assert.equal(JSON.parse(json.out).restarts, 3);
    assert.equal(json.err, '');
  });

  it('refuses bad input before any work, and leaves no folder', async () => {
    const out = join(dir, 'refused');
    const cases: [string[], RegExp][] = [
      [['--k', '1', '--alpha', '1'], /--k must be at least 2 for a consensus/],
      [['--k', '2', '--alpha', '1', '--restarts', '1'], /--restarts must be an integer >= 2, got '1'/],
      [['--k', '2', '--alpha', '1', '--n-starts', '3'], /--n-starts does not apply to consensus: its starts are --restarts/],
      [['--k', '2', '--alpha', '1', '--init', 'nndsvd'], /--init does not apply to consensus/],
      [['--k', '2', '--alpha', '1', '--density-threshold', '0'], /--density-threshold must be > 0/],
      [['--k', '2', '--alpha', '1', '--neighbour-fraction', '2'], /--neighbour-fraction must be a number >= 0 and <= 1/],
      [['--k', '2'], /--alpha is required/],
      [['--k', '20', '--alpha', '1'], /k must be between 1 and min\(features, target samples\) = 10/],
    ];
    for (const [flags, pattern] of cases) {
      const r = await run(['consensus', ...inputs, ...flags, '--out', out]);
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.err}`);
      assert.match(r.err, pattern);
      assert.equal(existsSync(out), false);
    }
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    const r = await run(['consensus', ...inputs, '--k', '2', '--alpha', '1', '--out', full]);
    assert.equal(r.code, 2);
    assert.match(r.err, /exists and is not empty; pass --overwrite/);
    assert.deepEqual(readdirSync(full), ['keep.txt']);
  });

  it('Ctrl-C stops it with exit 130, one line and nothing written', async () => {
    const out = join(dir, 'interrupted');
    const controller = new AbortController();
    const lines: string[] = [];
    const r = await run(['consensus', ...inputs, '--k', '2', '--alpha', '1', '--restarts', '50', '--max-iter', '1000', '--tol', '0', '--out', out], {
      signal: controller.signal,
      err: (line) => {
        lines.push(line);
        if (line.includes('restart 2/50 done')) controller.abort(new InterruptedError('SIGINT'));
      },
    });
    assert.equal(r.code, 130);
    assert.equal(lines.pop(), 'bcnmf: interrupted (Ctrl-C); nothing was written');
    assert.equal(existsSync(out), false);
  });
});

describe('bcnmf select', () => {
  it('parses its grids', () => {
    assert.deepEqual(parseKList('2..5'), [2, 3, 4, 5]);
    assert.deepEqual(parseKList('8,2..3'), [2, 3, 8]);
    assert.throws(() => parseKList('1..3'), /every k must be at least 2/);
    assert.throws(() => parseKList('2..3,3'), /--k lists 3 twice/);
    assert.throws(() => parseKList('5..2'), /the range must go up/);
    assert.throws(() => parseKList('2,x'), /--k must be an integer, got 'x'/);
    assert.deepEqual(parseAlphaGrid('5,0,1'), [0, 1, 5]);
    assert.equal(parseAlphaGrid('auto'), 'auto');
    assert.throws(() => parseAlphaGrid('0,-1'), /--alpha must be a number >= 0, got '-1'/);
  });

  const grid = [...inputs, '--k', '2..3', '--alpha', '0,1', '--restarts', '3', ...small];

  it('runs a tiny grid: plan and estimate first, then the table, the plot, the cells and a recommendation', async () => {
    const out = join(dir, 's1');
    const r = await run(['select', ...grid, '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.errLines[1], /^bcnmf select: k 2, 3 x alpha 0, 1 \(4 cells\); 3 restarts per cell: 12 restart fits \+ 4 coefficient fits$/);
    assert.match(r.errLines[2], /^bcnmf select: about .* here \([0-9.]+ ms per iteration at k 3, timed just now/);
    assert.equal(r.errLines.filter((l) => /^bcnmf select: cell \d\/4 \(k \d, alpha \d\): stability/.test(l)).length, 4);
    assert.match(r.out, /^bcnmf select: 4 cells \(4 run now\), 3 restarts each, in /);
    assert.match(r.out, /recommended \(\*\): k \d, alpha 1: stability/);
    assert.match(r.out, /rule: the highest stability among the settings whose target error is within 10% of the smallest/);
    const table = readCsv(join(out, 'selection.csv'));
    assert.deepEqual(table.header.slice(0, 9), ['k', 'alpha', 'status', 'stability', 'target_error', 'background_error', 'score', 'top_enrichment', 'min_reproducibility']);
    assert.deepEqual(table.names, ['2', '2', '3', '3']);
    assert.equal(table.texts.filter((row) => row[table.header.indexOf('recommended') - 1] === 'yes').length, 1);
    const state = readJson(join(out, 'select.json'));
    assert.equal(state.generator, 'bcnmf select');
    assert.equal(state.settings.restarts, 3);
    assert.equal(state.result.cells, 4);
    assert.deepEqual(readdirSync(join(out, 'cells')).sort(), ['k2_alpha0', 'k2_alpha1', 'k3_alpha0', 'k3_alpha1']);
    const cell = readJson(join(out, 'cells', 'k3_alpha1', 'cell.json'));
    assert.equal(cell.status, 'done');
    assert.equal(BcnmfModel.load(readJson(join(out, 'cells', 'k3_alpha1', 'model.json'))).settings.k, 3);
    const svg = readFileSync(join(out, 'selection.svg'), 'utf8');
    assert.equal((svg.match(/<polyline /g) ?? []).length, 4);
    assert.equal((svg.match(/<circle class="highlight"/g) ?? []).length, 2);
  });

  it('an interrupted sweep keeps its finished cells; --resume runs only the rest and ends as a whole run does', async () => {
    const whole = join(dir, 's1'); // the whole run of the test above
    const out = join(dir, 's2');
    const controller = new AbortController();
    const lines: string[] = [];
    const r = await run(['select', ...grid, '--out', out], {
      signal: controller.signal,
      err: (line) => {
        lines.push(line);
        if (line.startsWith('bcnmf select: cell 1/4')) controller.abort(new InterruptedError('SIGINT'));
      },
    });
    assert.equal(r.code, 130);
    assert.equal(lines.pop(), `bcnmf: interrupted (Ctrl-C); 1 finished cell kept in ${out}: rerun the same command with --resume to continue`);
    assert.deepEqual(readdirSync(join(out, 'cells')), ['k2_alpha0']);
    assert.equal(existsSync(join(out, 'selection.csv')), false);
    const kept = statSync(join(out, 'cells', 'k2_alpha0', 'cell.json')).mtimeMs;

    // without --resume the folder is refused
    const refused = await run(['select', ...grid, '--out', out]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /exists and is not empty; pass --overwrite to replace an earlier output of bcnmf/);
    // --resume with other settings is refused, naming the setting
    const other = await run(['select', ...grid.map((a, i) => (grid[i - 1] === '--restarts' ? '4' : a)), '--out', out, '--resume']);
    assert.equal(other.code, 2);
    assert.match(other.err, /--resume: --restarts is 4 here but the sweep in the folder used 3/);
    const otherData = await run(['select', '--target', background, '--background', target, '--k', '2..3', '--alpha', '0,1', '--restarts', '3', ...small, '--out', out, '--resume']);
    assert.equal(otherData.code, 2);
    assert.match(otherData.err, /--resume: the target differs from the sweep's/);

    const resumed = await run(['select', ...grid, '--out', out, '--resume']);
    assert.equal(resumed.code, 0, resumed.err);
    assert.match(resumed.errLines[1], /12 restart fits|9 restart fits/);
    assert.match(resumed.errLines[1], /; 1 finished cell kept from /);
    assert.equal(resumed.errLines.filter((l) => /^bcnmf select: cell \d\/3 /.test(l)).length, 3);
    assert.match(resumed.out, /4 cells \(3 run now, 1 kept from the earlier run\)/);
    assert.equal(statSync(join(out, 'cells', 'k2_alpha0', 'cell.json')).mtimeMs, kept);
    assert.deepEqual(tableWithoutTimes(join(out, 'selection.csv')), tableWithoutTimes(join(whole, 'selection.csv')));

    // resuming a finished sweep with a larger grid runs only the new cells
    const grown = await run(['select', ...grid.map((a) => (a === '2..3' ? '2..4' : a)), '--out', out, '--resume', '--quiet']);
    assert.equal(grown.code, 0, grown.err);
    assert.match(grown.out, /6 cells \(2 run now, 4 kept from the earlier run\)/);
  });

  it('an interrupt before the first cell leaves nothing; --resume refuses a folder that is not a sweep; --overwrite replaces one', async () => {
    const out = join(dir, 's3');
    const controller = new AbortController();
    const lines: string[] = [];
    const r = await run(['select', ...grid, '--out', out], {
      signal: controller.signal,
      err: (line) => {
        lines.push(line);
        if (line.includes('about')) controller.abort(new InterruptedError('SIGINT'));
      },
    });
    assert.equal(r.code, 130);
    assert.equal(lines.pop(), 'bcnmf: interrupted (Ctrl-C); nothing was written');
    assert.equal(existsSync(out), false);

    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const resume = await run(['select', ...grid, '--out', foreign, '--resume']);
    assert.equal(resume.code, 2);
    assert.match(resume.err, /is not a bcnmf select folder \(no select\.json of bcnmf select\)/);
    const both = await run(['select', ...grid, '--out', foreign, '--resume', '--overwrite']);
    assert.equal(both.code, 2);
    assert.match(both.err, /--resume continues .* --overwrite replaces it: give one/);

    const replaced = await run(['select', ...grid.map((a) => (a === '0,1' ? '1' : a)), '--out', join(dir, 's1'), '--overwrite', '--quiet']);
    assert.equal(replaced.code, 0, replaced.err);
    assert.deepEqual(readdirSync(join(dir, 's1', 'cells')).sort(), ['k2_alpha1', 'k3_alpha1']);
  });

  it('--alpha auto sweeps the alphas one alpha path chooses, and a resume reuses them', async () => {
    const out = join(dir, 's4');
    const args = ['select', ...inputs, '--k', '2..3', '--alpha', 'auto', '--path-alphas', '0,1,4', '--clusters', '2', '--restarts', '3', ...small, '--out', out];
    const r = await run(args);
    assert.equal(r.code, 0, r.err);
    const line = r.errLines.find((l) => l.startsWith('bcnmf select: alpha auto:'));
    assert.match(line ?? '', /^bcnmf select: alpha auto: the path at k 2 \(alphas 0, 1, 4\) chose alphas 0, (1|4)$/);
    const state = readJson(join(out, 'select.json'));
    assert.deepEqual(state.autoAlpha.pathAlphas, [0, 1, 4]);
    assert.equal(readCsv(join(out, 'selection.csv')).names.length, 4);
    const again = await run([...args, '--resume']);
    assert.equal(again.code, 0, again.err);
    assert.equal(again.errLines.some((l) => l.startsWith('bcnmf select: alpha auto:')), false);
    assert.match(again.out, /4 cells \(0 run now, 4 kept from the earlier run\)/);
    const wrong = await run(['select', ...grid, '--clusters', '2', '--out', join(dir, 's5')]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /--clusters goes with --alpha auto/);
  });
});
