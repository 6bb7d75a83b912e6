import * as tf from '@tensorflow/tfjs-core';
import { disposeData, uploadMatrix } from './compute/data-tensor.js';
import { scoreRecord } from './compute/score.js';
import { addStatistics, applyBasisUpdate, coefficientsAndStatistics } from './compute/updates.js';
import type { BackendAdapter } from './contract/adapter.js';
import type { ComputeOps } from './contract/compute-ops.js';
import { isSparse, type BasisStatistics, type DataTensor } from './contract/tensors.js';
import { BcnmfError } from './errors.js';
import { datasetRoles, progressReporter, updateRule, type StartResult } from './solver/start.js';
import { isBatchSource, matrixBatchSource, type BatchSource } from './matrix/batch-source.js';
import { toDataMatrix, toDenseMatrix, type MatrixInput } from './matrix/convert.js';
import { CsrMatrix } from './matrix/csr-matrix.js';
import { DenseMatrix } from './matrix/dense-matrix.js';
import { fitFeatureNames, refuseRepeatedFeatureNames } from './matrix/names.js';
import { checkNonNegativeData, refuseZeroTarget, type DataCheck } from './matrix/validate.js';
import { BCNMF_DEFAULTS, type CustomInit, type ResolvedOptions } from './options.js';
import { startGenerator, uniformArray } from './random.js';
import { abortReason, runIterations, throwIfAborted } from './solver/driver.js';

