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
import { inputOrientation, twoFileH5adSources, type InputFlags, type Inputs } from './input.js';
import { distinctNames, repeatedNames } from './names.js';
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

/** A source of the same rows with only `columns` (in that order), named `names`. */
function withColumns(source: BatchSource, columns: readonly number[], names: readonly string[] | undefined): BatchSource {
  const identity = columns.length === source.columns && columns.every((c, j) => c === j);
  const sameNames = names === undefined || (source.columnNames !== undefined && names.every((n, j) => source.columnNames![j] === n));
  if (identity && sameNames) return source;
  return {
    rows: source.rows,
    columns: columns.length,
    ...(source.name !== undefined ? { name: source.name } : {}),
    ...(names !== undefined ? { columnNames: names } : {}),
    ...(source.rowNames !== undefined ? { rowNames: source.rowNames } : {}),
    async readRows(start: number, count: number): Promise<CsrMatrix | DenseMatrix> {
      const batch = await source.readRows(start, count);
      const selected = identity ? batch : selectColumns(batch, [...columns]);
      return selected.withNames({ rowNames: batch.rowNames, columnNames: names });
    },
    close: () => source.close(),
  };
}

/** The source's fields and methods as a plain object (methods bound), to add a name to. */
function describeSource(source: BatchSource): BatchSource {
  return {
    rows: source.rows,
    columns: source.columns,
    ...(source.columnNames !== undefined ? { columnNames: source.columnNames } : {}),
    ...(source.rowNames !== undefined ? { rowNames: source.rowNames } : {}),
    readRows: (start, count) => source.readRows(start, count),
    close: () => source.close(),
  };
}

/** A source with other sample names (the same rows). */
function withRowNames(source: BatchSource, rowNames: readonly string[]): BatchSource {
  return {
    rows: source.rows,
    columns: source.columns,
    ...(source.name !== undefined ? { name: source.name } : {}),
    ...(source.columnNames !== undefined ? { columnNames: source.columnNames } : {}),
    rowNames,
    readRows: (start, count) => source.readRows(start, count),
    close: () => source.close(),
  };
}

interface OpenedFile {
  source: BatchSource;
  /** .h5ad only: the size of X and the file column of each source column. */
  h5ad?: { nObs: number; nVar: number; featureIndices: number[] };
}

function describeRepeats(repeats: { name: string; count: number }[]): string {
  const shown = repeats.slice(0, 3).map((r) => `'${r.name}' ${r.count} times`).join(', ');
  return repeats.length > 3 ? `${shown} and ${repeats.length - 3} more` : shown;
}

/**
 * Opens one input as a source of sample rows: an .h5ad file (X, CSR or dense), a 10x
 * folder (matrix.mtx with its features and barcodes), or a CSV/TSV table with samples in
 * rows; applies --features, and the rule for repeated feature names.
 */
async function openFile(
  path: string,
  options: { features?: RegExp; makeUnique: boolean; warn: (message: string) => void; signal?: AbortSignal },
): Promise<OpenedFile> {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  const signal = options.signal;
  let opened: OpenedFile;
  if (statSync(path).isDirectory()) {
    opened = { source: await openMtxSource(path, { rowNames: true, signal }) };
  } else if (/\.h5ad$/i.test(path)) {
    const source = await readingHdf5(path, () => openH5adSource(path, { rowNames: true }));
    opened = { source, h5ad: { nObs: source.rows, nVar: source.columns, featureIndices: Array.from({ length: source.columns }, (_, j) => j) } };
  } else {
    // --features also leaves out text columns (annotations), which the source would refuse as not numbers
    opened = { source: await openCsvSource(path, { rowNames: true, signal, ...(options.features ? { features: options.features } : {}) }) };
  }
  try {
    // core names the file in its messages about the data (a negative or missing value)
    let source: BatchSource = { ...describeSource(opened.source), name: path };
    const names = source.columnNames ?? Array.from({ length: source.columns }, (_, j) => String(j + 1));
    let kept = Array.from({ length: source.columns }, (_, j) => j);
    if (options.features) {
      const pattern = options.features;
      kept = kept.filter((j) => {
        pattern.lastIndex = 0;
        return pattern.test(names[j]);
      });
      if (kept.length === 0) throw new UsageError(`${path}: no feature name matches --features ${String(pattern)}`);
    }
    let keptNames = kept.map((j) => names[j]);
    const repeats = repeatedNames(keptNames);
    if (repeats.length > 0) {
      if (!options.makeUnique) {
        throw new UsageError(
          `${path}: feature names repeat (${describeRepeats(repeats)}); give each feature its own name, ` +
            'or pass --make-features-unique to rename the repeats (name_2, name_3, ...)',
        );
      }
      options.warn(`${path}: feature names repeat (${describeRepeats(repeats)}); the repeats were renamed name_2, name_3, ... (--make-features-unique)`);
      keptNames = distinctNames(keptNames);
    }
    source = withColumns(source, kept, source.columnNames !== undefined ? keptNames : undefined);
    return { source, ...(opened.h5ad ? { h5ad: { ...opened.h5ad, featureIndices: kept } } : {}) };
  } catch (error) {
    await opened.source.close();
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
    for (const path of paths) {
      signal?.throwIfAborted();
      opened.push(await openFile(path, { features, makeUnique: flags['make-features-unique'] ?? false, warn, signal }));
    }
    signal?.throwIfAborted();
    const [t, ...bs] = opened;
    const plan = planFeatureAlignment(t.source, bs.map((b) => b.source), {
      align,
      targetName: flags.target,
      backgroundNames: backgroundFiles,
      choices: { name: '--align name', position: '--align position' },
    });
    if (plan.note) notes.push(plan.note);
    const targetSource0 = withColumns(t.source, plan.targetColumns, plan.featureNames);
    const backgroundSources0 = bs.map((b, i) => withColumns(b.source, plan.backgroundColumns[i], plan.featureNames));
    const distinct = (source: BatchSource, path: string): BatchSource => {
      if (!source.rowNames) return source;
      const repeats = repeatedNames(source.rowNames);
      if (repeats.length === 0) return source;
      warn(`${path}: sample names repeat (${describeRepeats(repeats)}); each row is kept, the repeats named name_2, name_3, ... in the results`);
      return withRowNames(source, distinctNames(source.rowNames));
    };
    const target = distinct(targetSource0, flags.target);
    const backgrounds = backgroundSources0.map((b, i) => distinct(b, backgroundFiles[i]));
    const h5adSources = twoFileH5adSources(
      paths,
      opened.map((f) => ({ rows: f.source.rows, ...(f.h5ad ? { h5ad: { ...f.h5ad, useRaw: false } } : {}) })),
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
