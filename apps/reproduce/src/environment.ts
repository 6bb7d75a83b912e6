import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { realpathSync } from 'node:fs';
import { basename, dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUTO_BACKEND, listBackends } from '@bcnmf/core';
import { nativeLinalgStatus } from '@bcnmf/baselines';

/** Where a reproduction ran: what a reader needs to compare its numbers with another run's. */
export interface RunEnvironment {
  /** The backend NMF and bcNMF ran on (for 'auto': the one it picked here). */
  backend: string;
  /** What that backend's probe found (native kernels, BLAS, GPU adapter, ...). */
  backendDetails: Record<string, string>;
  /** PCA's and cPCA's linear algebra: native OpenBLAS or JavaScript, with why. */
  linalg: string;
  /** `@bcnmf/reproduce`'s version, the git commit it ran from (null outside a checkout), Node's, and the platform. */
  versions: { reproduce: string; commit: string | null; node: string; platform: string };
}

function packageVersion(specifier: string): string {
  try {
    return (createRequire(import.meta.url)(specifier) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `text` with each absolute path replaced by its file name. */
function withoutPaths(text: string): string {
  return text.replace(/(?:[A-Za-z]:)?[\\/](?:[^\s,;()'"\\/]+[\\/])+([^\s,;()'"\\/]+)/g, (_, name: string) => name);
}

/** The commit of the checkout this code runs from, '+ changes' when files differ from it; null outside one (an installed package) or without git. */
function gitCommit(): string | null {
  const cwd = dirname(fileURLToPath(import.meta.url));
  // only bcnmf's own checkout: an installed copy may lie inside another project's git tree
  const top = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', timeout: 5000 });
  if (top.status !== 0 || !top.stdout.trim()) return null;
  const inside = relative(realpathSync(top.stdout.trim()), realpathSync(cwd)).split(sep).join('/');
  if (!/^apps\/reproduce\/(src|dist)$/.test(inside)) return null;
  const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8', timeout: 5000 });
  if (head.status !== 0 || !head.stdout.trim()) return null;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', timeout: 5000 });
  return head.stdout.trim() + (dirty.status === 0 && dirty.stdout.trim() !== '' ? ' + changes' : '');
}

/** The environment of this run, after `requested` (a backend name or 'auto') was started. */
export async function runEnvironment(requested: string): Promise<RunEnvironment> {
  const statuses = await listBackends();
  const used = requested === AUTO_BACKEND ? statuses.find((b) => b.isDefault) : statuses.find((b) => b.name === requested);
  const linalg = await nativeLinalgStatus();
  return {
    backend: used === undefined ? requested : requested === AUTO_BACKEND ? `${AUTO_BACKEND} (${used.name})` : used.name,
    // no machine's paths in a report: a library file by its name
    backendDetails: Object.fromEntries(Object.entries(used?.details ?? {}).map(([k, v]) => [k, withoutPaths(v)])),
    linalg: linalg.path === 'native' ? `native (${withoutPaths(String(linalg.library))})` : `JavaScript (${withoutPaths(String(linalg.reason))})`,
    versions: {
      reproduce: packageVersion('../package.json'),
      commit: gitCommit(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
  };
}

/** One line of Markdown for a report's header. */
export function environmentLine(env: RunEnvironment): string {
  const details = Object.entries(env.backendDetails).map(([k, v]) => `${k}: ${v}`).join('; ');
  return `NMF and bcNMF ran on backend ${env.backend}${details ? ` (${details})` : ''}; PCA and cPCA linear algebra: ${env.linalg}; ` +
    `@bcnmf/reproduce ${env.versions.reproduce}${env.versions.commit ? ` (git ${env.versions.commit})` : ''}, Node ${env.versions.node}, ${env.versions.platform}.`;
}
