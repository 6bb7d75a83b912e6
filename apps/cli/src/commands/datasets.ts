import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { BcnmfError } from '@bcnmf/core';
import {
  DATA_DIR_ENV,
  DOWNLOAD_DEFAULTS,
  downloadDataset,
  getDatasetManifest,
  listDatasets,
  parseDecimal,
  RECORDED_CHECKSUMS_FILE,
  resolveDataDir,
  verifyDatasetFiles,
  type DatasetFile,
  type DatasetFileCheck,
  type DatasetManifest,
  type DownloadProgress,
  type DownloadResult,
} from '@bcnmf/data';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { formatSeconds } from '../format.js';
import { refuseRepeatedFlags } from '../options.js';

export const DATASETS_USAGE = `bcnmf datasets list [--data-dir DIR] [--json]
bcnmf datasets download NAME [--data-dir DIR] [--mirror URL] [--force] [--trust-first-download]
                        [--connect-timeout S] [--idle-timeout S] [--max-size SIZE] [--quiet] [--json]
bcnmf datasets verify NAME [--data-dir DIR] [--json]

The registered data sets of the paper (@bcnmf/data's registry; manifests in datasets/*.json).
A set lives in <data dir>/<NAME>/; the data dir is --data-dir, else $${DATA_DIR_ENV}, else
~/.cache/bcnmf/datasets.

  list       each set: whether it is present in the data dir, its files, its source
  download   fetches the set's files, each to a .part file renamed into place only once it
             passed every check: an answer within the connect timeout, no silence longer
             than the idle timeout, no byte past the manifest's size (or --max-size when
             it gives none), first bytes of the declared format (an HTML login or error
             page is refused), then size and sha256. Files without a pinned sha256 are
             kept "unverified" unless --trust-first-download records the sha256 seen in
             ${RECORDED_CHECKSUMS_FILE}. Present files are checked, not fetched again. Files
             without a URL are listed with where to get them. Progress bar on a terminal.
  verify     checks the files present: size and sha256 against the manifest or a sha256
             recorded by --trust-first-download; a file with neither is only checked
             against its format and reported "unverified (no pinned checksum)"

  --data-dir DIR          the data directory
  --mirror URL            download from URL/<NAME>/<file> instead of each file's own URL
  --force                 download present files again (replaced only once the new one passed)
  --trust-first-download  record the sha256 of files without a pinned one in ${RECORDED_CHECKSUMS_FILE}
  --connect-timeout S     seconds to wait for a server's answer (default ${DOWNLOAD_DEFAULTS.connectTimeoutMs / 1000}; $${DOWNLOAD_DEFAULTS.connectTimeoutEnv})
  --idle-timeout S        seconds of silence allowed mid-download (default ${DOWNLOAD_DEFAULTS.idleTimeoutMs / 1000}; $${DOWNLOAD_DEFAULTS.idleTimeoutEnv})
  --max-size SIZE         cap for files the manifest gives no size for: bytes, or with
                          kB, MB, GB (1024-based); default ${DOWNLOAD_DEFAULTS.maxBytes / 1024 ** 3} GB
  --quiet                 no progress
  --json                  print the results as JSON

Exit codes: 2 for an unknown NAME (the known ones are listed) or bad usage; 1 when a
download fails (network, timeout, HTTP, size, format or checksum; one line, no .part file
left) or verify finds a file that differs, a required file missing, or no file; 130 when
interrupted (Ctrl-C; no .part file left).`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  mirror: { type: 'string' },
  force: { type: 'boolean' },
  'trust-first-download': { type: 'boolean' },
  'connect-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-size': { type: 'string' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** A failure that is not bad usage: exit code 1, one line. */
class DatasetsFailure extends Error {}

/** One registered set in the data dir (`list`, also its --json). */
export interface DatasetStatus {
  name: string;
  title: string;
  /** `present` (every required file, or its unpacked folder), `partial` or `absent`. */
  status: 'present' | 'partial' | 'absent';
  dir: string;
  files: { path: string; present: boolean }[];
  source: string;
}

function knownName(name: string | undefined, sub: string): DatasetManifest {
  if (name === undefined) throw new UsageError(`bcnmf datasets ${sub} needs a data set NAME; the registered ones are ${listDatasets().join(', ')}`);
  if (!listDatasets().includes(name)) {
    throw new UsageError(`unknown data set '${name}'; the registered ones are ${listDatasets().join(', ')} (bcnmf datasets list)`);
  }
  return getDatasetManifest(name);
}

/** Present = the file itself, or its unpacked folder for an archive. */
function isPresent(dir: string, f: DatasetFile): boolean {
  return existsSync(join(dir, f.path)) || (f.unpackTo !== undefined && existsSync(join(dir, f.unpackTo)));
}

/** Where each registered set stands in the data dir (presence only: no checksums). */
export function datasetStatuses(dataDir: string): DatasetStatus[] {
  return listDatasets().map((name) => {
    const m = getDatasetManifest(name);
    const dir = join(dataDir, name);
    const files = m.files.map((f) => ({ path: f.path, present: isPresent(dir, f) }));
    const required = m.files.filter((f) => f.optional !== true);
    const have = required.filter((f) => isPresent(dir, f)).length;
    const status = have === required.length ? 'present' : files.some((f) => f.present) ? 'partial' : 'absent';
    return { name, title: m.title, status, dir, files, source: m.sources[0]?.url ?? '' };
  });
}

function formatBytes(n: number | undefined): string {
  if (n === undefined) return '?';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) => r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]))).join('  ').trimEnd());
}

