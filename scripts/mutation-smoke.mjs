#!/usr/bin/env node
// Mutation smoke test: a handful of curated wrong changes, each of which the test suite
// must catch. Each mutation is applied to a scratch copy of the working tree (never to
// the tree itself), the tests that should catch it run there, and the mutation is
// "killed" when at least one of them fails. Any survivor fails this script.
//
// A mutation finds its target by a code snippet, not a line number, searched in a file or
// in every file of a folder; the snippet must occur exactly once. When the code moves or
// changes so that the snippet is gone, the script fails with "mutation anchor not found":
// update the mutation (snippet and replacement) rather than delete it.
//
// Usage: node scripts/mutation-smoke.mjs [--list] [--keep] [name-substring ...]
//   --list  print the mutations and exit;  --keep  leave the scratch copy (its path is printed)
// Exit 0 when every selected mutation is killed, 1 otherwise (a survivor, a missing
// anchor, or tests that fail in the scratch copy without any mutation).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The curated mutations. `in`: a file, or a folder whose files are all searched; `find`:
 * the snippet (exactly one occurrence); `replace`: what it becomes; `tests`: path
 * substrings for scripts/run-tests.mjs (the tests that must catch it); `rebuild`: a
 * command to run in the copy after the change (and again after restoring it).
 */
export const MUTATIONS = [
  {
    name: 'flipped sign in the Frobenius basis update (alpha term of the numerator subtracted)',
    in: 'packages/core/src/losses/frobenius.ts',
    find: 'numerator = tf.add(numerator, tf.mul(tf.matMul(statistics.mass, basis), alpha)) as tf.Tensor2D;',
    replace: 'numerator = tf.sub(numerator, tf.mul(tf.matMul(statistics.mass, basis), alpha)) as tf.Tensor2D;',
    tests: ['packages/core/test/reference-backend.test.ts'],
  },
  {
    name: 'wrong default damping (Poisson 0.5 -> 1)',
    in: 'packages/core/src/losses/poisson.ts',
    find: 'defaults: { eps: 1e-16, damping: 0.5 }',
    replace: 'defaults: { eps: 1e-16, damping: 1 }',
    tests: ['packages/core/test/reference-backend.test.ts'],
  },
  {
    name: 'permuted target labels in the reproduce data-set experiments',
    in: 'apps/reproduce/src/experiments/dataset-experiment.ts',
    find: 'labels: d.targetLabels,',
    replace: 'labels: d.targetLabels.map((_, i, all) => all[(i * 7919 + 13) % all.length]),',
    tests: ['apps/reproduce/test/large.test.ts'],
  },
  {
    name: 'off-by-one in a native kernel (row sums of W start at topic 1)',
    in: 'packages/backend-cpu/native',
    find: 'for (size_t q = 0; q < ldt; q++) sums[q] += t[q];',
    replace: 'for (size_t q = 1; q < ldt; q++) sums[q] += t[q];',
    tests: ['packages/backend-cpu/test/native.test.ts'],
    rebuild: ['node', 'packages/backend-cpu/scripts/build-native.mjs'],
  },
  {
    name: 'target and background swapped in bcnmf compare',
    in: 'apps/cli/src/commands/compare.ts',
    find: 'const target = fitInput(inputs.target);\n  const background = fitInput(inputs.background);',
    replace: 'const target = fitInput(inputs.background);\n  const background = fitInput(inputs.target);',
    tests: ['apps/cli/test/commands.test.ts'],
  },
];

export class AnchorError extends Error {}

function filesIn(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => (name === 'build' || name.startsWith('.') ? [] : filesIn(join(path, name))));
}

/** The one file of `mutation.in` (under `base`) that holds the snippet, with its text; throws AnchorError otherwise. */
export function locate(mutation, base) {
  const target = join(base, mutation.in);
  if (!existsSync(target)) throw new AnchorError(`mutation anchor not found: ${mutation.name}: ${mutation.in} does not exist`);
  const hits = [];
  for (const file of filesIn(target)) {
    const text = readFileSync(file, 'utf8');
    const count = text.split(mutation.find).length - 1;
    if (count > 0) hits.push({ file, text, count });
  }
  const total = hits.reduce((s, h) => s + h.count, 0);
  if (total === 0) throw new AnchorError(`mutation anchor not found: ${mutation.name}: no ${JSON.stringify(mutation.find)} in ${mutation.in}`);
  if (total > 1) {
    const where = hits.map((h) => `${relative(base, h.file)} (${h.count})`).join(', ');
    throw new AnchorError(`mutation anchor not unique: ${mutation.name}: ${JSON.stringify(mutation.find)} occurs ${total} times in ${where}`);
  }
  return hits[0];
}

/**
 * A scratch copy of the working tree that runs the tests as the tree does: the files git
 * tracks or would track, the workspace packages' node_modules (pnpm's relative links, so
 * @bcnmf/* resolve inside the copy), the root node_modules with its store linked (never
 * written), the native build, and ../shared beside it (unless `withShared` is false, e.g.
 * to see which tests need it).
 */
