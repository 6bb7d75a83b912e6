// Path checks of the commands that write (the bcnmf CLI and the reproduction app): an
// output must never be, or hold, what the user gave as input, nor files it did not write.
import { readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

/**
 * The real path of `path` (symbolic links resolved) where it exists; else the real path of
 * its nearest existing parent joined with the rest, so that two spellings of one place
 * (a link, `..`) compare equal before either exists.
 */
export function realPathOrResolved(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync.native(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realPathOrResolved(parent), basename(absolute));
  }
}

/** Whether `path` is `folder` or lies under it (both absolute, as {@link realPathOrResolved} gives). */
export function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** Every file (and link, or other non-folder) under `dir`, relative and '/'-separated; at most `limit`. */
export function filesUnder(dir: string, limit = Infinity): string[] {
  const out: string[] = [];
  const walk = (folder: string, prefix: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (out.length >= limit) return;
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(folder, entry.name), rel);
      else out.push(rel);
    }
  };
  walk(dir, '');
  return out;
}
