import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR_ENV } from '@bcnmf/data';

/** The repository root (this file is apps/reproduce/src/datadir.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The data directory: --data-dir, else $BCNMF_DATA_DIR, else `../shared/datasets`
 * relative to the repository root when it exists, else `~/.cache/bcnmf/datasets`
 * (@bcnmf/data's default). Always absolute.
 */
export function defaultDataDir(given?: string): string {
  if (given !== undefined && given !== '') return resolve(given);
  const env = process.env[DATA_DIR_ENV];
  if (env !== undefined && env !== '') return resolve(env);
  const shared = join(REPO_ROOT, '..', 'shared', 'datasets');
  if (existsSync(shared)) return shared;
  return join(process.env.HOME ?? '~', '.cache', 'bcnmf', 'datasets');
}
