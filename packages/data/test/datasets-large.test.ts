import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { loadMaitra2023 } from '../src/datasets/maitra2023.js';
import { loadMcFarland2020 } from '../src/datasets/mcfarland2020.js';
import { loadZheng2017 } from '../src/datasets/zheng2017.js';
import { writeH5ad } from '../src/formats/h5ad.js';
import { toCategorical } from '../src/formats/h5ad-read.js';
import { highlyVariableGenes } from '../src/preprocess/hvg.js';
import { createRandom } from '../src/simulation/random.js';

const root = mkdtempSync(join(tmpdir(), 'bcnmf-large-'));
after(() => rmSync(root, { recursive: true, force: true }));
const isInvalidData = (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA';

/** Writes a cellranger-1.1 folder (matrix.mtx genes x cells, genes.tsv, barcodes.tsv) from cells x genes counts. */
function writeTenx(dir: string, counts: number[][], geneIds: string[], barcodes: string[]): void {
  mkdirSync(dir, { recursive: true });
  const entries: string[] = [];
  counts.forEach((row, c) => row.forEach((v, g) => v !== 0 && entries.push(`${g + 1} ${c + 1} ${v}`)));
  writeFileSync(
    join(dir, 'matrix.mtx'),
    `%%MatrixMarket matrix coordinate integer general\n%\n${geneIds.length} ${counts.length} ${entries.length}\n${entries.join('\n')}\n`,
  );
  writeFileSync(join(dir, 'genes.tsv'), geneIds.map((id) => `${id}\tSYM${id.slice(4)}`).join('\n') + '\n');
  writeFileSync(join(dir, 'barcodes.tsv'), barcodes.join('\n') + '\n');
}

function randomCounts(seed: number, cells: number, genes: number): number[][] {
  const rng = createRandom(seed);
  const scale = Array.from({ length: genes }, () => rng.gamma(0.8, 2));
  return Array.from({ length: cells }, () => scale.map((s) => (rng.uniform() < 0.4 ? 0 : rng.poisson(s * rng.gamma(2, 0.5)))));
}

/** Plain log1p(counts per 10,000) of rows restricted to the given columns. */
function logCp10k(rows: number[][], cols: number[]): number[][] {
  return rows.map((r) => {
    const total = cols.reduce((a, g) => a + r[g], 0);
    return cols.map((g) => Math.log1p(total === 0 ? 0 : (r[g] * 1e4) / total));
  });
}

function assertClose(actual: DenseMatrix, expected: number[][], label: string): void {
  assert.deepEqual(actual.shape, [expected.length, expected[0].length], label);
  expected.forEach((row, i) => row.forEach((x, j) => assert.ok(Math.abs(actual.get(i, j) - x) < 1e-5 * Math.max(1, x), `${label}[${i}][${j}]: ${actual.get(i, j)} vs ${x}`)));
}

test('Zheng 2017 loader: three 10x folders, shared + protein-coding genes, log1p(CP10K), HVGs over all cells', async () => {
  const dataDir = join(root, 'zheng');
  const set = join(dataDir, 'zheng2017-leukemia');
  const ids = Array.from({ length: 40 }, (_, g) => `ENSG${String(g).padStart(4, '0')}`);
  const pre = randomCounts(1, 6, 41); // one extra gene only pre has
  const post = randomCounts(2, 5, 40);
  const healthy = randomCounts(3, 4, 40);
  writeTenx(join(set, 'aml027_pre_transplant', 'filtered_matrices_mex', 'hg19'), pre, [...ids, 'ENSG9999'], pre.map((_, i) => `PRE${i}-1`));
  writeTenx(join(set, 'aml027_post_transplant', 'filtered_matrices_mex', 'hg19'), post, ids, post.map((_, i) => `POST${i}-1`));
  writeTenx(join(set, 'frozen_bmmc_healthy_donor1', 'filtered_matrices_mex', 'hg19'), healthy, ids, healthy.map((_, i) => `H${i}-1`));
  // protein-coding: every gene but 0..4, given partly by id and partly by symbol
  const coding = [...ids.slice(5, 20), ...ids.slice(20).map((id) => `SYM${id.slice(4)}`), 'ENSG9999'];
  const d = await loadZheng2017({ dataDir, proteinCodingGenes: coding, nTopGenes: 12 });
  assert.deepEqual(d.targetLabels, [...Array(6).fill('pre'), ...Array(5).fill('post')]);
  assert.equal(d.background.rows, 4);
  assert.equal(d.info.sharedGenes, 35);
  assert.equal(d.info.proteinCodingFilter, 'applied');
  const keptCols = Array.from({ length: 35 }, (_, k) => k + 5);
  const all = logCp10k([...pre, ...post, ...healthy], keptCols);
  const hvg = highlyVariableGenes(DenseMatrix.fromRows(all), { nTopGenes: 12 }).indices;
  assert.deepEqual(d.featureNames, hvg.map((k) => ids[keptCols[k]]));
  assert.ok(d.featureNames.length >= 12);
  assertClose(d.target, all.slice(0, 11).map((r) => hvg.map((k) => r[k])), 'target');
  assertClose(d.background, all.slice(11).map((r) => hvg.map((k) => r[k])), 'background');
  assert.deepEqual(d.target.rowNames?.slice(0, 2), ['PRE0-1', 'PRE1-1']);
  assert.deepEqual((d.info.geneSymbols as string[])[0], `SYM${d.featureNames[0].slice(4)}`);
  // values: 'counts': the same HVGs (chosen on log1p CP10K), the raw counts on them
  const counts = await loadZheng2017({ dataDir, proteinCodingGenes: coding, nTopGenes: 12, values: 'counts' });
  assert.deepEqual(counts.featureNames, d.featureNames);
  const raw = [...pre, ...post, ...healthy].map((r) => hvg.map((k) => r[keptCols[k]]));
  assert.deepEqual(counts.target.toArray(), raw.slice(0, 11));
  assert.deepEqual(counts.background.toArray(), raw.slice(11));
  await assert.rejects(loadZheng2017({ dataDir, values: 'cpm' as 'counts' }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION');

  // a damaged matrix file is refused
  writeFileSync(join(set, 'frozen_bmmc_healthy_donor1', 'filtered_matrices_mex', 'hg19', 'matrix.mtx'), 'not a matrix\n');
  await assert.rejects(loadZheng2017({ dataDir }), isInvalidData);
  rmSync(join(set, 'frozen_bmmc_healthy_donor1'), { recursive: true });
  await assert.rejects(loadZheng2017({ dataDir }), (e: unknown) => isInvalidData(e) && /frozen_bmmc_healthy_donor1/.test((e as Error).message));
});

test('McFarland 2020 loader: classifications.csv maps cells to lines, TP53 status per line, DMSO background', async () => {
  const dataDir = join(root, 'mcf');
  const set = join(dataDir, 'mcfarland2020-tp53');
  const ids = Array.from({ length: 30 }, (_, g) => `ENSG${String(g).padStart(4, '0')}`);
  const treated = randomCounts(4, 8, 30);
  const dmso = randomCounts(5, 5, 30);
  const tb = treated.map((_, i) => `T${i}-1`);
  const db = dmso.map((_, i) => `D${i}-1`);
  writeTenx(join(set, 'idasanutlin'), treated, ids, tb);
  writeTenx(join(set, 'dmso'), dmso, ids, db);
  const tLines = ['A', 'B', 'C', 'A', 'B', 'A', 'C', 'B'];
  const tQuality = ['normal', 'normal', 'normal', 'low_quality', 'normal', 'normal', 'normal', 'normal'];
  writeFileSync(join(set, 'idasanutlin', 'classifications.csv'), 'barcode,singlet_ID,cell_quality\n' + tb.map((b, i) => `${b},${tLines[i]},${tQuality[i]}`).join('\n') + '\n');
  writeFileSync(join(set, 'dmso', 'classifications.csv'), 'barcode,singlet_ID,cell_quality\n' + db.map((b, i) => `${b},${'ABC'[i % 3]},normal`).join('\n') + '\n');
  // line C has no status: its cells are dropped; cell 3 is low quality
  const d = await loadMcFarland2020({ dataDir, tp53Status: { A: 'WT', B: 'MUT' }, nTopGenes: 8 });
  const kept = [0, 1, 4, 5, 7];
  assert.deepEqual(d.targetLabels, ['WT', 'MUT', 'MUT', 'WT', 'MUT']);
  assert.deepEqual(d.target.rowNames, kept.map((i) => tb[i]));
  assert.deepEqual(d.backgroundLabels, ['A', 'B', 'C', 'A', 'B']);
  const cols = Array.from({ length: 30 }, (_, g) => g);
  const all = logCp10k([...kept.map((i) => treated[i]), ...dmso], cols);
  const hvg = highlyVariableGenes(DenseMatrix.fromRows(all), { nTopGenes: 8 }).indices;
  assert.deepEqual(d.featureNames, hvg.map((g) => ids[g]));
  assertClose(d.target, all.slice(0, 5).map((r) => hvg.map((k) => r[k])), 'target');
  assertClose(d.background, all.slice(5).map((r) => hvg.map((k) => r[k])), 'background');
  // the status table from a CSV path, quality filter off
  writeFileSync(join(set, 'tp53_status.csv'), 'cell_line,TP53_status\nA,WT\nB,MUT\nC,\n');
  const d2 = await loadMcFarland2020({ dataDir, cellQuality: null, nTopGenes: 8 });
  assert.equal(d2.target.rows, 6);
  // a classifications file without the line column is refused
  writeFileSync(join(set, 'dmso', 'classifications.csv'), 'barcode,line\nD0-1,A\n');
  await assert.rejects(loadMcFarland2020({ dataDir, tp53Status: { A: 'WT' } }), (e: unknown) => isInvalidData(e) && /singlet_ID/.test((e as Error).message));
});

test('Maitra 2023 loader: h5ad with donor / condition / celltype; target = chosen nuclei, background = their controls; raw counts on HVGs', async () => {
  const dataDir = join(root, 'mdd');
  const set = join(dataDir, 'maitra2023-mdd');
  mkdirSync(set, { recursive: true });
  const counts = randomCounts(6, 16, 25);
  const genes = Array.from({ length: 25 }, (_, g) => `G${g}`);
  const donors = Array.from({ length: 16 }, (_, i) => `D${i % 4}`);
  const condition = donors.map((dn) => (dn === 'D0' || dn === 'D1' ? 'Case' : 'Control'));
  const celltype = Array.from({ length: 16 }, (_, i) => ['Ast', 'Oli', 'ExN', 'Mic'][Math.floor(i / 4)]);
  const X = CsrMatrix.fromDense(DenseMatrix.fromRows(counts, { rowNames: counts.map((_, i) => `n${i}`), columnNames: genes }));
  await writeH5ad(join(set, 'mdd.h5ad'), { X, obs: { donor: toCategorical(donors), condition: toCategorical(condition), celltype } });
  const d = await loadMaitra2023({ dataDir, verify: false, nTopGenes: 6, donors: ['D0', 'D1', 'D2'] });
  const rows = Array.from({ length: 16 }, (_, i) => i).filter((i) => (celltype[i] === 'Ast' || celltype[i] === 'Oli') && donors[i] !== 'D3');
  const controls = rows.filter((i) => condition[i] === 'Control');
  assert.deepEqual(d.targetLabels, rows.map((i) => condition[i]));
  assert.deepEqual(d.target.rowNames, rows.map((i) => `n${i}`));
  assert.deepEqual(d.background.rowNames, controls.map((i) => `n${i}`));
  const hvg = highlyVariableGenes(DenseMatrix.fromRows(logCp10k(rows.map((i) => counts[i]), genes.map((_, g) => g))), { nTopGenes: 6 }).indices;
  assert.deepEqual(d.featureNames, hvg.map((g) => genes[g]));
  assert.deepEqual(d.target.toArray(), rows.map((i) => hvg.map((g) => counts[i][g])));
  assert.deepEqual(d.background.toArray(), controls.map((i) => hvg.map((g) => counts[i][g])));
  await assert.rejects(loadMaitra2023({ dataDir, verify: false, cellTypes: ['Astrocytes'] }), (e: unknown) => isInvalidData(e) && /Ast, Oli, ExN, Mic/.test((e as Error).message));
  await assert.rejects(loadMaitra2023({ dataDir, verify: false, donorColumn: 'subject' }), (e: unknown) => isInvalidData(e) && /subject/.test((e as Error).message));
  writeFileSync(join(set, 'bad.h5ad'), 'not hdf5');
  await assert.rejects(loadMaitra2023({ path: join(set, 'bad.h5ad') }), isInvalidData);
});
