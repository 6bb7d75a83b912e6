import { BcnmfError } from '../errors.js';
import { LOSSES } from '../losses/index.js';
import type { DenseArrayInput } from '../matrix/convert.js';
import { CsrMatrix } from '../matrix/csr-matrix.js';
import { DenseMatrix, describeNonNumber, type DenseData } from '../matrix/dense-matrix.js';
import { checkNonNegativeData } from '../matrix/validate.js';
import type { BcnmfModel } from './model.js';

/** Thresholds of {@link diagnoseFit}. */
export interface DiagnoseOptions {
  /**
   * A fit whose target error is at least (1 − this) times the all-zero model's explains
   * (almost) nothing of the target. In [0, 1); default 0.01 (within 1%). 0 flags only
   * a fit no better than the all-zero model.
   */
  nearZeroModel?: number;
  /**
   * A topic whose share of the target's reconstruction, (Σ_i H_it)(Σ_f W_tf) / Σ X, is at
   * most this has collapsed to zeros. In [0, 1); default 1e-6.
   */
  collapsedShare?: number;
}

/**
 * What {@link diagnoseFit} needs of the target: its shape and the sum and sum of squares
 * of its entries. A matrix gives them itself; for data too large to hold (a streamed
 * source) pass them, from one pass over the rows (`summarizeData` of the batches).
 */
export interface DataSummary {
  rows: number;
  columns: number;
  /** Σ of the entries. */
  sum: number;
  /** Σ of the squared entries. */
  squares: number;
}

/** What {@link diagnoseFit} found. */
export interface FitDiagnosis {
  /** Whether the kept start converged within maxIter (true when tol is 0: a fixed count was asked for). */
  converged: boolean;
  /** Whether the fit is degenerate: W all zeros, a topic collapsed, or a target error at the all-zero model's. */
  degenerate: boolean;
  /** Topics (W's row names) whose share of the target's reconstruction collapsed to (nearly) zero. */
  collapsedTopics: string[];
  /** Non-zero entries of W, and all its entries. */
  nonZeroW: number;
  entriesW: number;
  /** The target error at the end of the fit (the history's last record). */
  targetError: number;
  /**
   * The target error of the all-zero model in the same units (the mean of X² for the
   * squared error); null where it is not finite (the Poisson divergence of a zero rate).
   */
  zeroModelError: number | null;
  /** One sentence per problem, for a user (empty for a good fit). */
  warnings: string[];
}

/**
 * The {@link DataSummary} of a matrix; with `into`, adds the matrix's rows to that summary
 * (so batches of rows can be summarized one at a time).
 *
 * @example
 * const total = summarizeData(firstBatch);
 * summarizeData(secondBatch, total); // total now covers both
 */
export function summarizeData(matrix: DenseMatrix | CsrMatrix, into?: DataSummary): DataSummary {
  if (into !== undefined && into.columns !== matrix.columns) {
    throw new BcnmfError('INVALID_DATA', `summarizeData: a batch of ${matrix.columns} columns added to a summary of ${into.columns}`);
  }
  let sum = 0;
  let squares = 0;
  for (const v of matrix.data) {
    sum += v;
    squares += v * v;
  }
  if (into === undefined) return { rows: matrix.rows, columns: matrix.columns, sum, squares };
  into.rows += matrix.rows;
  into.sum += sum;
  into.squares += squares;
  return into;
}

/** The forms of the target {@link diagnoseFit} takes: those of a fit's `MatrixInput` that convert synchronously, or a summary. */
export type DiagnoseTarget = DenseMatrix | CsrMatrix | readonly (readonly number[])[] | DenseArrayInput | DataSummary;

const DIAGNOSE_KEYS: readonly (keyof DiagnoseOptions)[] = ['nearZeroModel', 'collapsedShare'];

function invalidOption(message: string): never {
  throw new BcnmfError('INVALID_OPTION', message);
}

