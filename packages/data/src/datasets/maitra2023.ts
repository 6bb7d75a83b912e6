import { join } from 'node:path';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { readH5ad } from '../formats/h5ad.js';
import { categoricalValues, type H5adColumn } from '../formats/h5ad-read.js';
import { highlyVariableGenes } from '../preprocess/hvg.js';
import { log1p, normalizeTotal } from '../preprocess/normalize.js';
import { selectColumns, selectRows } from '../preprocess/subset.js';
import { locateDataset } from '../registry/registry.js';
import { checkCounts } from './common.js';
import type { LoadedDataset, LoaderOptions } from './types.js';

/** Options of {@link loadMaitra2023}; the defaults describe the assumed file. */
export interface Maitra2023Options extends LoaderOptions {
  /** The .h5ad file. Default `<dataDir>/maitra2023-mdd/mdd.h5ad`. */
  path?: string;
  /** obs column of the donor. Default `'donor'`. */
  donorColumn?: string;
  /** obs column of case / control. Default `'condition'`. */
  conditionColumn?: string;
  /** Value of a case. Default `'Case'`. */
  caseValue?: string;
  /** Value of a control. Default `'Control'`. */
  controlValue?: string;
  /** obs column of the cell type. Default `'celltype'`. */
  cellTypeColumn?: string;
  /** Cell types to keep (astrocytes and oligodendrocytes). Default `['Ast', 'Oli']`. */
  cellTypes?: readonly string[];
  /** Donors to keep (the paper: 4 case, 4 control). Default: every donor. */
  donors?: readonly string[];
  /** Number of Seurat-flavour HVGs (on log1p(CP10K) of the target). Default 3000. */
  nTopGenes?: number;
}

function obsValues(column: H5adColumn | undefined, name: string, path: string): string[] {
  if (column === undefined) throw new BcnmfError('INVALID_DATA', `${path}: obs has no column "${name}"`);
  if (column.kind === 'categorical') return categoricalValues(column).map((v) => v ?? '');
  if (column.kind === 'string') return column.values;
  return Array.from(column.values, String);
}

/**
 * Maitra 2023 depression snRNA-seq. Assumed format (no file of this form is published; build
 * it from GEO): an AnnData `.h5ad` with raw counts in `X` (nuclei x genes, dense or CSR)
 * and obs columns donor, condition (Case / Control) and celltype. Keeps the nuclei of the
 * chosen cell types (and donors): target = all of them (labels: condition), background =
 * the control nuclei among them. Features: the `nTopGenes` Seurat-flavour HVGs of
 * log1p(CP10K) of the target; values stay raw counts (the paper fits Poisson bcNMF).
 *
 * @example
 * const d = await loadMaitra2023({ dataDir: '/data', donors: ['M1', 'M2', ...] });
 * d.targetLabels.filter((l) => l === 'Case').length; // 615 in the paper's selection
 */
export async function loadMaitra2023(options: Maitra2023Options = {}): Promise<LoadedDataset> {
  let path = options.path;
  if (path === undefined) {
    const located = await locateDataset('maitra2023-mdd', options);
    path = located.files['mdd.h5ad'] ?? join(located.dir, 'mdd.h5ad');
  }
  const { X, obs } = await readH5ad(path);
  checkCounts(X, path);
  const donorCol = options.donorColumn ?? 'donor';
  const conditionCol = options.conditionColumn ?? 'condition';
  const typeCol = options.cellTypeColumn ?? 'celltype';
  const caseValue = options.caseValue ?? 'Case';
  const controlValue = options.controlValue ?? 'Control';
  const types = new Set(options.cellTypes ?? ['Ast', 'Oli']);
  const donors = options.donors === undefined ? undefined : new Set(options.donors);
  const donor = obsValues(obs.columns[donorCol], donorCol, path);
  const condition = obsValues(obs.columns[conditionCol], conditionCol, path);
  const cellType = obsValues(obs.columns[typeCol], typeCol, path);
  const rows: number[] = [];
  cellType.forEach((t, i) => {
    if (types.has(t) && (donors === undefined || donors.has(donor[i])) && (condition[i] === caseValue || condition[i] === controlValue)) rows.push(i);
  });
  if (rows.length === 0) {
    throw new BcnmfError(
      'INVALID_DATA',
      `${path}: no nucleus of cell types {${[...types].join(', ')}} with ${conditionCol} ${caseValue}/${controlValue}` +
        `${donors ? ' among the chosen donors' : ''}; cell types in the file: ${[...new Set(cellType)].slice(0, 20).join(', ')}`,
    );
  }
  const controls = rows.filter((i) => condition[i] === controlValue);
  if (controls.length === 0) throw new BcnmfError('INVALID_DATA', `${path}: the selection has no ${controlValue} nucleus for the background`);
  const target = selectRows(X, rows);
  const logged = log1p(normalizeTotal(target, { targetSum: 1e4 }));
  const hvg = highlyVariableGenes(logged, { nTopGenes: options.nTopGenes ?? 3000 });
  const toDense = (m: DenseMatrix | CsrMatrix) => (m instanceof CsrMatrix ? m.toDense() : m);
  const names = X.columnNames ?? [];
  return {
    name: 'maitra2023-mdd',
    target: toDense(selectColumns(target, hvg.indices)),
    background: toDense(selectColumns(selectRows(X, controls), hvg.indices)),
    targetLabels: rows.map((i) => condition[i]),
    backgroundLabels: controls.map((i) => donor[i]),
    featureNames: hvg.indices.map((g) => names[g]),
    info: {
      targetNuclei: rows.length,
      cases: rows.length - controls.length,
      controls: controls.length,
      targetDonors: rows.map((i) => donor[i]),
      file: path,
    },
  };
}
