// One file from the network into place, trusting the server with nothing: a time limit for
// an answer and for each silence, a byte cap, a format check of the first bytes, size and
// sha256 checks, and a `.part` sibling that is renamed into place only after all of them
// (and removed on any failure, interruption, or process exit).
import { createHash, randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DownloadError } from './download-error.js';
import { checkFileHead, FORMAT_HEAD_BYTES } from './format-check.js';
import { describeNetworkError } from './network-error.js';

/** Most redirects followed before a download is refused. */
export const MAX_REDIRECTS = 10;

/** A whole number of bytes, short: `2.4 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}

// `.part` files being written by this process: removed if it exits mid-download (a second
// Ctrl-C calls process.exit before the download's own clean-up can run).
const liveParts = new Set<string>();
function removeLiveParts(): void {
  for (const p of liveParts) rmSync(p, { force: true });
}
function track(path: string): void {
  if (liveParts.size === 0) process.on('exit', removeLiveParts);
  liveParts.add(path);
}
function untrack(path: string): void {
  liveParts.delete(path);
  if (liveParts.size === 0) process.off('exit', removeLiveParts);
}

/** What to fetch and how far to trust it. */
export interface FetchFileRequest {
  url: string;
  /** Final path; the bytes go to a `.part` sibling first. */
  target: string;
  /** Name for messages (the manifest path). */
  label: string;
  /** Declared format (manifest `format`), checked on the first bytes. */
  format: string;
  /** Exact size, when the manifest knows it: also the byte cap. */
  expectedSize?: number;
  /** sha256 the file must have (pinned, or recorded on purpose) and where it comes from. */
  expectedSha256?: { sha256: string; from: string };
  /** Byte cap when `expectedSize` is unknown. */
  maxBytes: number;
  /** Longest wait for a server's answer (connect and response headers), per request. */
  connectTimeoutMs: number;
  /** Longest silence while the body streams. */
  idleTimeoutMs: number;
  signal?: AbortSignal;
  fetch: typeof fetch;
  onProgress?: (received: number, total: number | undefined) => void;
}

/** What was fetched: its sha256, size, and the URL the bytes came from after redirects. */
export interface FetchedFile {
  sha256: string;
  size: number;
  finalUrl: string;
}

/** Where the limits can be changed, for the timeout messages. */
const HOW_TO_RAISE = {
  connect: '--connect-timeout SECONDS, $BCNMF_CONNECT_TIMEOUT or the connectTimeoutMs option',
  idle: '--idle-timeout SECONDS, $BCNMF_IDLE_TIMEOUT or the idleTimeoutMs option',
  size: '--max-size SIZE or the maxBytes option',
};

/** The error an interruption ends with: the signal's reason when it is an error, else an AbortError. */
export function abortReason(signal: AbortSignal, what: string): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(`${what} was interrupted`, 'AbortError');
}

/**
 * Fetches `url` into `target`: the response within `connectTimeoutMs` (each redirect hop,
 * at most {@link MAX_REDIRECTS}, https never to http), then no silence longer than
 * `idleTimeoutMs`; stops as soon as the body passes `expectedSize` (or `maxBytes` when the
 * size is unknown); refuses a body whose first bytes are not `format` (an HTML page above
 * all) as soon as they arrive; checks size and sha256 at the end; renames the `.part`
 * sibling into place only then. Any failure throws a {@link DownloadError}, an
 * interruption the signal's reason (an AbortError), and neither leaves a `.part` behind.
 */
