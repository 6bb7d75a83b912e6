import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import {
  DATA_DIR_ENV,
  downloadDataset,
  getDatasetManifest,
  listDatasets,
  RECORDED_CHECKSUMS_FILE,
  resolveDataDir,
  sha256File,
  UNKNOWN_CHECKSUM,
  type DatasetFile,
  type DatasetManifest,
  type DownloadProgress,
} from '@bcnmf/data';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { formatSeconds } from '../format.js';

export const DATASETS_USAGE = `bcnmf datasets list [--data-dir DIR] [--json]
bcnmf datasets download NAME [--data-dir DIR] [--mirror URL] [--force] [--quiet] [--json]
bcnmf datasets verify NAME [--data-dir DIR] [--json]

The registered data sets of the paper (@bcnmf/data's registry; manifests in datasets/*.json).
A set lives in <data dir>/<NAME>/; the data dir is --data-dir, else $${DATA_DIR_ENV}, else
~/.cache/bcnmf/datasets.

  list       each set: whether it is present in the data dir, its files, its source
  download   fetches the set's files (progress on stderr: a bar on a terminal, lines
             otherwise), each to a temporary file renamed into place only once its size
             and sha256 match the manifest; files without a known checksum get theirs
             recorded in ${RECORDED_CHECKSUMS_FILE}. Files already present are verified, not
             fetched again (--force fetches them again). Files without a URL are listed
             with where to get them.
  verify     checks the sha256 (and size) of the set's files that are present against the
             manifest (or ${RECORDED_CHECKSUMS_FILE}); exit 1 when one differs or a required
             file is missing

  --data-dir DIR   the data directory
  --mirror URL     download from URL/<NAME>/<file> instead of each file's own URL
  --force          download files that are present again
  --quiet          no progress
  --json           print the results as JSON

Exit codes: 2 for an unknown NAME (the known ones are listed) or bad usage; 1 when a
download fails (network, HTTP or checksum; nothing half-written is left) or verify finds
a problem.`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  mirror: { type: 'string' },
  force: { type: 'boolean' },
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

