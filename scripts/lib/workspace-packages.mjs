// The workspace's packages (pnpm-workspace.yaml: packages/*, apps/*, benchmarks), read
// from their package.json, for the tests that check what would be published.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every workspace package: { dir (relative, '/'-separated), path (absolute), manifest }. */
export function workspacePackages() {
  const dirs = ['packages', 'apps']
    .flatMap((group) => readdirSync(join(root, group)).map((name) => `${group}/${name}`))
    .concat(['benchmarks']);
  return dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .sort()
    .map((dir) => ({ dir, path: join(root, dir), manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) }));
}

/** The packages that would be published (no `"private": true`). */
export function publicPackages() {
  return workspacePackages().filter((p) => p.manifest.private !== true);
}
