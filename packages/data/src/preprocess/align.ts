import { DenseMatrix } from '@bcnmf/core';
import { columnIndex, selectColumns } from './subset.js';

/** What {@link alignFeatures} returns. */
export interface AlignedFeatures {
  /** Target restricted to the common features, in the target's order. */
  target: DenseMatrix;
  /** Background with the same columns in the same order. */
  background: DenseMatrix;
  /** The common feature names, in the target's order. */
  featureNames: string[];
  /** Target features the background lacks (dropped), in the target's order. */
  droppedFromTarget: string[];
  /** Background features the target lacks (dropped), in the background's order. */
  droppedFromBackground: string[];
}

/**
 * Aligns target and background by feature (column) names: keeps the features both have,
 * in the target's order, and reports what each side lost. Both matrices need column
 * names without duplicates (else `INVALID_DATA`).
 *
 * @example
 * const t = DenseMatrix.fromRows([[1, 2, 3]], { columnNames: ['a', 'b', 'c'] });
 * const b = DenseMatrix.fromRows([[4, 5, 6]], { columnNames: ['c', 'd', 'a'] });
 * const r = alignFeatures(t, b);
 * r.featureNames;           // ['a', 'c']
 * r.background.toArray();   // [[6, 4]]
 * r.droppedFromTarget;      // ['b']
 * r.droppedFromBackground;  // ['d']
 */
export function alignFeatures(target: DenseMatrix, background: DenseMatrix): AlignedFeatures {
  const ti = columnIndex(target, 'target');
  const bi = columnIndex(background, 'background');
  const featureNames: string[] = [];
  const tIdx: number[] = [];
  const bIdx: number[] = [];
  const droppedFromTarget: string[] = [];
  for (const [name, j] of ti) {
    const k = bi.get(name);
    if (k === undefined) droppedFromTarget.push(name);
    else {
      featureNames.push(name);
      tIdx.push(j);
      bIdx.push(k);
    }
  }
  const droppedFromBackground = background.columnNames!.filter((name) => !ti.has(name));
  return {
    target: selectColumns(target, tIdx),
    background: selectColumns(background, bIdx),
    featureNames,
    droppedFromTarget,
    droppedFromBackground,
  };
}
