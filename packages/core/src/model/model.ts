import { AUTO_BACKEND, defaultBackendChain, useFirstAvailableBackend } from '../backend/registry.js';
import { resolveOps } from '../compute/plain-ops.js';
import type { ScoreRecord } from '../compute/score.js';
import { BcnmfError } from '../errors.js';
import { LOSSES } from '../losses/index.js';
import { toDataMatrix, toDenseMatrix, type MatrixInput } from '../matrix/convert.js';
import { DenseMatrix } from '../matrix/dense-matrix.js';
import { checkNonNegativeData, FLOAT32_MAX } from '../matrix/validate.js';
import { startGenerator, uniformArray } from '../random.js';
import { settingChecks, type ResolvedOptions } from '../options.js';
import { fitCoefficients } from '../solver/fit-coefficients.js';
import { throwIfAborted } from '../solver/driver.js';
import { summarizeTopics, type TopicSummary } from './topics.js';

/** The settings a model was fitted with (defaults filled in). */
export interface ModelSettings
  extends Pick<
    ResolvedOptions,
    'k' | 'alpha' | 'alphas' | 'loss' | 'maxIter' | 'tol' | 'scoreEvery' | 'seed' | 'nStarts' | 'damping' | 'eps'
  > {
  init: 'random' | 'nndsvd' | 'nndsvda' | 'custom';
  /** The backend the fit ran on. */
  backend: string;
  /** Rows per batch, for a minibatch fit. */
  batchSize?: number;
}

/** How one random start ended. */
export interface StartSummary {
  start: number;
  /** Final tracked score. */
  score: number;
  iterations: number;
  converged: boolean;
}

/** Everything a {@link BcnmfModel} holds. */
export interface BcnmfModelInit {
  W: DenseMatrix;
  Htarget: DenseMatrix;
  /** One per background (none for plain NMF). */
  Hbackgrounds: DenseMatrix[];
  history: ScoreRecord[];
  iterations: number;
  converged: boolean;
  wallTimeMs: number;
  starts: StartSummary[];
  bestStart: number;
  warnings: string[];
  settings: ModelSettings;
}

/** Options of {@link BcnmfModel.transform}. */
export interface TransformOptions {
  /** Most multiplicative updates of the coefficients (default 500). */
  maxIter?: number;
  /** Stop when the reconstruction error changes by at most this fraction between checks (default 1e-5). */
  tol?: number;
  /** Seed of the random start of the coefficients (default the model's seed). */
  seed?: number;
  /** Backend to run on (default 'auto': the default backend, as for a fit). */
  backend?: string;
  /** Start from these coefficients (samples x k) instead of a random start. */
  init?: MatrixInput;
  /** Aborts between iterations; transform then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Receives warnings (a backend skipped); default: console.warn. */
  onWarning?: (message: string) => void;
}

/** The JSON form of a {@link BcnmfModel} (see `toJSON`). */
export interface BcnmfModelJSON {
  name: 'bcNMF';
  version: 1;
  settings: ModelSettings;
  featureNames: string[] | null;
  targetSampleNames: string[] | null;
  /** Per background: its sample names, or null. */
  backgroundSampleNames: (string[] | null)[];
  W: number[][];
  Htarget: number[][];
  /** Per background: its coefficients. */
  Hbackgrounds: number[][][];
  history: ScoreRecord[];
  iterations: number;
  converged: boolean;
  wallTimeMs: number;
  starts: StartSummary[];
  bestStart: number;
  warnings: string[];
}

const TRANSFORM_DEFAULTS = { maxIter: 500, tol: 1e-5 } as const;

const TRANSFORM_KEYS: readonly (keyof TransformOptions)[] = ['maxIter', 'tol', 'seed', 'backend', 'init', 'signal', 'onWarning'];

/** Refuses what a fit's options would: a non-object, or a name transform does not know (a typo would be silently ignored). */
function checkTransformOptions(options: TransformOptions): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new BcnmfError('INVALID_OPTION', 'transform options must be an object');
  }
  const unknown = Object.keys(options).filter((key) => !(TRANSFORM_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new BcnmfError(
      'INVALID_OPTION',
      `unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the options are ${TRANSFORM_KEYS.join(', ')}`,
    );
  }
  // the same rules as a fit's options of these names
  if (options.backend !== undefined && typeof options.backend !== 'string') {
    throw new BcnmfError('INVALID_OPTION', `backend must be a backend name or 'auto', got ${String(options.backend)}`);
  }
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
    throw new BcnmfError('INVALID_OPTION', 'onWarning must be a function');
  }
}

