// The page's input files, read with @bcnmf/data/browser: the readers, the orientation rule
// and the feature-alignment rule of the CLI, so a file reads the same on the page and in
// `bcnmf fit`. A CSV/TSV file is kept with its layout and read per orientation (cached),
// so the orientation and alignment choices change without choosing the file again. No DOM
// here (the unit tests run it in Node).
import { CsrMatrix, type DenseMatrix } from '@bcnmf/core';
import {
  alignFeatures,
  detectOrientation,
  frameColumnValues,
  labelsForSamples,
  parseDelimited,
  readH5adBytes,
  scanDelimited,
  type DelimitedLayout,
  type DelimitedTable,
  type FeatureAlignment,
  type Orientation,
} from '@bcnmf/data/browser';
import { counted } from './words.js';

export { defaultLabelColumn, labelsProblem } from './labels.js';

/** A data matrix as the page uses it: samples x features, float32, with its label candidates. */
export interface LoadedMatrix {
  fileName: string;
  matrix: DenseMatrix;
  /** Non-feature columns (CSV/TSV text or label-named columns, .h5ad obs), one string per sample. */
  annotations: Record<string, string[]>;
  missingCount: number;
}

/** A file chosen on the page: a table (CSV/TSV) read per orientation, or an .h5ad matrix. */
export type InputFile =
  | { kind: 'table'; name: string; file: Blob; layout: DelimitedLayout; byOrientation: Map<Orientation, Promise<LoadedMatrix>> }
  | { kind: 'matrix'; name: string; matrix: LoadedMatrix };

const HDF5_START = [0x89, 0x48, 0x44, 0x46];

async function isHdf5(file: Blob, name: string): Promise<boolean> {
  if (/\.h5ad$/i.test(name)) return true;
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return HDF5_START.every((b, k) => head[k] === b);
}

/**
 * Reads a chosen file: an .h5ad (by name or by the HDF5 signature) whole, with h5wasm
 * loaded on this first use; a CSV/TSV file's layout (header, names, checked structure),
 * its numbers later per orientation. Bad files are refused here, with the message the
 * CLI gives for them.
 */
export async function readInputFile(file: Blob, name: string): Promise<InputFile> {
  if (await isHdf5(file, name)) {
    const { X, obs } = await readH5adBytes(new Uint8Array(await file.arrayBuffer()), { name, dtype: 'float32' });
    const matrix = X instanceof CsrMatrix ? X.toDense() : X;
    const annotations: Record<string, string[]> = {};
    for (const [column, values] of Object.entries(frameColumnValues(obs))) annotations[column] = values.map((v) => (v === null ? '' : String(v)));
    let missingCount = 0;
    for (const v of matrix.data) if (Number.isNaN(v)) missingCount++;
    return { kind: 'matrix', name, matrix: { fileName: name, matrix, annotations, missingCount } };
  }
  let layout;
  try {
    layout = await scanDelimited(file, { name, namesColumn: 'auto' });
  } catch (error) {
    // the reader's advice names its option; the page has none: the name says the delimiter
    if (error instanceof Error && /; pass the delimiter option$/.test(error.message)) {
      error.message = error.message.replace(/; pass the delimiter option$/, '; name the file .csv (commas) or .tsv (tabs)');
    }
    throw error;
  }
  return { kind: 'table', name, file, layout, byOrientation: new Map() };
}

/** The matrix of a file in an orientation: numeric columns are features (text and label-named columns are labels). */
export function matrixOf(input: InputFile, orientation: Orientation): Promise<LoadedMatrix> {
  if (input.kind === 'matrix') return Promise.resolve(input.matrix);
  let loading = input.byOrientation.get(orientation);
  if (!loading) {
    loading = parseDelimited(input.file, {
      name: input.name,
      orientation,
      namesColumn: input.layout.namesColumn,
      features: orientation === 'samples-in-rows' ? 'numeric' : undefined,
      dtype: 'float32',
    }).then((table) => ({ fileName: input.name, matrix: table.matrix, annotations: table.annotations, missingCount: table.missingCount }));
    input.byOrientation.set(orientation, loading);
    loading.catch(() => input.byOrientation.delete(orientation));
  }
  return loading;
}

