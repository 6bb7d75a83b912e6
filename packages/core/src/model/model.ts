import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../backend/registry.js';
import { resolveOps } from '../compute/plain-ops.js';
import { disposeData, uploadMatrix } from '../compute/data-tensor.js';
import { computeScores, scoreConstants, type ScoreRecord } from '../compute/score.js';
import { updateCoefficients } from '../compute/updates.js';
import { BcnmfError } from '../errors.js';
import { toDataMatrix, toDenseMatrix, type MatrixInput } from '../matrix/convert.js';
import { DenseMatrix } from '../matrix/dense-matrix.js';
import { checkNonNegativeData } from '../matrix/validate.js';
import { startGenerator, uniformArray } from '../random.js';
import type { ResolvedOptions } from '../options.js';
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
  /** Backend to run on (default the model's). */
  backend?: string;
  /** Start from these coefficients (samples x k) instead of a random start. */
  init?: MatrixInput;
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

function invalid(message: string): never {
  throw new BcnmfError('INVALID_MODEL', message);
}

function rowsToMatrix(value: unknown, what: string): DenseMatrix {
  if (!Array.isArray(value)) invalid(`${what} must be an array of rows`);
  const rows = value.length;
  const columns = rows > 0 && Array.isArray(value[0]) ? value[0].length : 0;
  const data = new Float32Array(rows * columns);
  value.forEach((row: unknown, i: number) => {
    if (!Array.isArray(row) || row.length !== columns) invalid(`${what} row ${i} must have ${columns} numbers`);
    row.forEach((v: unknown, j: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) invalid(`${what}[${i}][${j}] is not a non-negative number`);
      data[i * columns + j] = v;
    });
  });
  return new DenseMatrix({ data, shape: [rows, columns] });
}

function names(value: unknown, what: string, length: number): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== length || value.some((v) => typeof v !== 'string')) {
    invalid(`${what} must be ${length} strings or null`);
  }
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
  /** The start that was kept (best final score). */
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
    const maxIter = options.maxIter ?? TRANSFORM_DEFAULTS.maxIter;
    const tol = options.tol ?? TRANSFORM_DEFAULTS.tol;
    const seed = options.seed ?? this.settings.seed;
    if (!Number.isSafeInteger(maxIter) || maxIter < 1) {
      throw new BcnmfError('INVALID_OPTION', `maxIter must be an integer >= 1, got ${String(maxIter)}`);
    }
    if (typeof tol !== 'number' || !Number.isFinite(tol) || tol < 0) {
      throw new BcnmfError('INVALID_OPTION', `tol must be a finite number >= 0, got ${String(tol)}`);
    }
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new BcnmfError('INVALID_OPTION', `seed must be an integer >= 0, got ${String(seed)}`);
    }
    const matrix = await toDataMatrix(samples, 'samples');
    checkNonNegativeData(matrix, 'samples');
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
    const adapter = await useBackend(options.backend ?? this.settings.backend);
    const ops = resolveOps(adapter.ops);
    const { loss, eps, damping } = this.settings;
    const data = uploadMatrix(matrix);
    const basis = tf.tensor2d(Float32Array.from(this.W.data), [k, this.W.columns]);
    let coefficients = tf.tensor2d(start, [matrix.rows, k]);
    try {
      const tensors = { target: data, backgrounds: [] };
      const constants = await scoreConstants(ops, loss, tensors);
      const error = async (): Promise<number> =>
        (await computeScores(ops, 0, { basis, targetCoefficients: coefficients, backgroundCoefficients: [] }, tensors, loss, [], eps, constants)).targetError;
      let previous = await error();
      for (let iteration = 1; iteration <= maxIter; iteration++) {
        const next = updateCoefficients(ops, loss, data, coefficients, basis, eps, damping);
        coefficients.dispose();
        coefficients = next;
        if (tol > 0 && iteration % this.settings.scoreEvery === 0) {
          const current = await error();
          if (Math.abs(previous - current) <= tol * Math.max(Math.abs(previous), 1e-300)) break;
          previous = current;
        }
      }
      const values = (await coefficients.data()) as Float32Array;
      return new DenseMatrix({
        data: Float32Array.from(values),
        shape: [matrix.rows, k],
        rowNames: matrix.rowNames,
        columnNames: this.W.rowNames,
      });
    } finally {
      disposeData(data);
      tf.dispose([basis, coefficients]);
    }
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
    if (json === null || typeof json !== 'object') invalid('a bcNMF model must be an object');
    const m = json as Partial<BcnmfModelJSON> & { name?: unknown };
    if (m.name !== 'bcNMF') invalid(`not a bcNMF model (name ${JSON.stringify(m.name)})`);
    if (m.version !== 1) invalid(`unsupported bcNMF model version ${JSON.stringify(m.version)}`);
    const settings = m.settings;
    if (!settings || typeof settings !== 'object' || !Number.isSafeInteger(settings.k) || settings.k < 1) {
      invalid('model settings are missing or have no valid k');
    }
    const k = settings.k;
    const topicNames = Array.from({ length: k }, (_, t) => `topic_${t + 1}`);
    const W = rowsToMatrix(m.W, 'W');
    if (W.rows !== k) invalid(`W has ${W.rows} rows but k is ${k}`);
    const features = W.columns;
    const featureNames = names(m.featureNames, 'featureNames', features);
    const Htarget = rowsToMatrix(m.Htarget, 'Htarget');
    if (Htarget.rows > 0 && Htarget.columns !== k) invalid(`Htarget has ${Htarget.columns} columns but k is ${k}`);
    if (!Array.isArray(m.Hbackgrounds)) invalid('Hbackgrounds must be an array (one matrix per background)');
    const Hbackgrounds = m.Hbackgrounds.map((h, b) => {
      const matrix = rowsToMatrix(h, `Hbackgrounds[${b}]`);
      if (matrix.rows > 0 && matrix.columns !== k) invalid(`Hbackgrounds[${b}] has ${matrix.columns} columns but k is ${k}`);
      return matrix;
    });
    const backgroundSampleNames = Array.isArray(m.backgroundSampleNames) ? m.backgroundSampleNames : [];
    if (!Array.isArray(m.history) || m.history.length === 0) invalid('history must be a non-empty array');
    return new BcnmfModel({
      W: W.withNames({ rowNames: topicNames, columnNames: featureNames }),
      Htarget: Htarget.withNames({
        rowNames: names(m.targetSampleNames, 'targetSampleNames', Htarget.rows),
        columnNames: topicNames,
      }),
      Hbackgrounds: Hbackgrounds.map((h, b) => h.withNames({
        rowNames: names(backgroundSampleNames[b], `backgroundSampleNames[${b}]`, h.rows),
        columnNames: topicNames,
      })),
      history: m.history.map((r) => ({ ...r })),
      iterations: Number(m.iterations),
      converged: Boolean(m.converged),
      wallTimeMs: Number(m.wallTimeMs),
      starts: Array.isArray(m.starts) ? m.starts.map((s) => ({ ...s })) : [],
      bestStart: Number(m.bestStart ?? 0),
      warnings: Array.isArray(m.warnings) ? m.warnings.map(String) : [],
      settings: { ...settings, alphas: Array.isArray(settings.alphas) ? [...settings.alphas] : [] },
    });
  }
}