export function scratchCopy({ withShared = true } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'bcnmf-mutation-'));
  const copy = join(scratch, 'repo');
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(root, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(root, file), join(copy, file), { verbatimSymlinks: true });
  }
  const modules = join(root, 'node_modules');
  mkdirSync(join(copy, 'node_modules'));
  for (const name of readdirSync(modules)) {
    if (name === '.pnpm') symlinkSync(join(modules, '.pnpm'), join(copy, 'node_modules', '.pnpm'));
    else cpSync(join(modules, name), join(copy, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
  }
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const own = join(root, group, name, 'node_modules');
      if (existsSync(own)) cpSync(own, join(copy, group, name, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    }
  }
  if (existsSync(join(root, 'benchmarks', 'node_modules'))) {
    cpSync(join(root, 'benchmarks', 'node_modules'), join(copy, 'benchmarks', 'node_modules'), { recursive: true, verbatimSymlinks: true });
  }
  const nativeBuild = join('packages', 'backend-cpu', 'native', 'build');
  if (existsSync(join(root, nativeBuild))) cpSync(join(root, nativeBuild), join(copy, nativeBuild), { recursive: true });
  const shared = join(root, '..', 'shared');
  if (withShared && existsSync(shared)) symlinkSync(realpathSync(shared), join(scratch, 'shared'));
  return { scratch, copy };
}

function runIn(copy, command) {
  const [bin, ...args] = command;
  return spawnSync(bin === 'node' ? process.execPath : bin, args, { cwd: copy, encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** scripts/run-tests.mjs on `tests` in the copy: its counts (CI unset, so a skip is only a skip). */
function runTests(copy, tests) {
  const env = { ...process.env };
  delete env.CI;
  const run = spawnSync(process.execPath, ['scripts/run-tests.mjs', ...tests], { cwd: copy, encoding: 'utf8', env, maxBuffer: 1 << 28 });
  const summary = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(run.stdout.trimEnd().split('\n').at(-1) ?? '');
  const failingLines = run.stdout.split('\n').filter((l) => /^\s*✖ /.test(l)).slice(0, 6);
  return summary
    ? { passed: Number(summary[1]), failed: Number(summary[2]), skipped: Number(summary[3]), status: run.status, failingLines }
    : { passed: 0, failed: 1, skipped: 0, status: run.status, failingLines: [`no summary line; exit ${run.status}`, ...run.stderr.split('\n').slice(-5)] };
}

function main(argv) {
  const list = argv.includes('--list');
  const keep = argv.includes('--keep');
  const filters = argv.filter((a) => !a.startsWith('--'));
  const selected = MUTATIONS.filter((m) => filters.length === 0 || filters.some((f) => m.name.includes(f)));
  if (list || selected.length === 0) {
    for (const m of MUTATIONS) console.log(`${m.name}\n  ${m.in}: ${JSON.stringify(m.find)}\n  caught by: ${m.tests.join(', ')}`);
    return selected.length === 0 && !list ? 1 : 0;
  }
  const started = performance.now();
  // every anchor first, in the tree itself (read only): a stale one fails before any work
  const stale = [];
  for (const m of selected) {
    try {
      locate(m, root);
    } catch (e) {
      if (!(e instanceof AnchorError)) throw e;
      stale.push(e.message);
    }
  }
  if (stale.length > 0) {
    for (const line of stale) console.log(line);
    return 1;
  }
  const { scratch, copy } = scratchCopy();
  console.log(`scratch copy: ${copy}`);
  let failures = 0;
  try {
    const tests = [...new Set(selected.flatMap((m) => m.tests))];
    const baseline = runTests(copy, tests);
    if (baseline.failed > 0 || baseline.passed === 0) {
      console.log(`the tests fail in the scratch copy without any mutation (${baseline.passed} passed, ${baseline.failed} failed):`);
      for (const l of baseline.failingLines) console.log(`  ${l.trim()}`);
      return 1;
    }
    console.log(`without mutations: ${baseline.passed} passed, ${baseline.skipped} skipped (${tests.join(', ')})`);
    for (const m of selected) {
      const t0 = performance.now();
      const { file, text } = locate(m, copy);
      writeFileSync(file, text.replace(m.find, m.replace));
      let result;
      try {
        if (m.rebuild) {
          const built = runIn(copy, m.rebuild);
          if (built.status !== 0) throw new Error(`${m.rebuild.join(' ')} failed: ${built.stderr}`);
        }
        result = runTests(copy, m.tests);
      } finally {
        writeFileSync(file, text);
        if (m.rebuild) runIn(copy, m.rebuild);
      }
      const seconds = ((performance.now() - t0) / 1000).toFixed(0);
      if (result.failed > 0) {
        console.log(`killed   ${m.name} (${relative(copy, file)}): ${result.failed} failed, ${result.passed} passed, ${seconds} s`);
        for (const l of result.failingLines.slice(0, 2)) console.log(`           ${l.trim()}`);
      } else {
        failures += 1;
        console.log(`SURVIVED ${m.name} (${relative(copy, file)}): ${result.passed} passed, ${result.skipped} skipped in ${m.tests.join(', ')}, ${seconds} s`);
      }
    }
  } finally {
    if (keep) console.log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
  const total = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`${selected.length - failures} of ${selected.length} mutations killed, ${failures} survived (${total} s)`);
  return failures > 0 ? 1 : 0;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