function invalidData(message: string): never {
  throw new BcnmfError('INVALID_DATA', message);
}

/** A threshold in [0, 1): 1 or more would call every fit degenerate, NaN none. */
function fraction(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    invalidOption(`${name} must be a number in [0, 1), got ${typeof value === 'number' ? value : JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

function isSummary(target: object): target is DataSummary {
  return !('data' in target) && 'sum' in target && 'squares' in target;
}

/** The target as a matrix, synchronously (diagnoseFit is): the array and {data, shape} forms a fit takes. */
function targetMatrix(target: DiagnoseTarget): DenseMatrix | CsrMatrix {
  if (target instanceof DenseMatrix || target instanceof CsrMatrix) return target;
  if (Array.isArray(target)) {
    try {
      return DenseMatrix.fromRows(target as readonly (readonly number[])[]);
    } catch (error) {
      invalidData(`target: ${(error as Error).message}`);
    }
  }
  const { data, shape, rowNames, columnNames } = target as DenseArrayInput;
  if (!Array.isArray(shape) || shape.length !== 2) invalidData('target.shape must be [rows, columns]');
  let values: DenseData;
  if (data instanceof Float32Array || data instanceof Float64Array) values = data;
  else if (Array.isArray(data)) {
    const at = (data as unknown[]).findIndex((v) => typeof v !== 'number');
    if (at >= 0) invalidData(`target.data[${at}] is ${describeNonNumber(data[at])}, not a number`);
    values = Float64Array.from(data);
  } else {
    invalidData('target.data must be a Float32Array, Float64Array or number[]');
  }
  try {
    return new DenseMatrix({ data: values, shape: [shape[0], shape[1]], rowNames, columnNames });
  } catch (error) {
    invalidData(`target: ${(error as Error).message}`);
  }
}

/** A summary passed in (not made here): every number finite, the sums those of non-negative data. */
function checkSummary(summary: DataSummary): void {
  for (const name of ['rows', 'columns'] as const) {
    const v = summary[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      invalidData(`the target's summary: ${name} must be an integer >= 1, got ${typeof v === 'number' ? v : JSON.stringify(v) ?? String(v)}`);
    }
  }
  for (const name of ['sum', 'squares'] as const) {
    const v = summary[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      invalidData(
        `the target's summary: ${name} must be a finite number >= 0 (the data are non-negative), got ${typeof v === 'number' ? v : JSON.stringify(v) ?? String(v)}` +
          (typeof v === 'number' && Number.isNaN(v) ? '; the data have a missing value' : ''),
      );
    }
  }
}

/**
 * Says whether a fit is usable: whether it converged, and whether it is degenerate —
 * W all zeros, a topic whose part of the target's reconstruction collapsed to zeros, or
 * a target error within 1% of the all-zero model's (the model explains nothing of the
 * target; a large alpha pushes bcNMF there). `target` is the data the model was fitted
 * to (number[][], `{ data, shape }`, a DenseMatrix or a CsrMatrix), checked as a fit
 * checks it, or its {@link DataSummary} (for a fit on a streamed source). The numbers are
 * for a user to judge; the thresholds are in {@link DiagnoseOptions}. Throws a
 * `BcnmfError`: `INVALID_DATA` for a target with a NaN, negative or infinite value (named
 * by row and column), a summary with a non-finite or negative number, or a shape other
 * than the model's; `INVALID_OPTION` for an unknown option or a threshold outside [0, 1).
 *
 * @example
 * const model = await fitBcnmf(target, background, { k: 2, alpha: 100 });
 * diagnoseFit(model, target).warnings; // ['degenerate fit: the target error 0.3187 is within 1% of ...']
 */
