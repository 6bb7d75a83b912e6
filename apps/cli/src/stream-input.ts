import { existsSync, statSync } from 'node:fs';
import { CsrMatrix, DenseMatrix, summarizeData, type DataSummary } from '@bcnmf/core';
import {
  FEATURE_ALIGNMENTS,
  openCsvSource,
  openH5adSource,
  openMtxSource,
  planFeatureAlignment,
  selectColumns,
  type BatchSource,
  type FeatureAlignment,
} from '@bcnmf/data';
import { UsageError } from './errors.js';
import { readingHdf5 } from './h5-errors.js';
import { checkInterrupted } from './interrupt-check.js';
import { columnsMatching, featureTypeColumns, inputOrientation, refuseFeatureTypesWithoutTenx, twoFileH5adSources, type InputFlags, type Inputs } from './input.js';
import { distinctSampleNames, uniqueFeatureNames, type FeatureNameRule } from './names.js';
import { choiceOption, patternOption } from './options.js';

/** The input flags `fit --stream` cannot honour: each needs the whole matrix in memory, or an annotation table. */
const WHOLE_MATRIX_FLAGS: [flag: keyof InputFlags, why: string][] = [
  ['input', 'a split --input selects rows by an annotation; give --target and --background files'],
  ['split-by', 'a split --input selects rows by an annotation; give --target and --background files'],
  ['target-values', 'it goes with --input --split-by'],
  ['background-values', 'it goes with --input --split-by'],
  ['label-column', 'it names an annotation of a split --input (colour the report with --labels FILE)'],
  ['layer', 'only X of an .h5ad file is read in batches'],
  ['use-raw', 'only X of an .h5ad file is read in batches'],
  ['impute', 'column means need the whole data; fill the missing values first'],
  ['features-in-rows', 'batches are rows of samples: give files with samples in rows'],
];

/** Inputs read in batches: the target and backgrounds as sources, closed by `close()`. */
export interface StreamedInputs extends Inputs<BatchSource> {
  /** Closes every source (removing their temporary files); safe to call more than once. */
  close(): Promise<void>;
}

/** Refuses, before anything is read, the input flags that `fit --stream` cannot honour. */
export function refuseWholeMatrixFlags(flags: InputFlags): void {
  for (const [flag, why] of WHOLE_MATRIX_FLAGS) {
    const value = flags[flag];
    if (value === undefined || value === false) continue;
    throw new UsageError(`--${flag} does not go with --stream: ${why}`);
  }
  if (flags.orientation === 'features-in-rows') {
    throw new UsageError('--orientation features-in-rows does not go with --stream: batches are rows of samples; give files with samples in rows');
  }
}

/**
 * A view of a source: its columns `columns` (file columns, in that order; all without),
 * named `columnNames`, its rows named `rowNames` (its own without), and `name` for core's
 * messages. One selection per batch, whatever the steps that chose the columns.
 */
function sourceView(
  source: BatchSource,
  view: { name: string; columns?: readonly number[]; columnNames?: readonly string[]; rowNames?: readonly string[] },
): BatchSource {
  const columns = view.columns;
  const identity = columns === undefined || (columns.length === source.columns && columns.every((c, j) => c === j));
  const columnNames = view.columnNames ?? source.columnNames;
  const rowNames = view.rowNames ?? source.rowNames;
  return {
    name: view.name,
    rows: source.rows,
    columns: columns?.length ?? source.columns,
    ...(columnNames !== undefined ? { columnNames } : {}),
    ...(rowNames !== undefined ? { rowNames } : {}),
    async readRows(start: number, count: number): Promise<CsrMatrix | DenseMatrix> {
      const batch = await source.readRows(start, count);
      const selected = identity ? batch : selectColumns(batch, [...columns!]);
      return selected.withNames({ rowNames: batch.rowNames, columnNames });
    },
    close: () => source.close(),
  };
}

interface OpenedFile {
  path: string;
  source: BatchSource;
  /** The file columns --features kept, and their names (repeats renamed with --make-features-unique). */
  kept: number[];
  keptNames: readonly string[] | undefined;
  /** .h5ad only: the size of X. */
  h5ad?: { nObs: number; nVar: number };
}

/**
 * Opens one input as a source of sample rows: an .h5ad file (X, CSR or dense), a 10x
 * folder (matrix.mtx with its features and barcodes), or a CSV/TSV table with samples in
 * rows; says which columns --features keeps, under the rule for repeated feature names.
 */
async function openFile(
  path: string,
  options: { features?: RegExp; rule: FeatureNameRule; signal?: AbortSignal; featureTypes?: string; warn: (message: string) => void },
): Promise<OpenedFile> {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  const signal = options.signal;
  let source: BatchSource;
  let h5ad: OpenedFile['h5ad'];
  // a 10x folder's columns of the chosen feature types (null: all)
  let typed: number[] | null = null;
  if (statSync(path).isDirectory()) {
    const mtx = await openMtxSource(path, { rowNames: true, signal });
    source = mtx;
    try {
      typed = featureTypeColumns(mtx.featureTypes, options.featureTypes, path, options.warn);
    } catch (error) {
      await mtx.close();
      throw error;
    }
  } else if (/\.h5ad$/i.test(path)) {
    source = await readingHdf5(path, () => openH5adSource(path, { rowNames: true }));
    h5ad = { nObs: source.rows, nVar: source.columns };
  } else {
    // --features also leaves out text columns (annotations), which the source would refuse as not numbers
    source = await openCsvSource(path, { rowNames: true, signal, ...(options.features ? { features: options.features } : {}) });
  }
  try {
    const names = source.columnNames ?? Array.from({ length: source.columns }, (_, j) => String(j));
    const typedSet = typed === null ? null : new Set(typed);
    const kept = columnsMatching(names, options.features, path).filter((j) => typedSet === null || typedSet.has(j));
    const keptNames = source.columnNames === undefined ? undefined : uniqueFeatureNames(kept.map((j) => names[j]), path, options.rule);
    return { path, source, kept, keptNames, ...(h5ad ? { h5ad } : {}) };
  } catch (error) {
    await source.close();
    throw error;
  }
}

