import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { lineChartSvg } from '../src/svg.js';

// A tiny run of the benchmark script (2 rounds): it must print its tables with median
// per-round ratios, their spread and the load, and write RESULTS.md and the SVG. Times
// are not checked (other processes share the machine).
it('pnpm bench --quick prints tables with ratios and writes RESULTS.md and iteration.svg', () => {
  const out = mkdtempSync(join(tmpdir(), 'bcnmf-bench-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const run = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'src/bench.ts', '--quick', '--suites', 'iteration,nmf,memory', '--losses', 'frobenius', '--backends', 'cpu', '--out', out],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', env, timeout: 120_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const stdout = run.stdout;
    assert.match(stdout, /\| loss \| features \| samples \(each\) \| k \| implementation \| ms \/ iteration \| ratio to NumPy \(median\) \| ratio spread \(min–max\) \| rounds \| peak RSS MB \| load \|/);
    // one bcnmf row per size, each with a time (median over --quick's 2 rounds), the median
    // per-round ratio and its min–max (or n/a and nothing without python3, or where no round
    // gave a ratio), the rounds that gave one, a peak RSS and the load at the start → end
    const number = String.raw`-?\d+(?:\.\d+)?`;
    const ratioCells = String.raw`(?:${number} \| ${number}–${number} \| [12]/2|n/a \|  \| 0/2)`;
    const load = String.raw`\d+\.\d\d → \d+\.\d\d`;
    const rows = stdout.split('\n').filter((l) => l.startsWith('| frobenius | 100 |') && l.includes('bcnmf, backend cpu'));
    assert.equal(rows.length, 2, stdout);
    // a time per iteration is a difference of two fits: at this tiny size noise can make it negative
    for (const row of rows) assert.match(row, new RegExp(String.raw`\| ${number} \| ${ratioCells} \| \d+ \| ${load} \|$`));
    assert.match(stdout, new RegExp(String.raw`\| 200 x 100 \| 5 \| @bcnmf/baselines nmf, backend cpu \| ${number} \| ${ratioCells} \| \d+ \| ${load} \|`));
    assert.match(stdout, /\| frobenius \| \d+ \| \d+ \| \d+ \| [\d.]+ \| [\d.]+ \|/); // memory row
    assert.match(stdout, /Machine: .+, \d+ cores; Node v\d+/);
    const results = readFileSync(join(out, 'RESULTS.md'), 'utf8');
    assert.match(results, /^# Benchmark results/);
    assert.match(results, /Machine: /);
    assert.match(results, /ratio to NumPy \(median\)/);
    assert.match(results, /^Method: each configuration runs in 2 rounds, every implementation once per round/m);
    assert.match(results, /Machine: .+; load average [\d.]+, [\d.]+, [\d.]+/);
    const svg = readFileSync(join(out, 'iteration.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<polyline [^>]*points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"/); // two sample sizes, one line
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

it('pnpm bench refuses fewer than 5 rounds for a written RESULTS.md, before measuring anything', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const out = mkdtempSync(join(tmpdir(), 'bcnmf-bench-'));
  try {
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/bench.ts', '--rounds', '3', '--out', out], {
      cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', env, timeout: 60_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /--rounds 3: at least 5 rounds for written results \(pass --no-write to try fewer\)/);
    assert.equal(run.stdout, '');
    assert.deepEqual(readdirSync(out), []);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

it('the SVG plot puts larger values higher and further right', () => {
  const svg = lineChartSvg('t', 'x', 'y', [{ label: 'a & b', points: [[10, 1], [1000, 100]] }]);
  const [first, second] = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(second[0] > first[0] && second[1] < first[1]);
  assert.match(svg, /a &amp; b/);
});
