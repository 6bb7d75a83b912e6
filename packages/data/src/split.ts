import { BcnmfError, DenseMatrix } from '@bcnmf/core';
import { selectRows } from './preprocess/subset.js';

/** One annotation value; compared as a string (numbers via `String`). */
export type AnnotationValue = string | number | boolean | null | undefined;

/**
 * Per-row annotations: either columns (`{ class: [...], Genotype: [...] }`, each one value
 * per matrix row) or rows (`[{ class: 'c-SC-s', Genotype: 'Control' }, ...]`).
 */
export type Annotations =
  | Readonly<Record<string, readonly AnnotationValue[]>>
  | readonly Readonly<Record<string, AnnotationValue>>[];

/** Options of {@link splitByAnnotation}. */
export interface SplitOptions {
  /** Annotation column that decides target and background. */
  column: string;
  /** Values of `column` that make a row a target row. */
  targetValues: readonly AnnotationValue[];
  /** Values of `column` that make a row a background row (disjoint from `targetValues`). */
  backgroundValues: readonly AnnotationValue[];
  /** Annotation column carried along as labels. Default: `column` itself. */
  labelColumn?: string;
}

/** What {@link splitByAnnotation} returns. */
export interface SplitResult {
  /** Target rows, in the matrix's order. */
  target: DenseMatrix;
  /** Background rows, in the matrix's order. */
  background: DenseMatrix;
  /** `labelColumn` of each target row (as strings). */
  targetLabels: string[];
  /** `labelColumn` of each background row (as strings). */
  backgroundLabels: string[];
  /** Row indices (in the input matrix) of the target rows. */
  targetIndices: number[];
  /** Row indices of the background rows. */
  backgroundIndices: number[];
}

function annotationColumn(annotations: Annotations, name: string, rows: number): AnnotationValue[] {
  if (Array.isArray(annotations)) {
    const records = annotations as readonly Readonly<Record<string, AnnotationValue>>[];
    if (records.length !== rows) {
      throw new BcnmfError('INVALID_DATA', `${records.length} annotation rows for a matrix of ${rows} rows`);
    }
    if (records.length > 0 && !records.every((r) => r !== null && typeof r === 'object' && name in r)) {
      throw new BcnmfError('INVALID_DATA', `annotation column "${name}" is missing`);
    }
    return records.map((r) => r[name]);
  }
  const columns = annotations as Readonly<Record<string, readonly AnnotationValue[]>>;
  const col = Object.prototype.hasOwnProperty.call(columns, name) ? columns[name] : undefined;
  if (col === undefined) {
    throw new BcnmfError('INVALID_DATA', `annotation column "${name}" is missing (have: ${Object.keys(columns).join(', ')})`);
  }
  if (col.length !== rows) {
    throw new BcnmfError('INVALID_DATA', `annotation column "${name}" has ${col.length} values for a matrix of ${rows} rows`);
  }
  return [...col];
}

const key = (v: AnnotationValue) => (v === null || v === undefined ? '' : String(v));

/**
 * Splits one table into target and background rows by an annotation column, carrying a
 * label column along. Rows whose value is in neither list are left out.
 *
 * @example
 * const m = DenseMatrix.fromRows([[1], [2], [3], [4]]);
 * const r = splitByAnnotation(m, { class: ['c-SC-s', 'c-CS-s', 't-SC-s', 'c-CS-m'], Genotype: ['Control', 'Control', 'Ts65Dn', 'Control'] },
 *   { column: 'class', targetValues: ['c-SC-s', 't-SC-s'], backgroundValues: ['c-CS-s'], labelColumn: 'Genotype' });
 * r.target.toArray();   // [[1], [3]]
 * r.targetLabels;       // ['Control', 'Ts65Dn']
 * r.background.toArray(); // [[2]]
 */
export function splitByAnnotation(matrix: DenseMatrix, annotations: Annotations, options: SplitOptions): SplitResult {
  const targetSet = new Set(options.targetValues.map(key));
  const backgroundSet = new Set(options.backgroundValues.map(key));
  for (const v of targetSet) {
    if (backgroundSet.has(v)) throw new BcnmfError('INVALID_OPTION', `"${v}" is both a target and a background value`);
  }
  if (targetSet.size === 0 || backgroundSet.size === 0) {
    throw new BcnmfError('INVALID_OPTION', 'targetValues and backgroundValues must each name at least one value');
  }
  const values = annotationColumn(annotations, options.column, matrix.rows);
  const labels = annotationColumn(annotations, options.labelColumn ?? options.column, matrix.rows);
  const targetIndices: number[] = [];
  const backgroundIndices: number[] = [];
  values.forEach((v, i) => {
    const k = key(v);
    if (targetSet.has(k)) targetIndices.push(i);
    else if (backgroundSet.has(k)) backgroundIndices.push(i);
  });
  if (targetIndices.length === 0) {
    throw new BcnmfError('INVALID_DATA', `no row has ${options.column} in {${[...targetSet].join(', ')}}`);
  }
  if (backgroundIndices.length === 0) {
    throw new BcnmfError('INVALID_DATA', `no row has ${options.column} in {${[...backgroundSet].join(', ')}}`);
  }
  return {
    target: selectRows(matrix, targetIndices),
    background: selectRows(matrix, backgroundIndices),
    targetLabels: targetIndices.map((i) => key(labels[i])),
    backgroundLabels: backgroundIndices.map((i) => key(labels[i])),
    targetIndices,
    backgroundIndices,
  };
}
