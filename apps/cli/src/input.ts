import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CsrMatrix, DenseMatrix, type MatrixInput } from '@bcnmf/core';
import {
  categoricalValues,
  imputeColumnMeans,
  imputeConstant,
  readDelimited,
  readH5ad,
  readTenx,
  selectColumns,
  selectRows,
  splitByAnnotation,
  type AnnotationValue,
  type H5adFrame,
} from '@bcnmf/data';
import { UsageError } from './errors.js';
import { choiceOption, listOption, patternOption } from './options.js';

/** A data matrix as the readers give it: dense (CSV/TSV, dense .h5ad) or CSR (10x, sparse .h5ad). */
export type AnyMatrix = DenseMatrix | CsrMatrix;

/** The input flags shared by fit, compare and transform. */
export interface InputFlags {
  target?: string;
  /** One background file, or several (fit's repeated --background). */
  background?: string | string[];
  input?: string;
  'split-by'?: string;
  'target-values'?: string;
  'background-values'?: string;
  'label-column'?: string;
  features?: string;
  'features-in-rows'?: boolean;
  impute?: string;
}

/** parseArgs option specs of {@link InputFlags}. */
export const INPUT_OPTIONS = {
  target: { type: 'string' },
  background: { type: 'string' },
  input: { type: 'string' },
  'split-by': { type: 'string' },
  'target-values': { type: 'string' },
  'background-values': { type: 'string' },
  'label-column': { type: 'string' },
  features: { type: 'string' },
  'features-in-rows': { type: 'boolean' },
  impute: { type: 'string' },
} as const;

/** Usage text of the input flags. */
export const INPUT_USAGE = `Input, either two files:
  --target FILE            target samples: CSV/TSV (.csv, .tsv, .txt, optionally .gz), .h5ad, or a 10x folder
  --background FILE        background samples, same kinds
or one file split by an annotation column (CSV/TSV column or .h5ad obs column):
  --input FILE --split-by COLUMN --target-values A,B --background-values C
  --label-column NAME      annotation carried along as the target's labels (compare)
For every input:
  --features PATTERN       use only the features whose name matches this regular expression
  --features-in-rows       CSV/TSV with one feature per line (default: one sample per line;
                           first column = names, header row = feature or sample names)
  --impute mean|zero       fill missing values: mean = column means over target and background
                           together, zero = 0 (as numpy's genfromtxt(filling_values=0) reads
                           empty cells); default: missing values are refused`;

/** An .h5ad input, so that the results can be added to a copy of it. */
export interface H5adSource {
  path: string;
  nObs: number;
  nVar: number;
  /** Column of the file (var index) of each feature of the fit, in the fit's order. */
  featureIndices: number[];
  /**
   * File rows (obs index) of the target and background samples, in the fit's order;
   * `index` is which background (0 unless there are several).
   */
  parts: { role: 'target' | 'background'; rows: number[]; index?: number }[];
}

/** Everything a fit reads. */
export interface Inputs {
  target: AnyMatrix;
  /** The (first) background. */
  background: AnyMatrix;
  /** Every background (one unless fit was given several), features in the target's order. */
  backgrounds: AnyMatrix[];
  /** Feature names, the same for target and background (the target's order). */
  featureNames: string[];
  /** Labels of the target samples, from --label-column on a split input. */
  targetLabels?: string[];
  h5adSources: H5adSource[];
  /** Missing values filled by --impute. */
  imputed: number;
  /** How they were filled ('mean' or 'zero'), when --impute was given. */
  imputeMethod?: ImputeMethod;
  /** Where target and background came from, for messages. */
  targetSource: string;
  backgroundSource: string;
  /** Where each background came from. */
  backgroundSources: string[];
}

