import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

// A tiny run of the consensus benchmark, 1 round to keep it cheap (the rounds' order and
// ratios are unit-tested in rounds.test.ts): every row is measured and printed. Times are
// not checked (other processes share the machine).
it('src/consensus.ts measures every row at a tiny size', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const run = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'src/consensus.ts', '--sizes', '60', '--restarts', '4', '--max-iter', '3', '--rounds', '1', '--no-write'],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', env, timeout: 240_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const rows = run.stdout.split('\n').filter((l) => l.startsWith('| simulation (beta 2), 60 features x 60 + 60 samples'));
  assert.equal(rows.length, 5, run.stdout);
  // seconds (median over the rounds), the median per-round ratio to the separate calls and its
  // min–max (the separate calls' own row: 1.00 and a dash), each round's seconds, the load
  assert.match(rows[0], /\| [\d.]+ \| 1\.00 \| — \| [\d.]+ \| [\d.]+ → [\d.]+ \|$/);
  for (const row of rows.slice(1)) assert.match(row, /\| [\d.]+ \| [\d.]+ \| [\d.]+–[\d.]+ \| [\d.]+ \| [\d.]+ → [\d.]+ \|$/);
  assert.match(run.stdout, /2 processes at once, 2 starts each/);
  assert.match(run.stdout, /Machine: .+, \d+ cores; Node v\d+/);
});
