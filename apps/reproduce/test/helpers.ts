// Small data sets in the published formats (10x folders, classifications.csv, .h5ad), as
// packages/data/test writes them, for running the large pipelines end to end.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { createRandom, toCategorical, writeH5ad } from '@bcnmf/data';

/** Writes a cellranger-1.1 folder (matrix.mtx genes x cells, genes.tsv, barcodes.tsv) from cells x genes counts. */
export function writeTenx(dir: string, counts: number[][], geneIds: string[], barcodes: string[]): void {
  mkdirSync(dir, { recursive: true });
  const entries: string[] = [];
  counts.forEach((row, c) => row.forEach((v, g) => v !== 0 && entries.push(`${g + 1} ${c + 1} ${v}`)));
  writeFileSync(join(dir, 'matrix.mtx'), `%%MatrixMarket matrix coordinate integer general\n%\n${geneIds.length} ${counts.length} ${entries.length}\n${entries.join('\n')}\n`);
  writeFileSync(join(dir, 'genes.tsv'), geneIds.map((id) => `${id}\tSYM${id.slice(4)}`).join('\n') + '\n');
  writeFileSync(join(dir, 'barcodes.tsv'), barcodes.join('\n') + '\n');
}

/** Counts with a group effect: cells of group 1 have genes [0, shift) raised. */
export function groupCounts(seed: number, groups: number[], genes: number, shift = 6): number[][] {
  const rng = createRandom(seed);
  const scale = Array.from({ length: genes }, () => 1 + rng.gamma(0.8, 2));
  return groups.map((g) => scale.map((s, j) => rng.poisson(s * (g === 1 && j < shift ? 4 : 1) * rng.gamma(4, 0.25))));
}

const ids = (n: number) => Array.from({ length: n }, (_, g) => `ENSG${String(g).padStart(4, '0')}`);

/** <dataDir>/zheng2017-leukemia with the three unpacked folders. */
export function writeZheng(dataDir: string): void {
  const set = join(dataDir, 'zheng2017-leukemia');
  const genes = ids(40);
  const pre = groupCounts(1, Array(14).fill(0), 40);
  const post = groupCounts(2, Array(14).fill(1), 40);
  const healthy = groupCounts(3, Array(10).fill(0), 40);
  writeTenx(join(set, 'aml027_pre_transplant', 'filtered_matrices_mex', 'hg19'), pre, genes, pre.map((_, i) => `PRE${i}-1`));
  writeTenx(join(set, 'aml027_post_transplant', 'filtered_matrices_mex', 'hg19'), post, genes, post.map((_, i) => `POST${i}-1`));
  writeTenx(join(set, 'frozen_bmmc_healthy_donor1', 'filtered_matrices_mex', 'hg19'), healthy, genes, healthy.map((_, i) => `H${i}-1`));
}

/** The pre / post label of a cell of {@link writeZheng}, from its barcode. */
export const zhengLabel = (barcode: string): string => (barcode.startsWith('PRE') ? 'pre' : barcode.startsWith('POST') ? 'post' : '?');

/** The cell line of treated cell i of {@link writeMcFarland}, and each line's TP53 status. */
const mcFarlandLine = (i: number): string => ['A', 'B', 'C'][i % 3];
const TP53_STATUS: Record<string, string> = { A: 'WT', B: 'MUT', C: 'MUT' };
/** The TP53 status of a treated cell of {@link writeMcFarland}, from its barcode `T<i>-1`. */
export const mcFarlandLabel = (barcode: string): string => TP53_STATUS[mcFarlandLine(Number(/^T(\d+)-1$/.exec(barcode)?.[1] ?? NaN))] ?? '?';

/** <dataDir>/mcfarland2020-tp53 with idasanutlin/ and dmso/ (10x + classifications.csv) and tp53_status.csv. */
export function writeMcFarland(dataDir: string): void {
  const set = join(dataDir, 'mcfarland2020-tp53');
  const genes = ids(30);
  const lines = Array.from({ length: 24 }, (_, i) => mcFarlandLine(i));
  const treated = groupCounts(4, lines.map((l) => (l === 'A' ? 1 : 0)), 30);
  const dmso = groupCounts(5, Array(12).fill(0), 30);
  const tb = treated.map((_, i) => `T${i}-1`);
  const db = dmso.map((_, i) => `D${i}-1`);
  writeTenx(join(set, 'idasanutlin'), treated, genes, tb);
  writeTenx(join(set, 'dmso'), dmso, genes, db);
  writeFileSync(join(set, 'idasanutlin', 'classifications.csv'), 'barcode,singlet_ID,cell_quality\n' + tb.map((b, i) => `${b},${lines[i]},normal`).join('\n') + '\n');
  writeFileSync(join(set, 'dmso', 'classifications.csv'), 'barcode,singlet_ID,cell_quality\n' + db.map((b, i) => `${b},${'ABC'[i % 3]},normal`).join('\n') + '\n');
  writeFileSync(join(set, 'tp53_status.csv'), 'cell_line,TP53_status\n' + Object.entries(TP53_STATUS).map(([line, status]) => `${line},${status}\n`).join(''));
}

/** The condition of nucleus `n<i>` of {@link writeMaitra}: donors D0 and D1 are cases. */
export const maitraLabel = (name: string): string => {
  const i = Number(/^n(\d+)$/.exec(name)?.[1] ?? NaN);
  return Number.isInteger(i) ? (i % 4 < 2 ? 'Case' : 'Control') : '?';
};

/** <dataDir>/maitra2023-mdd/mdd.h5ad: raw counts, obs donor / condition / celltype. */
export async function writeMaitra(dataDir: string): Promise<void> {
  const set = join(dataDir, 'maitra2023-mdd');
  mkdirSync(set, { recursive: true });
  const n = 40;
  const donors = Array.from({ length: n }, (_, i) => `D${i % 4}`);
  const condition = donors.map((_, i) => maitraLabel(`n${i}`));
  const celltype = Array.from({ length: n }, (_, i) => (i % 5 === 4 ? 'ExN' : i % 2 === 0 ? 'Ast' : 'Oli'));
  const counts = groupCounts(6, condition.map((c) => (c === 'Case' ? 1 : 0)), 25);
  const genes = Array.from({ length: 25 }, (_, g) => `G${g}`);
  const X = CsrMatrix.fromDense(DenseMatrix.fromRows(counts, { rowNames: counts.map((_, i) => `n${i}`), columnNames: genes }));
  await writeH5ad(join(set, 'mdd.h5ad'), { X, obs: { donor: toCategorical(donors), condition: toCategorical(condition), celltype } });
}