function invalid(message: string): never {
  throw new BcnmfError('INVALID_MODEL', message);
}

/** A matrix of a model file: rows of `columns` numbers (`columns` given: k for H), else as long as row 0 (W). */
function rowsToMatrix(value: unknown, what: string, expected?: { columns: number; as: string }): DenseMatrix {
  if (!Array.isArray(value)) invalid(`${what} must be an array of rows`);
  const rows = value.length;
  const columns = expected?.columns ?? (rows > 0 && Array.isArray(value[0]) ? value[0].length : 0);
  const data = new Float32Array(rows * columns);
  value.forEach((row: unknown, i: number) => {
    if (!Array.isArray(row)) invalid(`${what} row ${i} must be an array of numbers`);
    if (row.length !== columns) {
      invalid(expected
        ? `${what} row ${i} has ${row.length} numbers, not ${columns} (${expected.as})`
        : `${what} rows differ in length: row 0 has ${columns} numbers, row ${i} has ${row.length}`);
    }
    row.forEach((v: unknown, j: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > FLOAT32_MAX) {
        invalid(`${what}[${i}][${j}] must be a finite non-negative number that float32 holds, got ${JSON.stringify(v)}`);
      }
      data[i * columns + j] = v;
    });
  });
  return new DenseMatrix({ data, shape: [rows, columns] });
}

/** Names of `length` things (`named`: what has them, e.g. 'Htarget has 5 rows'), or null. */
function names(value: unknown, what: string, length: number, named: string): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) invalid(`${what} must be ${length} strings or null`);
  // both sides in the message: a cut matrix reads as names too many
  if (value.length !== length) invalid(`${what} has ${value.length} names but ${named}`);
  return value as string[];
}

/**
 * A fitted bcNMF model: the basis W (k x features), the coefficients of the target and
 * background samples (samples x k), the score history and the settings. It transforms
 * new samples, summarizes its topics and round-trips through JSON exactly.
 *
 * @example
 * const model = await fitBcnmf(target, background, { k: 3 });
 * const restored = BcnmfModel.load(JSON.parse(JSON.stringify(model)));
 * restored.W.get(0, 0) === model.W.get(0, 0); // true
 */
export class BcnmfModel {
  /** The shared basis W, k x features; rows named topic_1..topic_k. */
  readonly W: DenseMatrix;
  /** Target coefficients, target samples x k. */
  readonly Htarget: DenseMatrix;
  /** Coefficients of each background, background samples x k (empty for plain NMF). */
  readonly Hbackgrounds: readonly DenseMatrix[];
  /** Scores at iteration 0, every `scoreEvery` iterations and at the end (of the kept start). */
  readonly history: readonly ScoreRecord[];
  /** Iterations run by the kept start. */
  readonly iterations: number;
  /** Whether the kept start stopped because the score changed by at most `tol`. */
  readonly converged: boolean;
  /** Wall-clock milliseconds of the whole fit (all starts). */
  readonly wallTimeMs: number;
  /** How every random start ended. */
  readonly starts: readonly StartSummary[];
  /** The start that was kept: the best final score (`fitEveryStart`: this model's own start). */
  readonly bestStart: number;
  /** Warnings raised during the fit. */
  readonly warnings: readonly string[];
  readonly settings: Readonly<ModelSettings>;

  constructor(init: BcnmfModelInit) {
    this.W = init.W;
    this.Htarget = init.Htarget;
    this.Hbackgrounds = init.Hbackgrounds;
    this.history = init.history;
    this.iterations = init.iterations;
    this.converged = init.converged;
    this.wallTimeMs = init.wallTimeMs;
    this.starts = init.starts;
    this.bestStart = init.bestStart;
    this.warnings = init.warnings;
    this.settings = init.settings;
  }

  /** The (first) background's coefficients, background samples x k; null for plain NMF. */
  get Hbackground(): DenseMatrix | null {
    return this.Hbackgrounds[0] ?? null;
  }

  /** Feature names (columns of W), when the data had them. */
  get featureNames(): readonly string[] | undefined {
    return this.W.columnNames;
  }

  /** 'minimize' for Frobenius (MSE_X − α MSE_Y), 'maximize' for Poisson (log-likelihoods). */
  get scoreDirection(): 'minimize' | 'maximize' {
    return this.settings.loss === 'frobenius' ? 'minimize' : 'maximize';
  }

  /** The last tracked score of the kept start. */
  get finalScore(): number {
    return this.history[this.history.length - 1].score;
  }

