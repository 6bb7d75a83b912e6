// downloadDataset against a hostile server on 127.0.0.1 (an ephemeral port): endless
// bodies, silence, HTML pages, redirects, interruptions. Every limit is small here, and
// every test has a time limit, so that none can hang.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BcnmfError } from '@bcnmf/core';
import { DownloadError, downloadDataset, getDatasetManifest, locateDataset, verifyDatasetFiles } from '../src/registry/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const LOGIN = '<html><body>Please log in</body></html>';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const zheng = getDatasetManifest('zheng2017-leukemia');
const zhengFiles = zheng.files.map((f) => f.path);
const mice = getDatasetManifest('mice-protein').files[0];
const archives = zhengFiles.map((_, i) => gzipSync(Buffer.from(`archive ${i}\n`.repeat(50))));
const LIMIT = { timeout: 20_000 };

/** Sends `body`, whole. */
const send = (body: Buffer | string, headers: Record<string, string | number> = {}): Handler => (_req, res) => {
  res.writeHead(200, { 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
};

/** Sends `head`, then `chunk` every few ms until the client goes away; counts what it sent. */
function endless(head: Buffer, chunk: Buffer, sent: { bytes: number }, headers: Record<string, string | number> = {}, everyMs = 1): Handler {
  return (_req, res) => {
    res.writeHead(200, headers);
    res.write(head);
    sent.bytes = head.length;
    const timer = setInterval(() => {
      res.write(chunk);
      sent.bytes += chunk.length;
    }, everyMs);
    res.on('close', () => clearInterval(timer));
  };
}

const isDownloadError = (failure: string, pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DownloadError, `not a DownloadError: ${String(e)}`);
  assert.equal(e.failure, failure, e.message);
  assert.equal(e.code, 'INVALID_DATA');
  assert.match(e.message, pattern);
  assert.doesNotMatch(e.message, /fetch failed/);
  return true;
};

/** Files left in a set's folder that are not the given ones (a .part above all). */
function leftovers(dir: string, keep: string[] = []): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => !keep.includes(f)) : [];
}