export async function fetchFile(req: FetchFileRequest): Promise<FetchedFile> {
  const temp = join(dirname(req.target), `.${basename(req.target)}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
  if (req.signal?.aborted) throw abortReason(req.signal, `the download of ${req.label}`);
  const controller = new AbortController();
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const stop = (reason: unknown) => {
    controller.abort(reason);
    // a pending read then resolves as done, whatever the fetch implementation does with the signal
    reader?.cancel(reason).catch(() => {});
  };
  const onAbort = () => stop(req.signal?.reason);
  req.signal?.addEventListener('abort', onAbort, { once: true });

  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut: DownloadError | undefined;
  const arm = (ms: number, error: () => DownloadError) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = error();
      stop(timedOut);
    }, ms);
  };

  let url = req.url;
  const hops: string[] = [];
  const via = () => (hops.length > 0 ? ` (redirected from ${hops[0]})` : '');
  let handle: FileHandle | undefined;
  track(temp);
  try {
    // request, following redirects by hand so that a failure can say where it was sent
    let response: Response;
    for (;;) {
      const host = new URL(url).host;
      arm(req.connectTimeoutMs, () =>
        new DownloadError('timeout', url, `no answer from ${host} within ${formatMs(req.connectTimeoutMs)} (connect timeout) for ${url}${via()}; raise it with ${HOW_TO_RAISE.connect}`),
      );
      const answer = req.fetch(url, { redirect: 'manual', signal: controller.signal, headers: { 'accept-encoding': 'identity' } });
      answer.catch(() => {}); // its rejection is handled through the race below
      // settle when the signal fires even if the fetch implementation ignores it
      response = await Promise.race([
        answer,
        new Promise<never>((_, reject) => {
          if (controller.signal.aborted) reject(controller.signal.reason);
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
        }),
      ]);
      if (response.status < 300 || response.status > 399 || response.status === 304) break;
      const location = response.headers.get('location');
      await response.body?.cancel().catch(() => {});
      if (location === null) throw new DownloadError('redirect', url, `${url}${via()} answered HTTP ${response.status} without a Location to go to`);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new DownloadError('redirect', url, `${url}${via()} redirects to ${next.href}, which is not http(s)`);
      if (new URL(url).protocol === 'https:' && next.protocol === 'http:') throw new DownloadError('redirect', url, `${url}${via()} redirects from https to plain http (${next.href}); refused`);
      hops.push(url);
      if (hops.length > MAX_REDIRECTS) throw new DownloadError('redirect', req.url, `too many redirects (more than ${MAX_REDIRECTS}) from ${req.url}, the last to ${next.href}`);
      url = next.href;
    }
    const host = new URL(url).host;
    if (!response.ok || response.body === null) {
      const hint = response.status === 401 || response.status === 403 ? ' (login required, or the file is not public?)' : '';
      throw new DownloadError('http', url, `${url}${via()} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${hint}`);
    }

    // the declared length is the body's only when it is not content-encoded
    const encoding = response.headers.get('content-encoding');
    const lengthHeader = response.headers.get('content-length');
    const declared = (encoding === null || encoding === 'identity') && lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    const cap = req.expectedSize ?? req.maxBytes;
    const tooLarge = (atLeast: number) =>
      req.expectedSize !== undefined
        ? new DownloadError('too-large', url, `${host} sent more than the ${req.expectedSize} bytes (${formatBytes(req.expectedSize)}) the manifest gives for ${req.label}; stopped at ${formatBytes(atLeast)}, nothing was written`)
        : new DownloadError('too-large', url, `${req.label} from ${host} passed the ${formatBytes(cap)} cap for files the manifest gives no size for (stopped at ${formatBytes(atLeast)}; an endless body?), nothing was written; if it really is larger, raise the cap with ${HOW_TO_RAISE.size}`);
    // a wrong announced size is refused once the first bytes are in, so that an HTML page
    // (the usual reason) is named as such
    const wrongSize =
      req.expectedSize !== undefined && declared !== undefined && declared !== req.expectedSize
        ? new DownloadError('size', url, `${host} announces ${declared} bytes for ${req.label} but the manifest expects ${req.expectedSize}; nothing was written`)
        : undefined;
    if (wrongSize === undefined && declared !== undefined && declared > cap) throw tooLarge(declared);
    const total = req.expectedSize ?? declared;

    handle = await open(temp, 'wx');
    const hash = createHash('sha256');
    const head = new Uint8Array(FORMAT_HEAD_BYTES);
    let headLength = 0;
    let headChecked = false;
    let received = 0;
    const checkHead = (complete: boolean) => {
      headChecked = true;
      const wrong = checkFileHead(head.subarray(0, headLength), req.format, complete);
      if (wrong !== null) throw new DownloadError('format', url, `${host} sent ${wrong} for ${req.label}${via()}; nothing was written`);
      if (wrongSize !== undefined) throw wrongSize;
    };
    const idle = () =>
      new DownloadError('timeout', url, `${host} sent nothing for ${formatMs(req.idleTimeoutMs)} after ${formatBytes(received)} of ${req.label} (idle timeout); nothing was written; raise it with ${HOW_TO_RAISE.idle}`);
    reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    arm(req.idleTimeoutMs, idle);
    req.onProgress?.(0, total);
    for (;;) {
      const { done, value } = await reader.read();
      if (controller.signal.aborted) break;
      if (done) break;
      if (value.length === 0) continue;
      arm(req.idleTimeoutMs, idle);
      const over = received + value.length > cap;
      if (!headChecked) {
        const n = Math.min(value.length, head.length - headLength);
        head.set(value.subarray(0, n), headLength);
        headLength += n;
        // what the bytes are says more than how many there are: checked first
        if (headLength === head.length || over) checkHead(false);
      }
      if (over) throw tooLarge(received + value.length);
      if (declared !== undefined && received + value.length > declared) {
        throw new DownloadError('size', url, `${host} sent more than the ${declared} bytes it announced for ${req.label}; nothing was written`);
      }
      hash.update(value);
      for (let offset = 0; offset < value.length; ) offset += (await handle.write(value, offset, value.length - offset)).bytesWritten;
      received += value.length;
      req.onProgress?.(received, total);
    }
    clearTimeout(timer);
    if (controller.signal.aborted) throw controller.signal.reason;
    if (!headChecked) checkHead(true);
    if (req.expectedSize !== undefined && received !== req.expectedSize) {
      throw new DownloadError('size', url, `${host} sent ${received} bytes for ${req.label} but the manifest expects ${req.expectedSize} (the connection ended early?); nothing was written`);
    }
    if (declared !== undefined && received !== declared) {
      throw new DownloadError('size', url, `${host} sent ${received} of the ${declared} bytes it announced for ${req.label} (the connection ended early); nothing was written`);
    }
    const sha256 = hash.digest('hex');
    if (req.expectedSha256 !== undefined && sha256 !== req.expectedSha256.sha256) {
      throw new DownloadError('checksum', url, `${url}${via()} has sha256 ${sha256} but ${req.expectedSha256.from} expects ${req.expectedSha256.sha256}; nothing was written`);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    renameSync(temp, req.target);
    return { sha256, size: received, finalUrl: url };
  } catch (error) {
    if (req.signal?.aborted) throw abortReason(req.signal, `the download of ${req.label}`);
    if (timedOut !== undefined) throw timedOut;
    if (error instanceof DownloadError) throw error;
    throw new DownloadError('network', url, `could not fetch ${url}${via()}: ${describeNetworkError(error)}`);
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
    controller.abort(); // releases the connection of a body not read to its end
    await reader?.cancel().catch(() => {});
    await handle?.close().catch(() => {});
    rmSync(temp, { force: true });
    untrack(temp);
  }
}