/**
 * The orientation of the CSV/TSV files: as chosen, else detected from the two files'
 * names (@bcnmf/data's detectOrientation, as `bcnmf fit --orientation auto`), with a note
 * saying why. Only tables have an orientation.
 */
export function chooseOrientation(
  choice: 'auto' | Orientation,
  target: InputFile | null,
  background: InputFile | null,
): { orientation: Orientation; note: string; ambiguous?: string } {
  const tables = [target, background].filter((f): f is Extract<InputFile, { kind: 'table' }> => f?.kind === 'table');
  // an .h5ad has its samples in rows (obs): a choice here would change nothing
  if (tables.length === 0) {
    const chosen = choice !== 'auto' && (target || background);
    return { orientation: 'samples-in-rows', note: chosen ? 'not used: only CSV/TSV files have an orientation (an .h5ad holds samples in rows)' : '' };
  }
  if (choice !== 'auto') return { orientation: choice, note: 'as chosen' };
  const other = tables.length === 2 ? tables[1].layout : null;
  const { orientation, reason, ambiguous } = detectOrientation(tables[0].layout, other);
  if (ambiguous) {
    // the names point both ways: a guess could fit the transposed tables
    return {
      orientation,
      note: 'not detected: choose one',
      ambiguous: `Cannot tell how ${tables[0].name} and ${tables[1].name} lie: ${reason}. Choose "samples in rows" or "features in rows" under Orientation.`,
    };
  }
  return { orientation, note: `detected: ${orientation === 'features-in-rows' ? 'features in rows' : 'samples in rows'}, because ${reason}` };
}

/** How the refusal of the alignment rule tells the page's user to choose. */
const CHOICES = { name: "'by name' under Feature matching", position: "'by position' under Feature matching" };

/**
 * Target and background with the same features in the same order, by the data package's
 * rule: the same names in the same order pass; otherwise the choice (`align`) decides, and
 * without one the refusal says what differs and what to choose.
 */
export function alignInputs(target: LoadedMatrix, background: LoadedMatrix, align: FeatureAlignment): { target: DenseMatrix; background: DenseMatrix; note: string | null } {
  const aligned = alignFeatures(target.matrix, background.matrix, {
    align,
    targetName: target.fileName,
    backgroundNames: [background.fileName],
    choices: CHOICES,
  });
  return { target: aligned.target, background: aligned.background, note: aligned.note };
}

/** Reads a labels file: sample names in the first column, labels in the others. */
export function readLabelsTable(file: Blob, name: string): Promise<DelimitedTable> {
  return parseDelimited(file, { name, features: [] });
}

/** The labels of the target samples from a labels file, matched by sample name, and how. */
export function labelsFromFile(table: DelimitedTable, name: string, sampleNames: readonly string[]): { labels: string[]; how: string } {
  const labels = labelsForSamples(table, sampleNames, { source: name });
  return { labels, how: `${name}: matched ${labels.length === 1 ? 'the one sample' : `all ${counted(labels.length, 'sample')}`} by name` };
}

/** Names of the samples (rows), with `sample_1`, ... where the file had none. */
export function sampleNamesOf(m: DenseMatrix): string[] {
  return m.rowNames ? [...m.rowNames] : Array.from({ length: m.rows }, (_, i) => `sample_${i + 1}`);
}

/** Names of the features (columns), with `feature_1`, ... where the file had none. */
export function featureNamesOf(m: DenseMatrix): string[] {
  return m.columnNames ? [...m.columnNames] : Array.from({ length: m.columns }, (_, j) => `feature_${j + 1}`);
}

/** `200 samples x 784 features, 3 missing values` (`1 sample x 1 feature, 1 missing value`). */
export function describeMatrix(m: LoadedMatrix): string {
  return `${counted(m.matrix.rows, 'sample')} x ${counted(m.matrix.columns, 'feature')}` + (m.missingCount ? `, ${counted(m.missingCount, 'missing value')}` : '');
}
