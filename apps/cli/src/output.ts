import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

function siblingName(path: string, tag: string): string {
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Refuses an output directory that cannot be written: a path that exists and is not a
 * directory, or a non-empty directory without `overwrite`. Called before any work, and
 * again when the results are moved into place.
 */
export function checkOutputDir(out: string, overwrite: boolean, flag = '--out'): void {
  if (!existsSync(out)) {
    if (!existsSync(dirname(resolve(out)))) throw new UsageError(`${flag} ${out}: its parent folder does not exist`);
    return;
  }
  if (!statSync(out).isDirectory()) throw new UsageError(`${flag} ${out} exists and is not a directory`);
  if (!overwrite && readdirSync(out).length > 0) {
    throw new UsageError(`${flag} ${out} exists and is not empty; pass --overwrite to replace it`);
  }
}

/**
 * Writes an output directory all at once: `write` fills a temporary sibling folder, which
 * is renamed to `out` when it succeeds (an existing `out` is replaced, with `overwrite`)
 * and removed when it fails, so a failed or interrupted command leaves no partial output.
 */
export async function writeOutputDir<T>(out: string, overwrite: boolean, write: (dir: string) => Promise<T>): Promise<T> {
  checkOutputDir(out, overwrite);
  const temp = siblingName(out, 'tmp');
  mkdirSync(temp);
  try {
    const result = await write(temp);
    checkOutputDir(out, overwrite);
    if (existsSync(out)) {
      const old = siblingName(out, 'old');
      renameSync(out, old);
      renameSync(temp, out);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(temp, out);
    }
    return result;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Refuses an existing output file unless `overwrite`. */
export function checkOutputFile(path: string, overwrite: boolean, flag = '--out'): void {
  if (!existsSync(dirname(resolve(path)))) throw new UsageError(`${flag} ${path}: its parent folder does not exist`);
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) throw new UsageError(`${flag} ${path} is a directory; give a file name`);
  if (!overwrite) throw new UsageError(`${flag} ${path} exists; pass --overwrite to replace it`);
}

/** Writes a text file through a temporary sibling and a rename: complete or untouched. */
export function writeFileAtomically(path: string, text: string): void {
  const temp = siblingName(path, 'tmp');
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
