import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { lineChartSvg } from '../src/svg.js';

// A tiny run of the benchmark script: it must print its tables with ratios and write
// RESULTS.md and the SVG. Times are not checked (other processes share the machine).
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
    assert.match(stdout, /\| loss \| features \| samples \(each\) \| k \| implementation \| ms \/ iteration \| ratio to NumPy \| peak RSS MB \|/);
    // one bcnmf row per size, each with a time, a ratio (or n/a without python3) and a peak RSS
    const rows = stdout.split('\n').filter((l) => l.startsWith('| frobenius | 100 |') && l.includes('bcnmf, backend cpu'));
    assert.equal(rows.length, 2, stdout);
    // a time per iteration is a difference of two fits: at this tiny size noise can make it negative
    for (const row of rows) assert.match(row, /\| -?[\d.]+ \| (-?[\d.]+|n\/a) \| \d+ \|$/);
    assert.match(stdout, /\| 200 x 100 \| 5 \| @bcnmf\/baselines nmf, backend cpu \| -?[\d.]+ \| (-?[\d.]+|n\/a) \| \d+ \|/);
    assert.match(stdout, /\| frobenius \| \d+ \| \d+ \| \d+ \| [\d.]+ \| [\d.]+ \|/); // memory row
    assert.match(stdout, /Machine: .+, \d+ cores; Node v\d+/);
    const results = readFileSync(join(out, 'RESULTS.md'), 'utf8');
    assert.match(results, /^# Benchmark results/);
    assert.match(results, /Machine: /);
    assert.match(results, /ratio to NumPy/);
    const svg = readFileSync(join(out, 'iteration.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<polyline [^>]*points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"/); // two sample sizes, one line
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
