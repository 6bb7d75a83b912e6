import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { BcnmfError, CsrMatrix, DenseMatrix, type MatrixInput } from '@bcnmf/core';
import {
  alignFeatures,
  detectOrientation,
  FEATURE_ALIGNMENTS,
  frameColumnValues,
  imputeColumnMeans,
  imputeConstant,
  readDelimited,
  readDelimitedLayout,
  readH5ad,
  readTenx,
  selectColumns,
  selectRows,
  splitByAnnotation,
  type AnnotationValue,
  type FeatureAlignment,
  type Orientation,
} from '@bcnmf/data';
import { UsageError } from './errors.js';
import { readingHdf5 } from './h5-errors.js';
import { readHeader } from './header.js';
import { distinctSamples, uniqueFeatures, type FeatureNameRule } from './names.js';
import { choiceOption, listOption, patternOption } from './options.js';

/** A data matrix as the readers give it: dense (CSV/TSV, dense .h5ad) or CSR (10x, sparse .h5ad). */
export type AnyMatrix = DenseMatrix | CsrMatrix;

/** The input flags shared by fit, compare and transform. */
export interface InputFlags {
  'feature-types'?: string;
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
  'make-features-unique'?: boolean;
  orientation?: string;
  align?: string;
  impute?: string;
  layer?: string;
  'use-raw'?: boolean;
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
  'make-features-unique': { type: 'boolean' },
  orientation: { type: 'string' },
  align: { type: 'string' },
  impute: { type: 'string' },
  layer: { type: 'string' },
  'use-raw': { type: 'boolean' },
  'feature-types': { type: 'string' },
} as const;

/** Usage text of the input flags. */
export const INPUT_USAGE = `Input, either two files:
  --target FILE            target samples: CSV/TSV (.csv, .tsv, .tab, .txt, optionally .gz), .h5ad, or a 10x folder
  --background FILE        background samples, same kinds
or one file split by an annotation column (CSV/TSV column or .h5ad obs column):
  --input FILE --split-by COLUMN --target-values A,B --background-values C
  --label-column NAME      annotation carried along as the target's labels (compare)
For every input:
  --features PATTERN       use only the features whose name matches this regular expression
  --orientation auto|samples-in-rows|features-in-rows
                           how CSV/TSV tables lie (first column = names, header row = feature
                           or sample names). auto (default): features in rows when the target
                           and background files share row names rather than column names
                           (this reads both files' names once more); else samples in rows
  --features-in-rows       the same as --orientation features-in-rows
  --make-features-unique   rename repeated feature names (name_2, name_3, ...; default: refused);
                           repeated sample names are kept, renamed the same way, with a warning
  --align exact|name|position
                           how target and background features are matched. exact (default):
                           the same names in the same order, else refused with what differs;
                           name: by name, keeping the features all files have (reordered,
                           dropped ones reported); position: as many features in each, taken
                           in file order whatever their names
  --impute mean|zero       fill missing values: mean = column means over target and background
                           together, zero = 0 (as numpy's genfromtxt(filling_values=0) reads
                           empty cells); default: missing values are refused
  --layer NAME             .h5ad inputs: fit layers[NAME] instead of X (same samples and features)
  --use-raw                .h5ad inputs: fit raw.X with raw.var's features (adata.raw) instead of X
  --feature-types LIST     10x folders whose features.tsv has several types (CITE-seq: Gene
                           Expression and Antibody Capture): which to fit, comma-separated, or
                           all; default Gene Expression, as scanpy reads them (said when others
                           are left out)`;

/** An .h5ad input, so that the results can be added to a copy of it. */
export interface H5adSource {
  path: string;
  nObs: number;
  nVar: number;
  /** Column of the file (var index) of each feature of the fit, in the fit's order. */
  featureIndices: number[];
  /** The fit read raw.X: its features are raw.var's, not var's (the loadings then go to uns). */
  useRaw: boolean;
  /**
   * File rows (obs index) of the target and background samples, in the fit's order;
   * `index` is which background (0 unless there are several).
   */
  parts: { role: 'target' | 'background'; rows: number[]; index?: number }[];
}

/** What the writers need of an input: its shape and names (a matrix, or a streamed source). */
export interface InputShape {
  readonly rows: number;
  readonly columns: number;
  readonly rowNames?: readonly string[];
  readonly columnNames?: readonly string[];
}

