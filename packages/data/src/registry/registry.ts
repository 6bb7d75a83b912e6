import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, openSync, readSync, closeSync, rmdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { BcnmfError } from '@bcnmf/core';
import { abortReason, fetchFile, formatBytes } from './fetch-file.js';
import { DownloadError } from './download-error.js';
import { checkFileHead, FORMAT_HEAD_BYTES } from './format-check.js';
import { DATASET_MANIFESTS } from './manifests.js';
import { addRecordedChecksums, readRecordedChecksums, RECORDED_CHECKSUMS_FILE, type RecordedChecksum, type RecordedChecksums } from './recorded-checksums.js';
import { UNKNOWN_CHECKSUM, type DatasetFile, type DatasetManifest } from './types.js';

/** Environment variable naming the data directory. */
export const DATA_DIR_ENV = 'BCNMF_DATA_DIR';

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


/** Hex sha256 of a file, read as a stream; an aborted `signal` stops it with its reason. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) {
    if (signal?.aborted) throw abortReason(signal, `checking ${path}`);
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** Options of {@link locateDataset}. */
export interface LocateOptions {
  /** Data directory; see {@link resolveDataDir}. */
  dataDir?: string;
  /**
   * Check the files: size and sha256 where the manifest pins one or it was recorded on
   * purpose ({@link DownloadOptions.trustFirstDownload}), else the first bytes against the
   * declared format. Default true.
   */
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

/** The sha256 a file must have: the manifest's, else one recorded on purpose; undefined when neither. */
function expectedChecksum(f: DatasetFile, recorded: RecordedChecksums): { sha256: string; from: string; check: 'pinned' | 'recorded' } | undefined {
  if (f.sha256 !== UNKNOWN_CHECKSUM) return { sha256: f.sha256, from: 'the manifest', check: 'pinned' };
  const r = recorded.trusted[f.path];
  if (r !== undefined) return { sha256: r.sha256, from: `${RECORDED_CHECKSUMS_FILE} (recorded ${r.recordedAt.slice(0, 10)} by --trust-first-download)`, check: 'recorded' };
  return undefined;
}

function readHead(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(FORMAT_HEAD_BYTES);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** How one file of a set stands (`verifyDatasetFiles`). */
export interface DatasetFileCheck {
  /** Manifest path. */
  path: string;
  /**
   * `ok`: the sha256 pinned in the manifest, or recorded on purpose, matches;
   * `unverified`: no pinned or recorded sha256, only the size (when known) and the first
   * bytes against the declared format could be checked, and they fit;
   * `mismatch`: wrong size or sha256; `wrong-format`: the first bytes are not the declared
   * format (e.g. an HTML page saved as .tar.gz); `missing`; `unpacked`: the archive is
   * gone, its unpacked folder is there (not checked).
   */
  status: 'ok' | 'unverified' | 'mismatch' | 'wrong-format' | 'missing' | 'unpacked';
  /** One line: what was checked, against what. */
  detail: string;
}

async function checkPresentFile(path: string, f: DatasetFile, recorded: RecordedChecksums, signal?: AbortSignal): Promise<DatasetFileCheck> {
  const size = statSync(path).size;
  if (f.size !== undefined && size !== f.size) {
    return { path: f.path, status: 'mismatch', detail: `${size} bytes, the manifest expects ${f.size}` };
  }
  const expected = expectedChecksum(f, recorded);
  if (expected === undefined) {
    const head = readHead(path);
    const wrong = checkFileHead(head, f.format, head.length === size);
    if (wrong !== null) return { path: f.path, status: 'wrong-format', detail: `the file is ${wrong}` };
    const old = recorded.untrusted[f.path] !== undefined ? `; the bare sha256 in ${RECORDED_CHECKSUMS_FILE} was recorded without being asked for by an earlier version, so it is not trusted` : '';
    return { path: f.path, status: 'unverified', detail: `unverified (no pinned checksum): ${formatBytes(size)}, starts as ${f.format} should${old}` };
  }
  const actual = await sha256File(path, signal);
  return actual === expected.sha256
    ? { path: f.path, status: 'ok', detail: `sha256 ${actual} (${expected.check === 'pinned' ? 'manifest' : expected.from})` }
    : { path: f.path, status: 'mismatch', detail: `sha256 ${actual}, ${expected.from} expects ${expected.sha256}` };
}

/** Options of {@link verifyDatasetFiles}. */
export interface VerifyOptions {
  /** Data directory; see {@link resolveDataDir}. */
  dataDir?: string;
  /** Stops hashing (with the signal's reason) when aborted. */
  signal?: AbortSignal;
}

/**
 * Checks each file of a set that is present: its size and sha256 against the manifest or a
 * sha256 recorded on purpose; a file with neither is only format-checked and reported
 * `unverified`, never `ok`.
 *
 * @example
 * const { files } = await verifyDatasetFiles('mice-protein', { dataDir: '../shared/datasets' });
 * files[0].status; // 'ok'
 */
export async function verifyDatasetFiles(name: string, options: VerifyOptions = {}): Promise<{ dir: string; files: DatasetFileCheck[] }> {
  const manifest = getDatasetManifest(name);
  const dir = join(resolveDataDir(options.dataDir), name);
  const recorded = readRecordedChecksums(dir);
  const files: DatasetFileCheck[] = [];
  for (const f of manifest.files) {
    const path = join(dir, f.path);
    if (existsSync(path)) files.push(await checkPresentFile(path, f, recorded, options.signal));
    else if (f.unpackTo !== undefined && existsSync(join(dir, f.unpackTo))) files.push({ path: f.path, status: 'unpacked', detail: `archive gone, unpacked into ${f.unpackTo}/ (not checked)` });
    else files.push({ path: f.path, status: 'missing', detail: f.optional ? 'missing (optional)' : 'missing' });
  }
  return { dir, files };
}

function refuseBadFile(path: string, check: DatasetFileCheck, fix: string): never {
  throw new BcnmfError('INVALID_DATA', `${path}: ${check.detail}: refusing a wrong or damaged file; ${fix}`);
}

/**
 * Finds a data set in the data directory and (by default) verifies its files: a wrong
 * size, a sha256 that does not match the manifest or one recorded on purpose, or first
 * bytes that are not the declared format (for files without a checksum) are refused
 * (INVALID_DATA), and an absent set gives an INVALID_DATA error naming where to get it.
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
  const recorded = options.verify === false ? { trusted: {}, untrusted: {} } : readRecordedChecksums(dir);
  const files: Record<string, string> = {};
  for (const f of manifest.files) {
    const p = join(dir, f.path);
    if (!existsSync(p)) continue;
    if (options.verify !== false) {
      const check = await checkPresentFile(p, f, recorded);
      if (check.status === 'mismatch' || check.status === 'wrong-format') refuseBadFile(p, check, `delete it and download or build it again (or pass verify: false to read it anyway)`);
    }
    files[f.path] = p;
  }
  return { manifest, dir, files };
}

/** A progress report of {@link downloadDataset}. */
export interface DownloadProgress {
  /** Manifest path of the file being fetched. */
  file: string;
  /** Bytes received so far for this file (never more than `total`: a longer body is refused). */
  received: number;
  /** Size of this file: the manifest's, else the server's Content-Length; undefined when neither is known. */
  total: number | undefined;
}

/** Defaults of {@link downloadDataset}'s limits, and the environment variables that change them. */
export const DOWNLOAD_DEFAULTS = {
  /** Longest wait for a server's answer (connection and response headers), per request. */
  connectTimeoutMs: 30_000,
  /** Longest silence while a body streams. */
  idleTimeoutMs: 60_000,
  /**
   * Byte cap of a file the manifest gives no size for (2 GiB: the registry's unsized
   * archives are far smaller); a file with a size is capped at exactly that size.
   */
  maxBytes: 2 * 1024 ** 3,
  /** Environment variable giving the connect timeout in seconds, when the option is not given. */
  connectTimeoutEnv: 'BCNMF_CONNECT_TIMEOUT',
  /** Environment variable giving the idle timeout in seconds, when the option is not given. */
  idleTimeoutEnv: 'BCNMF_IDLE_TIMEOUT',
} as const;

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
  /** Download again files that are present (each replaced only once its successor passed every check). Default false. */
  force?: boolean;
  /** The fetch function. Default: the global fetch. It gets `redirect: 'manual'`: redirects are followed here. */
  fetch?: typeof fetch;
  /** Interrupts the download: it then rejects with the signal's reason (an AbortError) and leaves no `.part` file. */
  signal?: AbortSignal;
  /** Longest wait for a server's answer, per request (ms). Default `$BCNMF_CONNECT_TIMEOUT` seconds, else 30 s. */
  connectTimeoutMs?: number;
  /** Longest silence while a body streams (ms). Default `$BCNMF_IDLE_TIMEOUT` seconds, else 60 s. */
  idleTimeoutMs?: number;
  /** Byte cap of a file the manifest gives no size for. Default 2 GiB. */
  maxBytes?: number;
  /**
   * For files the manifest pins no sha256 for: record the sha256 of this download in
   * `<name>/checksums.json`, to be checked by every later load and verify. Default false:
   * such files are kept after the format check but stay `unverified`.
   */
  trustFirstDownload?: boolean;
}

/** What {@link downloadDataset} did per file. */
export interface DownloadResult {
  dir: string;
  /** Per file: `downloaded`, `present` (already there, checked) or `manual` (no URL). */
  files: Record<string, 'downloaded' | 'present' | 'manual'>;
  /**
   * Per downloaded or present file, what it was checked against: `pinned` (the manifest's
   * sha256), `recorded` (a sha256 recorded on purpose, now or before) or `unverified`
   * (no sha256 to check: size when known and the declared format only).
   */
  checks: Record<string, 'pinned' | 'recorded' | 'unverified'>;
  /** The sha256 recorded by this call (`trustFirstDownload`), by file. */
  recorded: Record<string, RecordedChecksum>;
  /** The `checksums.json` written, when something was recorded. */
  recordedIn?: string;
}

function positiveOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new BcnmfError('INVALID_OPTION', `${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

function secondsFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new BcnmfError('INVALID_OPTION', `$${name} must be a positive number of seconds, got '${raw}'`);
  return seconds * 1000;
}

/** Creates `dir` and returns the folders this created, outermost first (removed again if nothing lands in them). */
function makeFolders(dir: string): string[] {
  const first = mkdirSync(dir, { recursive: true });
  if (first === undefined) return [];
  const made = [first];
  for (const part of relative(first, dir).split(sep).filter((p) => p !== '')) made.push(join(made[made.length - 1], part));
  return made;
}

function removeIfEmpty(folders: string[]): void {
  for (const folder of [...folders].reverse()) {
    try {
      rmdirSync(folder);
    } catch {
      return; // not empty (or gone): leave it and the folders above it
    }
  }
}

/**
 * Downloads a data set's files into `<dataDir>/<name>/`. Each file goes to a `.part`
 * sibling that is renamed into place only after it passed every check: an answer within
 * the connect timeout and no longer silence than the idle timeout; no more bytes than the
 * manifest's size (or `maxBytes` when it gives none); first bytes of the declared format
 * (an HTML login or error page is refused by name); the manifest's size and sha256, or a
 * sha256 recorded on purpose. A failure throws (INVALID_DATA, a {@link DownloadError}) and
 * an interruption through `signal` rejects with its reason (an AbortError); neither leaves
 * a `.part` file, nor a folder this call created and left empty. Files downloaded before a
 * failure stay (each passed its checks). Files without a pinned sha256 are kept
 * `unverified`, unless `trustFirstDownload` records the sha256 seen in `checksums.json`.
 * Files without a URL are reported as `manual`.
 *
 * @example
 * await downloadDataset('mnist-flowers', { dataDir: '/data', onProgress: (p) => console.log(p.file, p.received) });
 * // { dir: '/data/mnist-flowers', files: { 'target_images.csv': 'downloaded', ... }, checks: { 'target_images.csv': 'pinned', ... }, recorded: {} }
 */
export async function downloadDataset(name: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const manifest = getDatasetManifest(name);
  const dir = join(resolveDataDir(options.dataDir), name);
  const connectTimeoutMs = positiveOption(options.connectTimeoutMs, 'connectTimeoutMs') ?? secondsFromEnv(DOWNLOAD_DEFAULTS.connectTimeoutEnv) ?? DOWNLOAD_DEFAULTS.connectTimeoutMs;
  const idleTimeoutMs = positiveOption(options.idleTimeoutMs, 'idleTimeoutMs') ?? secondsFromEnv(DOWNLOAD_DEFAULTS.idleTimeoutEnv) ?? DOWNLOAD_DEFAULTS.idleTimeoutMs;
  const maxBytes = positiveOption(options.maxBytes, 'maxBytes') ?? DOWNLOAD_DEFAULTS.maxBytes;
  if (options.mirror !== undefined && !/^https?:\/\//.test(options.mirror)) throw new BcnmfError('INVALID_OPTION', `mirror must be an http(s) URL, got '${options.mirror}'`);
  const doFetch = options.fetch ?? globalThis.fetch;
  const signal = options.signal;
  if (signal?.aborted) throw abortReason(signal, `the download of ${name}`);

  const made = makeFolders(dir);
  const result: DownloadResult = { dir, files: {}, checks: {}, recorded: {} };
  try {
    const recorded = readRecordedChecksums(dir);
    for (const f of manifest.files) {
      const target = join(dir, f.path);
      if (f.url === undefined) {
        result.files[f.path] = 'manual';
        continue;
      }
      const expected = expectedChecksum(f, recorded);
      if (!options.force && existsSync(target)) {
        const check = await checkPresentFile(target, f, recorded, signal);
        if (check.status === 'mismatch' || check.status === 'wrong-format') refuseBadFile(target, check, `delete it, or download it again with force (--force)`);
        result.files[f.path] = 'present';
        result.checks[f.path] = expected?.check ?? 'unverified';
        continue;
      }
      const url = options.mirror !== undefined ? `${options.mirror.replace(/\/+$/, '')}/${name}/${f.path}` : f.url;
      made.push(...makeFolders(dirname(target)).filter((d) => !made.includes(d)));
      const fetched = await fetchFile({
        url,
        target,
        label: f.path,
        format: f.format,
        ...(f.size !== undefined ? { expectedSize: f.size } : {}),
        ...(expected !== undefined ? { expectedSha256: { sha256: expected.sha256, from: expected.from } } : {}),
        maxBytes,
        connectTimeoutMs,
        idleTimeoutMs,
        fetch: doFetch,
        ...(signal !== undefined ? { signal } : {}),
        onProgress: (received, total) => options.onProgress?.({ file: f.path, received, total }),
      });
      result.files[f.path] = 'downloaded';
      if (expected === undefined && options.trustFirstDownload === true) {
        const entry: RecordedChecksum = { sha256: fetched.sha256, size: fetched.size, url: fetched.finalUrl, recordedAt: new Date().toISOString(), recordedBy: 'trust-first-download' };
        recorded.trusted[f.path] = entry;
        result.recorded[f.path] = entry;
        result.recordedIn = addRecordedChecksums(dir, { [f.path]: entry });
        result.checks[f.path] = 'recorded';
      } else {
        result.checks[f.path] = expected?.check ?? 'unverified';
      }
    }
  } catch (error) {
    removeIfEmpty(made);
    // "nothing was written" is about the file that failed: say what this run did keep
    const kept = Object.keys(result.files).filter((path) => result.files[path] === 'downloaded');
    if (error instanceof DownloadError && kept.length > 0) {
      throw new DownloadError(error.failure, error.url, `${error.message} (the files downloaded before it passed their checks and were kept: ${kept.join(', ')}; a second run fetches only the rest)`);
    }
    throw error;
  }
  return result;
}
