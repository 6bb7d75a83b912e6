import { join } from 'node:path';
import { BcnmfError, CsrMatrix } from '@bcnmf/core';
import { readTenx } from '../formats/index.js';
import { highlyVariableGenes } from '../preprocess/hvg.js';
import { log1p, normalizeTotal } from '../preprocess/normalize.js';
import { locateDataset } from '../registry/registry.js';
import { checkCounts, denseRows, findTenxFolder, stackRows } from './common.js';
import type { LoadedDataset, LoaderOptions } from './types.js';

/** Options of {@link loadZheng2017}. */
export interface Zheng2017Options extends LoaderOptions {
  /**
   * Protein-coding genes, by Ensembl id or symbol (e.g. from Ensembl BioMart or the
   * GENCODE GTF, gene_type == protein_coding). Default: none given, no filter (the paper
   * filters; `info.proteinCodingFilter` says whether it was applied).
   */
  proteinCodingGenes?: Iterable<string>;
  /** Number of Seurat-flavour HVGs. Default 3000. */
  nTopGenes?: number;
  /** Folders under `<dataDir>/zheng2017-leukemia/`. Default: the manifest's unpackTo folders. */
  folders?: { pre?: string; post?: string; healthy?: string };
  /**
   * The values returned on the HVGs (which are chosen on log1p(CP10K) either way):
   * `'log1p-cp10k'` (default) or `'counts'`, the raw counts (the reference notebook takes
   * log1p of these itself, without normalising library sizes).
   */
  values?: 'log1p-cp10k' | 'counts';
}

/**
 * Zheng 2017 leukemia data, split as the paper does: target = AML027 pre-transplant +
 * post-transplant cells (labels 'pre' / 'post'), background = healthy BMMC donor 1. Reads
 * the three cellranger 1.1 folders (matrix.mtx, genes.tsv, barcodes.tsv, found below
 * `<dataDir>/zheng2017-leukemia/{aml027_pre_transplant, aml027_post_transplant,
 * frozen_bmmc_healthy_donor1}`), keeps the genes all three share (by Ensembl id), the
 * protein-coding genes when a list is given, computes log1p(CP10K) of all cells and
 * keeps the `nTopGenes` Seurat-flavour HVGs computed over target and background together.
 * Values returned: log1p(CP10K), or the raw counts with `values: 'counts'`. Columns are Ensembl ids; `info.geneSymbols` has the
 * symbols.
 *
 * @example
 * const d = await loadZheng2017({ dataDir: '/data', proteinCodingGenes: codingIds });
 * d.target.rows;      // 7898 (3933 pre + 3965 post)
 * d.background.rows;  // 1985
 * d.target.columns;   // 3000
 */
export async function loadZheng2017(options: Zheng2017Options = {}): Promise<LoadedDataset> {
  const values = options.values ?? 'log1p-cp10k';
  if (values !== 'log1p-cp10k' && values !== 'counts') throw new BcnmfError('INVALID_OPTION', `values must be 'log1p-cp10k' or 'counts', got ${JSON.stringify(values)}`);
  const located = await locateDataset('zheng2017-leukemia', options);
  const folder = (key: 'pre' | 'post' | 'healthy', dflt: string) => join(located.dir, options.folders?.[key] ?? dflt);
  const parts = [
    ['pre', folder('pre', 'aml027_pre_transplant')],
    ['post', folder('post', 'aml027_post_transplant')],
    ['healthy', folder('healthy', 'frozen_bmmc_healthy_donor1')],
  ] as const;
  const read = await Promise.all(parts.map(async ([what, dir]) => ({ what, data: await readTenx(findTenxFolder(dir, `Zheng 2017 ${what}`), { columnNames: 'ids' }) })));
  for (const { what, data } of read) checkCounts(data.matrix, `Zheng 2017 ${what}`);

  // genes shared by the three, in the order of the first; optional protein-coding filter
  const symbolOf = new Map<string, string>();
  read[0].data.featureIds.forEach((id, k) => symbolOf.set(id, read[0].data.featureNames[k]));
  const coding = options.proteinCodingGenes === undefined ? undefined : new Set(options.proteinCodingGenes);
  const shared = read.slice(1).map(({ data }) => new Set(data.featureIds));
  const keep = read[0].data.featureIds.filter(
    (id) => shared.every((s) => s.has(id)) && (coding === undefined || coding.has(id) || coding.has(symbolOf.get(id)!)),
  );
  if (keep.length === 0) throw new BcnmfError('INVALID_DATA', 'Zheng 2017: no gene is shared by the three samples (and protein-coding)');
  const aligned = read.map(({ data }) => {
    const index = new Map(data.featureIds.map((id, k) => [id, k]));
    return data.matrix.withNames({ columnNames: data.featureIds }).selectColumns(keep.map((id) => index.get(id)!));
  });
  const counts = aligned.map((m) => m.rows);
  const all = stackRows(aligned);
  const logged = log1p(normalizeTotal(all, { targetSum: 1e4 })) as CsrMatrix;
  const hvg = highlyVariableGenes(logged, { nTopGenes: options.nTopGenes ?? 3000 });
  const selected = (values === 'counts' ? all : logged).selectColumns(hvg.indices);
  const nTarget = counts[0] + counts[1];
  const featureNames = hvg.indices.map((g) => keep[g]);
  return {
    name: 'zheng2017-leukemia',
    target: denseRows(selected, 0, nTarget),
    background: denseRows(selected, nTarget, nTarget + counts[2]),
    targetLabels: [...Array<string>(counts[0]).fill('pre'), ...Array<string>(counts[1]).fill('post')],
    backgroundLabels: Array<string>(counts[2]).fill('healthy'),
    featureNames,
    info: {
      pre: counts[0],
      post: counts[1],
      healthy: counts[2],
      sharedGenes: keep.length,
      proteinCodingFilter: coding === undefined ? 'not applied (no gene list given)' : 'applied',
      values: values === 'counts' ? 'raw counts on the HVGs' : 'log1p(CP10K) on the HVGs',
      geneSymbols: featureNames.map((id) => symbolOf.get(id)!),
    },
  };
}
