import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { getDatasetManifest, listDatasets } from '@bcnmf/data';
import { downloadProgressLine } from '../src/commands/datasets.js';
import { run, tempDir } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const sharedData = join(repoRoot, '../shared/datasets');
const absent = existsSync(join(sharedData, 'mnist-flowers')) && existsSync(join(sharedData, 'mice-protein')) ? false : `the shared data sets are not in ${sharedData}`;
if (absent) console.log(`# skipping bcnmf datasets on the shared data sets: ${absent}`);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
// every download test is bounded: a regression that hangs fails instead
const LIMIT = { timeout: 30_000 };

let dir: string;
let remove: () => void;
before(() => ({ dir, remove } = tempDir('datasets')));
after(() => remove());

describe('bcnmf datasets list / verify', { skip: absent }, () => {
  it('lists every registered set with whether it is present in the data dir and its source', async () => {
    const r = await run(['datasets', 'list', '--data-dir', sharedData]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    assert.match(lines[0], /^data dir: .*shared\/datasets \(--data-dir\)$/);
    assert.match(lines[1], /^name\s+present\s+files\s+source$/);
    assert.match(r.out, /\nmice-protein\s+yes\s+1\/1\s+https:\/\/archive\.ics\.uci\.edu/);
    assert.match(r.out, /\nmnist-flowers\s+yes\s+3\/3\s+https:/);
    assert.match(r.out, /\nzheng2017-leukemia\s+no\s+0\/3\s+https:/);

    // the data dir from BCNMF_DATA_DIR; JSON
    const saved = process.env.BCNMF_DATA_DIR;
    process.env.BCNMF_DATA_DIR = dir;
    try {
      const j = await run(['datasets', 'list', '--json']);
      assert.equal(j.code, 0, j.err);
      const parsed = JSON.parse(j.out);
      assert.equal(parsed.dataDir, dir);
      assert.deepEqual(parsed.datasets.map((d: { name: string }) => d.name), listDatasets());
      assert.ok(parsed.datasets.every((d: { status: string }) => d.status === 'absent'));
    } finally {
      if (saved === undefined) delete process.env.BCNMF_DATA_DIR;
      else process.env.BCNMF_DATA_DIR = saved;
    }
  });

  it('verify checks the sha256 of present files: 0 when they match, 1 when one differs, 2 for an unknown name', async () => {
    const ok = await run(['datasets', 'verify', 'mnist-flowers', '--data-dir', sharedData]);
    assert.equal(ok.code, 0, ok.err);
    for (const f of getDatasetManifest('mnist-flowers').files) assert.match(ok.out, new RegExp(`${f.path}\\s+ok\\s+sha256 ${f.sha256} \\(manifest\\)`));

    const copy = join(dir, 'damaged');
    mkdirSync(join(copy, 'mice-protein'), { recursive: true });
    const file = join(copy, 'mice-protein', 'Data_Cortex_Nuclear.csv');
    copyFileSync(join(sharedData, 'mice-protein', 'Data_Cortex_Nuclear.csv'), file);
    assert.equal((await run(['datasets', 'verify', 'mice-protein', '--data-dir', copy])).code, 0);
    const bytes = readFileSync(file);
    bytes[100] ^= 1; // same size, one bit flipped
    writeFileSync(file, bytes);
    const bad = await run(['datasets', 'verify', 'mice-protein', '--data-dir', copy]);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /Data_Cortex_Nuclear\.csv\s+mismatch\s+sha256 [0-9a-f]{64}, the manifest expects 5ec490ae/);
    assert.match(bad.err, /^bcnmf: mice-protein: 1 file in .* does not match \(Data_Cortex_Nuclear\.csv\)/);
    assert.equal(bad.errLines.length, 1);

    const absent = await run(['datasets', 'verify', 'mnist-flowers', '--data-dir', copy]);
    assert.equal(absent.code, 1);
    assert.match(absent.err, /data set 'mnist-flowers' is not in .*; bcnmf datasets download mnist-flowers/);

    const unknown = await run(['datasets', 'verify', 'nope']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.err, `bcnmf: unknown data set 'nope'; the registered ones are ${listDatasets().join(', ')} (bcnmf datasets list)`);
    assert.equal((await run(['datasets', 'fetch', 'mice-protein'])).code, 2);
    assert.equal((await run(['datasets', 'list', 'extra'])).code, 2);
    assert.equal((await run(['datasets', 'verify', 'mice-protein', '--mirror', 'http://x'])).code, 2);
  });
});

