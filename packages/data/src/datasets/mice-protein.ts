import { BcnmfError } from '@bcnmf/core';
import { readDelimited } from '../formats/delimited.js';
import { imputeColumnMeans, imputeConstant } from '../preprocess/impute.js';
import { selectRows } from '../preprocess/subset.js';
import { locateDataset } from '../registry/registry.js';
import { splitByAnnotation } from '../split.js';
import type { LoadedDataset, LoaderOptions } from './types.js';

/** The paper's split of the mouse protein data (ALGORITHM.md §7). */
export const MICE_PROTEIN_SPLIT = Object.freeze({
  column: 'class',
  targetValues: Object.freeze(['c-SC-s', 't-SC-s']),
  backgroundValues: Object.freeze(['c-CS-s']),
  labelColumn: 'Genotype',
  /** The protein columns: every column whose name ends in `_N` (77 of them). */
  features: /_N$/,
});

/** How {@link loadMiceProtein} fills the missing values. */
export type MiceProteinImpute = 'mean' | 'zero';

/** Options of {@link loadMiceProtein}. */
export interface MiceProteinOptions extends LoaderOptions {
  /**
   * `'mean'` (default): the column mean over the selected rows (target and background
   * together), ALGORITHM.md's setting. `'zero'`: 0, as the reference notebook reads the
   * file (`genfromtxt(filling_values=0)`); missingness depends on the class there, so the
   * zeros carry label information.
   */
  impute?: MiceProteinImpute;
}

/**
 * The mouse protein data (Higuera 2015), split as the paper does: target = classes
 * c-SC-s and t-SC-s (labels: Genotype, Control / Ts65Dn), background = c-CS-s; the 77
 * `_N` protein columns; missing values filled with the column mean over the selected rows
 * (target and background together), or with 0 (`impute: 'zero'`). Reads
 * `<dataDir>/mice-protein/Data_Cortex_Nuclear.csv` after checking its sha256.
 *
 * @example
 * const d = await loadMiceProtein({ dataDir: '../shared/datasets' });
 * d.target.shape;      // [270, 77]
 * d.background.shape;  // [135, 77]
 * d.targetLabels[0];   // 'Control'
 */
export async function loadMiceProtein(options: MiceProteinOptions = {}): Promise<LoadedDataset> {
  const impute = options.impute ?? 'mean';
  if (impute !== 'mean' && impute !== 'zero') throw new BcnmfError('INVALID_OPTION', `impute must be 'mean' or 'zero', got ${JSON.stringify(impute)}`);
  const located = await locateDataset('mice-protein', options);
  const path = located.files['Data_Cortex_Nuclear.csv'];
  const { matrix, annotations, missingCount } = await readDelimited(path, { features: MICE_PROTEIN_SPLIT.features });
  if (matrix.columns === 0) throw new BcnmfError('INVALID_DATA', `${path} has no protein (*_N) columns`);
  for (const col of [MICE_PROTEIN_SPLIT.column, MICE_PROTEIN_SPLIT.labelColumn]) {
    if (!(col in annotations)) throw new BcnmfError('INVALID_DATA', `${path} has no "${col}" column`);
  }
  const split = splitByAnnotation(matrix, annotations, MICE_PROTEIN_SPLIT);
  // impute over target and background rows together, then split again
  const selected = [...split.targetIndices, ...split.backgroundIndices];
  const rows = selectRows(matrix, selected);
  const filled = impute === 'zero' ? imputeConstant(rows, 0) : imputeColumnMeans(rows);
  const nT = split.targetIndices.length;
  const all = Array.from({ length: selected.length }, (_, i) => i);
  return {
    name: 'mice-protein',
    target: selectRows(filled, all.slice(0, nT)),
    background: selectRows(filled, all.slice(nT)),
    targetLabels: split.targetLabels,
    backgroundLabels: split.backgroundLabels,
    featureNames: [...matrix.columnNames!],
    info: {
      rowsInFile: matrix.rows,
      missingInFile: missingCount,
      missingFilled: countNaN(rows.data),
      impute: impute === 'zero' ? 'missing values filled with 0' : 'missing values filled with the column mean over the selected rows',
      targetClasses: split.targetIndices.map((i) => annotations[MICE_PROTEIN_SPLIT.column][i]),
    },
  };
}

function countNaN(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) n++;
  return n;
}
