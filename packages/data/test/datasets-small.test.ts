import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BcnmfError } from '@bcnmf/core';
import { loadMiceProtein } from '../src/datasets/mice-protein.js';
import { loadMnistFlowers } from '../src/datasets/mnist-flowers.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = join(repoRoot, '../shared/datasets');
const absent = existsSync(join(dataDir, 'mnist-flowers')) && existsSync(join(dataDir, 'mice-protein')) ? false : `the shared data sets are not in ${dataDir}`;
if (absent) console.log(`# skipping the loaders on the shared data sets: ${absent}`);
const isInvalidData = (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA';

/** Plain parse of a quote-free CSV (the shared files have no quotes). */
function plainCsv(path: string): string[][] {
  return readFileSync(path, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','));
}

test('mouse protein: the paper split (270 + 135 rows, 77 _N columns), Genotype labels, column means over the selected rows', { skip: absent }, async () => {
  const d = await loadMiceProtein({ dataDir });
  const rows = plainCsv(join(dataDir, 'mice-protein', 'Data_Cortex_Nuclear.csv'));
  const header = rows[0];
  const featureCols = header.map((h, j) => (h.endsWith('_N') ? j : -1)).filter((j) => j >= 0);
  const classCol = header.indexOf('class');
  const genoCol = header.indexOf('Genotype');
  const target = rows.slice(1).filter((r) => r[classCol] === 'c-SC-s' || r[classCol] === 't-SC-s');
  const background = rows.slice(1).filter((r) => r[classCol] === 'c-CS-s');
  assert.equal(featureCols.length, 77);
  assert.deepEqual(d.featureNames, featureCols.map((j) => header[j]));
  assert.deepEqual(d.target.shape, [270, 77]);
  assert.deepEqual(d.background.shape, [135, 77]);
  assert.equal(target.length, 270);
  assert.deepEqual(d.targetLabels, target.map((r) => r[genoCol]));
  assert.deepEqual([...new Set(d.targetLabels)].sort(), ['Control', 'Ts65Dn']);
  assert.equal(d.targetLabels.filter((l) => l === 'Ts65Dn').length, 135);
  assert.deepEqual(d.target.rowNames, target.map((r) => r[0]));
  // expected values: NaN filled with the mean over the 405 selected rows
  const selected = [...target, ...background];
  let filledSomething = 0;
  featureCols.forEach((col, j) => {
    const present = selected.map((r) => r[col]).filter((v) => v !== '').map(Number);
    const mean = present.reduce((a, b) => a + b, 0) / present.length;
    selected.forEach((r, i) => {
      const expected = r[col] === '' ? mean : Number(r[col]);
      if (r[col] === '') filledSomething++;
      const got = i < 270 ? d.target.get(i, j) : d.background.get(i - 270, j);
      assert.ok(Math.abs(got - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `row ${i} col ${header[col]}: ${got} vs ${expected}`);
    });
  });
  assert.ok(filledSomething > 0, 'the selected rows do have missing values');
  assert.ok(!d.target.data.some(Number.isNaN) && !d.background.data.some(Number.isNaN));
});

test("mouse protein with impute 'zero': the reference notebook's reading (every empty cell 0, other values as in the file)", { skip: absent }, async () => {
  const mean = await loadMiceProtein({ dataDir });
  const zero = await loadMiceProtein({ dataDir, impute: 'zero' });
  const rows = plainCsv(join(dataDir, 'mice-protein', 'Data_Cortex_Nuclear.csv'));
  const header = rows[0];
  const featureCols = header.map((h, j) => (h.endsWith('_N') ? j : -1)).filter((j) => j >= 0);
  const classCol = header.indexOf('class');
  const selected = rows.slice(1).filter((r) => ['c-SC-s', 't-SC-s'].includes(r[classCol])).concat(rows.slice(1).filter((r) => r[classCol] === 'c-CS-s'));
  let zeros = 0;
  selected.forEach((r, i) => featureCols.forEach((col, j) => {
    const got = i < 270 ? zero.target.get(i, j) : zero.background.get(i - 270, j);
    if (r[col] === '') zeros++;
    assert.equal(got, r[col] === '' ? 0 : Number(r[col]), `row ${i} ${header[col]}`);
  }));
  assert.equal(zero.info.missingFilled, zeros);
  assert.ok(zeros > 0);
  assert.deepEqual(zero.targetLabels, mean.targetLabels);
  assert.match(String(zero.info.impute), /filled with 0/);
  await assert.rejects(loadMiceProtein({ dataDir, impute: 'median' as 'mean' }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION');
});

test('mnist-flowers: 200 target and 150 background images x 784 pixels, digit labels by image name', { skip: absent }, async () => {
  const d = await loadMnistFlowers({ dataDir });
  assert.deepEqual(d.target.shape, [200, 784]);
  assert.deepEqual(d.background.shape, [150, 784]);
  assert.equal(d.featureNames.length, 784);
  const t = plainCsv(join(dataDir, 'mnist-flowers', 'target_images.csv'));
  const b = plainCsv(join(dataDir, 'mnist-flowers', 'background_images.csv'));
  const labels = new Map(plainCsv(join(dataDir, 'mnist-flowers', 'target_labels.csv')).slice(1).map(([s, dgt]) => [s, dgt]));
  // pixel p of image i is line p + 1, field i + 1 of the file
  for (const [i, p] of [[0, 0], [17, 400], [199, 783]]) assert.equal(d.target.get(i, p), Number(t[p + 1][i + 1]));
  for (const [i, p] of [[0, 0], [149, 783], [70, 333]]) assert.equal(d.background.get(i, p), Number(b[p + 1][i + 1]));
  assert.deepEqual(d.target.rowNames, t[0].slice(1));
  assert.deepEqual(d.targetLabels, t[0].slice(1).map((name) => labels.get(name)));
  assert.deepEqual([...new Set(d.targetLabels)].sort(), ['0', '1']);
});

test('the small-set loaders refuse wrong and bad files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bcnmf-small-'));
  try {
    await assert.rejects(loadMiceProtein({ dataDir: dir }), (e: unknown) => isInvalidData(e) && /not in/.test((e as Error).message));
    mkdirSync(join(dir, 'mice-protein'));
    writeFileSync(join(dir, 'mice-protein', 'Data_Cortex_Nuclear.csv'), 'MouseID,A_N,class,Genotype\nm1,1,c-SC-s,Control\n');
    await assert.rejects(loadMiceProtein({ dataDir: dir }), isInvalidData); // checksum
    // unverified, the content checks still refuse: no background rows
    await assert.rejects(loadMiceProtein({ dataDir: dir, verify: false }), (e: unknown) => isInvalidData(e) && /c-CS-s/.test((e as Error).message));
    writeFileSync(join(dir, 'mice-protein', 'Data_Cortex_Nuclear.csv'), 'MouseID,A_N,class\nm1,1,c-SC-s\nm2,2,c-CS-s\n');
    await assert.rejects(loadMiceProtein({ dataDir: dir, verify: false }), (e: unknown) => isInvalidData(e) && /Genotype/.test((e as Error).message));
    mkdirSync(join(dir, 'mnist-flowers'));
    writeFileSync(join(dir, 'mnist-flowers', 'target_images.csv'), ',target_0,target_1\npixel_0,0.5,0.25\npixel_1,0.1,0.2\n');
    writeFileSync(join(dir, 'mnist-flowers', 'background_images.csv'), ',bg_0\npixel_0,0.5\npixel_2,0.1\n');
    writeFileSync(join(dir, 'mnist-flowers', 'target_labels.csv'), 'sample,digit\ntarget_0,0\ntarget_1,1\n');
    await assert.rejects(loadMnistFlowers({ dataDir: dir, verify: false }), (e: unknown) => isInvalidData(e) && /same pixels/.test((e as Error).message));
    writeFileSync(join(dir, 'mnist-flowers', 'background_images.csv'), ',bg_0\npixel_0,0.5\npixel_1,0.1\n');
    writeFileSync(join(dir, 'mnist-flowers', 'target_labels.csv'), 'sample,digit\ntarget_0,0\n');
    await assert.rejects(loadMnistFlowers({ dataDir: dir, verify: false }), (e: unknown) => isInvalidData(e) && /target_1/.test((e as Error).message));
    writeFileSync(join(dir, 'mnist-flowers', 'target_labels.csv'), 'sample,digit\ntarget_0,0\ntarget_1,1\n');
    const ok = await loadMnistFlowers({ dataDir: dir, verify: false });
    assert.deepEqual(ok.target.toArray(), [[0.5, 0.1], [0.25, 0.2]]);
    assert.deepEqual(ok.targetLabels, ['0', '1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