describe('downloadDataset against a hostile server', () => {
  let server: Server;
  let base = '';
  const routes = new Map<string, Handler>();
  let dataDir = '';

  before(async () => {
    server = createServer((req, res) => {
      const handler = routes.get(req.url ?? '');
      if (handler === undefined) res.writeHead(404, 'Not Found').end('not found');
      else handler(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    routes.clear();
    if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
    dataDir = mkdtempSync(join(tmpdir(), 'bcnmf-hostile-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  // (the check runs per chunk the socket delivers, so it stops within one chunk, at most 64 kB, past the size)
  it('stops an endless body as soon as it passes the manifest size, and writes nothing', LIMIT, async () => {
    const sent = { bytes: 0 };
    routes.set(`/mice-protein/${mice.path}`, endless(Buffer.from('MouseID,DYRK1A_N\n'), Buffer.from('309_1,0.50\n'.repeat(1500)), sent));
    await assert.rejects(
      downloadDataset('mice-protein', { dataDir, mirror: base }),
      isDownloadError('too-large', /^127\.0\.0\.1:\d+ sent more than the 1010613 bytes \(986\.9 kB\) the manifest gives for Data_Cortex_Nuclear\.csv; stopped at (98[7-9]|99\d|10[0-6]\d)\.\d kB, nothing was written$/),
    );
    assert.ok(sent.bytes < 1010613 * 4, `the server sent ${sent.bytes} bytes before the client stopped`);
    assert.equal(existsSync(join(dataDir, 'mice-protein')), false, 'the folder this call created is gone');
  });

  it('caps a file the manifest gives no size for (maxBytes), and says how to raise the cap', LIMIT, async () => {
    const sent = { bytes: 0 };
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, endless(archives[0], Buffer.alloc(16384), sent));
    await assert.rejects(
      downloadDataset('zheng2017-leukemia', { dataDir, mirror: base, maxBytes: 256 * 1024 }),
      isDownloadError('too-large', /passed the 256\.0 kB cap for files the manifest gives no size for .*--max-size SIZE or the maxBytes option/),
    );
    assert.deepEqual(leftovers(dataDir), []);
    // a Content-Length above the cap is refused before a byte is read
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, (_req, res) => {
      res.writeHead(200, { 'content-length': 10 * 1024 ** 3 });
      res.write(archives[0]);
    });
    await assert.rejects(downloadDataset('zheng2017-leukemia', { dataDir, mirror: base, maxBytes: 1024 }), isDownloadError('too-large', /cap/));
    assert.deepEqual(leftovers(dataDir), []);
  });

  it('gives up on a server that accepts and never answers (connect timeout), naming the host and the override', LIMIT, async () => {
    routes.set(`/mice-protein/${mice.path}`, () => {}); // never answers
    const started = Date.now();
    await assert.rejects(
      downloadDataset('mice-protein', { dataDir, mirror: base, connectTimeoutMs: 300 }),
      isDownloadError('timeout', /^no answer from 127\.0\.0\.1:\d+ within 300 ms \(connect timeout\) for http:.*; raise it with --connect-timeout SECONDS, \$BCNMF_CONNECT_TIMEOUT or the connectTimeoutMs option$/),
    );
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual(leftovers(dataDir), []);
    // the same from the environment (seconds); a bad value is refused
    const saved = process.env.BCNMF_CONNECT_TIMEOUT;
    try {
      process.env.BCNMF_CONNECT_TIMEOUT = '0.25';
      await assert.rejects(downloadDataset('mice-protein', { dataDir, mirror: base }), isDownloadError('timeout', /within 250 ms/));
      process.env.BCNMF_CONNECT_TIMEOUT = 'soon';
      await assert.rejects(downloadDataset('mice-protein', { dataDir, mirror: base }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION' && /\$BCNMF_CONNECT_TIMEOUT must be a positive number of seconds, got 'soon'/.test(e.message));
    } finally {
      if (saved === undefined) delete process.env.BCNMF_CONNECT_TIMEOUT;
      else process.env.BCNMF_CONNECT_TIMEOUT = saved;
    }
    await assert.rejects(downloadDataset('mice-protein', { dataDir, mirror: base, idleTimeoutMs: -1 }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION');
  });

  it('gives up on a body that stalls (idle timeout), and writes nothing', LIMIT, async () => {
    routes.set(`/mice-protein/${mice.path}`, (_req, res) => {
      res.writeHead(200, { 'content-length': mice.size! });
      res.write('MouseID,DYRK1A_N\n' + '309_1,0.50\n'.repeat(89) + '309_'); // 1000 bytes, then silence
    });
    await assert.rejects(
      downloadDataset('mice-protein', { dataDir, mirror: base, idleTimeoutMs: 300 }),
      isDownloadError('timeout', /^127\.0\.0\.1:\d+ sent nothing for 300 ms after 1000 B of Data_Cortex_Nuclear\.csv \(idle timeout\); nothing was written; raise it with --idle-timeout SECONDS/),
    );
    assert.deepEqual(leftovers(dataDir), []);
  });

  it('refuses an HTML page in place of a tarball (or a CSV) by name, and records nothing', LIMIT, async () => {
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, send(LOGIN, { 'content-type': 'text/html' }));
    for (const trustFirstDownload of [false, true]) {
      await assert.rejects(
        downloadDataset('zheng2017-leukemia', { dataDir, mirror: base, trustFirstDownload }),
        isDownloadError('format', /^127\.0\.0\.1:\d+ sent an HTML page \(login or error page\?\) instead of a gzip-compressed tar archive \(\.tar\.gz\): "<html><body>Please log in<\/body><\/html>" for aml027_pre_transplant_filtered_gene_bc_matrices\.tar\.gz; nothing was written$/),
      );
      assert.deepEqual(leftovers(dataDir), [], 'no folder, no file, no checksums.json');
    }
    // a pinned, sized file: the HTML page is named, not just its wrong size
    routes.set(`/mice-protein/${mice.path}`, send(LOGIN));
    await assert.rejects(downloadDataset('mice-protein', { dataDir, mirror: base }), isDownloadError('format', /sent an HTML page \(login or error page\?\) instead of a text file \(\.csv\)/));
    assert.deepEqual(leftovers(dataDir), []);
    // the right format with the wrong announced size is refused for its size
    routes.set(`/mice-protein/${mice.path}`, send('MouseID,DYRK1A_N\n309_1,0.50\n'));
    await assert.rejects(downloadDataset('mice-protein', { dataDir, mirror: base }), isDownloadError('size', /announces 28 bytes for Data_Cortex_Nuclear\.csv but the manifest expects 1010613/));
  });

  it('keeps files without a pinned sha256 unverified, unless trustFirstDownload records what it saw', LIMIT, async () => {
    zhengFiles.forEach((f, i) => routes.set(`/zheng2017-leukemia/${f}`, send(archives[i])));
    const dir = join(dataDir, 'zheng2017-leukemia');
    const first = await downloadDataset('zheng2017-leukemia', { dataDir, mirror: base });
    assert.deepEqual(Object.values(first.files), ['downloaded', 'downloaded', 'downloaded']);
    assert.deepEqual(Object.values(first.checks), ['unverified', 'unverified', 'unverified']);
    assert.deepEqual(first.recorded, {});
    assert.equal(first.recordedIn, undefined);
    assert.equal(existsSync(join(dir, 'checksums.json')), false, 'nothing recorded without being asked');
    const unverified = await verifyDatasetFiles('zheng2017-leukemia', { dataDir });
    assert.deepEqual(unverified.files.map((f) => f.status), ['unverified', 'unverified', 'unverified']);
    assert.match(unverified.files[0].detail, /^unverified \(no pinned checksum\): .* starts as tar\.gz should$/);
    await locateDataset('zheng2017-leukemia', { dataDir }); // the loaders may read them (they check the contents)
    const again = await downloadDataset('zheng2017-leukemia', { dataDir, mirror: base });
    assert.deepEqual(Object.values(again.files), ['present', 'present', 'present']);
    assert.deepEqual(Object.values(again.checks), ['unverified', 'unverified', 'unverified']);

    const before = Date.now();
    const trusted = await downloadDataset('zheng2017-leukemia', { dataDir, mirror: base, force: true, trustFirstDownload: true });
    assert.deepEqual(Object.values(trusted.checks), ['recorded', 'recorded', 'recorded']);
    assert.equal(trusted.recordedIn, join(dir, 'checksums.json'));
    const onDisk = JSON.parse(readFileSync(join(dir, 'checksums.json'), 'utf8'));
    zhengFiles.forEach((f, i) => {
      assert.deepEqual(onDisk[f], trusted.recorded[f]);
      assert.equal(onDisk[f].sha256, sha(archives[i]));
      assert.equal(onDisk[f].size, archives[i].length);
      assert.equal(onDisk[f].url, `${base}/zheng2017-leukemia/${f}`);
      assert.equal(onDisk[f].recordedBy, 'trust-first-download');
      assert.ok(Date.parse(onDisk[f].recordedAt) >= before - 1000);
    });
    const ok = await verifyDatasetFiles('zheng2017-leukemia', { dataDir });
    assert.deepEqual(ok.files.map((f) => f.status), ['ok', 'ok', 'ok']);
    assert.match(ok.files[0].detail, /^sha256 [0-9a-f]{64} \(checksums\.json \(recorded \d{4}-\d\d-\d\d by --trust-first-download\)\)$/);

    // a recorded sha256 is now what a later download must match; trusting again changes nothing
    routes.set(`/zheng2017-leukemia/${zhengFiles[1]}`, send(gzipSync(Buffer.from('another archive'))));
    await assert.rejects(
      downloadDataset('zheng2017-leukemia', { dataDir, mirror: base, force: true, trustFirstDownload: true }),
      isDownloadError('checksum', /has sha256 [0-9a-f]{64} but checksums\.json \(recorded .* by --trust-first-download\) expects/),
    );
    assert.deepEqual(readFileSync(join(dir, zhengFiles[1])), archives[1], 'the verified file stays');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'checksums.json'), 'utf8')), onDisk);

    // a file changed on disk is refused by the loaders and reported by verify
    writeFileSync(join(dir, zhengFiles[2]), gzipSync(Buffer.from('changed')));
    await assert.rejects(locateDataset('zheng2017-leukemia', { dataDir }), (e: unknown) => e instanceof BcnmfError && /sha256 .* checksums\.json/.test(e.message));
    assert.equal((await verifyDatasetFiles('zheng2017-leukemia', { dataDir })).files[2].status, 'mismatch');

    // bare sha256 entries, as earlier versions recorded without being asked: not trusted
    writeFileSync(join(dir, 'checksums.json'), JSON.stringify(Object.fromEntries(zhengFiles.map((f) => [f, sha(readFileSync(join(dir, f)))]))));
    const legacy = await verifyDatasetFiles('zheng2017-leukemia', { dataDir });
    assert.deepEqual(legacy.files.map((f) => f.status), ['unverified', 'unverified', 'unverified']);
    assert.match(legacy.files[0].detail, /recorded without being asked for by an earlier version, so it is not trusted/);

    // an HTML page saved under an archive's name: wrong format, for verify, the loaders and download
    writeFileSync(join(dir, zhengFiles[0]), LOGIN);
    const html = (await verifyDatasetFiles('zheng2017-leukemia', { dataDir })).files[0];
    assert.equal(html.status, 'wrong-format');
    assert.match(html.detail, /^the file is an HTML page \(login or error page\?\)/);
    await assert.rejects(locateDataset('zheng2017-leukemia', { dataDir }), /an HTML page/);
    await assert.rejects(downloadDataset('zheng2017-leukemia', { dataDir, mirror: base }), /an HTML page .*download it again with force/);
  });

  it('follows redirects, and says where a redirect led when it fails', LIMIT, async () => {
    const hop = (to: string): Handler => (_req, res) => res.writeHead(302, { location: to }).end();
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, hop('/elsewhere/one'));
    routes.set('/elsewhere/one', hop(`${base}/elsewhere/two`));
    routes.set('/elsewhere/two', send(archives[0]));
    zhengFiles.slice(1).forEach((f, i) => routes.set(`/zheng2017-leukemia/${f}`, send(archives[i + 1])));
    const r = await downloadDataset('zheng2017-leukemia', { dataDir, mirror: base, trustFirstDownload: true });
    assert.equal(r.recorded[zhengFiles[0]].url, `${base}/elsewhere/two`);
    assert.deepEqual(readFileSync(join(r.dir, zhengFiles[0])), archives[0]);

    const force = { dataDir, mirror: base, force: true };
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, hop(`/zheng2017-leukemia/${zhengFiles[0]}`));
    await assert.rejects(downloadDataset('zheng2017-leukemia', force), isDownloadError('redirect', /^too many redirects \(more than 10\) from http:\/\/127\.0\.0\.1:\d+\/zheng2017-leukemia\/aml027_pre/));
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, hop('/elsewhere/missing'));
    await assert.rejects(downloadDataset('zheng2017-leukemia', force), isDownloadError('http', /\/elsewhere\/missing \(redirected from .*aml027_pre.*\) answered HTTP 404 Not Found$/));
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, (_req, res) => res.writeHead(403, 'Forbidden').end());
    await assert.rejects(downloadDataset('zheng2017-leukemia', force), isDownloadError('http', /answered HTTP 403 Forbidden \(login required, or the file is not public\?\)/));
    // to a port where nothing listens
    const closed = createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', () => res()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((res) => closed.close(() => res()));
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, hop(`http://127.0.0.1:${port}/gone`));
    await assert.rejects(
      downloadDataset('zheng2017-leukemia', force),
      isDownloadError('network', new RegExp(`^could not fetch http://127\\.0\\.0\\.1:${port}/gone \\(redirected from .*aml027_pre.*\\): connection refused \\(ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`)),
    );
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, hop('ftp://example.org/file'));
    await assert.rejects(downloadDataset('zheng2017-leukemia', force), isDownloadError('redirect', /redirects to ftp:\/\/example\.org\/file, which is not http\(s\)/));
    // the files that were there are still the verified ones
    zhengFiles.forEach((f, i) => assert.deepEqual(readFileSync(join(r.dir, f)), archives[i]));
    assert.deepEqual(leftovers(r.dir, [...zhengFiles, 'checksums.json']), []);
  });

  it('stops at once when the signal fires: an AbortError, no .part file, no folder', LIMIT, async () => {
    const sent = { bytes: 0 };
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, endless(archives[0], Buffer.alloc(1024), sent, { 'content-length': 50 * 1024 ** 2 }, 20));
    const controller = new AbortController();
    let abortedAt = 0;
    const started = downloadDataset('zheng2017-leukemia', {
      dataDir,
      mirror: base,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.received > 4096 && abortedAt === 0) {
          assert.ok(readdirSync(join(dataDir, 'zheng2017-leukemia')).some((f) => f.endsWith('.part')), 'a .part file while downloading');
          abortedAt = Date.now();
          controller.abort(new DOMException('interrupted', 'AbortError'));
        }
      },
    });
    await assert.rejects(started, (e: unknown) => e instanceof Error && e.name === 'AbortError' && e.message === 'interrupted');
    const ms = Date.now() - abortedAt;
    assert.ok(ms < 2000, `rejected ${ms} ms after the abort`);
    assert.deepEqual(leftovers(dataDir), [], 'no .part file, no folder');
    // an aborted signal stops before anything starts; a bare abort() gives an AbortError too
    const done = new AbortController();
    done.abort();
    await assert.rejects(downloadDataset('zheng2017-leukemia', { dataDir, mirror: base, signal: done.signal }), (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.deepEqual(leftovers(dataDir), []);
  });

  it('keeps a file that was there when a --force download of it fails', LIMIT, async () => {
    const dir = join(dataDir, 'zheng2017-leukemia');
    mkdirSync(dir);
    writeFileSync(join(dir, zhengFiles[0]), archives[0]);
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, send(LOGIN));
    await assert.rejects(downloadDataset('zheng2017-leukemia', { dataDir, mirror: base, force: true }), isDownloadError('format', /HTML page/));
    assert.deepEqual(readFileSync(join(dir, zhengFiles[0])), archives[0]);
    assert.deepEqual(readdirSync(dir), [zhengFiles[0]]);
  });

  it('a failure after other files downloaded says that those were kept (its "nothing was written" is about the failed file)', LIMIT, async () => {
    assert.ok(zhengFiles.length >= 2);
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, send(archives[0]));
    routes.set(`/zheng2017-leukemia/${zhengFiles[1]}`, send(LOGIN));
    await assert.rejects(downloadDataset('zheng2017-leukemia', { dataDir, mirror: base, trustFirstDownload: true }),
      isDownloadError('format', new RegExp(`nothing was written \\(the files downloaded before it passed their checks and were kept: ${zhengFiles[0].replace(/\./g, '\\.')}; a second run fetches only the rest\\)$`)));
    assert.ok(existsSync(join(dataDir, 'zheng2017-leukemia', zhengFiles[0])));
  });

  it('removes the .part file when the process exits in the middle of a download', LIMIT, async () => {
    const sent = { bytes: 0 };
    routes.set(`/zheng2017-leukemia/${zhengFiles[0]}`, endless(archives[0], Buffer.alloc(1024), sent, {}, 20));
    const registry = new URL('../src/registry/index.ts', import.meta.url).href;
    const script = `
      import { downloadDataset } from ${JSON.stringify(registry)};
      import { readdirSync } from 'node:fs';
      await downloadDataset('zheng2017-leukemia', { dataDir: ${JSON.stringify(dataDir)}, mirror: ${JSON.stringify(base)}, onProgress: (p) => {
        if (p.received > 4096) {
          console.log(readdirSync(${JSON.stringify(join(dataDir, 'zheng2017-leukemia'))}).join(' '));
          process.exit(130); // what a second Ctrl-C does
        }
      } });`;
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    assert.equal(code, 130, err);
    assert.match(out, /^\.aml027_pre_transplant_filtered_gene_bc_matrices\.tar\.gz\.\d+-[0-9a-f]{8}\.part$/m, 'the .part file existed');
    assert.deepEqual(readdirSync(join(dataDir, 'zheng2017-leukemia')), [], 'and is gone');
  });
});