/**
 * One line of a download's progress: `bcnmf datasets download: NAME/FILE |bar| 42% |
 * 1.2 MB/2.9 MB | 3.1 s`; without a known size, the bytes so far only. The percentage
 * never passes 100 (the download refuses a body longer than the size anyway).
 */
export function downloadProgressLine(name: string, p: DownloadProgress, elapsedMs: number, barSize = 24): string {
  const head = `bcnmf datasets download: ${name}/${p.file}`;
  const elapsed = formatSeconds(elapsedMs / 1000);
  if (p.total === undefined || p.total <= 0) return `${head} | ${formatBytes(p.received)} | ${elapsed}`;
  const fraction = Math.min(1, p.received / p.total);
  const done = Math.round(fraction * barSize);
  const bar = '\u2588'.repeat(done) + '\u2591'.repeat(barSize - done);
  return `${head} |${bar}| ${Math.floor(fraction * 100)}% | ${formatBytes(Math.min(p.received, p.total))}/${formatBytes(p.total)} | ${elapsed}`;
}

/** Progress of a download: a line redrawn on a terminal (stderr); nothing otherwise. */
function downloadProgress(ctx: CommandContext, quiet: boolean, name: string) {
  if (quiet || !ctx.isTTY || !ctx.errStream) return { onProgress: () => {}, stop: () => {} };
  const started = Date.now();
  const bar = new cliProgress.SingleBar({
    stream: ctx.errStream,
    format: (_options, _params, payload: { line?: string }) => payload.line ?? '',
    hideCursor: true,
    clearOnComplete: false,
    fps: 5,
  });
  let current: string | null = null;
  return {
    onProgress(p: DownloadProgress) {
      const payload = { line: downloadProgressLine(name, p, Date.now() - started) };
      if (p.file !== current) {
        if (current !== null) bar.stop();
        bar.start(1, 0, payload);
        current = p.file;
      } else {
        bar.update(0, payload);
      }
    },
    stop: () => {
      if (current !== null) bar.stop();
    },
  };
}

async function runList(values: { 'data-dir'?: string; json?: boolean }, ctx: CommandContext): Promise<DatasetStatus[]> {
  const dataDir = resolveDataDir(values['data-dir']);
  const statuses = datasetStatuses(dataDir);
  if (values.json) {
    ctx.print(JSON.stringify({ dataDir, datasets: statuses }, null, 2));
    return statuses;
  }
  const from = values['data-dir'] !== undefined ? '--data-dir' : process.env[DATA_DIR_ENV] ? `$${DATA_DIR_ENV}` : 'default';
  ctx.print(`data dir: ${dataDir} (${from})`);
  const rows = [['name', 'present', 'files', 'source']];
  for (const s of statuses) {
    const have = s.files.filter((f) => f.present).length;
    rows.push([s.name, s.status === 'present' ? 'yes' : s.status === 'partial' ? 'partial' : 'no', `${have}/${s.files.length}`, s.source]);
  }
  for (const l of table(rows)) ctx.print(l);
  return statuses;
}

