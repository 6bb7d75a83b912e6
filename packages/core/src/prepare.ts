import { BcnmfError } from './errors.js';
import { toDataMatrix, toDenseMatrix, type MatrixInput } from './matrix/convert.js';
import { CsrMatrix } from './matrix/csr-matrix.js';
import { DenseMatrix } from './matrix/dense-matrix.js';

/** A data matrix on the host: dense, or sparse (CSR). */
export type DataMatrix = DenseMatrix | CsrMatrix;
import { fitFeatureNames, refuseRepeatedFeatureNames } from './matrix/names.js';
import { checkNonNegativeData, refuseZeroTarget } from './matrix/validate.js';
import type { CheckedCustomInit } from './init/initial-factors.js';
import type { CustomInit, InitMethod, ResolvedOptions } from './options.js';
import { datasetRoles } from './solver/start.js';

/** Target and background, checked and aligned, ready to go to the device. */
export interface PreparedData {
  target: DataMatrix;
  /** One per background (none for plain NMF). */
  backgrounds: DataMatrix[];
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
function alignByName(background: DataMatrix, names: readonly string[], role: string): DataMatrix {
  const own = background.columnNames!;
  const index = new Map<string, number>();
  own.forEach((name, j) => {
    if (index.has(name)) throw new BcnmfError('INVALID_DATA', `${role} has the feature name '${name}' twice`);
    index.set(name, j);
  });
  const missing = names.filter((name) => !index.has(name));
  const extra = own.filter((name) => !names.includes(name));
  if (missing.length > 0 || extra.length > 0 || own.length !== names.length) {
    const show = (list: string[]): string => list.slice(0, 5).join(', ') + (list.length > 5 ? `, … (${list.length})` : '');
    throw new BcnmfError(
      'INVALID_DATA',
      `target and ${role} must have the same features to be aligned by name` +
        (missing.length ? `; missing from the ${role}: ${show(missing)}` : '') +
        (extra.length ? `; only in the ${role}: ${show(extra)}` : ''),
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

/** The background with the target's features in the target's order (by name on request). */
function matchFeatures(
  targetNames: readonly string[] | undefined,
  background: DataMatrix,
  role: string,
  options: ResolvedOptions,
): DataMatrix {
  const backgroundNames = background.columnNames ?? options.featureNames;
  if (!targetNames || !backgroundNames) return background;
  if (options.alignFeaturesByName) {
    const named = background.columnNames ? background : background.withNames({ columnNames: backgroundNames });
    return alignByName(named, targetNames, role);
  }
  const j = differingName(targetNames, backgroundNames);
  if (j >= 0) {
    throw new BcnmfError(
      'INVALID_DATA',
      `target and ${role} features differ at column ${j} ('${targetNames[j]}' vs '${backgroundNames[j]}'); ` +
        'pass alignFeaturesByName: true to reorder the background by name',
    );
  }
  return background;
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
 * (finite, non-negative, not empty, same features; a target of zeros only is refused
 * unless `allowZeroTarget`, as a fit with a fixed basis allows it), k against the data's
 * size, and an explicit init's shapes. Warnings (all-zero samples or features) are collected.
 */
export async function prepareData(
  targetInput: MatrixInput,
  backgroundInputs: readonly MatrixInput[],
  options: ResolvedOptions,
  checkSize: (target: DataMatrix, backgrounds: DataMatrix[]) => void = () => {},
  { allowZeroTarget = false }: { allowZeroTarget?: boolean } = {},
): Promise<PreparedData> {
  const roles = datasetRoles(backgroundInputs.length).slice(1);
  const target = await toDataMatrix(targetInput, 'target');
  let backgrounds: DataMatrix[] = [];
  for (let b = 0; b < backgroundInputs.length; b++) backgrounds.push(await toDataMatrix(backgroundInputs[b], roles[b]));
  // Shapes are known now: a problem too large for the backend is refused before the
  // values are read.
  checkSize(target, backgrounds);
  const warnings: string[] = [];
  const all: [DataMatrix, string][] = [[target, 'target'], ...backgrounds.map((m, b): [DataMatrix, string] => [m, roles[b]])];
  for (const [matrix, role] of all) {
    const check = checkNonNegativeData(matrix, role, { maxValue: options.lossDefinition.maxDataValue });
    if (role === 'target' && !allowZeroTarget) refuseZeroTarget(role, check.zeroRows, matrix.rows);
    if (check.zeroRows > 0) {
      warnings.push(`${role} has ${check.zeroRows} all-zero sample${check.zeroRows > 1 ? 's' : ''}; their coefficients stay zero`);
    }
    if (check.zeroColumns > 0) {
      warnings.push(`${role} has ${check.zeroColumns} all-zero feature${check.zeroColumns > 1 ? 's' : ''}`);
    }
  }
  backgrounds.forEach((background, b) => {
    if (background.columns !== target.columns) {
      throw new BcnmfError(
        'INVALID_DATA',
        `target has ${target.columns} features but ${roles[b]} has ${background.columns}; they must have the same features`,
      );
    }
  });
  const targetNames = fitFeatureNames(target.columnNames, options.featureNames, target.columns);
  backgrounds = backgrounds.map((background, b) => matchFeatures(targetNames, background, roles[b], options));
  const named = targetNames ? -1 : backgrounds.findIndex((m) => m.columnNames);
  const featureNames = targetNames ?? (named >= 0 ? backgrounds[named].columnNames : undefined);
  refuseRepeatedFeatureNames(featureNames, named >= 0 ? `the ${roles[named]}` : 'the target');

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
    const backgroundInits: readonly MatrixInput[] = custom.Hbackground === undefined
      ? []
      : backgrounds.length > 1
        ? (custom.Hbackground as readonly MatrixInput[])
        : [custom.Hbackground as MatrixInput];
    const Hbackground: DenseMatrix[] = [];
    for (let b = 0; b < backgrounds.length; b++) {
      const role = backgrounds.length === 1 ? 'init.Hbackground' : `init.Hbackground[${b}]`;
      Hbackground.push(await checkFactor(backgroundInits[b], role, backgrounds[b].rows, k));
    }
    init = {
      W: await checkFactor(w, 'init.W', k, target.columns),
      Htarget: await checkFactor(custom.Htarget, 'init.Htarget', target.rows, k),
      Hbackground,
    };
  }
  const limit = Math.min(target.columns, target.rows);
  if (k < 1 || k > limit) {
    throw new BcnmfError(
      'INVALID_OPTION',
      `k must be between 1 and min(features, target samples) = ${limit}, got ${k}`,
    );
  }
  return { target, backgrounds, featureNames, k, init, warnings };
}

/**
 * Bytes a fit holds on the device at its peak: the data, the Poisson updates' two
 * samples x features temporaries, and the factors, with a margin for tfjs.
 */
export function estimateFitBytes(
  target: DataMatrix,
  backgrounds: readonly DataMatrix[],
  k: number,
  loss: ResolvedOptions['loss'],
): number {
  const features = target.columns;
  const targetRows = target.rows;
  const backgroundRows = backgrounds.reduce((sum, m) => sum + m.rows, 0);
  // Dense data: one value per entry. Sparse: row id, column id and value per stored
  // entry, and the products' nnz x k gathers (two at a time).
  const stored = (m: DataMatrix | null): number =>
    !m ? 0 : m instanceof CsrMatrix ? m.nnz * (3 + 2 * Math.max(k, 1)) : m.rows * m.columns;
  const data = [target, ...backgrounds].reduce((sum, m) => sum + stored(m), 0);
  const denseTemporary = (m: DataMatrix | null): number => (m && !(m instanceof CsrMatrix) ? m.rows * m.columns : 0);
  const temporaries = loss === 'poisson' ? 2 * Math.max(...[target, ...backgrounds].map(denseTemporary)) : 0;
  // a few copies of the factors live at once during an update
  const factors = 4 * (Math.max(k, 1) * features + (targetRows + backgroundRows) * Math.max(k, 1));
  return 4 * (data + temporaries + factors) + 64 * 1024 ** 2;
}
