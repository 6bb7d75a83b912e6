import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BcnmfError, type CsrMatrix } from '@bcnmf/core';
import { readDelimited, readTenx } from '../formats/index.js';
import { highlyVariableGenes } from '../preprocess/hvg.js';
import { log1p, normalizeTotal } from '../preprocess/normalize.js';
import { locateDataset } from '../registry/registry.js';
import { checkCounts, denseRows, findTenxFolder, stackRows } from './common.js';
import type { LoadedDataset, LoaderOptions } from './types.js';

/** Options of {@link loadMcFarland2020}. */
export interface McFarland2020Options extends LoaderOptions {
  /**
   * TP53 status per cell line: a map (line -> status) or the path of a CSV with columns
   * `cell_line` and `TP53_status`. Default: `<dataDir>/mcfarland2020-tp53/tp53_status.csv`.
   * Statuses are kept as written (e.g. 'WT' / 'MUT'); lines without a status are dropped.
   */
  tp53Status?: ReadonlyMap<string, string> | Readonly<Record<string, string>> | string;
  /** Number of Seurat-flavour HVGs. Default 10000. */
  nTopGenes?: number;
  /**
   * Keep only cells whose `cell_quality` column (when classifications.csv has one) equals
   * this. Default `'normal'`; `null` keeps every classified cell.
   */
  cellQuality?: string | null;
  /** Folders under the set's folder. Default: `idasanutlin` and `dmso` (the manifest's unpackTo). */
  folders?: { treated?: string; control?: string };
}

interface Experiment {
  matrix: CsrMatrix;
  ids: string[];
  lines: string[];
}

async function readExperiment(root: string, what: string, cellQuality: string | null): Promise<Experiment> {
  const dir = findTenxFolder(root, what);
  const tenx = await readTenx(dir, { columnNames: 'ids' });
  checkCounts(tenx.matrix, what);
  const classPath = ['classifications.csv', 'classifications.csv.gz'].map((f) => join(dir, f)).find((p) => existsSync(p));
  if (classPath === undefined) throw new BcnmfError('INVALID_DATA', `${what}: no classifications.csv next to the matrix in ${dir}`);
  const table = await readDelimited(classPath, { features: [], namesColumn: false });
  const barcode = table.annotations.barcode;
  const line = table.annotations.singlet_ID;
  if (barcode === undefined || line === undefined) {
    throw new BcnmfError('INVALID_DATA', `${classPath} needs the columns barcode and singlet_ID (has: ${Object.keys(table.annotations).join(', ')})`);
  }
  const quality = table.annotations.cell_quality;
  const lineOf = new Map<string, string>();
  barcode.forEach((b, i) => {
    if (cellQuality !== null && quality !== undefined && quality[i] !== cellQuality) return;
    if (line[i] !== '' && line[i] !== 'NA') lineOf.set(b, line[i]);
  });
  const rows: number[] = [];
  const lines: string[] = [];
  tenx.barcodes.forEach((b, i) => {
    const l = lineOf.get(b);
    if (l !== undefined) {
      rows.push(i);
      lines.push(l);
    }
  });
  if (rows.length === 0) throw new BcnmfError('INVALID_DATA', `${what}: no barcode of the matrix is classified in ${classPath}`);
  return { matrix: tenx.matrix.withNames({ columnNames: tenx.featureIds }).selectRows(rows), ids: tenx.featureIds, lines };
}

async function statusTable(option: McFarland2020Options['tp53Status'], defaultPath: string): Promise<Map<string, string>> {
  if (option instanceof Map) return new Map(option);
  if (option !== undefined && typeof option === 'object') return new Map(Object.entries(option as Record<string, string>));
  const path = typeof option === 'string' ? option : defaultPath;
  if (!existsSync(path)) {
    throw new BcnmfError('INVALID_DATA', `no TP53 status table: pass options.tp53Status (a map or a CSV path) or put ${defaultPath} (columns cell_line,TP53_status)`);
  }
  const t = await readDelimited(path, { features: [], namesColumn: false });
  const lines = t.annotations.cell_line;
  const status = t.annotations.TP53_status;
  if (lines === undefined || status === undefined) throw new BcnmfError('INVALID_DATA', `${path} needs the columns cell_line and TP53_status`);
  const out = new Map<string, string>();
  lines.forEach((l, i) => {
    if (status[i] !== '') out.set(l, status[i]);
  });
  return out;
}

/**
 * McFarland 2020 MIX-seq, idasanutlin 24 h: target = treated cells of lines with a known
 * TP53 status (labels: the status), background = DMSO cells. Each experiment folder
 * (`<dataDir>/mcfarland2020-tp53/{idasanutlin,dmso}`, the unpacked figshare archives) holds
 * a 10x matrix and `classifications.csv` (columns `barcode`, `singlet_ID` = the cell line,
 * optionally `cell_quality`). Genes shared by both (by id); log1p(CP10K); the `nTopGenes`
 * Seurat-flavour HVGs over target and background together. Values: log1p(CP10K).
 *
 * @example
 * const d = await loadMcFarland2020({ dataDir: '/data', tp53Status: { 'NCIH460_LUNG': 'WT', ... } });
 * d.targetLabels.slice(0, 2); // ['WT', 'MUT']
 * d.info.targetLines;         // the cell line of each target cell
 */
export async function loadMcFarland2020(options: McFarland2020Options = {}): Promise<LoadedDataset> {
  const located = await locateDataset('mcfarland2020-tp53', options);
  const quality = options.cellQuality === undefined ? 'normal' : options.cellQuality;
  const treated = await readExperiment(join(located.dir, options.folders?.treated ?? 'idasanutlin'), 'McFarland 2020 idasanutlin', quality);
  const control = await readExperiment(join(located.dir, options.folders?.control ?? 'dmso'), 'McFarland 2020 DMSO', quality);
  const status = await statusTable(options.tp53Status, join(located.dir, 'tp53_status.csv'));
  const targetRows: number[] = [];
  treated.lines.forEach((l, i) => {
    if (status.has(l)) targetRows.push(i);
  });
  if (targetRows.length === 0) throw new BcnmfError('INVALID_DATA', 'McFarland 2020: no treated cell belongs to a line with a TP53 status');
  const controlIds = new Set(control.ids);
  const keep = treated.ids.filter((id) => controlIds.has(id));
  if (keep.length === 0) throw new BcnmfError('INVALID_DATA', 'McFarland 2020: the two experiments share no gene');
  const columnsOf = (ids: string[]) => {
    const index = new Map(ids.map((id, k) => [id, k]));
    return keep.map((id) => index.get(id)!);
  };
  const target = treated.matrix.selectRows(targetRows).selectColumns(columnsOf(treated.ids));
  const background = control.matrix.selectColumns(columnsOf(control.ids));
  const logged = log1p(normalizeTotal(stackRows([target, background]), { targetSum: 1e4 })) as CsrMatrix;
  const hvg = highlyVariableGenes(logged, { nTopGenes: options.nTopGenes ?? 10000 });
  const selected = logged.selectColumns(hvg.indices);
  const targetLines = targetRows.map((i) => treated.lines[i]);
  return {
    name: 'mcfarland2020-tp53',
    target: denseRows(selected, 0, target.rows),
    background: denseRows(selected, target.rows, target.rows + background.rows),
    targetLabels: targetLines.map((l) => status.get(l)!),
    backgroundLabels: [...control.lines],
    featureNames: hvg.indices.map((g) => keep[g]),
    info: { targetCells: target.rows, backgroundCells: background.rows, droppedTreatedCells: treated.lines.length - target.rows, targetLines },
  };
}
