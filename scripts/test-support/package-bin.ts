// For tests that run a package's published command as a user would: build the package
// and the workspace packages it depends on (each `tsc -p tsconfig.build.json`,
// dependencies first, as `pnpm build` does through turbo), then run its `bin` entry with
// plain node, so that every @bcnmf/* import resolves to the built dist/ and not to the
// TypeScript sources the other tests use.
//
// A package whose dist/ is newer than its sources is not rebuilt. Builds are serialised
// across test processes by a lock folder, so that two test files never write the same
// dist/ at once.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

interface Manifest {
  name: string;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every workspace package: name -> folder. */
function workspacePackages(): Map<string, string> {
  const out = new Map<string, string>();
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const dir = join(root, group, name);
      if (existsSync(join(dir, 'package.json'))) out.set(manifest(dir).name, dir);
    }
  }
  return out;
}

/** The workspace packages `dir` needs built, dependencies before dependents, `dir` last. */
export function buildOrder(dir: string): string[] {
  const packages = workspacePackages();
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (d: string) => {
    if (order.includes(d) || visiting.has(d)) return; // a cycle (core <-> backend-cpu types) is built in visiting order
    visiting.add(d);
    const m = manifest(d);
    const deps = { ...m.dependencies, ...m.devDependencies, ...m.peerDependencies, ...m.optionalDependencies };
    for (const [name, range] of Object.entries(deps)) if (range.startsWith('workspace:') && packages.has(name)) visit(packages.get(name)!);
    order.push(d);
  };
  visit(resolve(dir));
  return order;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function upToDate(dir: string): boolean {
  const built = newestMtime(join(dir, 'dist'));
  const sources = Math.max(newestMtime(join(dir, 'src')), newestMtime(join(dir, 'tsconfig.build.json')), newestMtime(join(dir, 'package.json')));
  return built > 0 && built >= sources;
}

function withBuildLock<T>(body: () => T): T {
  const lock = join(root, 'node_modules', '.cache', 'bcnmf-build.lock');
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // a lock older than the deadline is left by a killed run
      if (Date.now() > deadline || Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds the package in `dir` and the workspace packages it depends on (those not already
 * up to date); returns the folders it built. Throws with tsc's output when a build fails.
 */
export function buildPackage(dir: string): string[] {
  return withBuildLock(() => {
    const built: string[] = [];
    for (const d of buildOrder(dir)) {
      const script = manifest(d).scripts?.build;
      if (script !== 'tsc -p tsconfig.build.json') throw new Error(`${d}: build script ${JSON.stringify(script)} is not the tsc build this helper knows`);
      if (upToDate(d)) continue;
      const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: d, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`building ${d} failed:\n${run.stdout}${run.stderr}`);
      built.push(d);
    }
    return built;
  });
}

/** The absolute path of the package's `bin` entry `name` (after {@link buildPackage}). */
export function binPath(dir: string, name: string): string {
  const { bin } = manifest(dir);
  const entry = typeof bin === 'string' ? bin : bin?.[name];
  if (!entry) throw new Error(`${dir}/package.json has no bin '${name}'`);
  return resolve(dir, entry);
}

export interface BinOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds before the process is killed (runBin). */
  timeoutMs?: number;
  input?: string;
}

/** Runs a built bin to its end: exit code (null when killed), signal, stdout, stderr. */
export function runBin(dir: string, name: string, args: string[], options: BinOptions = {}): { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [binPath(dir, name), ...args], {
    cwd: options.cwd ?? root,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    ...(options.input !== undefined ? { input: options.input } : {}),
    maxBuffer: 1 << 26,
  });
  return { code: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

/** Starts a built bin and returns the child (for tests that interrupt it, e.g. `child.kill('SIGINT')`). */
export function startBin(dir: string, name: string, args: string[], options: BinOptions = {}): ChildProcess {
  return spawn(process.execPath, [binPath(dir, name), ...args], { cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
}