  /**
   * For each topic: mean loading in target vs background (and their log2 ratio) and its
   * `top` features by weight (default 10).
   */
  topics(options: { top?: number } = {}): TopicSummary[] {
    return summarizeTopics(this.W, this.Htarget, this.Hbackgrounds, options);
  }

  /**
   * Coefficients (samples x k) of new samples with W fixed, by the model's own
   * multiplicative coefficient update (same loss, eps and damping).
   *
   * @example
   * (await model.transform(newSamples)).shape; // [newSamples.length, model.settings.k]
   */
  async transform(samples: MatrixInput, options: TransformOptions = {}): Promise<DenseMatrix> {
    checkTransformOptions(options);
    const maxIter = options.maxIter ?? TRANSFORM_DEFAULTS.maxIter;
    const tol = options.tol ?? TRANSFORM_DEFAULTS.tol;
    const seed = options.seed ?? this.settings.seed;
    settingChecks.integer('maxIter', maxIter, 1);
    settingChecks.finiteAtLeast('tol', tol, 0);
    settingChecks.integer('seed', seed, 0);
    throwIfAborted(options.signal);
    const matrix = await toDataMatrix(samples, 'samples');
    const loss = LOSSES[this.settings.loss];
    checkNonNegativeData(matrix, 'samples', { maxValue: loss.maxDataValue });
    const { k } = this.settings;
    if (matrix.columns !== this.W.columns) {
      throw new BcnmfError('INVALID_DATA', `samples have ${matrix.columns} features but the model has ${this.W.columns}`);
    }
    const own = this.featureNames;
    if (own && matrix.columnNames) {
      const j = own.findIndex((name, index) => matrix.columnNames![index] !== name);
      if (j >= 0) {
        throw new BcnmfError(
          'INVALID_DATA',
          `samples' features differ from the model's at column ${j} ('${matrix.columnNames[j]}' vs '${own[j]}')`,
        );
      }
    }
    let start: Float32Array;
    if (options.init !== undefined) {
      const init = await toDenseMatrix(options.init, 'init');
      if (init.rows !== matrix.rows || init.columns !== k) {
        throw new BcnmfError('INVALID_OPTION', `init must be ${matrix.rows} x ${k}, got ${init.rows} x ${init.columns}`);
      }
      checkNonNegativeData(init, 'init');
      start = Float32Array.from(init.data);
    } else {
      start = uniformArray(startGenerator(seed, 0, 'transform'), matrix.rows * k);
    }
    const backend = options.backend ?? AUTO_BACKEND;
    const warn = options.onWarning ?? ((message: string) => console.warn(`bcnmf: ${message}`));
    const { adapter } = await useFirstAvailableBackend(backend === AUTO_BACKEND ? await defaultBackendChain() : [backend], warn);
    const { eps, damping, scoreEvery } = this.settings;
    const result = await fitCoefficients(resolveOps(adapter.ops), { loss, eps, damping }, {
      basis: this.W,
      data: [matrix],
      starts: [start],
      roles: ['samples'],
      maxIter,
      tol,
      scoreEvery,
      signal: options.signal,
    });
    return new DenseMatrix({
      data: result.coefficients[0],
      shape: [matrix.rows, k],
      rowNames: matrix.rowNames,
      columnNames: this.W.rowNames,
    });
  }

  /** A plain-JSON form that {@link BcnmfModel.load} restores exactly (float32 values survive). */
  toJSON(): BcnmfModelJSON {
    return {
      name: 'bcNMF',
      version: 1,
      settings: { ...this.settings },
      featureNames: this.featureNames ? [...this.featureNames] : null,
      targetSampleNames: this.Htarget.rowNames ? [...this.Htarget.rowNames] : null,
      backgroundSampleNames: this.Hbackgrounds.map((h) => (h.rowNames ? [...h.rowNames] : null)),
      W: this.W.toArray(),
      Htarget: this.Htarget.toArray(),
      Hbackgrounds: this.Hbackgrounds.map((h) => h.toArray()),
      history: this.history.map((record) => ({ ...record })),
      iterations: this.iterations,
      converged: this.converged,
      wallTimeMs: this.wallTimeMs,
      starts: this.starts.map((s) => ({ ...s })),
      bestStart: this.bestStart,
      warnings: [...this.warnings],
    };
  }

