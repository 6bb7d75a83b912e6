import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BcnmfError } from '@bcnmf/core';
import {
  DATASET_MANIFESTS,
  downloadDataset,
  getDatasetManifest,
  listDatasets,
  locateDataset,
  resolveDataDir,
  sha256File,
  UNKNOWN_CHECKSUM,
} from '../src/registry/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const sharedData = join(repoRoot, '../shared/datasets');
const absent = existsSync(join(sharedData, 'mnist-flowers')) && existsSync(join(sharedData, 'mice-protein')) ? false : `the shared data sets are not in ${sharedData}`;
if (absent) console.log(`# skipping the tests that read the shared data sets: ${absent}`);
const isInvalidData = (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

test('the package carries exactly the manifests of datasets/*.json, each complete', () => {
  const jsonFiles = readdirSync(join(repoRoot, 'datasets')).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(jsonFiles, [...listDatasets()].map((n) => `${n}.json`).sort());
  for (const m of DATASET_MANIFESTS) {
    assert.deepEqual(m, JSON.parse(readFileSync(join(repoRoot, 'datasets', `${m.name}.json`), 'utf8')), m.name);
    for (const key of ['title', 'description', 'licence', 'citation', 'loader'] as const) assert.ok(m[key].length > 0, `${m.name}.${key}`);
    assert.ok(m.sources.length > 0 && m.sources.every((s) => /^https?:\/\//.test(s.url)));
    for (const key of ['target', 'background', 'labels', 'preprocessing'] as const) assert.ok(m.split[key].length > 0);
    for (const f of m.files) {
      assert.ok(f.sha256 === UNKNOWN_CHECKSUM || /^[0-9a-f]{64}$/.test(f.sha256), `${m.name}/${f.path}`);
      if (m.checksums === 'verified') assert.notEqual(f.sha256, UNKNOWN_CHECKSUM);
    }
  }
  assert.deepEqual(listDatasets(), ['mice-protein', 'mnist-flowers', 'zheng2017-leukemia', 'mcfarland2020-tp53', 'maitra2023-mdd']);
  for (const big of ['zheng2017-leukemia', 'mcfarland2020-tp53', 'maitra2023-mdd']) {
    const m = getDatasetManifest(big);
    assert.equal(m.checksums, UNKNOWN_CHECKSUM);
    assert.ok(m.files.every((f) => f.sha256 === UNKNOWN_CHECKSUM));
  }
  assert.throws(() => getDatasetManifest('nope'), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION');
});

test('the shared copies of the two small sets are present and match their recorded sha256', { skip: absent }, async () => {
  for (const name of ['mice-protein', 'mnist-flowers']) {
    const located = await locateDataset(name, { dataDir: sharedData });
    const m = getDatasetManifest(name);
    assert.deepEqual(Object.keys(located.files).sort(), m.files.map((f) => f.path).sort());
    for (const f of m.files) assert.equal(await sha256File(located.files[f.path]), f.sha256);
  }
});

test('resolveDataDir: option, then BCNMF_DATA_DIR, then ~/.cache/bcnmf/datasets', () => {
  const saved = process.env.BCNMF_DATA_DIR;
  try {
    process.env.BCNMF_DATA_DIR = '/tmp/from-env';
    assert.equal(resolveDataDir('/tmp/opt'), '/tmp/opt');
    assert.equal(resolveDataDir(), '/tmp/from-env');
    delete process.env.BCNMF_DATA_DIR;
    assert.match(resolveDataDir(), /\.cache\/bcnmf\/datasets$/);
  } finally {
    if (saved === undefined) delete process.env.BCNMF_DATA_DIR;
    else process.env.BCNMF_DATA_DIR = saved;
  }
});

test('an absent set names where to get it; a wrong file is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bcnmf-reg-'));
  try {
    await assert.rejects(locateDataset('mice-protein', { dataDir: dir }), (e: unknown) => {
      assert.ok(isInvalidData(e));
      const msg = (e as Error).message;
      assert.match(msg, /Data_Cortex_Nuclear\.csv/);
      assert.match(msg, /https:\/\/raw\.githubusercontent\.com\/abidlabs\/contrastive/);
      assert.match(msg, /BCNMF_DATA_DIR/);
      return true;
    });
    await assert.rejects(locateDataset('zheng2017-leukemia', { dataDir: dir }), /cf\.10xgenomics\.com/);
    mkdirSync(join(dir, 'mice-protein'));
    const path = join(dir, 'mice-protein', 'Data_Cortex_Nuclear.csv');
    writeFileSync(path, 'MouseID,x_N\n');
    await assert.rejects(locateDataset('mice-protein', { dataDir: dir }), (e: unknown) => isInvalidData(e) && /bytes/.test((e as Error).message));
    writeFileSync(path, Buffer.alloc(1010613, 0x41)); // right size, wrong content
    await assert.rejects(locateDataset('mice-protein', { dataDir: dir }), (e: unknown) => isInvalidData(e) && /sha256/.test((e as Error).message));
    await locateDataset('mice-protein', { dataDir: dir, verify: false }); // explicitly unverified: found
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describeServer();

function describeServer(): void {
  let server: Server;
  let base = '';
  const served = new Map<string, Buffer>();
  const requests: string[] = [];
  before(async () => {
    // the real files, served as a mirror would
    for (const f of getDatasetManifest('mnist-flowers').files) {
      if (!absent) served.set(`/mnist-flowers/${f.path}`, readFileSync(join(sharedData, 'mnist-flowers', f.path)));
    }
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const body = served.get(req.url ?? '');
      if (body === undefined) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-length': body.length });
      // send in pieces so that progress is reported more than once
      const mid = body.length >> 1;
      res.write(body.subarray(0, mid));
      setTimeout(() => res.end(body.subarray(mid)), 5);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('downloadDataset fetches, reports progress, verifies sha256 and renames into place', { skip: absent }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bcnmf-dl-'));
    try {
      const progress: { file: string; received: number; total: number | undefined }[] = [];
      const r = await downloadDataset('mnist-flowers', { dataDir: dir, mirror: base, onProgress: (p) => progress.push(p) });
      assert.deepEqual(r.files, { 'target_images.csv': 'downloaded', 'background_images.csv': 'downloaded', 'target_labels.csv': 'downloaded' });
      assert.deepEqual(r.checks, { 'target_images.csv': 'pinned', 'background_images.csv': 'pinned', 'target_labels.csv': 'pinned' });
      assert.deepEqual(r.recorded, {});
      for (const f of getDatasetManifest('mnist-flowers').files) {
        assert.equal(sha(readFileSync(join(dir, 'mnist-flowers', f.path))), f.sha256);
        const mine = progress.filter((p) => p.file === f.path);
        assert.ok(mine.length >= 2, `progress for ${f.path}`);
        assert.equal(mine[mine.length - 1].received, f.size);
        assert.equal(mine[0].total, f.size);
        assert.ok(mine.every((p, i) => i === 0 || p.received > mine[i - 1].received));
      }
      assert.deepEqual(readdirSync(join(dir, 'mnist-flowers')).sort(), ['background_images.csv', 'target_images.csv', 'target_labels.csv']);
      await locateDataset('mnist-flowers', { dataDir: dir });
      const n = requests.length;
      const again = await downloadDataset('mnist-flowers', { dataDir: dir, mirror: base });
      assert.equal(requests.length, n, 'present files are not fetched again');
      assert.deepEqual(Object.values(again.files), ['present', 'present', 'present']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a download with the wrong checksum or a failing server leaves nothing behind', { skip: absent }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bcnmf-dl-'));
    const key = '/mnist-flowers/target_labels.csv';
    const good = served.get(key)!;
    try {
      const bad = Buffer.from(good);
      bad[10] ^= 1; // same size, one bit flipped
      served.set(key, bad);
      await assert.rejects(downloadDataset('mnist-flowers', { dataDir: dir, mirror: base }), (e: unknown) => isInvalidData(e) && /sha256/.test((e as Error).message));
      const left = readdirSync(join(dir, 'mnist-flowers'));
      assert.ok(!left.includes('target_labels.csv'));
      assert.ok(left.every((f) => !f.includes('.part')), `temp files left: ${left}`);
      served.delete(key);
      await assert.rejects(downloadDataset('mnist-flowers', { dataDir: dir, mirror: base }), /target_labels\.csv answered HTTP 404 Not Found$/);
      assert.ok(readdirSync(join(dir, 'mnist-flowers')).every((f) => !f.includes('.part')));
    } finally {
      served.set(key, good);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('files of unknown checksum are kept unverified (format-checked), not recorded; files without a URL are manual', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bcnmf-dl-'));
    const m = getDatasetManifest('zheng2017-leukemia');
    try {
      m.files.forEach((f, i) => served.set(`/zheng2017-leukemia/${f.path}`, gzipSync(Buffer.from(`archive ${i}`))));
      const r = await downloadDataset('zheng2017-leukemia', { dataDir: dir, mirror: base });
      assert.deepEqual(Object.values(r.files), ['downloaded', 'downloaded', 'downloaded']);
      assert.deepEqual(Object.values(r.checks), ['unverified', 'unverified', 'unverified']);
      assert.equal(existsSync(join(dir, 'zheng2017-leukemia', 'checksums.json')), false);
      await locateDataset('zheng2017-leukemia', { dataDir: dir });
      // McFarland's archives are zips; its TP53 table has no URL: reported as manual
      const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60)]);
      for (const f of getDatasetManifest('mcfarland2020-tp53').files) served.set(`/mcfarland2020-tp53/${f.path}`, zip);
      const mc = await downloadDataset('mcfarland2020-tp53', { dataDir: dir, mirror: base });
      assert.deepEqual(mc.files, { 'idasanutlin_24hr.zip': 'downloaded', 'dmso_24hr.zip': 'downloaded', 'tp53_status.csv': 'manual' });
      assert.deepEqual(mc.checks, { 'idasanutlin_24hr.zip': 'unverified', 'dmso_24hr.zip': 'unverified' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