/** One file read into a matrix, with what else it carries. */
interface ReadFile {
  matrix: AnyMatrix;
  annotations: Record<string, AnnotationValue[]>;
  kind: 'delimited' | 'h5ad' | 'tenx';
  /** .h5ad only: size of the file's X and the file column of each matrix column. */
  h5ad?: { nObs: number; nVar: number; featureIndices: number[] };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function frameColumns(frame: H5adFrame): Record<string, AnnotationValue[]> {
  const out: Record<string, AnnotationValue[]> = {};
  for (const [name, column] of Object.entries(frame.columns)) {
    if (column.kind === 'categorical') out[name] = categoricalValues(column);
    else out[name] = Array.from(column.values as ArrayLike<string | number>);
  }
  return out;
}

function selectByPattern(matrix: AnyMatrix, pattern: RegExp | undefined, path: string): { matrix: AnyMatrix; indices: number[] } {
  const all = Array.from({ length: matrix.columns }, (_, j) => j);
  if (!pattern) return { matrix, indices: all };
  const names = matrix.columnNames ?? all.map(String);
  const indices = all.filter((j) => {
    pattern.lastIndex = 0;
    return pattern.test(names[j]);
  });
  if (indices.length === 0) throw new UsageError(`${path}: no feature name matches --features ${String(pattern)}`);
  return { matrix: selectColumns(matrix, indices), indices };
}

/**
 * Reads one input: a 10x folder (a directory), an .h5ad file, or a CSV/TSV table.
 * `exclude` names CSV columns that are annotations, not features (the split and label
 * columns), when no --features pattern says which columns are features.
 */
export async function readInputFile(
  path: string,
  options: { features?: RegExp; featuresInRows?: boolean; exclude?: string[] },
): Promise<ReadFile> {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    if (options.featuresInRows) throw new UsageError(`--features-in-rows applies to CSV/TSV files, not the 10x folder ${path}`);
    const tenx = await readTenx(path);
    const { matrix } = selectByPattern(tenx.matrix, options.features, path);
    return { matrix, annotations: {}, kind: 'tenx' };
  }
  if (/\.h5ad$/i.test(path)) {
    if (options.featuresInRows) throw new UsageError(`--features-in-rows applies to CSV/TSV files, not ${path}`);
    const data = await readH5ad(path);
    const { matrix, indices } = selectByPattern(data.X, options.features, path);
    return {
      matrix,
      annotations: frameColumns(data.obs),
      kind: 'h5ad',
      h5ad: { nObs: data.X.rows, nVar: data.X.columns, featureIndices: indices },
    };
  }
  let features: RegExp | undefined = options.features;
  if (!features && options.exclude && options.exclude.length > 0 && !options.featuresInRows) {
    features = new RegExp(`^(?!(?:${options.exclude.map(escapeRegExp).join('|')})$)`);
  }
  const table = await readDelimited(path, {
    orientation: options.featuresInRows ? 'features-in-rows' : 'samples-in-rows',
    features,
  });
  return { matrix: table.matrix, annotations: table.annotations, kind: 'delimited' };
}

/** Names of the rows (samples) or columns (features), with indices as names where the file had none. */
export function rowNamesOf(m: AnyMatrix): string[] {
  return m.rowNames ? [...m.rowNames] : Array.from({ length: m.rows }, (_, i) => String(i + 1));
}
export function columnNamesOf(m: AnyMatrix): string[] {
  return m.columnNames ? [...m.columnNames] : Array.from({ length: m.columns }, (_, j) => String(j + 1));
}

/** The first missing value (NaN) of a matrix, as [row, column], or null. */
export function firstMissing(m: AnyMatrix): [number, number] | null {
  if (m instanceof DenseMatrix) {
    for (let p = 0; p < m.data.length; p++) {
      if (Number.isNaN(m.data[p])) return [Math.floor(p / m.columns), p % m.columns];
    }
    return null;
  }
  for (let i = 0; i < m.rows; i++) {
    for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) {
      if (Number.isNaN(m.data[p])) return [i, m.indices[p]];
    }
  }
  return null;
}