  /**
   * Restores a model from {@link BcnmfModel.toJSON}'s output (or its JSON text parsed).
   * Throws a `BcnmfError` ('INVALID_MODEL') when the object is not a bcNMF model or its
   * parts disagree.
   */
  static load(json: unknown): BcnmfModel {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) invalid('a bcNMF model must be an object');
    const m = json as Partial<Record<keyof BcnmfModelJSON, unknown>>;
    if (m.name !== 'bcNMF') invalid(`not a bcNMF model (name ${JSON.stringify(m.name)})`);
    if (m.version !== 1) invalid(`unsupported bcNMF model version ${JSON.stringify(m.version)}`);
    const settings = checkSettings(m.settings);
    const k = settings.k;
    const W = rowsToMatrix(m.W, 'W');
    if (W.rows !== k) invalid(`W has ${W.rows} rows but settings.k is ${k}`);
    // named only once W has k rows: a hand-edited k of 2e9 must not allocate 2e9 names
    const topicNames = Array.from({ length: k }, (_, t) => `topic_${t + 1}`);
    if (W.columns < 1) invalid('W has no columns (features)');
    const features = W.columns;
    const featureNames = names(m.featureNames, 'featureNames', features, `W has ${features} columns`);
    const repeated = featureNames ? firstRepeated(featureNames) : undefined;
    if (repeated !== undefined) invalid(`featureNames has '${repeated}' twice; feature names must be unique`);
    const Htarget = rowsToMatrix(m.Htarget, 'Htarget', { columns: k, as: 'settings.k' });
    if (!Array.isArray(m.Hbackgrounds)) invalid('Hbackgrounds must be an array (one matrix per background)');
    if (m.Hbackgrounds.length !== settings.alphas.length) {
      invalid(`Hbackgrounds has ${m.Hbackgrounds.length} matrices but settings.alphas has ${settings.alphas.length} weights (one per background)`);
    }
    const Hbackgrounds = m.Hbackgrounds.map((h, b) => {
      return rowsToMatrix(h, `Hbackgrounds[${b}]`, { columns: k, as: 'settings.k' });
    });
    const backgroundSampleNames = m.backgroundSampleNames ?? [];
    if (!Array.isArray(backgroundSampleNames)) invalid('backgroundSampleNames must be an array');
    const history = checkHistory(m.history, settings.alphas.length, settings.maxIter);
    const starts = checkStarts(m.starts);
    if (starts.length > settings.nStarts) invalid(`starts has ${starts.length} entries but settings.nStarts is ${settings.nStarts}`);
    const count = (value: unknown, what: string, min: number): number => settingChecks.integer(what, value, min, invalid);
    const iterations = count(m.iterations, 'iterations', 0);
    if (iterations > settings.maxIter) invalid(`iterations (${iterations}) exceeds settings.maxIter (${settings.maxIter})`);
    const bestStart = count(m.bestStart ?? 0, 'bestStart', 0);
    if (starts.length > 0 && bestStart >= starts.length) invalid(`bestStart ${bestStart} is not one of the ${starts.length} starts`);
    if (typeof m.converged !== 'boolean') invalid(`converged must be true or false, got ${JSON.stringify(m.converged)}`);
    const wallTimeMs = settingChecks.finiteAtLeast('wallTimeMs', m.wallTimeMs ?? 0, 0, invalid);
    const warnings = m.warnings ?? [];
    if (!Array.isArray(warnings) || warnings.some((w) => typeof w !== 'string')) invalid('warnings must be an array of strings');
    return new BcnmfModel({
      W: W.withNames({ rowNames: topicNames, columnNames: featureNames }),
      Htarget: Htarget.withNames({
        rowNames: names(m.targetSampleNames, 'targetSampleNames', Htarget.rows, `Htarget has ${Htarget.rows} rows`),
        columnNames: topicNames,
      }),
      Hbackgrounds: Hbackgrounds.map((h, b) => h.withNames({
        rowNames: names(backgroundSampleNames[b], `backgroundSampleNames[${b}]`, h.rows, `Hbackgrounds[${b}] has ${h.rows} rows`),
        columnNames: topicNames,
      })),
      history,
      iterations,
      converged: m.converged,
      wallTimeMs,
      starts,
      bestStart,
      warnings: [...(warnings as string[])],
      settings,
    });
  }
}

function firstRepeated(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return undefined;
}

