import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Runs `write(tempPath)` against a temporary file in the same folder as `path`, then
 * renames it to `path` (atomic on one file system). When `write` throws, the temporary
 * file is removed and the error passed on, so `path` is either complete or untouched.
 */
export async function writeAtomically<T>(path: string, write: (tempPath: string) => T | Promise<T>): Promise<T> {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const result = await write(temp);
    renameSync(temp, target);
    return result;
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
