import { BcnmfError } from './errors.js';
import { toDataMatrix, toDenseMatrix, type MatrixInput } from './matrix/convert.js';
import { CsrMatrix } from './matrix/csr-matrix.js';
import { DenseMatrix } from './matrix/dense-matrix.js';

/** A data matrix on the host: dense, or sparse (CSR). */
export type DataMatrix = DenseMatrix | CsrMatrix;
import { checkNonNegativeData } from './matrix/validate.js';
import type { CheckedCustomInit } from './init/initial-factors.js';
import type { CustomInit, InitMethod, ResolvedOptions } from './options.js';

/** Target and background, checked and aligned, ready to go to the device. */
export interface PreparedData {
  target: DataMatrix;
  background: DataMatrix | null;
  featureNames: readonly string[] | undefined;
  k: number;
  init: InitMethod | CheckedCustomInit;
  warnings: string[];
}

function differingName(a: readonly string[], b: readonly string[]): number {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return j;
  return -1;
}

/** The background's columns reordered to `names` (the target's order). */
function alignByName(background: DataMatrix, names: readonly string[]): DataMatrix {
  const own = background.columnNames!;
  const index = new Map<string, number>();
  own.forEach((name, j) => {
    if (index.has(name)) throw new BcnmfError('INVALID_DATA', `background has the feature name '${name}' twice`);
    index.set(name, j);
  });
  const missing = names.filter((name) => !index.has(name));
  const extra = own.filter((name) => !names.includes(name));
  if (missing.length > 0 || extra.length > 0 || own.length !== names.length) {
    const show = (list: string[]): string => list.slice(0, 5).join(', ') + (list.length > 5 ? `, … (${list.length})` : '');
    throw new BcnmfError(
      'INVALID_DATA',
      'target and background must have the same features to be aligned by name' +
        (missing.length ? `; missing from the background: ${show(missing)}` : '') +
        (extra.length ? `; only in the background: ${show(extra)}` : ''),
    );
  }
  const order = names.map((name) => index.get(name)!);
  if (background instanceof CsrMatrix) return background.selectColumns(order).withNames({ columnNames: names });
  const columns = names.length;
  const data = new (background.data.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(background.data.length);
  for (let i = 0; i < background.rows; i++) {
    for (let j = 0; j < columns; j++) data[i * columns + j] = background.data[i * columns + order[j]];
  }
  return new DenseMatrix({ data, shape: [background.rows, columns], rowNames: background.rowNames, columnNames: names });
}

function resolveFeatureNames(
  target: DataMatrix,
  background: DataMatrix | null,
  options: ResolvedOptions,
): { background: DataMatrix | null; featureNames: readonly string[] | undefined } {
  if (options.featureNames && options.featureNames.length !== target.columns) {
    throw new BcnmfError(
      'INVALID_OPTION',
      `featureNames has ${options.featureNames.length} names but the target has ${target.columns} features`,
    );
  }
  const targetNames = target.columnNames ?? options.featureNames;
  const backgroundNames = background ? background.columnNames ?? options.featureNames : undefined;
  if (!background || !targetNames || !backgroundNames) {
    return { background, featureNames: targetNames ?? backgroundNames };
  }
  if (options.alignFeaturesByName) {
    const named = background.columnNames ? background : background.withNames({ columnNames: backgroundNames });
    return { background: alignByName(named, targetNames), featureNames: targetNames };
  }
  const j = differingName(targetNames, backgroundNames);
  if (j >= 0) {
    throw new BcnmfError(
      'INVALID_DATA',
      `target and background features differ at column ${j} ('${targetNames[j]}' vs '${backgroundNames[j]}'); ` +
        'pass alignFeaturesByName: true to reorder the background by name',
    );
  }
  return { background, featureNames: targetNames };
}

async function checkFactor(
  input: MatrixInput,
  role: string,
  rows: number,
  columns: number,
): Promise<DenseMatrix> {
  const m = await toDenseMatrix(input, role);
  if (m.rows !== rows || m.columns !== columns) {
    throw new BcnmfError('INVALID_OPTION', `${role} must be ${rows} x ${columns}, got ${m.rows} x ${m.columns}`);
  }
  checkNonNegativeData(m, role);
  return m;
}

/**
 * Converts and checks everything a fit needs before any device work: the data
 * (finite, non-negative, not empty, same features), k against the data's size, and an
 * explicit init's shapes. Warnings (all-zero samples or features) are collected.
 */
export async function prepareData(
  targetInput: MatrixInput,
  backgroundInput: MatrixInput | null,
  options: ResolvedOptions,
  checkSize: (target: DataMatrix, background: DataMatrix | null) => void = () => {},
): Promise<PreparedData> {
  const target = await toDataMatrix(targetInput, 'target');
  let background = backgroundInput === null ? null : await toDataMatrix(backgroundInput, 'background');
  // Shapes are known now: a problem too large for the backend is refused before the
  // values are read.
  checkSize(target, background);
  const warnings: string[] = [];
  for (const [matrix, role] of [[target, 'target'], [background, 'background']] as const) {
    if (!matrix) continue;
    const check = checkNonNegativeData(matrix, role);
    if (check.zeroRows > 0) {
      warnings.push(`${role} has ${check.zeroRows} all-zero sample${check.zeroRows > 1 ? 's' : ''}; their coefficients stay zero`);
    }
    if (check.zeroColumns > 0) {
      warnings.push(`${role} has ${check.zeroColumns} all-zero feature${check.zeroColumns > 1 ? 's' : ''}`);
    }
  }
  if (background && background.columns !== target.columns) {
    throw new BcnmfError(
      'INVALID_DATA',
      `target has ${target.columns} features but background has ${background.columns}; they must have the same features`,
    );
  }
  const named = resolveFeatureNames(target, background, options);
  background = named.background;

  let k = options.k;
  let init: PreparedData['init'];
  if (typeof options.init === 'string') {
    init = options.init;
  } else {
    const custom = options.init as CustomInit;
    const w = await toDenseMatrix(custom.W, 'init.W');
    if (k !== -1 && w.rows !== k) {
      throw new BcnmfError('INVALID_OPTION', `k is ${k} but init.W has ${w.rows} rows (one per topic)`);
    }
    k = w.rows;
    init = {
      W: await checkFactor(w, 'init.W', k, target.columns),
      Htarget: await checkFactor(custom.Htarget, 'init.Htarget', target.rows, k),
      Hbackground: background && custom.Hbackground !== undefined
        ? await checkFactor(custom.Hbackground, 'init.Hbackground', background.rows, k)
        : null,
    };
  }
  const limit = Math.min(target.columns, target.rows);
  if (k < 1 || k > limit) {
    throw new BcnmfError(
      'INVALID_OPTION',
      `k must be between 1 and min(features, target samples) = ${limit}, got ${k}`,
    );
  }
  return { target, background, featureNames: named.featureNames, k, init, warnings };
}

/**
 * Bytes a fit holds on the device at its peak: the data, the Poisson updates' two
 * samples x features temporaries, and the factors, with a margin for tfjs.
 */
export function estimateFitBytes(
  target: DataMatrix,
  background: DataMatrix | null,
  k: number,
  loss: ResolvedOptions['loss'],
): number {
  const features = target.columns;
  const targetRows = target.rows;
  const backgroundRows = background?.rows ?? 0;
  // Dense data: one value per entry. Sparse: row id, column id and value per stored
  // entry, and the products' nnz x k gathers (two at a time).
  const stored = (m: DataMatrix | null): number =>
    !m ? 0 : m instanceof CsrMatrix ? m.nnz * (3 + 2 * Math.max(k, 1)) : m.rows * m.columns;
  const data = stored(target) + stored(background);
  const denseTemporary = (m: DataMatrix | null): number => (m && !(m instanceof CsrMatrix) ? m.rows * m.columns : 0);
  const temporaries = loss === 'poisson' ? 2 * Math.max(denseTemporary(target), denseTemporary(background)) : 0;
  // a few copies of the factors live at once during an update
  const factors = 4 * (Math.max(k, 1) * features + (targetRows + backgroundRows) * Math.max(k, 1));
  return 4 * (data + temporaries + factors) + 64 * 1024 ** 2;
}