/** One file checked by `verify` (also its --json). */
export interface VerifiedFile {
  path: string;
  status: 'ok' | 'mismatch' | 'missing' | 'unpacked' | 'no-checksum';
  detail: string;
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
 * Progress of a download: a bar per file on a terminal; otherwise a line when a file
 * starts, at each quarter of it (when its size is known) and when it is complete.
 */
function downloadProgress(ctx: CommandContext, quiet: boolean, name: string) {
  if (quiet) return { onProgress: () => {}, stop: () => {} };
  const started = Date.now();
  if (ctx.isTTY && ctx.errStream) {
    const bar = new cliProgress.SingleBar(
      {
        stream: ctx.errStream,
        format: `bcnmf datasets download: {file} |{bar}| {percentage}% | {receivedText}/{totalText} | {elapsedText}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let current: string | null = null;
    return {
      onProgress(p: DownloadProgress) {
        const payload = { file: `${name}/${p.file}`, receivedText: formatBytes(p.received), totalText: formatBytes(p.total), elapsedText: formatSeconds((Date.now() - started) / 1000) };
        if (p.file !== current) {
          if (current !== null) bar.stop();
          bar.start(p.total ?? 0, p.received, payload);
          current = p.file;
        } else {
          if (p.total === undefined) bar.setTotal(p.received);
          bar.update(p.received, payload);
        }
      },
      stop: () => bar.stop(),
    };
  }
  let current: string | null = null;
  let step = 0;
  let lastBytes = 0;
  const line = (p: DownloadProgress) => {
    const percent = p.total ? ` (${Math.floor((100 * p.received) / p.total)}%)` : '';
    return `bcnmf datasets download: ${name}/${p.file} ${formatBytes(p.received)}/${formatBytes(p.total)}${percent}  elapsed ${formatSeconds((Date.now() - started) / 1000)}`;
  };
  return {
    onProgress(p: DownloadProgress) {
      if (p.file !== current) {
        current = p.file;
        step = 0;
        lastBytes = 0;
        ctx.err(`bcnmf datasets download: fetching ${name}/${p.file} (${formatBytes(p.total)})`);
      }
      if (p.total) {
        const quarter = Math.floor((4 * p.received) / p.total);
        if (quarter > step) {
          step = quarter;
          ctx.err(line(p));
        }
      } else if (p.received - lastBytes >= 4 * 1024 * 1024) {
        lastBytes = p.received;
        ctx.err(line(p));
      }
    },
    stop: () => {},
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

function readRecorded(dir: string): Record<string, string> {
  const p = join(dir, RECORDED_CHECKSUMS_FILE);
  if (!existsSync(p)) return {};
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as Record<string, string>;
  } catch {
    throw new DatasetsFailure(`${p} is not valid JSON; delete it and download the set again to record the checksums`);
  }
}

/** Checks the present files of a set against the manifest's (or the recorded) sha256 and size. */
export async function verifyDataset(name: string, dataDir: string): Promise<{ dir: string; files: VerifiedFile[] }> {
  const m = getDatasetManifest(name);
  const dir = join(dataDir, name);
  const recorded = readRecorded(dir);
  const files: VerifiedFile[] = [];
  for (const f of m.files) {
    const path = join(dir, f.path);
    if (!existsSync(path)) {
      if (f.unpackTo !== undefined && existsSync(join(dir, f.unpackTo))) {
        files.push({ path: f.path, status: 'unpacked', detail: `archive gone, unpacked into ${f.unpackTo}/ (not checked)` });
      } else {
        files.push({ path: f.path, status: 'missing', detail: f.optional ? 'missing (optional)' : 'missing' });
      }
      continue;
    }
    const size = statSync(path).size;
    if (f.size !== undefined && size !== f.size) {
      files.push({ path: f.path, status: 'mismatch', detail: `${size} bytes, the manifest expects ${f.size}` });
      continue;
    }
    const expected = f.sha256 !== UNKNOWN_CHECKSUM ? f.sha256 : recorded[f.path];
    if (expected === undefined) {
      files.push({ path: f.path, status: 'no-checksum', detail: `no sha256 known (not in the manifest nor in ${RECORDED_CHECKSUMS_FILE})` });
      continue;
    }
    const actual = await sha256File(path);
    const against = f.sha256 !== UNKNOWN_CHECKSUM ? 'manifest' : RECORDED_CHECKSUMS_FILE;
    files.push(
      actual === expected
        ? { path: f.path, status: 'ok', detail: `sha256 ${actual} (${against})` }
        : { path: f.path, status: 'mismatch', detail: `sha256 ${actual}, the ${against} expects ${expected}` },
    );
  }
  return { dir, files };
}

async function runVerify(name: string | undefined, values: { 'data-dir'?: string; json?: boolean }, ctx: CommandContext): Promise<VerifiedFile[]> {
  const manifest = knownName(name, 'verify');
  const dataDir = resolveDataDir(values['data-dir']);
  const { dir, files } = await verifyDataset(manifest.name, dataDir);
  const required = new Set(manifest.files.filter((f) => f.optional !== true).map((f) => f.path));
  const bad = files.filter((f) => f.status === 'mismatch');
  const missing = files.filter((f) => f.status === 'missing' && required.has(f.path));
  if (values.json) ctx.print(JSON.stringify({ name: manifest.name, dir, ok: bad.length === 0 && missing.length === 0, files }, null, 2));
  else for (const l of table([['file', 'status', 'detail'], ...files.map((f) => [f.path, f.status, f.detail])])) ctx.print(l);
  if (missing.length === files.length) {
    throw new DatasetsFailure(`data set '${manifest.name}' is not in ${dir}; bcnmf datasets download ${manifest.name}`);
  }
  if (bad.length > 0) {
    throw new DatasetsFailure(`${manifest.name}: ${bad.length} file${bad.length === 1 ? '' : 's'} in ${dir} ${bad.length === 1 ? 'does' : 'do'} not match (${bad.map((f) => f.path).join(', ')}); bcnmf datasets download ${manifest.name} --force fetches them again`);
  }
  if (missing.length > 0) {
    throw new DatasetsFailure(`${manifest.name}: ${missing.length} required file${missing.length === 1 ? ' is' : 's are'} missing from ${dir} (${missing.map((f) => f.path).join(', ')})`);
  }
  if (!values.json) ctx.print(`${manifest.name}: the files present in ${dir} match`);
  return files;
}

async function runDownload(
  name: string | undefined,
  values: { 'data-dir'?: string; mirror?: string; force?: boolean; quiet?: boolean; json?: boolean },
  ctx: CommandContext,
) {
  const manifest = knownName(name, 'download');
  if (values.mirror !== undefined && !/^https?:\/\//.test(values.mirror)) throw new UsageError(`--mirror must be an http(s) URL, got '${values.mirror}'`);
  const dataDir = resolveDataDir(values['data-dir']);
  const progress = downloadProgress(ctx, values.quiet ?? false, manifest.name);
  let result;
  try {
    result = await downloadDataset(manifest.name, {
      dataDir,
      onProgress: progress.onProgress,
      ...(values.mirror !== undefined ? { mirror: values.mirror } : {}),
      ...(values.force ? { force: true } : {}),
    });
  } catch (error) {
    // network, HTTP, size and checksum failures: exit 1, one line (nothing half-written is left)
    throw new DatasetsFailure(`downloading ${manifest.name} failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    progress.stop();
  }
  const recorded = manifest.files.filter((f) => f.sha256 === UNKNOWN_CHECKSUM && result.files[f.path] === 'downloaded').map((f) => f.path);
  if (values.json) {
    ctx.print(JSON.stringify({ name: manifest.name, dir: result.dir, files: result.files, recordedChecksums: recorded }, null, 2));
    return result;
  }
  const described: Record<string, string> = {
    downloaded: 'downloaded, size and sha256 verified',
    present: 'already present, verified',
    manual: 'no download URL: get it by hand',
  };
  for (const f of manifest.files) {
    const status = result.files[f.path];
    let text = described[status] ?? status;
    if (status === 'downloaded' && f.sha256 === UNKNOWN_CHECKSUM) text = `downloaded; no known sha256, the one seen is recorded in ${RECORDED_CHECKSUMS_FILE}`;
    if (status === 'present' && f.sha256 === UNKNOWN_CHECKSUM) text = 'already present, checked against the recorded sha256';
    ctx.print(`${manifest.name}/${f.path}: ${text}`);
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
  const { values, positionals } = parsed;
  const allowed: Record<string, (keyof typeof OPTIONS)[]> = {
    list: ['data-dir', 'json'],
    download: ['data-dir', 'mirror', 'force', 'quiet', 'json'],
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