/** One data set of a minibatch fit: where its rows come from and its coefficients. */
interface Dataset {
  role: string;
  source: BatchSource;
  /** Its values were checked up front (in memory); streamed ones are checked as read. */
  checked: boolean;
  counts: number;
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts (a source's read may never end). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

/** A value in a message: its type, or its constructor's name. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `a ${typeof value}`;
  return `an object (${(value as object).constructor?.name ?? 'no constructor'})`;
}

/** A batch read from its source, checked and uploaded: rows [first, first + count) of data set `index`. */
interface LoadedBatch {
  index: number;
  first: number;
  count: number;
  data: DataTensor;
}

/** The inputs of a minibatch fit, checked, with their shapes and names. */
export interface MinibatchData {
  datasets: Dataset[];
  k: number;
  featureNames: readonly string[] | undefined;
  init: 'random' | { W: DenseMatrix; Htarget: DenseMatrix; Hbackground: DenseMatrix[] };
  warnings: string[];
}

/**
 * Checks and wraps the inputs of a minibatch fit: matrices in memory are validated whole
 * (as in a full-batch fit) and served as views; `BatchSource`s are checked batch by batch
 * at every read (a source may return other values later). Features must agree in count and, where both sides
 * have names, in order.
 */
export async function prepareMinibatch(
  target: MatrixInput | BatchSource,
  backgrounds: readonly (MatrixInput | BatchSource)[],
  options: ResolvedOptions,
): Promise<MinibatchData> {
  const roles = datasetRoles(backgrounds.length);
  const warnings: string[] = [];
  const datasets: Dataset[] = [];
  for (const [i, input] of [target, ...backgrounds].entries()) {
    const role = roles[i];
    if (isBatchSource(input)) {
      for (const [what, size] of [['rows', input.rows], ['columns', input.columns]] as const) {
        if (!Number.isSafeInteger(size) || size < 0) {
          throw new BcnmfError('INVALID_DATA', `${role} says it has ${size} ${what}; a BatchSource's rows and columns are whole numbers`);
        }
      }
      if (input.rows < 1 || input.columns < 1) {
        throw new BcnmfError('INVALID_DATA', `${role} is empty (${input.rows} samples x ${input.columns} features)`);
      }
      // messages about a streamed batch name the source where it says what it is
      const named = typeof input.name === 'string' && input.name.length > 0 ? `${role} (${input.name})` : role;
      datasets.push({ role: named, source: input, checked: false, counts: input.rows * input.columns });
      continue;
    }
    const matrix: DenseMatrix | CsrMatrix = await toDataMatrix(input as MatrixInput, role);
    const check = checkNonNegativeData(matrix, role, { maxValue: options.lossDefinition.maxDataValue });
    if (datasets.length === 0) refuseZeroTarget(role, check.zeroRows, matrix.rows);
    warnings.push(...zeroWarnings(role, check));
    datasets.push({ role, source: matrixBatchSource(matrix), checked: true, counts: matrix.rows * matrix.columns });
  }
  const columns = datasets[0].source.columns;
  const featureNames = fitFeatureNames(datasets[0].source.columnNames, options.featureNames, columns);
  refuseRepeatedFeatureNames(featureNames, 'the target');
  for (const dataset of datasets.slice(1)) {
    if (dataset.source.columns !== columns) {
      throw new BcnmfError(
        'INVALID_DATA',
        `target has ${columns} features but ${dataset.role} has ${dataset.source.columns}; they must have the same features`,
      );
    }
    const names = dataset.source.columnNames;
    if (featureNames && names) {
      const j = featureNames.findIndex((name, index) => names[index] !== name);
      if (j >= 0) {
        throw new BcnmfError(
          'INVALID_DATA',
          `target and ${dataset.role} features differ at column ${j} ('${featureNames[j]}' vs '${names[j]}'); ` +
            'in minibatches the features must be in the same order (align them before streaming)',
        );
      }
    }
  }
  if (options.alignFeaturesByName) {
    throw new BcnmfError('INVALID_OPTION', 'alignFeaturesByName is not available in minibatches; align the features first');
  }
  let k = options.k;
  let init: MinibatchData['init'] = 'random';
  if (typeof options.init === 'object') {
    const custom = options.init as CustomInit;
    const W = await toDenseMatrix(custom.W, 'init.W');
    if (k !== -1 && W.rows !== k) throw new BcnmfError('INVALID_OPTION', `k is ${k} but init.W has ${W.rows} rows (one per topic)`);
    k = W.rows;
    const shapes = datasets.map((d) => d.source.rows);
    const backgroundInits = custom.Hbackground === undefined ? [] : backgrounds.length > 1
      ? (custom.Hbackground as readonly MatrixInput[])
      : [custom.Hbackground as MatrixInput];
    const factors = [custom.Htarget, ...backgroundInits];
    const checkedFactors: DenseMatrix[] = [];
    for (let i = 0; i < datasets.length; i++) {
      const role = i === 0 ? 'init.Htarget' : backgrounds.length === 1 ? 'init.Hbackground' : `init.Hbackground[${i - 1}]`;
      const m = await toDenseMatrix(factors[i], role);
      if (m.rows !== shapes[i] || m.columns !== k) {
        throw new BcnmfError('INVALID_OPTION', `${role} must be ${shapes[i]} x ${k}, got ${m.rows} x ${m.columns}`);
      }
      checkNonNegativeData(m, role);
      checkedFactors.push(m);
    }
    if (W.columns !== columns) throw new BcnmfError('INVALID_OPTION', `init.W must be ${k} x ${columns}, got ${W.rows} x ${W.columns}`);
    checkNonNegativeData(W, 'init.W');
    init = { W, Htarget: checkedFactors[0], Hbackground: checkedFactors.slice(1) };
  } else if (options.init !== 'random') {
    throw new BcnmfError(
      'INVALID_OPTION',
      `init '${options.init}' needs the whole target at once; minibatch fits start from init 'random' or explicit factors`,
    );
  }
  const limit = Math.min(columns, datasets[0].source.rows);
  if (k < 1 || k > limit) {
    throw new BcnmfError('INVALID_OPTION', `k must be between 1 and min(features, target samples) = ${limit}, got ${k}`);
  }
  return { datasets, k, featureNames, init, warnings };
}

/** The warnings of a data set's all-zero samples and features (legal; a loaded fit gives them before it starts, a streamed one after its first pass). */
function zeroWarnings(role: string, check: DataCheck): string[] {
  const warnings: string[] = [];
  if (check.zeroRows > 0) warnings.push(`${role} has ${check.zeroRows} all-zero sample${check.zeroRows > 1 ? 's' : ''}; their coefficients stay zero`);
  if (check.zeroColumns > 0) warnings.push(`${role} has ${check.zeroColumns} all-zero feature${check.zeroColumns > 1 ? 's' : ''}`);
  return warnings;
}

/**
 * Bytes a minibatch fit holds on the device (dense worst case): two batches of data (the
 * one computing and the next, read ahead), the Poisson temporaries of one, coefficients
 * and basis.
 */
export function estimateBatchBytes(batchSize: number, columns: number, k: number, loss: ResolvedOptions['loss']): number {
  const entries = batchSize * columns;
  return 4 * (entries * (loss === 'poisson' ? 4 : 2) + 4 * batchSize * k + 4 * k * columns) + 64 * 1024 ** 2;
}

/** The batches of an epoch: [dataset, first row, rows], in a seeded random order on request. */
function epochBatches(datasets: readonly Dataset[], batchSize: number, shuffle: boolean, random: () => number): [number, number, number][] {
  const batches: [number, number, number][] = [];
  datasets.forEach((d, index) => {
    for (let start = 0; start < d.source.rows; start += batchSize) batches.push([index, start, Math.min(batchSize, d.source.rows - start)]);
  });
  if (shuffle) {
    for (let i = batches.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [batches[i], batches[j]] = [batches[j], batches[i]];
    }
  }
  return batches;
}

/**
 * One start of a minibatch fit. Each epoch reads every batch once: the batch's
 * coefficients get one multiplicative update with W fixed, and the batch's share of the
 * basis statistics (sums over samples) is accumulated; W is updated once at the end of
 * the epoch. Because a sample's coefficient update depends only on W and that sample,
 * and W's statistics are sums over samples, an epoch equals one full-batch iteration
 * whatever the batch size (up to float rounding). The score of an epoch is accumulated
 * during its pass: the coefficients after the epoch's update with the basis before it.
 */
export async function runMinibatchStart(
  start: number,
  ops: ComputeOps,
  prepared: MinibatchData,
  options: ResolvedOptions,
  batchSize: number,
  startedAt: number,
  warn: (message: string) => void = () => {},
): Promise<StartResult> {
  const { k, datasets } = prepared;
  const { eps, alphas } = options;
  const loss = options.lossDefinition;
  const rule = updateRule(options);
  const columns = datasets[0].source.columns;
  const coefficients: Float32Array[] = [];
  let basis: tf.Tensor2D;
  if (prepared.init === 'random') {
    // The same draws, in the same order, as a full-batch fit's random start.
    const random = startGenerator(options.seed, start);
    basis = tf.tensor2d(uniformArray(random, k * columns), [k, columns]);
    for (const d of datasets) coefficients.push(uniformArray(random, d.source.rows * k));
  } else {
    basis = tf.tensor2d(Float32Array.from(prepared.init.W.data), [k, columns]);
    coefficients.push(Float32Array.from(prepared.init.Htarget.data), ...prepared.init.Hbackground.map((h) => Float32Array.from(h.data)));
  }
  const order = startGenerator(options.seed, start, 'batches');
  const constants = new Float64Array(datasets.length);
  // A streamed source's all-zero samples and features are counted in the first start's
  // first epoch (the one pass that reads every batch) and warned of after it.
  const zeroCounts = start === 0
    ? datasets.map((d) => (d.checked ? null : { zeroRows: 0, columnHasValue: new Uint8Array(columns) }))
    : datasets.map(() => null);
  let counting = start === 0;
  /** Reads batch [dataset, first, count], checks it (streamed data) and puts it on the device. */
  const load = async ([index, first, count]: [number, number, number]): Promise<LoadedBatch> => {
    const dataset = datasets[index];
    const matrix = await untilAborted(dataset.source.readRows(first, count), options.signal);
    if (!(matrix instanceof DenseMatrix) && !(matrix instanceof CsrMatrix)) {
      throw new BcnmfError(
        'INVALID_DATA',
        `${dataset.role}'s readRows(${first}, ${count}) returned ${describeValue(matrix)}; it must return a DenseMatrix or a CsrMatrix of @bcnmf/core`,
      );
    }
    if (matrix.rows !== count || matrix.columns !== columns) {
      throw new BcnmfError(
        'INVALID_DATA',
        `${dataset.role} returned a ${matrix.rows} x ${matrix.columns} batch for rows ${first}..${first + count - 1} (expected ${count} x ${columns})`,
      );
    }
    // streamed values are checked at every read: a source may return other values later
    if (!dataset.checked) {
      const counts = counting ? zeroCounts[index] : null;
      const check = checkNonNegativeData(matrix, dataset.role, { rowOffset: first, maxValue: loss.maxDataValue, columnHasValue: counts?.columnHasValue });
      if (counts) counts.zeroRows += check.zeroRows;
    }
    // a device that stages batches keeps freed buffers by size: padded CSR batches reuse them
    const data = uploadMatrix(matrix, { sizeClasses: ops.stage !== undefined });
    try {
      ops.stage?.(isSparse(data) ? [data.rowIds, data.colIds, data.values] : [data]);
    } catch (error) {
      disposeData(data);
      throw error;
    }
    return { index, first, count, data };
  };
  const epoch = async (iteration: number, scoring: boolean) => {
    const firstPass = iteration === 1;
    const statistics: (BasisStatistics | null)[] = datasets.map(() => null);
    const sums = new Float64Array(datasets.length);
    const batches = epochBatches(datasets, batchSize, options.shuffle, order);
    // Double buffering: batch b + 1 is read and staged on the device while batch b
    // computes; at most two batches are on the device at once.
    let next: Promise<LoadedBatch> | null = null;
    const prefetch = (b: number): void => {
      if (b >= batches.length) return;
      next = load(batches[b]);
      next.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled
    };
    try {
      prefetch(0);
      for (let b = 0; b < batches.length; b++) {
        throwIfAborted(options.signal);
        const pending: Promise<LoadedBatch> = next!;
        next = null;
        const { index, first, count, data } = await pending;
        const h = tf.tensor2d(coefficients[index].subarray(first * k, (first + count) * k), [count, k]);
        try {
          const needsStatistics = index === 0 || alphas[index - 1] > 0;
          const share = coefficientsAndStatistics(ops, rule, { data, coefficients: h, basis }, needsStatistics);
          const updated = share.coefficients;
          if (share.statistics) statistics[index] = addStatistics(statistics[index], share.statistics);
          const parts: tf.Scalar[] = [];
          if (scoring) parts.push(tf.tidy(() => loss.scoreSum(ops, { data, coefficients: updated, basis, eps })));
          if (firstPass && loss.scoreConstant) parts.push(tf.tidy(() => loss.scoreConstant!(ops, data)));
          const stacked = parts.length ? tf.stack(parts) : null;
          tf.dispose(parts);
          ops.submit?.();
          prefetch(b + 1);
          const [values, scalars] = await Promise.all([updated.data(), stacked ? stacked.data() : null]);
          stacked?.dispose();
          coefficients[index].set(values as Float32Array, first * k);
          updated.dispose();
          if (scalars) {
            if (scoring) sums[index] += scalars[0];
            if (firstPass && loss.scoreConstant) constants[index] += scalars[scoring ? 1 : 0];
          }
        } finally {
          disposeData(data);
          h.dispose();
        }
      }
      const updatedBasis = applyBasisUpdate(
        ops, rule, basis, statistics[0]!,
        statistics.slice(1).map((s, b) => ({ statistics: s!, alpha: alphas[b] })).filter((s) => s.statistics),
      );
      basis.dispose();
      basis = updatedBasis;
      if (counting) {
        counting = false;
        zeroCounts.forEach((counts, i) => {
          if (!counts) return;
          if (i === 0) refuseZeroTarget(datasets[i].role, counts.zeroRows, datasets[i].source.rows);
          const zeroColumns = counts.columnHasValue.reduce((n, seen) => n + (seen ? 0 : 1), 0);
          zeroWarnings(datasets[i].role, { zeroRows: counts.zeroRows, zeroColumns }).forEach(warn);
        });
      }
    } finally {
      // a batch read ahead of a failure (or Ctrl-C) is freed before the fit returns
      if (next) await (next as Promise<LoadedBatch>).then((loaded) => disposeData(loaded.data), () => {});
      statistics.forEach((s) => s && tf.dispose([s.cross, s.mass]));
    }
    return scoring ? scoreRecord(iteration, loss, sums, datasets.map((d) => d.counts), Array.from(constants), alphas) : null;
  };
  try {
    const run = await runIterations({ advance: epoch }, {
      maxIter: options.maxIter,
      scoreEvery: options.scoreEvery,
      tol: options.tol,
      signal: options.signal,
      onRecord: progressReporter(options, start, startedAt),
      roles: datasets.map((d) => d.role),
      unit: 'epoch',
      hints: { alphas, damping: options.damping },
    });
    const values = Float32Array.from(await basis.data());
    return {
      basis: values,
      targetCoefficients: coefficients[0],
      backgroundCoefficients: coefficients.slice(1),
      ...run,
      score: run.history.length ? run.history[run.history.length - 1].score : NaN,
    };
  } finally {
    basis.dispose();
  }
}

/** The rows per batch of a minibatch fit, checked against the backend's memory. */
export function minibatchSize(options: ResolvedOptions, prepared: MinibatchData, adapter: BackendAdapter, backend: string): number {
  const batchSize = options.batchSize ?? BCNMF_DEFAULTS.sourceBatchSize;
  const columns = prepared.datasets[0].source.columns;
  // a batch holds at most the rows a data set has
  const rows = Math.min(batchSize, Math.max(...prepared.datasets.map((d) => d.source.rows)));
  const needed = estimateBatchBytes(rows, columns, prepared.k, options.loss);
  if (adapter.memoryLimitBytes !== undefined && needed > adapter.memoryLimitBytes) {
    throw new BcnmfError(
      'TOO_LARGE',
      `batches of ${rows} samples x ${columns} features (two at a time on the device) need about ${(needed / 1024 ** 3).toFixed(1)} GiB on backend ` +
        `'${backend}', more than its ${(adapter.memoryLimitBytes / 1024 ** 3).toFixed(1)} GiB; use a smaller batchSize`,
    );
  }
  return batchSize;
}
