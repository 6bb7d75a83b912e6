#!/usr/bin/env node
// The release path, without releasing: builds the public packages (turbo; cached when
// nothing changed), copies the repository (tracked and untracked files that git does not
// ignore, plus the built dist/ folders) to a scratch folder, and there runs
// `changeset version` (which rewrites versions and deletes the changesets: never on the
// checkout itself) and `pnpm publish -r --dry-run` (which packs every public package as
// it would be published). Fails when either fails, when a package would go to 1.0.0 or
// beyond without a changeset that says major, or when a public package would not be
// published. CI runs it (.ci/run); so can anyone: `pnpm release:dry-run`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publicPackages, root } from './lib/workspace-packages.mjs';

const pnpm = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
const packages = publicPackages();
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

function run(command, args, cwd) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
  return `${result.stdout}\n${result.stderr}`;
}

/** Packages a changeset bumps as major. */
function majorBumps(changesetDir) {
  const names = new Set();
  for (const file of readdirSync(changesetDir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(changesetDir, file), 'utf8'))?.[1] ?? '';
    for (const [, name] of front.matchAll(/^["']?([^"':]+)["']?\s*:\s*major\s*$/gm)) names.add(name);
  }
  return names;
}

const scratch = mkdtempSync(join(tmpdir(), 'bcnmf-release-'));
try {
  run('npx', ['-y', pnpm, 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...packages.map((p) => `--filter=${p.manifest.name}`)], root);
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const files = listed.stdout.split('\0').filter((f) => f && existsSync(join(root, f)));
  for (const file of files) {
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    cpSync(join(root, file), join(scratch, file));
  }
  for (const { dir } of packages) cpSync(join(root, dir, 'dist'), join(scratch, dir, 'dist'), { recursive: true });
  console.log(`copied ${files.length} files and ${packages.length} dist/ folders to ${scratch}`);

  const majors = majorBumps(join(scratch, '.changeset'));
  run(process.execPath, [join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'], scratch);
  const problems = [];
  const versions = packages.map(({ dir, manifest }) => {
    const next = JSON.parse(readFileSync(join(scratch, dir, 'package.json'), 'utf8')).version;
    if (Number(next.split('.')[0]) > Number(manifest.version.split('.')[0]) && !majors.has(manifest.name)) {
      problems.push(`${manifest.name} would go from ${manifest.version} to ${next} without a changeset that says major`);
    }
    return { name: manifest.name, from: manifest.version, to: next };
  });
  for (const v of versions) console.log(`  ${v.name}: ${v.from} -> ${v.to}`);

  // pnpm resolves `workspace:` ranges from the installed links: an offline install from
  // pnpm's store (the checkout's install filled it), without install scripts
  run('npx', ['-y', pnpm, 'install', '--offline', '--frozen-lockfile', '--ignore-scripts'], scratch);
  const published = run('npx', ['-y', pnpm, 'publish', '-r', '--dry-run', '--no-git-checks'], scratch);
  for (const line of published.split('\n').filter((l) => l.startsWith('📦'))) console.log(`  ${line}`);
  for (const v of versions) {
    if (!published.includes(`${v.name}@${v.to}`)) problems.push(`pnpm publish --dry-run does not list ${v.name}@${v.to}`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  console.log(`release dry run: ${versions.length} packages would be published (changeset version, then pnpm publish -r --dry-run)`);
} catch (error) {
  console.error(`release dry run failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
