import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { BcnmfError } from '@bcnmf/core';
import { DATASET_MANIFESTS } from './manifests.js';
import { UNKNOWN_CHECKSUM, type DatasetFile, type DatasetManifest } from './types.js';

/** Environment variable naming the data directory. */
export const DATA_DIR_ENV = 'BCNMF_DATA_DIR';

/** Name of the file, in a set's folder, that keeps the hashes seen at the first download. */
export const RECORDED_CHECKSUMS_FILE = 'checksums.json';

/** The names of the registered data sets. */
export function listDatasets(): string[] {
  return DATASET_MANIFESTS.map((m) => m.name);
}

/**
 * The manifest of a registered data set; an unknown name is refused with INVALID_OPTION.
 *
 * @example
 * getDatasetManifest('mice-protein').files[0].path; // 'Data_Cortex_Nuclear.csv'
 */
export function getDatasetManifest(name: string): DatasetManifest {
  const m = DATASET_MANIFESTS.find((d) => d.name === name);
  if (m === undefined) {
    throw new BcnmfError('INVALID_OPTION', `unknown data set "${name}"; registered: ${listDatasets().join(', ')}`);
  }
  return m;
}

/**
 * The data directory: the `dataDir` given, else `$BCNMF_DATA_DIR`, else
 * `~/.cache/bcnmf/datasets`, as an absolute path.
 *
 * @example
 * resolveDataDir('../shared/datasets'); // '/work/shared/datasets' from /work/main
 */
export function resolveDataDir(dataDir?: string): string {
  const fromEnv = process.env[DATA_DIR_ENV];
  if (dataDir !== undefined && dataDir !== '') return resolve(dataDir);
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return join(homedir(), '.cache', 'bcnmf', 'datasets');
}

/** Hex sha256 of a file, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Options of {@link locateDataset}. */
export interface LocateOptions {
  /** Data directory; see {@link resolveDataDir}. */
  dataDir?: string;
  /** Check sizes and sha256 (known or recorded at download). Default true. */
  verify?: boolean;
}

/** Where a present data set lies. */
export interface LocatedDataset {
  manifest: DatasetManifest;
  /** `<dataDir>/<name>`. */
  dir: string;
  /** Absolute path of each manifest file that is present (archives may be absent once unpacked). */
  files: Record<string, string>;
}