async function runVerify(name: string | undefined, values: { 'data-dir'?: string; json?: boolean }, ctx: CommandContext): Promise<DatasetFileCheck[]> {
  const manifest = knownName(name, 'verify');
  const dataDir = resolveDataDir(values['data-dir']);
  let checked;
  try {
    checked = await verifyDatasetFiles(manifest.name, { dataDir, ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}) });
  } catch (error) {
    if (error instanceof BcnmfError) throw new DatasetsFailure(error.message.split('\n')[0]);
    throw error;
  }
  const { dir, files } = checked;
  const required = new Set(manifest.files.filter((f) => f.optional !== true).map((f) => f.path));
  const bad = files.filter((f) => f.status === 'mismatch' || f.status === 'wrong-format');
  const missing = files.filter((f) => f.status === 'missing' && required.has(f.path));
  const unverified = files.filter((f) => f.status === 'unverified');
  if (values.json) {
    ctx.print(JSON.stringify({ name: manifest.name, dir, ok: bad.length === 0 && missing.length === 0, unverified: unverified.map((f) => f.path), files }, null, 2));
  } else {
    for (const l of table([['file', 'status', 'detail'], ...files.map((f) => [f.path, f.status, f.detail])])) ctx.print(l);
  }
  if (missing.length === files.length) {
    throw new DatasetsFailure(`data set '${manifest.name}' is not in ${dir}; bcnmf datasets download ${manifest.name}`);
  }
  if (bad.length > 0) {
    throw new DatasetsFailure(`${manifest.name}: ${bad.length} file${bad.length === 1 ? '' : 's'} in ${dir} ${bad.length === 1 ? 'does' : 'do'} not match (${bad.map((f) => f.path).join(', ')}); bcnmf datasets download ${manifest.name} --force fetches them again`);
  }
  if (missing.length > 0) {
    throw new DatasetsFailure(`${manifest.name}: ${missing.length} required file${missing.length === 1 ? ' is' : 's are'} missing from ${dir} (${missing.map((f) => f.path).join(', ')})`);
  }
  if (!values.json) {
    if (unverified.length === 0) ctx.print(`${manifest.name}: the files present in ${dir} match`);
    else {
      const ok = files.filter((f) => f.status === 'ok').length;
      ctx.print(
        `${manifest.name}: ${ok} file${ok === 1 ? '' : 's'} in ${dir} match${ok === 1 ? 'es' : ''} a pinned or recorded sha256; ` +
          `${unverified.length} ${unverified.length === 1 ? 'is' : 'are'} unverified (no pinned checksum; format checked only): ${unverified.map((f) => f.path).join(', ')}`,
      );
    }
  }
  return files;
}

function positiveSeconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = parseDecimal(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`${flag} must be a positive number of seconds, got '${value}'`);
  return Math.round(seconds * 1000);
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };

/** A size such as `500MB`, `4 GB` or `1048576` (1024-based units) in bytes. */
export function parseSize(value: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) throw new UsageError(`${flag} must be a size such as 500MB, 4GB or a number of bytes, got '${value}'`);
  return Math.ceil(Number(m[1]) * unit);
}

function describeDownloaded(f: DatasetFile, result: DownloadResult): string {
  const status = result.files[f.path];
  const check = result.checks[f.path];
  if (status === 'manual') return 'no download URL: get it by hand';
  const what = status === 'downloaded' ? 'downloaded' : 'already present';
  if (check === 'pinned') return `${what}, ${f.size !== undefined ? 'size and ' : ''}sha256 verified`;
  if (check === 'recorded') {
    const now = result.recorded[f.path];
    return now !== undefined
      ? `${what}; no pinned sha256: recorded sha256 ${now.sha256} (${now.size} bytes) in ${result.recordedIn} (--trust-first-download)`
      : `${what}, sha256 verified against the one recorded in ${RECORDED_CHECKSUMS_FILE}`;
  }
  return `${what}, unverified (no pinned checksum; its format was checked: ${f.format})`;
}

