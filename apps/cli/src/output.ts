import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { filesUnder, isWithin, realPathOrResolved } from '@bcnmf/data';
import { UsageError } from './errors.js';
import { forgetOnExit, removeOnExit } from './exit-cleanup.js';
import { checkInterrupted } from './interrupt-check.js';
import { someNames } from './input.js';

/**
 * The file that marks a folder as an output of this tool: `--overwrite` replaces a
 * folder only when it holds this file and nothing that the file does not list.
 */
export const OUTPUT_MARKER = 'bcnmf-output.json';
const GENERATOR = '@bcnmf/cli';

/** What {@link OUTPUT_MARKER} holds. */
export interface OutputMarker {
  generator: typeof GENERATOR;
  /** The command that wrote the folder, e.g. 'bcnmf fit'. */
  command: string;
  /** Every file written, relative to the folder, '/'-separated. */
  files: string[];
  /** When it was written (ISO 8601). */
  written: string;
}

/** Where an output goes and what it must not touch. */
export interface OutputTarget {
  /** The flag that named it, for messages. Default '--out'. */
  flag?: string;
  /** Input files and folders of the command: the output may neither be nor hold one. */
  inputs?: readonly (string | undefined)[];
}

function siblingName(path: string, tag: string): string {
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Refuses an empty path, a parent that is missing, not a folder or not writable. */
function checkParent(out: string, flag: string): string {
  if (out.trim() === '') throw new UsageError(`${flag} is empty; give a path`);
  const absolute = resolve(out);
  const parent = dirname(absolute);
  if (!existsSync(parent)) throw new UsageError(`${flag} ${out}: its parent folder does not exist (${parent})`);
  if (!statSync(parent).isDirectory()) throw new UsageError(`${flag} ${out}: ${parent} is not a folder`);
  // writable? Create and remove a probe folder, which also catches file systems that are
  // read-only or refuse new entries (/proc), whatever the permission bits say.
  try {
    rmdirSync(mkdtempSync(join(parent, `.${basename(absolute)}.probe-`)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${flag} ${out}: cannot write in ${parent} (${code})`);
  }
  return absolute;
}

/** Refuses an output path that is an input, or holds one. */
function checkInputs(out: string, flag: string, inputs: readonly (string | undefined)[] | undefined, folder: boolean): void {
  const real = realPathOrResolved(out);
  for (const input of inputs ?? []) {
    if (input === undefined || input.trim() === '') continue;
    const inputReal = realPathOrResolved(input);
    if (inputReal === real) throw new UsageError(`${flag} ${out} is the input ${input}; writing there would replace it`);
    if (folder && isWithin(inputReal, real)) throw new UsageError(`${flag} ${out} holds the input ${input}; writing there would replace it`);
  }
}

/** The marker of a folder written by this tool, or null. */
export function readOutputMarker(dir: string): OutputMarker | null {
  try {
    const marker = JSON.parse(readFileSync(join(dir, OUTPUT_MARKER), 'utf8')) as Partial<OutputMarker>;
    if (marker.generator !== GENERATOR || !Array.isArray(marker.files) || marker.files.some((f) => typeof f !== 'string')) return null;
    return marker as OutputMarker;
  } catch {
    return null;
  }
}

/**
 * Refuses an output folder before any work: an empty path; a parent that does not exist,
 * is not a folder or cannot be written; the current folder, the home folder or a folder
 * above either; a folder that is or holds an input; something that is not a folder; a
 * non-empty folder without `overwrite`; and, even with `overwrite`, a non-empty folder
 * that is not an earlier output of this tool ({@link OUTPUT_MARKER}) or that holds files
 * the marker does not list, naming the files that would be lost. Called before any work,
 * and again when the results are moved into place.
 */
export function checkOutputDir(out: string, overwrite: boolean, target: OutputTarget = {}): void {
  const flag = target.flag ?? '--out';
  const absolute = checkParent(out, flag);
  const real = realPathOrResolved(out);
  for (const [place, path] of [['the current folder', process.cwd()], ['your home folder', homedir()]] as const) {
    const placeReal = realPathOrResolved(path);
    if (isWithin(placeReal, real)) {
      throw new UsageError(`${flag} ${out} is ${placeReal === real ? place : `a folder above ${place}`}; give a new folder for the results`);
    }
  }
  if (real === parse(real).root) throw new UsageError(`${flag} ${out} is the root folder; give a new folder for the results`);
  checkInputs(out, flag, target.inputs, true);
  if (!existsSync(absolute)) return;
  if (!statSync(absolute).isDirectory()) throw new UsageError(`${flag} ${out} exists and is not a folder`);
  // a folder the user named may be vast (a data folder): its first 100,000 files tell enough
  const files = filesUnder(absolute, 100_000);
  if (files.length === 0 && readdirSync(absolute).length === 0) return;
  if (!overwrite) throw new UsageError(`${flag} ${out} exists and is not empty; pass --overwrite to replace an earlier output of bcnmf`);
  const marker = readOutputMarker(absolute);
  if (!marker) {
    throw new UsageError(
      `${flag} ${out} is not an output folder of bcnmf (it has no ${OUTPUT_MARKER}); --overwrite replaces only those, and here it would delete ` +
        `${files.length} file${files.length === 1 ? '' : 's'} (${someNames(files, 5)}): choose another folder`,
    );
  }
  const known = new Set([...marker.files, OUTPUT_MARKER]);
  const foreign = files.filter((f) => !known.has(f));
  if (foreign.length > 0) {
    throw new UsageError(
      `${flag} ${out} holds ${foreign.length} file${foreign.length === 1 ? '' : 's'} that bcnmf did not write (${someNames(foreign, 5)}); ` +
        '--overwrite would delete them: move them away or choose another folder',
    );
  }
}

/**
 * Marks a folder that a command fills in place (`bcnmf select`, which keeps finished cells
 * for `--resume`) as an output of bcnmf, listing its files, so that a later `--overwrite`
 * may replace it as it replaces any other output.
 */
export function markOutputDir(dir: string, command: string): void {
  const files = filesUnder(dir).filter((f) => f !== OUTPUT_MARKER).sort();
  const marker: OutputMarker = { generator: GENERATOR, command, files, written: new Date().toISOString() };
  writeFileAtomically(join(dir, OUTPUT_MARKER), JSON.stringify(marker, null, 2) + '\n');
}

/** A write that ran out of space, its message naming the place. */
class DiskFullError extends Error {
  override name = 'Error';
}

/** Free bytes on the file system that holds `path` (its nearest existing parent), or null. */
function freeBytes(path: string): number | null {
  try {
    let at = resolve(path);
    while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
    const fs = statfsSync(at);
    return Number(fs.bavail) * Number(fs.bsize);
  } catch {
    return null;
  }
}

/**
 * A write that failed, in words that name the place: a full disk (ENOSPC, a quota, or an
 * HDF5 write failure with no space left) says so with the path; other errors pass unchanged.
 */
export function describeWriteFailure(error: unknown, path: string, what: string): unknown {
  if (error instanceof DiskFullError) return error; // already says where
  const code = (error as NodeJS.ErrnoException)?.code;
  const hdf5 = error instanceof Error && /HDF5/.test(error.message);
  const full = code === 'ENOSPC' || code === 'EDQUOT' || (hdf5 && (freeBytes(path) ?? Infinity) < 1024 ** 2);
  if (!full) return error;
  return new DiskFullError(`${what} ${path}: no space left on the device (${code ?? 'HDF5 write failed'}); nothing was written and any earlier output is kept: free space or choose another place`, { cause: error });
}

/** Options of {@link writeOutputDir}. */
export interface WriteOutputOptions extends OutputTarget {
  overwrite: boolean;
  /** The command, for the marker: 'bcnmf fit'. */
  command: string;
  /** Checked after writing, before the rename: an interrupted command leaves nothing. */
  signal?: AbortSignal;
  /**
   * Files outside the folder that belong to the same output (fit's --h5ad-out): each is
   * written to a temporary sibling of its path after the folder's files, and renamed into
   * place right after the folder, past the last check of the signal, so that an
   * interrupted or failed command replaces neither the folder nor them.
   */
  alongside?: readonly { path: string; write: (tempPath: string) => Promise<void> }[];
}

/**
 * Writes an output folder all at once: `write` fills a temporary sibling folder, the
 * marker ({@link OUTPUT_MARKER}, listing every file) is added, and the folder is renamed
 * to `out` when all succeeded (an earlier output in `out` is replaced, with `overwrite`,
 * under the rules of {@link checkOutputDir}); it is removed when anything fails or the
 * signal fired, so a failed or interrupted command leaves no partial output.
 */
export async function writeOutputDir<T>(out: string, options: WriteOutputOptions, write: (dir: string) => Promise<T>): Promise<T> {
  const { overwrite, command, signal } = options;
  checkOutputDir(out, overwrite, options);
  const absolute = resolve(out);
  const dir = siblingName(absolute, 'tmp');
  mkdirSync(dir);
  removeOnExit(dir);
  const companions = (options.alongside ?? []).map((file) => ({ ...file, temp: siblingName(resolve(file.path), 'tmp') }));
  for (const { temp } of companions) removeOnExit(temp);
  try {
    const result = await write(dir);
    const marker: OutputMarker = { generator: GENERATOR, command, files: filesUnder(dir).sort(), written: new Date().toISOString() };
    writeFileSync(join(dir, OUTPUT_MARKER), JSON.stringify(marker, null, 2) + '\n');
    for (const file of companions) {
      await checkInterrupted(signal);
      try {
        await file.write(file.temp);
      } catch (error) {
        throw describeWriteFailure(error, file.path, 'writing');
      }
    }
    // a Ctrl-C that came during the long synchronous writes is seen here, before any rename
    await checkInterrupted(signal);
    checkOutputDir(out, overwrite, options);
    if (existsSync(absolute)) {
      const old = siblingName(absolute, 'old');
      renameSync(absolute, old);
      renameSync(dir, absolute);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(dir, absolute);
    }
    for (const file of companions) renameSync(file.temp, file.path);
    return result;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    for (const { temp } of companions) rmSync(temp, { force: true });
    throw describeWriteFailure(error, out, 'writing the results to');
  } finally {
    forgetOnExit(dir);
    for (const { temp } of companions) forgetOnExit(temp);
  }
}

/**
 * Refuses an output file before any work: an empty path, a parent that is missing or
 * cannot be written, a folder, an input of the command, or an existing file without
 * `overwrite`.
 */
export function checkOutputFile(path: string, overwrite: boolean, target: OutputTarget = {}): void {
  const flag = target.flag ?? '--out';
  checkParent(path, flag);
  checkInputs(path, flag, target.inputs, false);
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) throw new UsageError(`${flag} ${path} is a folder; give a file name`);
  if (!overwrite) throw new UsageError(`${flag} ${path} exists; pass --overwrite to replace it`);
}

/** Writes a text file through a temporary sibling and a rename: complete or untouched. */
export function writeFileAtomically(path: string, text: string): void {
  const temp = siblingName(resolve(path), 'tmp');
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw describeWriteFailure(error, path, 'writing');
  }
}