function readRecorded(dir: string): Record<string, string> {
  const p = join(dir, RECORDED_CHECKSUMS_FILE);
  if (!existsSync(p)) return {};
  try {
    const parsed = JSON.parse(readFileSync(p, 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    throw new BcnmfError('INVALID_DATA', `${p} is not valid JSON; delete it to record the checksums again`);
  }
}

function whereToGet(manifest: DatasetManifest, dir: string): string {
  const urls = manifest.files.filter((f) => f.url).map((f) => `  ${f.path}: ${f.url}`);
  const sources = manifest.sources.map((s) => `  ${s.url} (${s.description})`);
  return (
    `Put the files in ${dir} (the data directory is the dataDir option, or $${DATA_DIR_ENV}). ` +
    (urls.length > 0 ? `Download them with downloadDataset('${manifest.name}') or from:\n${urls.join('\n')}\n` : '') +
    `Sources:\n${sources.join('\n')}` +
    (manifest.notes ? `\nNote: ${manifest.notes}` : '')
  );
}

/** Present = the file itself, or its unpacked folder for an archive. */
function isPresent(dir: string, f: DatasetFile): boolean {
  return existsSync(join(dir, f.path)) || (f.unpackTo !== undefined && existsSync(join(dir, f.unpackTo)));
}

async function verifyFile(path: string, f: DatasetFile, recorded: string | undefined): Promise<void> {
  const size = statSync(path).size;
  if (f.size !== undefined && size !== f.size) {
    throw new BcnmfError('INVALID_DATA', `${path} has ${size} bytes but the manifest expects ${f.size}: refusing a wrong or damaged file`);
  }
  const expected = f.sha256 !== UNKNOWN_CHECKSUM ? f.sha256 : recorded;
  if (expected === undefined) return;
  const actual = await sha256File(path);
  if (actual !== expected) {
    throw new BcnmfError(
      'INVALID_DATA',
      `${path} has sha256 ${actual} but ${f.sha256 !== UNKNOWN_CHECKSUM ? 'the manifest' : RECORDED_CHECKSUMS_FILE} expects ${expected}: refusing a wrong or damaged file`,
    );
  }
}

/**
 * Finds a data set in the data directory and (by default) verifies its files: a file
 * with a recorded sha256 that does not match is refused (INVALID_DATA), and an absent set
 * gives an INVALID_DATA error naming where to get it.
 *
 * @example
 * const { files } = await locateDataset('mice-protein', { dataDir: '../shared/datasets' });
 * files['Data_Cortex_Nuclear.csv']; // '/work/shared/datasets/mice-protein/Data_Cortex_Nuclear.csv'
 */
export async function locateDataset(name: string, options: LocateOptions = {}): Promise<LocatedDataset> {
  const manifest = getDatasetManifest(name);
  const dir = join(resolveDataDir(options.dataDir), name);
  const required = manifest.files.filter((f) => f.optional !== true);
  const missing = required.filter((f) => !isPresent(dir, f));
  if (missing.length > 0) {
    throw new BcnmfError(
      'INVALID_DATA',
      `data set "${name}" is not in ${dir}: missing ${missing.map((f) => f.unpackTo ?? f.path).join(', ')}.\n${whereToGet(manifest, dir)}`,
    );
  }
  const recorded = options.verify === false ? {} : readRecorded(dir);
  const files: Record<string, string> = {};
  for (const f of manifest.files) {
    const p = join(dir, f.path);
    if (!existsSync(p)) continue;
    if (options.verify !== false) await verifyFile(p, f, recorded[f.path]);
    files[f.path] = p;
  }
  return { manifest, dir, files };
}

/** A progress report of {@link downloadDataset}. */
export interface DownloadProgress {
  /** Manifest path of the file being fetched. */
  file: string;
  /** Bytes received so far for this file. */
  received: number;
  /** Total bytes of this file when the server says (Content-Length) or the manifest knows. */
  total: number | undefined;
}

/** Options of {@link downloadDataset}. */
export interface DownloadOptions {
  /** Data directory; see {@link resolveDataDir}. */
  dataDir?: string;
  /** Called as bytes arrive. */
  onProgress?: (progress: DownloadProgress) => void;
  /**
   * Base URL to fetch from instead of each file's own URL: the file comes from
   * `${mirror}/${name}/${path}` (a local mirror, or a test server).
   */
  mirror?: string;
  /** Download again files that are present and verify. Default false. */
  force?: boolean;
  /** The fetch function. Default: the global fetch. */
  fetch?: typeof fetch;
}

/** What {@link downloadDataset} did per file. */
export interface DownloadResult {
  dir: string;
  /** Per file: `downloaded`, `present` (already there and verified) or `manual` (no URL). */
  files: Record<string, 'downloaded' | 'present' | 'manual'>;
}

/**
 * Downloads a data set's files into `<dataDir>/<name>/`, each to a temporary file in the
 * same folder that is renamed into place only after its size and sha256 match the manifest
 * (a mismatch deletes it and throws INVALID_DATA, leaving nothing half-written). Files
 * without a known hash are kept and their sha256 recorded in `checksums.json`, which later
 * loads check. Files without a URL are reported as `manual`.
 *
 * @example
 * await downloadDataset('mnist-flowers', { dataDir: '/data', onProgress: (p) => console.log(p.file, p.received) });
 * // { dir: '/data/mnist-flowers', files: { 'target_images.csv': 'downloaded', ... } }
 */
export async function downloadDataset(name: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const manifest = getDatasetManifest(name);
  const dir = join(resolveDataDir(options.dataDir), name);
  const doFetch = options.fetch ?? globalThis.fetch;
  mkdirSync(dir, { recursive: true });
  const recorded = readRecorded(dir);
  const result: DownloadResult = { dir, files: {} };
  for (const f of manifest.files) {
    const target = join(dir, f.path);
    if (f.url === undefined) {
      result.files[f.path] = 'manual';
      continue;
    }
    if (!options.force && existsSync(target)) {
      await verifyFile(target, f, recorded[f.path]);
      result.files[f.path] = 'present';
      continue;
    }
    const url = options.mirror !== undefined ? `${options.mirror.replace(/\/+$/, '')}/${name}/${f.path}` : f.url;
    mkdirSync(dirname(target), { recursive: true });
    const temp = join(dirname(target), `.${f.path.split('/').pop()}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
    try {
      let response: Response;
      try {
        response = await doFetch(url);
      } catch (e) {
        throw new BcnmfError('INVALID_DATA', `could not fetch ${url}: ${(e as Error).message}`);
      }
      if (!response.ok || response.body === null) {
        throw new BcnmfError('INVALID_DATA', `fetching ${url} failed: HTTP ${response.status} ${response.statusText}`);
      }
      const header = Number(response.headers.get('content-length'));
      const total = Number.isFinite(header) && header > 0 ? header : f.size;
      const hash = createHash('sha256');
      const out = createWriteStream(temp);
      let received = 0;
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          hash.update(chunk);
          received += chunk.length;
          if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
          options.onProgress?.({ file: f.path, received, total });
        }
      } finally {
        await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
      }
      const actual = hash.digest('hex');
      if (f.size !== undefined && received !== f.size) {
        throw new BcnmfError('INVALID_DATA', `${url} gave ${received} bytes but the manifest expects ${f.size}; nothing was written`);
      }
      if (f.sha256 !== UNKNOWN_CHECKSUM && actual !== f.sha256) {
        throw new BcnmfError('INVALID_DATA', `${url} has sha256 ${actual} but the manifest expects ${f.sha256}; nothing was written`);
      }
      if (received === 0) throw new BcnmfError('INVALID_DATA', `${url} gave an empty file; nothing was written`);
      renameSync(temp, target);
      if (f.sha256 === UNKNOWN_CHECKSUM) {
        recorded[f.path] = actual;
        const recordPath = join(dir, RECORDED_CHECKSUMS_FILE);
        writeFileSync(`${recordPath}.tmp`, JSON.stringify(recorded, null, 2) + '\n');
        renameSync(`${recordPath}.tmp`, recordPath);
      }
      result.files[f.path] = 'downloaded';
    } catch (e) {
      rmSync(temp, { force: true });
      throw e;
    }
  }
  return result;
}