export function diagnoseFit(model: BcnmfModel, target: DiagnoseTarget, options: DiagnoseOptions = {}): FitDiagnosis {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) invalidOption('diagnoseFit options must be an object');
  const unknown = Object.keys(options).filter((key) => !(DIAGNOSE_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    invalidOption(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the options are ${DIAGNOSE_KEYS.join(', ')}`);
  }
  const nearZeroModel = fraction('nearZeroModel', options.nearZeroModel ?? 0.01);
  const collapsedShare = fraction('collapsedShare', options.collapsedShare ?? 1e-6);
  if (target === null || typeof target !== 'object') {
    invalidData('the target must be the fitted data (number[][], {data, shape}, a DenseMatrix or a CsrMatrix) or its DataSummary');
  }
  const matrix = isSummary(target) ? null : targetMatrix(target);
  const shape = matrix ?? (target as DataSummary);
  if (matrix === null) checkSummary(target as DataSummary);
  const { W, Htarget } = model;
  if (Htarget.rows !== shape.rows || W.columns !== shape.columns) {
    invalidData(`diagnoseFit: the target is ${shape.rows} x ${shape.columns}, the model's ${Htarget.rows} x ${W.columns}`);
  }
  // as a fit checks it: a NaN or negative value would make every number below meaningless
  if (matrix !== null) checkNonNegativeData(matrix, 'target', { maxValue: LOSSES[model.settings.loss].maxDataValue });
  const k = W.rows;
  const warnings: string[] = [];
  const { settings } = model;
  const converged = model.converged || settings.tol === 0;
  if (!converged) {
    warnings.push(
      `not converged: the fit stopped at its limit of ${settings.maxIter} iterations with the tracked score still changing by more than ` +
        `tol ${settings.tol} between checks; more iterations may change the result`,
    );
  }
  let nonZeroW = 0;
  const wSums = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    for (let f = 0; f < W.columns; f++) {
      const w = W.data[t * W.columns + f];
      if (w !== 0) nonZeroW++;
      wSums[t] += w;
    }
  }
  const hSums = new Float64Array(k);
  for (let i = 0; i < Htarget.rows; i++) for (let t = 0; t < k; t++) hSums[t] += Htarget.data[i * k + t];
  const summary = matrix !== null ? summarizeData(matrix) : (target as DataSummary);
  const data = { sum: summary.sum, squares: summary.squares, entries: summary.rows * summary.columns };
  const topicNames = W.rowNames ?? Array.from({ length: k }, (_, t) => `topic_${t + 1}`);
  const collapsedTopics = topicNames.filter((_, t) => !(wSums[t] * hSums[t] > collapsedShare * data.sum));
  const last = model.history[model.history.length - 1];
  const targetError = last?.targetError ?? Number.NaN;
  const zeroModelError = settings.loss === 'frobenius' ? data.squares / data.entries : null;
  const entriesW = W.rows * W.columns;
  if (nonZeroW === 0) {
    warnings.push(`degenerate fit: W is all zeros (the model reconstructs nothing)`);
  } else if (collapsedTopics.length > 0) {
    warnings.push(
      `degenerate fit: ${collapsedTopics.length} of ${k} topics collapsed to zeros in the target (${collapsedTopics.join(', ')}: ` +
        `a share of at most ${collapsedShare} of the target's reconstruction; W has ${nonZeroW} non-zero entries of ${entriesW})`,
    );
  }
  const nearZero = zeroModelError !== null && zeroModelError > 0 && targetError >= (1 - nearZeroModel) * zeroModelError;
  if (nearZero) {
    warnings.push(
      `degenerate fit: the target error ${formatError(targetError)} is within ${nearZeroModel * 100}% of the all-zero model's ` +
        `(${formatError(zeroModelError!)}, the mean of X²): the model explains nothing of the target` +
        (settings.alphas.some((a) => a > 0) ? '; a smaller alpha keeps more of it' : ''),
    );
  }
  const degenerate = nonZeroW === 0 || collapsedTopics.length > 0 || nearZero;
  return { converged, degenerate, collapsedTopics, nonZeroW, entriesW, targetError, zeroModelError, warnings };
}

function formatError(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