function countMissing(m: AnyMatrix): number {
  let n = 0;
  for (const v of m.data) if (Number.isNaN(v)) n++;
  return n;
}

/**
 * Refuses missing values, naming the sample (row) and feature (column) of the first one;
 * `fileRows` maps the matrix's rows to the data rows of the file they came from.
 */
export function refuseMissing(m: AnyMatrix, source: string, fileRows?: readonly number[]): void {
  const at = firstMissing(m);
  if (!at) return;
  const [i, j] = at;
  const row = (fileRows ? fileRows[i] : i) + 1;
  throw new UsageError(
    `${source} has ${countMissing(m)} missing values, the first at data row ${row} (sample '${rowNamesOf(m)[i]}'), ` +
      `column '${columnNamesOf(m)[j]}'; pass --impute mean (column means) or --impute zero to fill them`,
  );
}

function toDense(m: AnyMatrix): DenseMatrix {
  return m instanceof CsrMatrix ? m.toDense() : m;
}

/** How --impute fills missing values. */
export type ImputeMethod = 'mean' | 'zero';

/** The values of --impute. */
export const IMPUTE_METHODS: readonly ImputeMethod[] = ['mean', 'zero'];

/** What {@link ImputeMethod} fills with, in words (for messages). */
export function imputeWords(method: ImputeMethod): string {
  return method === 'zero' ? 'with 0' : 'with column means';
}

/**
 * Fills missing values: with `'mean'` (default), the column means over the rows of all
 * `parts` together (@bcnmf/data's imputeColumnMeans on the stacked rows); with `'zero'`,
 * 0 (imputeConstant). Returns the parts filled.
 */
export function imputeTogether(parts: AnyMatrix[], method: ImputeMethod = 'mean'): { parts: DenseMatrix[]; filled: number } {
  const dense = parts.map(toDense);
  const filled = dense.reduce((n, m) => n + countMissing(m), 0);
  if (filled === 0) return { parts: dense, filled };
  if (method === 'zero') return { parts: dense.map((m) => imputeConstant(m, 0)), filled };
  const columns = dense[0].columns;
  const rows = dense.reduce((n, m) => n + m.rows, 0);
  const data = new Float64Array(rows * columns);
  let offset = 0;
  for (const m of dense) {
    data.set(m.data, offset);
    offset += m.data.length;
  }
  const stacked = imputeColumnMeans(new DenseMatrix({ data, shape: [rows, columns], columnNames: dense[0].columnNames }));
  const out: DenseMatrix[] = [];
  let first = 0;
  for (const m of dense) {
    const values = stacked.data.slice(first * columns, (first + m.rows) * columns);
    out.push(new DenseMatrix({ data: values, shape: [m.rows, columns], rowNames: m.rowNames, columnNames: m.columnNames }));
    first += m.rows;
  }
  return { parts: out, filled };
}

/**
 * Matches names: for each wanted name, its index among `have`. Identical lists match
 * as they are; otherwise the names must be unique. Returns the wanted names that are
 * absent and the names of `have` that are not wanted, so callers can say what differs.
 */
export function matchNames(
  have: readonly string[],
  want: readonly string[],
): { indices: number[] | null; absent: string[]; extra: string[]; duplicates: string[] } {
  if (have.length === want.length && have.every((n, i) => n === want[i])) {
    return { indices: have.map((_, i) => i), absent: [], extra: [], duplicates: [] };
  }
  const position = new Map<string, number>();
  const duplicates = new Set<string>();
  have.forEach((name, i) => {
    if (position.has(name)) duplicates.add(name);
    else position.set(name, i);
  });
  const wanted = new Set<string>();
  for (const name of want) {
    if (wanted.has(name)) duplicates.add(name);
    wanted.add(name);
  }
  const absent = want.filter((name) => !position.has(name));
  const extra = have.filter((name) => !wanted.has(name));
  if (absent.length > 0 || duplicates.size > 0) return { indices: null, absent, extra, duplicates: [...duplicates] };
  return { indices: want.map((name) => position.get(name)!), absent, extra, duplicates: [] };
}