describe('bcnmf datasets download (from a local server)', { skip: absent }, () => {
  let server: Server;
  let base = '';
  const served = new Map<string, Buffer | ((req: IncomingMessage, res: ServerResponse) => void)>();
  const zhengFiles = getDatasetManifest('zheng2017-leukemia').files.map((f) => f.path);
  const archives = zhengFiles.map((_, i) => gzipSync(Buffer.from(`archive ${i}\n`.repeat(20))));
  before(async () => {
    for (const f of getDatasetManifest('mnist-flowers').files) {
      served.set(`/mnist-flowers/${f.path}`, readFileSync(join(sharedData, 'mnist-flowers', f.path)));
    }
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (body === undefined) {
        res.writeHead(404).end('not found');
        return;
      }
      if (typeof body === 'function') {
        body(req, res);
        return;
      }
      res.writeHead(200, { 'content-length': body.length });
      const mid = body.length >> 1;
      res.write(body.subarray(0, mid));
      setTimeout(() => res.end(body.subarray(mid)), 5);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  it('downloads quietly when stderr is not a terminal, verifies, and a second run finds the files present', LIMIT, async () => {
    const data = join(dir, 'downloaded');
    const r = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', base]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '', 'no progress lines off a terminal');
    const manifest = getDatasetManifest('mnist-flowers');
    for (const f of manifest.files) {
      assert.equal(sha(readFileSync(join(data, 'mnist-flowers', f.path))), f.sha256);
      assert.match(r.out, new RegExp(`mnist-flowers/${f.path}: downloaded, size and sha256 verified`));
    }
    assert.deepEqual(readdirSync(join(data, 'mnist-flowers')).sort(), manifest.files.map((f) => f.path).sort());
    assert.equal((await run(['datasets', 'verify', 'mnist-flowers', '--data-dir', data])).code, 0);
    const again = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', base, '--quiet', '--json']);
    assert.equal(again.code, 0, again.err);
    assert.equal(again.err, '');
    const parsed = JSON.parse(again.out);
    assert.deepEqual(Object.values(parsed.files), ['present', 'present', 'present']);
    assert.deepEqual(Object.values(parsed.checks), ['pinned', 'pinned', 'pinned']);
    assert.deepEqual(parsed.unverified, []);
  });

  it('draws progress on a terminal, up to 100% and never past it', LIMIT, async () => {
    let drawn = '';
    const terminal = Object.assign(new Writable({ write(chunk, _enc, done) { drawn += String(chunk); done(); } }), { isTTY: true, columns: 160 });
    const r = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', join(dir, 'terminal'), '--mirror', base], { isTTY: true, errStream: terminal });
    assert.equal(r.code, 0, r.err);
    for (const f of getDatasetManifest('mnist-flowers').files) {
      assert.match(drawn, new RegExp(`bcnmf datasets download: mnist-flowers/${f.path.replace('.', '\\.')} \\|\u2588{24}\\| 100% \\| `), f.path);
    }
    const percents = [...drawn.matchAll(/\| (\d+)% \|/g)].map((m) => Number(m[1]));
    assert.ok(percents.length >= 3 && percents.every((p) => p >= 0 && p <= 100), `percentages drawn: ${percents}`);
    // the line itself: clamped, and bytes only when the size is unknown
    assert.match(downloadProgressLine('x', { file: 'a.csv', received: 300, total: 200 }, 1500), /\| 100% \| 200 B\/200 B \| 1\.5 s$/);
    assert.equal(downloadProgressLine('x', { file: 'a.tar.gz', received: 5 * 1024 * 1024, total: undefined }, 500), 'bcnmf datasets download: x/a.tar.gz | 5.0 MB | 0.5 s');
  });

  it('a wrong checksum or a failing server exits 1 with one line and leaves nothing', LIMIT, async () => {
    const data = join(dir, 'failed');
    const key = '/mnist-flowers/target_labels.csv';
    const good = served.get(key)!;
    try {
      const bad = Buffer.from(good as Buffer);
      bad[10] ^= 1;
      served.set(key, bad);
      const r = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', base, '--quiet']);
      assert.equal(r.code, 1);
      assert.match(r.err, /^bcnmf: downloading mnist-flowers failed: .*target_labels\.csv has sha256 [0-9a-f]{64} but the manifest expects/);
      assert.equal(r.errLines.length, 1);
      assert.ok(!existsSync(join(data, 'mnist-flowers', 'target_labels.csv')));
      assert.ok(readdirSync(join(data, 'mnist-flowers')).every((f) => !f.includes('.part')));
      served.delete(key);
      const gone = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', base, '--quiet']);
      assert.equal(gone.code, 1);
      assert.match(gone.err, /^bcnmf: downloading mnist-flowers failed: http:\/\/127\.0\.0\.1:\d+\/mnist-flowers\/target_labels\.csv answered HTTP 404 Not Found$/);
      const blocked = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', 'http://127.0.0.1:1', '--force', '--quiet']);
      assert.equal(blocked.code, 1);
      assert.equal(blocked.err, 'bcnmf: downloading mnist-flowers failed: could not fetch http://127.0.0.1:1/mnist-flowers/target_images.csv: bad port');
      const unknown = await run(['datasets', 'download', 'nope', '--data-dir', data]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.err, /unknown data set 'nope'; the registered ones are mice-protein, mnist-flowers/);
    } finally {
      served.set(key, good);
    }
  });

  it('an endless body, a silent server or an HTML page in place of a tarball: exit 1, one line, nothing left', LIMIT, async () => {
    const data = join(dir, 'hostile');
    const endless = (head: Buffer) => (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200);
      res.write(head);
      const timer = setInterval(() => res.write(Buffer.alloc(16384, 0x30)), 1);
      res.on('close', () => clearInterval(timer));
    };
    const key = '/mnist-flowers/target_images.csv';
    const good = served.get(key)!;
    try {
      served.set(key, endless(Buffer.from('pixel,target_0\n')));
      const big = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', base]);
      assert.equal(big.code, 1);
      assert.deepEqual(big.errLines, [big.errLines[0]]);
      assert.match(big.err, /^bcnmf: downloading mnist-flowers failed: 127\.0\.0\.1:\d+ sent more than the 1648340 bytes \(1\.6 MB\) the manifest gives for target_images\.csv; stopped at 1\.\d MB, nothing was written$/);

      served.set(key, () => {}); // accepts, never answers
      const silent = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', base, '--connect-timeout', '0.3']);
      assert.equal(silent.code, 1);
      assert.match(silent.err, /^bcnmf: downloading mnist-flowers failed: no answer from 127\.0\.0\.1:\d+ within 300 ms \(connect timeout\) .* raise it with --connect-timeout SECONDS/);
      assert.equal(silent.errLines.length, 1);

      served.set(key, (_req, res) => {
        res.writeHead(200, { 'content-length': 1648340 });
        res.write('pixel,target_0\n1,0\n'); // then silence
      });
      const stalled = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', base, '--idle-timeout', '0.3']);
      assert.equal(stalled.code, 1);
      assert.match(stalled.err, /sent nothing for 300 ms after 19 B of target_images\.csv \(idle timeout\)/);
      assert.equal(existsSync(data), false, 'no folder, no .part file');
    } finally {
      served.set(key, good);
    }

    served.set(`/zheng2017-leukemia/${zhengFiles[0]}`, Buffer.from('<html><body>Please log in</body></html>'));
    const html = await run(['datasets', 'download', 'zheng2017-leukemia', '--data-dir', data, '--mirror', base, '--trust-first-download']);
    assert.equal(html.code, 1);
    assert.equal(html.errLines.length, 1);
    assert.match(html.err, /^bcnmf: downloading zheng2017-leukemia failed: 127\.0\.0\.1:\d+ sent an HTML page \(login or error page\?\) instead of a gzip-compressed tar archive \(\.tar\.gz\): "<html><body>Please log in<\/body><\/html>" for aml027_pre_transplant_filtered_gene_bc_matrices\.tar\.gz; nothing was written$/);
    assert.equal(existsSync(data), false, 'nothing recorded, no folder');

    served.set(`/zheng2017-leukemia/${zhengFiles[0]}`, endless(archives[0]));
    const capped = await run(['datasets', 'download', 'zheng2017-leukemia', '--data-dir', data, '--mirror', base, '--max-size', '256kB']);
    assert.equal(capped.code, 1);
    assert.match(capped.err, /passed the 256\.0 kB cap for files the manifest gives no size for .* raise the cap with --max-size SIZE/);
    assert.equal(existsSync(data), false);

    for (const bad of [['--connect-timeout', 'soon'], ['--idle-timeout', '0'], ['--max-size', '12XB'], ['--max-size', '0']]) {
      const r = await run(['datasets', 'download', 'zheng2017-leukemia', '--data-dir', data, '--mirror', base, ...bad]);
      assert.equal(r.code, 2, bad.join(' '));
      assert.match(r.err, new RegExp(`^bcnmf: ${bad[0]} must be`));
    }
    assert.equal((await run(['datasets', 'verify', 'zheng2017-leukemia', '--trust-first-download'])).code, 2);
    const saved = process.env.BCNMF_IDLE_TIMEOUT;
    process.env.BCNMF_IDLE_TIMEOUT = 'never';
    try {
      const env = await run(['datasets', 'download', 'zheng2017-leukemia', '--data-dir', data, '--mirror', base]);
      assert.equal(env.code, 2);
      assert.equal(env.err, "bcnmf: $BCNMF_IDLE_TIMEOUT must be a positive number of seconds, got 'never'");
    } finally {
      if (saved === undefined) delete process.env.BCNMF_IDLE_TIMEOUT;
      else process.env.BCNMF_IDLE_TIMEOUT = saved;
    }
  });

  it('records no checksum unless --trust-first-download, which says what it recorded; verify never calls an unpinned file ok', LIMIT, async () => {
    const data = join(dir, 'unpinned');
    zhengFiles.forEach((f, i) => served.set(`/zheng2017-leukemia/${f}`, archives[i]));
    const first = await run(['datasets', 'download', 'zheng2017-leukemia', '--data-dir', data, '--mirror', base]);
    assert.equal(first.code, 0, first.err);
    for (const f of zhengFiles) assert.match(first.out, new RegExp(`zheng2017-leukemia/${f}: downloaded, unverified \\(no pinned checksum; its format was checked: tar\\.gz\\)`));
    assert.match(first.out, /3 files of zheng2017-leukemia have no pinned sha256 and are unverified; once you trust them, bcnmf datasets download zheng2017-leukemia --force --trust-first-download records/);
    assert.equal(existsSync(join(data, 'zheng2017-leukemia', 'checksums.json')), false);

    const unverified = await run(['datasets', 'verify', 'zheng2017-leukemia', '--data-dir', data]);
    assert.equal(unverified.code, 0, unverified.err);
    for (const f of zhengFiles) assert.match(unverified.out, new RegExp(`${f}\\s+unverified\\s+unverified \\(no pinned checksum\\)`));
    assert.doesNotMatch(unverified.out, /\sok\s/);
    assert.match(unverified.out, /zheng2017-leukemia: 0 files in .* match a pinned or recorded sha256; 3 are unverified \(no pinned checksum; format checked only\)/);
    const json = JSON.parse((await run(['datasets', 'verify', 'zheng2017-leukemia', '--data-dir', data, '--json'])).out);
    assert.deepEqual(json.unverified, zhengFiles);

    const trusted = await run(['datasets', 'download', 'zheng2017-leukemia', '--data-dir', data, '--mirror', base, '--force', '--trust-first-download']);
    assert.equal(trusted.code, 0, trusted.err);
    const recordedIn = join(data, 'zheng2017-leukemia', 'checksums.json');
    zhengFiles.forEach((f, i) => {
      assert.ok(trusted.out.includes(`zheng2017-leukemia/${f}: downloaded; no pinned sha256: recorded sha256 ${sha(archives[i])} (${archives[i].length} bytes) in ${recordedIn} (--trust-first-download)`), trusted.out);
    });
    const ok = await run(['datasets', 'verify', 'zheng2017-leukemia', '--data-dir', data]);
    assert.equal(ok.code, 0, ok.err);
    for (const f of zhengFiles) assert.match(ok.out, new RegExp(`${f}\\s+ok\\s+sha256 [0-9a-f]{64} \\(checksums\\.json \\(recorded`));

    // an HTML page saved under an archive's name: verify exits 1
    writeFileSync(join(data, 'zheng2017-leukemia', zhengFiles[0]), '<html><body>Please log in</body></html>');
    rmSync(recordedIn);
    const wrong = await run(['datasets', 'verify', 'zheng2017-leukemia', '--data-dir', data]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.out, /aml027_pre_transplant_filtered_gene_bc_matrices\.tar\.gz\s+wrong-format\s+the file is an HTML page/);
    assert.match(wrong.err, /^bcnmf: zheng2017-leukemia: 1 file in .* does not match \(aml027_pre_transplant_filtered_gene_bc_matrices\.tar\.gz\)/);
  });

  it('Ctrl-C stops a real download within a second or two: exit 130, one line, no .part file, no folder', { timeout: 60_000 }, async () => {
    // a slow endless archive: the download would go on for minutes
    served.set(`/zheng2017-leukemia/${zhengFiles[0]}`, (_req, res) => {
      res.writeHead(200);
      res.write(archives[0]);
      const timer = setInterval(() => res.write(Buffer.alloc(1024)), 20);
      res.on('close', () => clearInterval(timer));
    });
    const data = join(dir, 'interrupted');
    const folder = join(data, 'zheng2017-leukemia');
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/bcnmf/src/bin.ts', 'datasets', 'download', 'zheng2017-leukemia', '--data-dir', data, '--mirror', base], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    try {
      // wait until the .part file is being written
      const deadline = Date.now() + 40_000;
      while (!(existsSync(folder) && readdirSync(folder).some((f) => f.endsWith('.part')))) {
        assert.ok(Date.now() < deadline, `no .part file appeared; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      const sent = Date.now();
      child.kill('SIGINT');
      const code = await exited;
      const ms = Date.now() - sent;
      assert.equal(code, 130, stderr);
      assert.ok(ms < 5000, `exited ${ms} ms after SIGINT`);
      assert.equal(stderr, 'bcnmf: interrupted (Ctrl-C); nothing was written\n');
      assert.equal(stdout, '');
      assert.equal(existsSync(data), false, 'no .part file and no folder left');
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });
});