async function runDownload(
  name: string | undefined,
  values: {
    'data-dir'?: string;
    mirror?: string;
    force?: boolean;
    'trust-first-download'?: boolean;
    'connect-timeout'?: string;
    'idle-timeout'?: string;
    'max-size'?: string;
    quiet?: boolean;
    json?: boolean;
  },
  ctx: CommandContext,
): Promise<DownloadResult> {
  const manifest = knownName(name, 'download');
  if (values.mirror !== undefined && !/^https?:\/\//.test(values.mirror)) throw new UsageError(`--mirror must be an http(s) URL, got '${values.mirror}'`);
  const connectTimeoutMs = positiveSeconds(values['connect-timeout'], '--connect-timeout');
  const idleTimeoutMs = positiveSeconds(values['idle-timeout'], '--idle-timeout');
  const maxBytes = values['max-size'] !== undefined ? parseSize(values['max-size'], '--max-size') : undefined;
  const dataDir = resolveDataDir(values['data-dir']);
  const progress = downloadProgress(ctx, values.quiet ?? false, manifest.name);
  let result: DownloadResult;
  try {
    result = await downloadDataset(manifest.name, {
      dataDir,
      onProgress: progress.onProgress,
      ...(values.mirror !== undefined ? { mirror: values.mirror } : {}),
      ...(values.force ? { force: true } : {}),
      ...(values['trust-first-download'] ? { trustFirstDownload: true } : {}),
      ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
      ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
      ...(maxBytes !== undefined ? { maxBytes } : {}),
      ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
    });
  } catch (error) {
    // an interruption stays one (exit 130); a bad $BCNMF_*_TIMEOUT is bad usage (exit 2)
    if (error instanceof Error && error.name === 'AbortError') throw error;
    if (error instanceof BcnmfError && error.code === 'INVALID_OPTION') throw new UsageError(error.message);
    // network, timeout, HTTP, size, format and checksum failures: exit 1, one line (no .part file is left)
    throw new DatasetsFailure(`downloading ${manifest.name} failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    progress.stop();
  }
  const unverified = manifest.files.filter((f) => result.checks[f.path] === 'unverified').map((f) => f.path);
  if (values.json) {
    ctx.print(JSON.stringify({ name: manifest.name, dir: result.dir, files: result.files, checks: result.checks, unverified, recorded: result.recorded, recordedIn: result.recordedIn ?? null }, null, 2));
    return result;
  }
  for (const f of manifest.files) ctx.print(`${manifest.name}/${f.path}: ${describeDownloaded(f, result)}`);
  if (unverified.length > 0) {
    ctx.print(
      `${unverified.length} file${unverified.length === 1 ? '' : 's'} of ${manifest.name} ${unverified.length === 1 ? 'has' : 'have'} no pinned sha256 and ${unverified.length === 1 ? 'is' : 'are'} unverified; ` +
        `once you trust ${unverified.length === 1 ? 'it' : 'them'}, bcnmf datasets download ${manifest.name} --force --trust-first-download records the sha256 for later checks`,
    );
  }
  if (Object.values(result.files).includes('manual')) {
    ctx.print(`sources of ${manifest.name}: ${manifest.sources.map((s) => s.url).join(' ')}`);
  }
  const archives = manifest.files.filter((f) => f.unpackTo !== undefined && result.files[f.path] !== 'manual');
  if (archives.length > 0) ctx.print(`unpack each archive into its folder under ${result.dir}: ${archives.map((f) => `${f.path} -> ${f.unpackTo}/`).join(', ')}`);
  ctx.print(`${manifest.name} is in ${result.dir}`);
  return result;
}

/** `bcnmf datasets list | download NAME | verify NAME`. */
export async function runDatasets(argv: string[], ctx: CommandContext): Promise<unknown> {
  const [sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (bcnmf help datasets)`);
  }
  refuseRepeatedFlags(rest, OPTIONS, 'datasets');
  const { values, positionals } = parsed;
  const allowed: Record<string, (keyof typeof OPTIONS)[]> = {
    list: ['data-dir', 'json'],
    download: ['data-dir', 'mirror', 'force', 'trust-first-download', 'connect-timeout', 'idle-timeout', 'max-size', 'quiet', 'json'],
    verify: ['data-dir', 'json'],
  };
  if (sub === undefined || !(sub in allowed)) {
    throw new UsageError(`${sub === undefined ? 'bcnmf datasets needs a subcommand' : `unknown datasets subcommand '${sub}'`}: list, download NAME or verify NAME (bcnmf help datasets)`);
  }
  for (const flag of Object.keys(values) as (keyof typeof OPTIONS)[]) {
    if (!allowed[sub].includes(flag)) throw new UsageError(`--${flag} does not go with bcnmf datasets ${sub}`);
  }
  const most = sub === 'list' ? 0 : 1;
  if (positionals.length > most) throw new UsageError(`bcnmf datasets ${sub} takes ${most === 0 ? 'no arguments' : 'one NAME'}; got ${positionals.join(' ')}`);
  if (sub === 'list') return runList(values, ctx);
  if (sub === 'verify') return runVerify(positionals[0], values, ctx);
  return runDownload(positionals[0], values, ctx);
}