/** A few names for a message: 'a', 'b', 'c' and 4 more. */
export function someNames(names: readonly string[], n = 3): string {
  const shown = names.slice(0, n).map((s) => `'${s}'`).join(', ');
  return names.length > n ? `${shown} and ${names.length - n} more` : shown;
}

/** Reorders the background's features to the target's, by name, or refuses when they differ. */
function alignBackground(target: AnyMatrix, background: AnyMatrix, targetSource: string, backgroundSource: string): number[] {
  const targetNames = columnNamesOf(target);
  const backgroundNames = columnNamesOf(background);
  const match = matchNames(backgroundNames, targetNames);
  if (match.indices && match.extra.length === 0) return match.indices;
  if (match.duplicates.length > 0) {
    throw new UsageError(`target and background features are in a different order and names repeat (${someNames(match.duplicates)}); give both files the same features in the same order`);
  }
  const lacking = match.absent.length > 0 ? `${backgroundSource} lacks ${match.absent.length} of the target's features (${someNames(match.absent)})` : '';
  const extra = match.extra.length > 0 ? `${backgroundSource} has ${match.extra.length} features that ${targetSource} lacks (${someNames(match.extra)})` : '';
  throw new UsageError(`target and background must have the same features: ${[lacking, extra].filter(Boolean).join('; ')}; --features PATTERN can pick the common ones`);
}

/**
 * Reads the target and background of a command from its input flags: two files
 * (--target, --background, or several --background for fit) or one file split by an
 * annotation (--input, --split-by); applies --features, aligns every background's
 * features to the target's by name, and refuses missing values unless --impute fills
 * them (mean: column means over target and backgrounds together; zero: 0).
 */