/**
 * The inputs of `bcnmf fit --stream`: --target and each --background opened as sources
 * that read their rows in batches (nothing is loaded whole), with --features applied,
 * the features aligned by --align (exact, name or position, as without --stream) and
 * repeated sample names made distinct (warned about). CSV/TSV files must hold samples in
 * rows: --orientation auto refuses files that look the other way. Refused before any
 * batch is read: the flags of {@link refuseWholeMatrixFlags}, a missing file, files that
 * do not match. Annotations (obs of an .h5ad, text columns) are not read: H_target.csv
 * then holds the topics only.
 */
export async function openStreamedInputs(
  flags: InputFlags,
  options: { warn?: (message: string) => void; signal?: AbortSignal } = {},
): Promise<StreamedInputs> {
  const warn = options.warn ?? (() => {});
  const signal = options.signal;
  refuseWholeMatrixFlags(flags);
  const features = patternOption('--features', flags.features);
  const align = choiceOption('--align', flags.align, FEATURE_ALIGNMENTS as readonly FeatureAlignment[], 'exact');
  const backgroundFiles = flags.background === undefined ? [] : Array.isArray(flags.background) ? flags.background : [flags.background];
  if (flags.target === undefined || backgroundFiles.length === 0) {
    throw new UsageError('--stream reads --target FILE and --background FILE (bcnmf help fit)');
  }
  const paths = [flags.target, ...backgroundFiles];
  for (const path of paths) if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  refuseFeatureTypesWithoutTenx(flags['feature-types'], paths);
  const notes: string[] = [];
  const { orientation, reason } = await inputOrientation(flags, paths, signal);
  if (orientation === 'features-in-rows') {
    throw new UsageError(
      `--stream reads samples in rows, and these CSV/TSV files look like features in rows${reason ? ` (detected: ${reason})` : ''}; ` +
        'if they hold samples in rows, say so with --orientation samples-in-rows; else transpose them, or fit without --stream (which reads them whole)',
    );
  }
  const opened: OpenedFile[] = [];
  const closeAll = async (): Promise<void> => {
    const all = opened.splice(0);
    await Promise.all(all.map((f) => f.source.close()));
  };
  try {
    const rule: FeatureNameRule = { makeUnique: flags['make-features-unique'] ?? false, warn };
    for (const path of paths) {
      signal?.throwIfAborted();
      opened.push(await openFile(path, { features, rule, signal, featureTypes: flags['feature-types'], warn }));
    }
    signal?.throwIfAborted();
    const [t, ...bs] = opened;
    const kept = (f: OpenedFile) => ({ columns: f.kept.length, columnNames: f.keptNames });
    const plan = planFeatureAlignment(kept(t), bs.map(kept), {
      align,
      targetName: flags.target,
      backgroundNames: backgroundFiles,
      choices: { name: '--align name', position: '--align position' },
    });
    if (plan.note) notes.push(plan.note);
    // the file columns of the fit: --features, then the alignment, in one selection
    const fileColumns = opened.map((f, i) => (i === 0 ? plan.targetColumns : plan.backgroundColumns[i - 1]).map((j) => f.kept[j]));
    const [target, ...backgrounds] = opened.map((f, i) => {
      const rowNames = f.source.rowNames === undefined ? undefined : distinctSampleNames(f.source.rowNames, f.path, warn);
      return sourceView(f.source, {
        name: f.path,
        columns: fileColumns[i],
        ...(plan.featureNames !== undefined ? { columnNames: plan.featureNames } : {}),
        ...(rowNames !== undefined ? { rowNames } : {}),
      });
    });
    const h5adSources = twoFileH5adSources(
      paths,
      opened.map((f) => ({ rows: f.source.rows, ...(f.h5ad ? { h5ad: { ...f.h5ad, featureIndices: f.kept, useRaw: false } } : {}) })),
      plan,
    );
    notes.push('read in batches (--stream): annotations are not read, H_target.csv and H_background.csv hold the topics only');
    return {
      target,
      background: backgrounds[0],
      backgrounds,
      featureNames: plan.featureNames ? [...plan.featureNames] : Array.from({ length: target.columns }, (_, j) => String(j + 1)),
      targetAnnotations: {},
      backgroundAnnotations: backgrounds.map(() => ({})),
      h5adSources,
      imputed: 0,
      targetSource: flags.target,
      backgroundSource: backgroundFiles[0],
      backgroundSources: [...backgroundFiles],
      notes,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * The sum and sum of squares of a source's entries, read `batchSize` rows at a time (for
 * diagnoseFit after a streamed fit); stops with the signal's reason when it aborts.
 */
export async function summarizeSource(source: BatchSource, batchSize: number, signal?: AbortSignal): Promise<DataSummary> {
  const summary: DataSummary = { rows: 0, columns: source.columns, sum: 0, squares: 0 };
  for (let start = 0; start < source.rows; start += batchSize) {
    // a source may read synchronously: let a Ctrl-C in
    await checkInterrupted(signal);
    summarizeData(await source.readRows(start, Math.min(batchSize, source.rows - start)), summary);
  }
  return summary;
}
