import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getDatasetManifest, listDatasets } from '@bcnmf/data';
import { run, tempDir } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const sharedData = join(repoRoot, '../shared/datasets');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
let remove: () => void;
before(() => ({ dir, remove } = tempDir('datasets')));
after(() => remove());

describe('bcnmf datasets list / verify', () => {
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

describe('bcnmf datasets download (from a local server)', () => {
  let server: Server;
  let base = '';
  const served = new Map<string, Buffer>();
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
      res.writeHead(200, { 'content-length': body.length });
      const mid = body.length >> 1;
      res.write(body.subarray(0, mid));
      setTimeout(() => res.end(body.subarray(mid)), 5);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('downloads with progress lines, verifies, and a second run finds the files present', async () => {
    const data = join(dir, 'downloaded');
    const r = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', base]);
    assert.equal(r.code, 0, r.err);
    const manifest = getDatasetManifest('mnist-flowers');
    for (const f of manifest.files) {
      assert.equal(sha(readFileSync(join(data, 'mnist-flowers', f.path))), f.sha256);
      assert.match(r.out, new RegExp(`mnist-flowers/${f.path}: downloaded, size and sha256 verified`));
      assert.ok(r.errLines.includes(`bcnmf datasets download: fetching mnist-flowers/${f.path} (${f.size! < 1024 * 1024 ? `${(f.size! / 1024).toFixed(1)} kB` : `${(f.size! / 1024 / 1024).toFixed(1)} MB`})`), r.err);
      assert.ok(r.errLines.some((l) => l.startsWith(`bcnmf datasets download: mnist-flowers/${f.path} `) && l.includes('(100%)')), r.err);
    }
    assert.deepEqual(readdirSync(join(data, 'mnist-flowers')).sort(), manifest.files.map((f) => f.path).sort());
    assert.equal((await run(['datasets', 'verify', 'mnist-flowers', '--data-dir', data])).code, 0);
    const again = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', base, '--quiet', '--json']);
    assert.equal(again.code, 0, again.err);
    assert.equal(again.err, '');
    assert.deepEqual(Object.values(JSON.parse(again.out).files), ['present', 'present', 'present']);
  });

  it('a wrong checksum or a failing server exits 1 with one line and leaves nothing', async () => {
    const data = join(dir, 'failed');
    const key = '/mnist-flowers/target_labels.csv';
    const good = served.get(key)!;
    try {
      const bad = Buffer.from(good);
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
      assert.match(gone.err, /^bcnmf: downloading mnist-flowers failed: fetching .* failed: HTTP 404/);
      const refused = await run(['datasets', 'download', 'mnist-flowers', '--data-dir', data, '--mirror', 'http://127.0.0.1:1', '--force', '--quiet']);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /^bcnmf: downloading mnist-flowers failed: could not fetch http:\/\/127\.0\.0\.1:1\//);
      const unknown = await run(['datasets', 'download', 'nope', '--data-dir', data]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.err, /unknown data set 'nope'; the registered ones are mice-protein, mnist-flowers/);
    } finally {
      served.set(key, good);
    }
  });
});