/** A model file's settings, checked by the same rules as the options of a fit. */
function checkSettings(value: unknown): ModelSettings {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) invalid('settings must be an object');
  const s = value as Record<string, unknown>;
  const field = (name: string) => (message: string): never => invalid(`settings.${message}`);
  const k = settingChecks.integer('k', s.k, 1, field('k'));
  const loss = settingChecks.loss(s.loss, field('loss'));
  if (!Array.isArray(s.alphas)) invalid('settings.alphas must be an array (one weight per background)');
  const alphas = s.alphas.map((a, b) => settingChecks.finiteAtLeast(`alphas[${b}]`, a, 0, field('alphas')));
  const alpha = settingChecks.finiteAtLeast('alpha', s.alpha ?? alphas[0] ?? 0, 0, field('alpha'));
  if (alpha !== (alphas[0] ?? 0)) invalid(`settings.alpha (${alpha}) must equal the first of settings.alphas (${alphas[0] ?? 0})`);
  const init = s.init ?? 'random';
  if (!['random', 'nndsvd', 'nndsvda', 'custom'].includes(init as string)) {
    invalid(`settings.init must be 'random', 'nndsvd', 'nndsvda' or 'custom', got ${JSON.stringify(init)}`);
  }
  if (typeof s.backend !== 'string' || s.backend.length === 0) invalid(`settings.backend must be a backend name, got ${JSON.stringify(s.backend)}`);
  return {
    k,
    alpha,
    alphas,
    loss,
    maxIter: settingChecks.integer('maxIter', s.maxIter, 1, field('maxIter')),
    tol: settingChecks.finiteAtLeast('tol', s.tol, 0, field('tol')),
    scoreEvery: settingChecks.integer('scoreEvery', s.scoreEvery, 1, field('scoreEvery')),
    seed: settingChecks.integer('seed', s.seed, 0, field('seed')),
    nStarts: settingChecks.integer('nStarts', s.nStarts, 1, field('nStarts')),
    damping: settingChecks.damping(s.damping, field('damping')),
    eps: settingChecks.eps(s.eps, field('eps')),
    init: init as ModelSettings['init'],
    backend: s.backend,
    ...(s.batchSize !== undefined ? { batchSize: settingChecks.integer('batchSize', s.batchSize, 1, field('batchSize')) } : {}),
  };
}

function checkHistory(value: unknown, backgrounds: number, maxIter: number): ScoreRecord[] {
  if (!Array.isArray(value) || value.length === 0) invalid('history must be a non-empty array of score records');
  return value.map((r: unknown, i: number): ScoreRecord => {
    const record = r as Partial<Record<keyof ScoreRecord, unknown>> | null;
    const number = (v: unknown, what: string): number => {
      if (typeof v !== 'number' || !Number.isFinite(v)) invalid(`history[${i}].${what} must be a finite number, got ${JSON.stringify(v)}`);
      return v;
    };
    if (record === null || typeof record !== 'object') invalid(`history[${i}] must be a score record`);
    const errors = record.backgroundErrors ?? [];
    if (!Array.isArray(errors) || errors.length !== backgrounds) {
      invalid(`history[${i}].backgroundErrors must have ${backgrounds} numbers (one per background)`);
    }
    const backgroundErrors = errors.map((e, b) => number(e, `backgroundErrors[${b}]`));
    const iteration = settingChecks.integer(`history[${i}].iteration`, record.iteration, 0, invalid);
    // a fit records its scores as it goes: the iterations count up, within maxIter
    if (i > 0 && iteration <= (value[i - 1] as ScoreRecord).iteration) {
      invalid(`history[${i}].iteration (${iteration}) does not follow history[${i - 1}].iteration (${String((value[i - 1] as ScoreRecord).iteration)}); a history counts up`);
    }
    if (iteration > maxIter) invalid(`history[${i}].iteration (${iteration}) exceeds settings.maxIter (${maxIter})`);
    return {
      iteration,
      targetError: number(record.targetError, 'targetError'),
      backgroundError: backgroundErrors[0] ?? null,
      backgroundErrors,
      score: number(record.score, 'score'),
    };
  });
}

function checkStarts(value: unknown): StartSummary[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) invalid('starts must be an array');
  return value.map((s: unknown, i: number): StartSummary => {
    const start = s as Partial<Record<keyof StartSummary, unknown>> | null;
    if (start === null || typeof start !== 'object') invalid(`starts[${i}] must be an object`);
    if (typeof start.score !== 'number' || !Number.isFinite(start.score)) invalid(`starts[${i}].score must be a finite number`);
    if (typeof start.converged !== 'boolean') invalid(`starts[${i}].converged must be true or false`);
    return {
      start: settingChecks.integer(`starts[${i}].start`, start.start, 0, invalid),
      score: start.score,
      iterations: settingChecks.integer(`starts[${i}].iterations`, start.iterations, 0, invalid),
      converged: start.converged,
    };
  });
}