/** Everything a fit reads: matrices, or (fit --stream) sources read in batches. */
export interface Inputs<M extends InputShape = AnyMatrix> {
  target: M;
  /** The (first) background. */
  background: M;
  /** Every background (one unless fit was given several), features in the target's order. */
  backgrounds: M[];
  /** Feature names, the same for target and background (the target's order). */
  featureNames: string[];
  /** Labels of the target samples, from --label-column on a split input. */
  targetLabels?: string[];
  /** Annotation columns of the target samples (CSV/TSV annotation columns, .h5ad obs), row by row. */
  targetAnnotations: Record<string, AnnotationValue[]>;
  /** Annotation columns of each background's samples, row by row. */
  backgroundAnnotations: Record<string, AnnotationValue[]>[];
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
  /** What was decided about the inputs (a detected orientation, features aligned), for stderr. */
  notes: string[];
}

/** One file read into a matrix, with what else it carries. */
interface ReadFile {
  matrix: AnyMatrix;
  annotations: Record<string, AnnotationValue[]>;
  kind: 'delimited' | 'h5ad' | 'tenx';
  /** .h5ad only: size of the matrix read (X, a layer or raw.X) and the file column of each matrix column. */
  h5ad?: { nObs: number; nVar: number; featureIndices: number[]; useRaw: boolean };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The columns whose name matches --features (all of them without a pattern); none is refused, naming `path`. */
export function columnsMatching(names: readonly string[], pattern: RegExp | undefined, path: string): number[] {
  const all = names.map((_, j) => j);
  if (!pattern) return all;
  const indices = all.filter((j) => {
    pattern.lastIndex = 0;
    return pattern.test(names[j]);
  });
  if (indices.length === 0) throw new UsageError(`${path}: no feature name matches --features ${String(pattern)}`);
  return indices;
}

/** The feature type scanpy keeps by default (`read_10x_mtx(gex_only=True)`). */
const GENE_EXPRESSION = 'Gene Expression';

/**
 * The columns of a 10x folder to fit, by feature type (--feature-types), or null for
 * all: a folder of one type keeps all; one of several keeps 'Gene Expression' (said, with
 * what was left out) unless --feature-types names others or all. Refuses a type the
 * folder lacks, and --feature-types on a folder without types (cellranger v2's genes.tsv).
 */
export function featureTypeColumns(types: readonly string[] | undefined, raw: string | undefined, path: string, warn: (message: string) => void): number[] | null {
  if (raw !== undefined && raw.trim().toLowerCase() === 'all') return null;
  if (types === undefined) {
    if (raw !== undefined) throw new UsageError(`--feature-types: ${path} has no feature types (a genes.tsv without a type column); leave the flag out`);
    return null;
  }
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  const describe = (names: Iterable<string>) => [...names].map((t) => `${counts.get(t)} ${t}`).join(', ');
  let wanted: Set<string>;
  if (raw !== undefined) {
    wanted = new Set(raw.split(',').map((t) => t.trim()).filter((t) => t !== ''));
    if (wanted.size === 0) throw new UsageError('--feature-types names no type');
    const absent = [...wanted].filter((t) => !counts.has(t));
    if (absent.length > 0) throw new UsageError(`--feature-types: ${path} has no features of type ${absent.map((t) => `'${t}'`).join(', ')}; its types: ${describe(counts.keys())}`);
  } else {
    if (counts.size <= 1 || !counts.has(GENE_EXPRESSION)) return null;
    wanted = new Set([GENE_EXPRESSION]);
    const left = [...counts.keys()].filter((t) => t !== GENE_EXPRESSION);
    warn(`${path}: fitting its ${counts.get(GENE_EXPRESSION)} Gene Expression features; left out ${describe(left)}, as scanpy does (--feature-types all, or a list, fits them)`);
  }
  if (wanted.size === counts.size) return null;
  const keep: number[] = [];
  types.forEach((t, j) => {
    if (wanted.has(t)) keep.push(j);
  });
  return keep;
}

/** Refuses --feature-types where no input is a 10x folder: it would choose nothing. */
export function refuseFeatureTypesWithoutTenx(raw: string | undefined, paths: readonly (string | undefined)[]): void {
  if (raw === undefined) return;
  if (!paths.some((p) => p !== undefined && existsSync(p) && statSync(p).isDirectory())) {
    throw new UsageError('--feature-types chooses among the features of a 10x folder; no input is one');
  }
}

function selectByPattern(matrix: AnyMatrix, pattern: RegExp | undefined, path: string): { matrix: AnyMatrix; indices: number[] } {
  if (!pattern) return { matrix, indices: Array.from({ length: matrix.columns }, (_, j) => j) };
  const indices = columnsMatching(matrix.columnNames ?? Array.from({ length: matrix.columns }, (_, j) => String(j)), pattern, path);
  return { matrix: selectColumns(matrix, indices), indices };
}

/**
 * Reads one input: a 10x folder (a directory), an .h5ad file, or a CSV/TSV table.
 * `exclude` names CSV columns that are annotations, not features (the split and label
 * columns), when no --features pattern says which columns are features. With
 * `uniqueFeatures`, repeated feature names are refused or renamed (names.ts).
 */
export async function readInputFile(
  path: string,
  options: { features?: RegExp; featuresInRows?: boolean; exclude?: string[]; uniqueFeatures?: FeatureNameRule; layer?: string; useRaw?: boolean; signal?: AbortSignal; featureTypes?: string; warn?: (message: string) => void },
): Promise<ReadFile> {
  const file = await readFileAsIs(path, options);
  if (!options.uniqueFeatures) return file;
  return { ...file, matrix: uniqueFeatures(file.matrix, path, options.uniqueFeatures) };
}

async function readFileAsIs(
  path: string,
  options: { features?: RegExp; featuresInRows?: boolean; exclude?: string[]; layer?: string; useRaw?: boolean; signal?: AbortSignal; featureTypes?: string; warn?: (message: string) => void },
): Promise<ReadFile> {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  refuseMatrixMarketFile(path);
  const h5ad = /\.h5ad$/i.test(path) && !statSync(path).isDirectory();
  if (!h5ad && options.layer !== undefined) throw new UsageError(`--layer chooses a matrix of an .h5ad input, not of ${path}`);
  if (!h5ad && options.useRaw) throw new UsageError(`--use-raw chooses the raw matrix of an .h5ad input, not of ${path}`);
  if (statSync(path).isDirectory()) {
    if (options.featuresInRows) throw new UsageError(`--features-in-rows applies to CSV/TSV files, not the 10x folder ${path}`);
    const tenx = await readTenx(path);
    const typed = featureTypeColumns(tenx.featureTypes, options.featureTypes, path, options.warn ?? (() => {}));
    const { matrix } = selectByPattern(typed === null ? tenx.matrix : selectColumns(tenx.matrix, typed), options.features, path);
    return { matrix, annotations: {}, kind: 'tenx' };
  }
  if (/\.h5ad$/i.test(path)) {
    if (options.featuresInRows) throw new UsageError(`--features-in-rows applies to CSV/TSV files, not ${path}`);
    const choice = { ...(options.layer !== undefined ? { layer: options.layer } : {}), useRaw: options.useRaw ?? false };
    let data;
    try {
      data = await readingHdf5(path, () => readH5ad(path, choice));
    } catch (error) {
      // a layer or raw the file lacks is bad usage (exit 2), with what the file has
      if (error instanceof BcnmfError && error.code === 'INVALID_OPTION') {
        throw new UsageError(error.message.replace('leave out the raw option', 'leave out --use-raw'));
      }
      throw error;
    }
    const { matrix, indices } = selectByPattern(data.X, options.features, path);
    return {
      matrix,
      annotations: frameColumnValues(data.obs),
      kind: 'h5ad',
      h5ad: { nObs: data.X.rows, nVar: data.X.columns, featureIndices: indices, useRaw: options.useRaw ?? false },
    };
  }
  let features: RegExp | undefined = options.features;
  if (!features && options.exclude && options.exclude.length > 0 && !options.featuresInRows) {
    features = new RegExp(`^(?!(?:${options.exclude.map(escapeRegExp).join('|')})$)`);
  }
  const table = await readDelimited(path, {
    orientation: options.featuresInRows ? 'features-in-rows' : 'samples-in-rows',
    features,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { matrix: table.matrix, annotations: table.annotations, kind: 'delimited' };
}

/** Names of the rows (samples) or columns (features), with indices as names where the file had none. */
export function rowNamesOf(m: InputShape): string[] {
  return m.rowNames ? [...m.rowNames] : Array.from({ length: m.rows }, (_, i) => String(i + 1));
}
export function columnNamesOf(m: InputShape): string[] {
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

/** True for a path read as CSV/TSV: an existing file that is not an .h5ad (a folder is 10x). */
function isDelimitedFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile() && !/\.h5ad$/i.test(path);
}

/** Refuses a path to the matrix file of a 10x folder, which is read with its folder's other files. */
export function refuseMatrixMarketFile(path: string): void {
  if (/\.mtx(\.gz)?$/i.test(path) && existsSync(path) && !statSync(path).isDirectory()) {
    throw new UsageError(`${path} is one file of a 10x folder: give the folder that holds it with its features.tsv (or genes.tsv) and barcodes.tsv`);
  }
}

/**
 * The orientation of the CSV/TSV inputs: as --orientation (or --features-in-rows) says,
 * else detected from the names of the target and the background files (@bcnmf/data's
 * detectOrientation, the web page's rule) when all of them are CSV/TSV files, else
 * samples in rows. Returns a note when features in rows were detected.
 */
export async function inputOrientation(
  flags: InputFlags,
  paths: string[],
  signal?: AbortSignal,
): Promise<{ orientation: Orientation; note?: string; given: string | null; reason?: string }> {
  const given = choiceOption('--orientation', flags.orientation, ['auto', 'samples-in-rows', 'features-in-rows'] as const, 'auto');
  if (flags['features-in-rows']) {
    if (given === 'samples-in-rows') throw new UsageError('--features-in-rows and --orientation samples-in-rows contradict each other');
    return { orientation: 'features-in-rows', given: '--features-in-rows' };
  }
  if (given !== 'auto') return { orientation: given, given: `--orientation ${given}` };
  paths.forEach(refuseMatrixMarketFile);
  if (paths.length < 2 || !paths.every(isDelimitedFile)) return { orientation: 'samples-in-rows', given: null };
  const layouts = await Promise.all(paths.map((path) => readDelimitedLayout(path, { signal })));
  const detected = layouts.slice(1).map((background) => detectOrientation(layouts[0], background));
  const unclear = detected.findIndex((d) => d.ambiguous);
  if (unclear >= 0) {
    throw new UsageError(
      `cannot tell how the CSV/TSV files lie: ${paths[0]} and ${paths[unclear + 1]}: ${detected[unclear].reason}; ` +
        'pass --orientation samples-in-rows or --orientation features-in-rows',
    );
  }
  if (detected.some((d) => d.orientation !== detected[0].orientation)) {
    throw new UsageError(
      `cannot tell how the CSV/TSV files lie: ${detected.map((d, i) => `with ${paths[i + 1]}, ${d.orientation} (${d.reason})`).join('; ')}; pass --orientation`,
    );
  }
  const { orientation, reason, tie } = detected[0];
  if (tie) {
    return { orientation, note: `samples in rows (detected: ${reason}); --orientation features-in-rows reads them the other way`, given: null, reason };
  }
  return orientation === 'features-in-rows'
    ? { orientation, note: `features in rows (detected: ${reason}); --orientation samples-in-rows reads them the other way`, given: null, reason }
    : { orientation, given: null, reason };
}

/**
 * What to say when the target and a background share no feature name: read the other way
 * (their names on the other side match: most of them, as detectOrientation counts), which
 * flag does it; else that orientation is not the cause.
 */
function noSharedNamesHint(options: { orientation: Orientation; given: string | null; target: ReadFile; backgrounds: ReadFile[] }): string {
  const { orientation, given, target, backgrounds } = options;
  const delimited = [target, ...backgrounds].every((f) => f.kind === 'delimited');
  const other = target.matrix.rowNames;
  let shared = 0;
  const matchOtherWay = delimited && other !== undefined && backgrounds.every((b) => {
    const names = b.matrix.rowNames;
    if (names === undefined) return false;
    const set = new Set(other);
    const common = [...new Set(names)].filter((n) => set.has(n)).length;
    shared = Math.max(shared, common);
    return common / new Set([...other, ...names]).size >= 0.5;
  });
  if (matchOtherWay) {
    const way = orientation === 'samples-in-rows' ? 'features-in-rows' : 'samples-in-rows';
    const side = orientation === 'samples-in-rows' ? 'row' : 'column';
    const dropGiven = given !== null ? ` (or leave out ${given}: auto detects it)` : '';
    return `but they share ${shared} ${side} names: the features are in ${side}s, so read them with --orientation ${way}${dropGiven}`;
  }
  if (!delimited) return 'the files do not name the same features';
  return `nor do their ${orientation === 'samples-in-rows' ? 'row' : 'column'} names match, so reading them the other way would not help`;
}

/**
 * Reads the target and background of a command from its input flags: two files
 * (--target, --background, or several --background for fit) or one file split by an
 * annotation (--input, --split-by); applies --features, aligns every background's
 * features to the target's by name, and refuses missing values unless --impute fills
 * them (mean: column means over target and backgrounds together; zero: 0). Repeated feature names
 * are refused (renamed with --make-features-unique); repeated sample names are renamed
 * apart, with a warning through `warn`.
 */
export async function readInputs(flags: InputFlags, options: { warn?: (message: string) => void; command?: string; signal?: AbortSignal } = {}): Promise<Inputs> {
  const warn = options.warn ?? (() => {});
  const signal = options.signal;
  const uniqueFeatures: FeatureNameRule = { makeUnique: flags['make-features-unique'] ?? false, warn };
  const features = patternOption('--features', flags.features);
  const align = choiceOption('--align', flags.align, FEATURE_ALIGNMENTS as readonly FeatureAlignment[], 'exact');
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
  const notes: string[] = [];
  let targetAnnotations: Record<string, AnnotationValue[]> = {};
  let backgroundAnnotations: Record<string, AnnotationValue[]>[] = [];
  const h5adChoice = { ...(flags.layer !== undefined ? { layer: flags.layer } : {}), useRaw: flags['use-raw'] ?? false };
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
    if (flags['features-in-rows'] || flags.orientation === 'features-in-rows') {
      throw new UsageError('--split-by needs samples in rows (annotation columns); drop --features-in-rows');
    }
    if (flags.align !== undefined) throw new UsageError('--align matches the features of two or more files; a split --input has one');
    const labelColumn = flags['label-column'];
    refuseFeatureTypesWithoutTenx(flags['feature-types'], [flags.input]);
    await checkAnnotationColumns(flags.input, [['--split-by', column], ['--label-column', labelColumn]]);
    const file = await readInputFile(flags.input, { features, exclude: [column, ...(labelColumn ? [labelColumn] : [])], uniqueFeatures, ...h5adChoice, signal });
    if (file.kind === 'tenx') throw new UsageError(`--split-by needs annotations: a CSV/TSV or .h5ad input, not the 10x folder ${flags.input}`);
    refuseMissingColumns(flags.input, file.annotations, [['--split-by', column], ['--label-column', labelColumn]]);
    const rows = file.matrix.rows;
    const probe = file.matrix instanceof DenseMatrix ? file.matrix : new DenseMatrix({ data: new Float64Array(0), shape: [rows, 0] });
    const split = splitByAnnotation(probe, file.annotations, { column, targetValues, backgroundValues, labelColumn });
    target = file.matrix instanceof DenseMatrix ? split.target : selectRows(file.matrix, split.targetIndices);
    backgrounds = [file.matrix instanceof DenseMatrix ? split.background : selectRows(file.matrix, split.backgroundIndices)];
    if (labelColumn !== undefined) {
      // a missing label is no label: kept, it would be a class of its own in the ARI
      const names = rowNamesOf(target);
      const blank = names.filter((_, i) => split.targetLabels[i].trim() === '');
      const problem = blank.length === 0 ? null
        : `${flags.input}: --label-column ${labelColumn} is missing for ${blank.length} target sample${blank.length > 1 ? 's' : ''} ` +
          `(${someNames(blank)}); every target sample needs a label (label them, or leave them out of the --input)`;
      // compare scores by them: refused; a fit only colours its report by them: warned, left out
      if (problem && (options.command ?? 'fit') === 'compare') throw new UsageError(problem);
      if (problem) warn(`${problem}; the report shows no ARI`);
      else targetLabels = split.targetLabels;
    }
    targetRows = split.targetIndices;
    backgroundRows = split.backgroundIndices;
    targetAnnotations = pickRows(file.annotations, split.targetIndices);
    backgroundAnnotations = [pickRows(file.annotations, split.backgroundIndices)];
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
      throw new UsageError(`give --target FILE and --background FILE, or --input FILE with --split-by (bcnmf help ${options.command ?? 'fit'})`);
    }
    for (const flag of ['split-by', 'target-values', 'background-values'] as const) {
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} goes with --input, not with --target and --background`);
    }
    if (flags['label-column'] !== undefined) throw new UsageError('--label-column names an annotation of a split --input');
    const { orientation, note, given } = await inputOrientation(flags, [flags.target, ...backgroundFiles], signal);
    if (note) notes.push(note);
    const featuresInRows = orientation === 'features-in-rows';
    refuseFeatureTypesWithoutTenx(flags['feature-types'], [flags.target, ...backgroundFiles]);
    const typeChoice = { featureTypes: flags['feature-types'], warn };
    const t = await readInputFile(flags.target, { features, featuresInRows, uniqueFeatures, ...h5adChoice, signal, ...typeChoice });
    const files = [];
    for (const path of backgroundFiles) files.push(await readInputFile(path, { features, featuresInRows, uniqueFeatures, ...h5adChoice, signal, ...typeChoice }));
    targetAnnotations = t.annotations;
    backgroundAnnotations = files.map((b) => b.annotations);
    const aligned = alignFeatures(t.matrix, files.map((b) => b.matrix), {
      align,
      targetName: flags.target,
      backgroundNames: backgroundFiles,
      choices: {
        name: '--align name',
        position: '--align position',
        noSharedNames: noSharedNamesHint({ orientation, given, target: t, backgrounds: files }),
      },
    });
    const { plan } = aligned;
    if (plan.note) notes.push(plan.note);
    target = aligned.target;
    targetSource = flags.target;
    backgroundSources = [...backgroundFiles];
    backgrounds = aligned.backgrounds;
    h5adSources.push(...twoFileH5adSources(
      [flags.target, ...backgroundFiles],
      [t, ...files].map((f) => ({ rows: f.matrix.rows, ...(f.h5ad ? { h5ad: f.h5ad } : {}) })),
      plan,
    ));
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
  target = distinctSamples(target, targetSource, warn);
  backgrounds = backgrounds.map((b, i) => distinctSamples(b, backgroundSources[i], warn));
  return {
    target,
    background: backgrounds[0],
    backgrounds,
    featureNames: columnNamesOf(target),
    targetLabels,
    targetAnnotations,
    backgroundAnnotations,
    h5adSources,
    imputed,
    ...(impute ? { imputeMethod: impute } : {}),
    targetSource,
    backgroundSource: backgroundSources[0],
    backgroundSources,
    notes,
  };
}

/**
 * The .h5ad files among a two-file fit's inputs (`paths` and `files`: the target, then each
 * background), for the copies with the results: every row of each file is fitted, and
 * its columns are those the feature alignment `plan` kept, as file columns.
 */
export function twoFileH5adSources(
  paths: readonly string[],
  files: readonly { rows: number; h5ad?: { nObs: number; nVar: number; featureIndices: number[]; useRaw: boolean } }[],
  plan: { targetColumns: number[]; backgroundColumns: number[][] },
): H5adSource[] {
  const sources: H5adSource[] = [];
  files.forEach((file, i) => {
    const h5ad = file.h5ad;
    if (!h5ad) return;
    const columns = i === 0 ? plan.targetColumns : plan.backgroundColumns[i - 1];
    const rows = Array.from({ length: file.rows }, (_, r) => r);
    sources.push({
      path: paths[i],
      nObs: h5ad.nObs,
      nVar: h5ad.nVar,
      useRaw: h5ad.useRaw,
      featureIndices: columns.map((j) => h5ad.featureIndices[j]),
      parts: [i === 0 ? { role: 'target', rows } : { role: 'background', rows, index: i - 1 }],
    });
  });
  return sources;
}

/** The values of each annotation column at the given rows. */
function pickRows(annotations: Record<string, AnnotationValue[]>, rows: readonly number[]): Record<string, AnnotationValue[]> {
  return Object.fromEntries(Object.entries(annotations).map(([name, values]) => [name, rows.map((r) => values[r])]));
}

/**
 * Refuses, before the file is read, a --split-by or --label-column that names no column
 * of a CSV/TSV input's header, listing the columns it has (other annotation columns would
 * otherwise be read as features and fail as 'not a number').
 */
async function checkAnnotationColumns(path: string, wanted: [flag: string, column: string | undefined][]): Promise<void> {
  if (!existsSync(path) || statSync(path).isDirectory() || /\.h5ad$/i.test(path)) return;
  const header = await readHeader(path);
  if (!header) return;
  refuseMissingColumns(path, Object.fromEntries(header.slice(1).map((name) => [name, []])), wanted);
}

/** Refuses a flag naming an annotation column that `annotations` lacks, listing those it has. */
function refuseMissingColumns(path: string, annotations: Record<string, unknown>, wanted: [flag: string, column: string | undefined][]): void {
  const have = Object.keys(annotations);
  for (const [flag, column] of wanted) {
    if (column === undefined || Object.hasOwn(annotations, column)) continue;
    const columns = have.length === 0 ? 'it has no annotation columns' : `its columns are ${someNames(have, 12)}`;
    throw new UsageError(`${flag} ${column}: ${path} has no column '${column}'; ${columns}`);
  }
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