export async function readInputs(flags: InputFlags): Promise<Inputs> {
  const features = patternOption('--features', flags.features);
  const featuresInRows = flags['features-in-rows'] ?? false;
  const impute = choiceOption('--impute', flags.impute, IMPUTE_METHODS);
  const backgroundFiles = flags.background === undefined ? [] : Array.isArray(flags.background) ? flags.background : [flags.background];
  let target: AnyMatrix;
  let backgrounds: AnyMatrix[];
  let targetLabels: string[] | undefined;
  let targetSource: string;
  let backgroundSources: string[];
  let targetRows: number[] | undefined;
  let backgroundRows: number[] | undefined;
  const h5adSources: H5adSource[] = [];

  if (flags.input !== undefined) {
    if (flags.target !== undefined || backgroundFiles.length > 0) {
      throw new UsageError('give either --input (with --split-by) or --target and --background, not both');
    }
    const column = flags['split-by'];
    const targetValues = listOption(flags['target-values']);
    const backgroundValues = listOption(flags['background-values']);
    if (column === undefined || !targetValues || !backgroundValues) {
      throw new UsageError('--input needs --split-by COLUMN, --target-values A,B and --background-values C');
    }
    if (featuresInRows) throw new UsageError('--split-by needs samples in rows (annotation columns); drop --features-in-rows');
    const labelColumn = flags['label-column'];
    const file = await readInputFile(flags.input, { features, exclude: [column, ...(labelColumn ? [labelColumn] : [])] });
    if (file.kind === 'tenx') throw new UsageError(`--split-by needs annotations: a CSV/TSV or .h5ad input, not the 10x folder ${flags.input}`);
    const rows = file.matrix.rows;
    const probe = file.matrix instanceof DenseMatrix ? file.matrix : new DenseMatrix({ data: new Float64Array(0), shape: [rows, 0] });
    const split = splitByAnnotation(probe, file.annotations, { column, targetValues, backgroundValues, labelColumn });
    target = file.matrix instanceof DenseMatrix ? split.target : selectRows(file.matrix, split.targetIndices);
    backgrounds = [file.matrix instanceof DenseMatrix ? split.background : selectRows(file.matrix, split.backgroundIndices)];
    if (labelColumn !== undefined) targetLabels = split.targetLabels;
    targetRows = split.targetIndices;
    backgroundRows = split.backgroundIndices;
    targetSource = `${flags.input} (${column} in ${targetValues.join(', ')})`;
    backgroundSources = [`${flags.input} (${column} in ${backgroundValues.join(', ')})`];
    if (file.h5ad) {
      h5adSources.push({
        path: flags.input,
        ...file.h5ad,
        parts: [{ role: 'target', rows: split.targetIndices }, { role: 'background', rows: split.backgroundIndices }],
      });
    }
  } else {
    if (flags.target === undefined || backgroundFiles.length === 0) {
      throw new UsageError('give --target FILE and --background FILE, or --input FILE with --split-by (bcnmf help fit)');
    }
    for (const flag of ['split-by', 'target-values', 'background-values'] as const) {
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} goes with --input, not with --target and --background`);
    }
    if (flags['label-column'] !== undefined) throw new UsageError('--label-column names an annotation of a split --input');
    const t = await readInputFile(flags.target, { features, featuresInRows });
    target = t.matrix;
    targetSource = flags.target;
    backgroundSources = [...backgroundFiles];
    backgrounds = [];
    if (t.h5ad) {
      h5adSources.push({ path: flags.target, ...t.h5ad, parts: [{ role: 'target', rows: Array.from({ length: t.matrix.rows }, (_, i) => i) }] });
    }
    for (const [index, path] of backgroundFiles.entries()) {
      const b = await readInputFile(path, { features, featuresInRows });
      const order = alignBackground(t.matrix, b.matrix, targetSource, path);
      const identity = order.every((j, i) => j === i);
      backgrounds.push(identity ? b.matrix : selectColumns(b.matrix, order));
      if (b.h5ad) {
        h5adSources.push({
          path,
          nObs: b.h5ad.nObs,
          nVar: b.h5ad.nVar,
          featureIndices: order.map((j) => b.h5ad!.featureIndices[j]),
          parts: [{ role: 'background', rows: Array.from({ length: b.matrix.rows }, (_, i) => i), index }],
        });
      }
    }
  }
  let imputed = 0;
  if (impute) {
    const result = imputeTogether([target, ...backgrounds], impute);
    [target, ...backgrounds] = result.parts;
    imputed = result.filled;
  } else {
    refuseMissing(target, targetSource, targetRows);
    backgrounds.forEach((b, i) => refuseMissing(b, backgroundSources[i], backgroundRows));
  }
  return {
    target,
    background: backgrounds[0],
    backgrounds,
    featureNames: columnNamesOf(target),
    targetLabels,
    h5adSources,
    imputed,
    ...(impute ? { imputeMethod: impute } : {}),
    targetSource,
    backgroundSource: backgroundSources[0],
    backgroundSources,
  };
}

/**
 * A matrix as @bcnmf/core takes it: dense as it is, CSR (10x, sparse .h5ad) kept sparse
 * (core's MatrixInput includes CsrMatrix; methods that need dense data convert it).
 */
export function fitInput(m: AnyMatrix): MatrixInput {
  return m;
}

/** The file name of an output .h5ad next to the others: `<stem>.bcnmf.h5ad`. */
export function h5adOutputName(source: H5adSource, taken: Set<string>): string {
  const stem = basename(source.path).replace(/\.h5ad$/i, '');
  let name = `${stem}.bcnmf.h5ad`;
  const role = source.parts.map((p) => (p.index ? `${p.role}_${p.index + 1}` : p.role)).join('+');
  if (taken.has(name)) name = `${stem}.${role}.bcnmf.h5ad`;
  for (let n = 2; taken.has(name); n++) name = `${stem}.${role}.${n}.bcnmf.h5ad`;
  taken.add(name);
  return name;
}
