#!/usr/bin/env node
// One test run for the whole repository: every packages/*/test, apps/*/test,
// benchmarks/test and scripts/test file in one `node --test` call (Node 20's runner takes no globs, so
// the files are listed here), TypeScript through tsx, workspace packages resolved to
// their sources through the "source" export condition. Ends with the runner's summary
// and a final `N passed, N failed, N skipped` line.
//
// Every skipped test or suite is listed with its reason before that line. Under CI
// (CI=true) a skip whose reason is not in scripts/ci-allowed-skips.mjs fails the run:
// CI installs what every test needs, so a skip there means a suite silently not run.
//
// Usage: node scripts/run-tests.mjs [path-substring ...]   (filters the file list)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { disallowedSkips } from './ci-allowed-skips.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.test\.(ts|mts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

const files = [];
for (const group of ['packages', 'apps']) {
  const groupDir = join(root, group);
  let names = [];
  try {
    names = readdirSync(groupDir);
  } catch {}
  for (const name of names) walk(join(groupDir, name, 'test'), files);
}
walk(join(root, 'benchmarks', 'test'), files);
walk(join(root, 'scripts', 'test'), files);
const selected = files
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (selected.length === 0) {
  console.error('No test files found' + (filters.length ? ` matching ${filters.join(', ')}` : ''));
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const countsDir = mkdtempSync(join(tmpdir(), 'bcnmf-tests-'));
const countsFile = join(countsDir, 'counts.json');
const args = [
  '--conditions=source',
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  `--test-reporter=${join(root, 'scripts', 'count-reporter.mjs')}`,
  `--test-reporter-destination=${countsFile}`,
  ...selected,
];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => {
  let counts = { passed: 0, failed: 0, skipped: 0, skips: [] };
  try {
    counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  } catch {
    counts.failed += 1; // the reporter never finished: count the run as failed
  }
  rmSync(countsDir, { recursive: true, force: true });
  const failed = code !== 0 && counts.failed === 0 ? 1 : counts.failed;
  const ran = counts.passed + counts.failed;
  if (counts.skips.length > 0) {
    console.log(`skipped (${counts.skips.length}):`);
    const byReason = new Map();
    for (const s of counts.skips) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s]);
    for (const [reason, skips] of byReason) {
      console.log(`  ${reason}`);
      for (const s of skips) console.log(`    ${s.kind === 'suite' ? 'suite ' : ''}${s.file}: ${s.name}`);
    }
  }
  const refused = isCi() ? disallowedSkips(counts.skips) : [];
  if (refused.length > 0) {
    console.log(`CI: ${refused.length} skip(s) that CI must not have (scripts/ci-allowed-skips.mjs lists the allowed ones):`);
    for (const s of refused) console.log(`  ${s.kind === 'suite' ? 'suite ' : ''}${s.file}: ${s.name}: ${s.reason}`);
  }
  console.log(`${counts.passed} passed, ${failed} failed, ${counts.skipped} skipped`);
  process.exit(failed > 0 || ran === 0 || signal || refused.length > 0 ? 1 : 0);
});

/** CI=true (or 1) in the environment, as .ci/run and most CI services set it. */
function isCi() {
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0';
}
