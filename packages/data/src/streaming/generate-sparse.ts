import { resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import type { Dataset, File as H5File, Group } from 'h5wasm/node';
import seedrandom from 'seedrandom';
import { BcnmfError } from '@bcnmf/core';
import { writeAtomically } from '../formats/atomic-write.js';
import { createRandom } from '../simulation/random.js';
import type { Random } from '../simulation/random.js';
import { h5ready } from '../formats/h5-node.js';

/** Options of {@link generateSparseH5ad}. */
export interface GenerateSparseOptions {
  /** Samples (obs), at least 1. */
  rows: number;
  /** Features (var), at least 1. */
  columns: number;
  /** Expected fraction of stored (non-zero) entries, in (0, 0.5]. */
  density: number;
  /** Seed: the same seed gives the same file; target and background files of one seed share their topics. Default: 0. */
  seed?: number;
  /** Topics in all (shared + target-only). Default: 8. */
  topics?: number;
  /** Topics present only in the target (the contrastive structure). Default: 2. */
  targetTopics?: number;
  /** `'target'` (every topic) or `'background'` (shared topics only). Default: `'target'`. */
  role?: 'target' | 'background';
  /** Fraction of the features in each topic's support. Default: 0.1. */
  topicSupport?: number;
  /** Weight of the topic-free noise profile in every sample's mixture. Default: 0.05. */
  noise?: number;
  /** Stored entries per write to the file (memory held while writing). Default: 2^20. */
  chunkEntries?: number;
  /** Called after each write with the rows written so far. */
  onProgress?: (rowsWritten: number, rows: number) => void;
}

/** What {@link generateSparseH5ad} wrote. */
export interface GeneratedSparse {
  path: string;
  rows: number;
  columns: number;
  /** Stored entries. */
  nnz: number;
  /** `nnz / (rows * columns)`. */
  density: number;
  role: 'target' | 'background';
  topics: number;
  targetTopics: number;
  /** The expected total count of a sample (before its log-normal size factor), calibrated to the density. */
  librarySize: number;
}

/** Walker alias table over `weights` (which need not be normalised). */
interface Alias {
  prob: Float64Array;
  alias: Int32Array;
}

function aliasTable(weights: Float64Array): Alias {
  const n = weights.length;
  let total = 0;
  for (let k = 0; k < n; k++) total += weights[k];
  const scaled = new Float64Array(n);
  for (let k = 0; k < n; k++) scaled[k] = (weights[k] * n) / total;
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let k = 0; k < n; k++) (scaled[k] < 1 ? small : large).push(k);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large[large.length - 1];
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] -= 1 - scaled[s];
    if (scaled[l] < 1) {
      large.pop();
      small.push(l);
    }
  }
  for (const k of large) {
    prob[k] = 1;
    alias[k] = k;
  }
  for (const k of small) {
    prob[k] = 1;
    alias[k] = k;
  }
  return { prob, alias };
}

interface TopicModel {
  /** topics x columns, each row sums to 1 (zero outside the topic's support). */
  weights: Float64Array[];
  support: Int32Array[];
  supportAlias: Alias[];
  noise: Float64Array;
  noiseAlias: Alias;
}

function topicModel(columns: number, topics: number, supportFraction: number, random: Random): TopicModel {
  const size = Math.max(1, Math.min(columns, Math.round(supportFraction * columns)));
  const weights: Float64Array[] = [];
  const support: Int32Array[] = [];
  const supportAlias: Alias[] = [];
  const genes = Int32Array.from({ length: columns }, (_, j) => j);
  for (let t = 0; t < topics; t++) {
    random.shuffle(genes);
    const s = genes.slice(0, size).sort();
    const w = new Float64Array(size);
    let total = 0;
    for (let k = 0; k < size; k++) total += w[k] = random.gamma(0.5) + 1e-6;
    const full = new Float64Array(columns);
    for (let k = 0; k < size; k++) full[s[k]] = w[k] / total;
    weights.push(full);
    support.push(s);
    supportAlias.push(aliasTable(w));
  }
  const noise = new Float64Array(columns);
  let total = 0;
  for (let j = 0; j < columns; j++) total += noise[j] = random.gamma(2) + 1e-6;
  for (let j = 0; j < columns; j++) noise[j] /= total;
  return { weights, support, supportAlias, noise, noiseAlias: aliasTable(noise) };
}

/** One sample's topic proportions (Dirichlet(0.3) over the allowed topics) and size factor. */
function sampleMixture(random: Random, allowed: number, theta: Float64Array): number {
  let total = 0;
  theta.fill(0);
  for (let t = 0; t < allowed; t++) total += theta[t] = random.gamma(0.3) + 1e-12;
  for (let t = 0; t < allowed; t++) theta[t] /= total;
  return random.logNormal(-0.045, 0.3); // mean 1
}

/**
 * The library size whose expected fraction of non-zero entries, averaged over `samples`
 * calibration samples, equals `density` (bisection on the exact Poisson expectation).
 */
function calibrate(model: TopicModel, columns: number, topics: number, allowed: number, noise: number, density: number, random: Random): number {
  const samples = 256;
  const profiles: Float64Array[] = [];
  const factors: number[] = [];
  const theta = new Float64Array(topics);
  for (let s = 0; s < samples; s++) {
    factors.push(sampleMixture(random, allowed, theta));
    const p = new Float64Array(columns);
    for (let j = 0; j < columns; j++) p[j] = noise * model.noise[j];
    for (let t = 0; t < allowed; t++) {
      const w = model.weights[t];
      const a = (1 - noise) * theta[t];
      for (const j of model.support[t]) p[j] += a * w[j];
    }
    profiles.push(p);
  }
  const expected = (size: number): number => {
    let sum = 0;
    for (let s = 0; s < samples; s++) {
      const p = profiles[s];
      const l = size * factors[s];
      for (let j = 0; j < columns; j++) sum += 1 - Math.exp(-l * p[j]);
    }
    return sum / (samples * columns);
  };
  let lo = Math.log(1e-6);
  let hi = Math.log(1e12);
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (expected(Math.exp(mid)) < density) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new BcnmfError('INVALID_OPTION', `${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function checkFraction(name: string, value: unknown, max: number, def: number): number {
  const v = value === undefined ? def : value;
  if (typeof v !== 'number' || !(v > 0) || !(v <= max)) {
    throw new BcnmfError('INVALID_OPTION', `${name} must be a number in (0, ${max}], got ${String(value)}`);
  }
  return v;
}

function setEncoding(node: Group | Dataset, type: string, version: string): void {
  node.create_attribute('encoding-type', type);
  node.create_attribute('encoding-version', version);
}

function dictGroup(parent: Group, name: string): Group {
  const g = parent.create_group(name);
  setEncoding(g, 'dict', '0.1.0');
  return g;
}

function writeStrings(group: Group, name: string, values: string[]): void {
  setEncoding(group.create_dataset({ name, data: values }), 'string-array', '0.2.0');
}

function writeFrame(file: H5File, name: 'obs' | 'var', index: string[], columns: Record<string, { codes: Int32Array; categories: string[] }>): void {
  const group = file.create_group(name);
  for (const [key, column] of Object.entries(columns)) {
    const g = group.create_group(key);
    setEncoding(g, 'categorical', '0.2.0');
    g.create_attribute('ordered', new Int8Array([0]), [], '<b');
    setEncoding(g.create_dataset({ name: 'codes', data: column.codes, shape: [column.codes.length], dtype: '<i' }), 'array', '0.2.0');
    writeStrings(g, 'categories', column.categories);
  }
  writeStrings(group, '_index', index);
  setEncoding(group, 'dataframe', '0.2.0');
  group.create_attribute('_index', '_index');
  const order = Object.keys(columns);
  if (order.length === 0) group.create_attribute('column-order', new Float64Array(0));
  else group.create_attribute('column-order', order);
}

/**
 * Writes a sparse count matrix with a planted low-rank structure to a new AnnData
 * `.h5ad` file (X as csr_matrix, float32 counts), in row chunks: the process holds about
 * `chunkEntries` entries and `rows + 1` row pointers at a time, never the whole matrix.
 *
 * The model (Poisson factorisation, so a fit has something to find): `topics` topics,
 * each a distribution over a random `topicSupport` fraction of the features (Gamma(0.5)
 * weights); the last `targetTopics` of them appear only in target files. Sample i has
 * topic proportions θᵢ ~ Dirichlet(0.3) over its role's topics, a size factor fᵢ
 * (log-normal, mean 1, σ 0.3), and counts X_ij ~ Poisson(L·fᵢ·((1-ε)·Σₜ θᵢₜ w_tj + ε·g_j))
 * with ε = `noise` and g a topic-free profile over all features; L is calibrated so that
 * the expected density equals `density`. Counts are drawn as Poisson(L·fᵢ) draws from the
 * sample's mixture (exactly the same distribution). obs holds `planted_topic` (each
 * sample's largest topic), varm `planted_W` (features x topics) and uns `planted` (the
 * settings). Target and background files of one seed share the shared topics.
 *
 * The file is written to a temporary file next to `path` and renamed at the end.
 *
 * @example
 * const info = await generateSparseH5ad('/tmp/big.h5ad', { rows: 1_000_000, columns: 2000, density: 0.05, seed: 0 });
 * info.nnz;     // about 1e8
 * const bg = await generateSparseH5ad('/tmp/bg.h5ad', { rows: 200_000, columns: 2000, density: 0.05, seed: 0, role: 'background' });
 */
export async function generateSparseH5ad(path: string, options: GenerateSparseOptions): Promise<GeneratedSparse> {
  const rows = checkInteger('rows', options.rows, 1);
  const columns = checkInteger('columns', options.columns, 1);
  if (columns > 2147483647) throw new BcnmfError('INVALID_OPTION', `columns must fit a 32-bit index, got ${columns}`);
  const density = checkFraction('density', options.density, 0.5, NaN);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new BcnmfError('INVALID_OPTION', `seed must be a number, got ${String(seed)}`);
  const topics = checkInteger('topics', options.topics ?? 8, 1);
  const targetTopics = checkInteger('targetTopics', options.targetTopics ?? 2, 0);
  if (targetTopics >= topics) throw new BcnmfError('INVALID_OPTION', `targetTopics (${targetTopics}) must be below topics (${topics}): a background needs a shared topic`);
  const role = options.role ?? 'target';
  if (role !== 'target' && role !== 'background') throw new BcnmfError('INVALID_OPTION', `role must be 'target' or 'background', got ${JSON.stringify(role)}`);
  const supportFraction = checkFraction('topicSupport', options.topicSupport, 1, 0.1);
  const noise = checkFraction('noise', options.noise, 1, 0.05);
  const chunkEntries = checkInteger('chunkEntries', options.chunkEntries ?? 1 << 20, 1);

  await h5ready();
  const model = topicModel(columns, topics, supportFraction, createRandom(`${seed}:topics`));
  const allowed = role === 'target' ? topics : topics - targetTopics;
  const librarySize = calibrate(model, columns, topics, allowed, noise, density, createRandom(`${seed}:${role}:calibration`));
  const random = createRandom(`${seed}:${role}:samples`);
  const draw = seedrandom.alea(`${seed}:${role}:draws`);

  const indptr = new Float64Array(rows + 1);
  const planted = new Int32Array(rows);
  const capacity = chunkEntries + columns;
  const bufIndices = new Int32Array(capacity);
  const bufData = new Float32Array(capacity);
  const counts = new Int32Array(columns);
  const touched = new Int32Array(columns);
  const theta = new Float64Array(topics);
  const cumulative = new Float64Array(allowed);
  const { noiseAlias } = model;

  const nnz = await writeAtomically(path, (temp) => {
    const file = new h5wasm.File(resolve(temp), 'w');
    try {
      file.create_attribute('encoding-type', 'anndata');
      file.create_attribute('encoding-version', '0.1.0');
      const x = file.create_group('X');
      setEncoding(x, 'csr_matrix', '0.1.0');
      x.create_attribute('shape', BigInt64Array.of(BigInt(rows), BigInt(columns)));
      const chunk = Math.min(1 << 16, Math.max(1, chunkEntries));
      const dataSet = x.create_dataset({ name: 'data', data: new Float32Array(0), shape: [0], maxshape: [null], chunks: [chunk], dtype: '<f' });
      const indicesSet = x.create_dataset({ name: 'indices', data: new Int32Array(0), shape: [0], maxshape: [null], chunks: [chunk], dtype: '<i' });
      let written = 0;
      let fill = 0;
      const flush = (rowsDone: number): void => {
        if (fill > 0) {
          dataSet.resize([written + fill]);
          dataSet.write_slice([[written, written + fill]], bufData.subarray(0, fill));
          indicesSet.resize([written + fill]);
          indicesSet.write_slice([[written, written + fill]], bufIndices.subarray(0, fill));
          written += fill;
          fill = 0;
        }
        options.onProgress?.(rowsDone, rows);
      };
      for (let i = 0; i < rows; i++) {
        const factor = sampleMixture(random, allowed, theta);
        let best = 0;
        let acc = 0;
        for (let t = 0; t < allowed; t++) {
          acc += theta[t];
          cumulative[t] = acc;
          if (theta[t] > theta[best]) best = t;
        }
        planted[i] = best;
        const total = random.poisson(librarySize * factor);
        let distinct = 0;
        for (let n = 0; n < total; n++) {
          const u = draw();
          let gene: number;
          if (u < noise) {
            const y = draw() * columns;
            const k = Math.floor(y);
            gene = y - k < noiseAlias.prob[k] ? k : noiseAlias.alias[k];
          } else {
            const v = (u - noise) / (1 - noise);
            let t = 0;
            while (t < allowed - 1 && v >= cumulative[t]) t++;
            const table = model.supportAlias[t];
            const s = model.support[t];
            const y = draw() * s.length;
            const k = Math.floor(y);
            gene = s[y - k < table.prob[k] ? k : table.alias[k]];
          }
          if (counts[gene]++ === 0) touched[distinct++] = gene;
        }
        const genes = touched.subarray(0, distinct).sort();
        for (let k = 0; k < distinct; k++) {
          const g = genes[k];
          bufIndices[fill] = g;
          bufData[fill] = counts[g];
          counts[g] = 0;
          fill++;
        }
        indptr[i + 1] = indptr[i] + distinct;
        if (fill >= chunkEntries) flush(i + 1);
      }
      flush(rows);
      const nnzWritten = indptr[rows];
      if (nnzWritten <= 2147483647) {
        x.create_dataset({ name: 'indptr', data: Int32Array.from(indptr), shape: [rows + 1], dtype: '<i' });
      } else {
        x.create_dataset({ name: 'indptr', data: BigInt64Array.from(indptr, (v) => BigInt(v)), shape: [rows + 1], dtype: '<q' });
      }
      const prefix = role === 'target' ? 'cell-' : 'bg-cell-';
      const topicNames = Array.from({ length: topics }, (_, t) =>
        t < topics - targetTopics ? `shared-${t + 1}` : `target-${t - (topics - targetTopics) + 1}`,
      );
      writeFrame(file, 'obs', Array.from({ length: rows }, (_, i) => `${prefix}${i}`), {
        planted_topic: { codes: planted, categories: topicNames },
      });
      writeFrame(file, 'var', Array.from({ length: columns }, (_, j) => `gene-${j}`), {});
      dictGroup(file, 'obsm');
      const varm = dictGroup(file, 'varm');
      const w = new Float32Array(columns * topics);
      for (let t = 0; t < topics; t++) for (let j = 0; j < columns; j++) w[j * topics + t] = model.weights[t][j];
      setEncoding(varm.create_dataset({ name: 'planted_W', data: w, shape: [columns, topics], dtype: '<f' }), 'array', '0.2.0');
      dictGroup(file, 'obsp');
      dictGroup(file, 'varp');
      dictGroup(file, 'layers');
      const uns = dictGroup(file, 'uns');
      const plantedGroup = dictGroup(uns, 'planted');
      const scalar = (name: string, value: number): void => {
        const d = Number.isInteger(value)
          ? plantedGroup.create_dataset({ name, data: BigInt64Array.of(BigInt(value)), shape: [], dtype: '<q' })
          : plantedGroup.create_dataset({ name, data: Float64Array.of(value), shape: [], dtype: '<d' });
        setEncoding(d, 'numeric-scalar', '0.2.0');
      };
      scalar('topics', topics);
      scalar('target_topics', targetTopics);
      scalar('density', density);
      scalar('seed', seed);
      scalar('library_size', librarySize);
      scalar('noise', noise);
      setEncoding(plantedGroup.create_dataset({ name: 'role', data: role }), 'string', '0.2.0');
      return nnzWritten;
    } finally {
      file.close();
    }
  });
  return { path, rows, columns, nnz, density: nnz / (rows * columns), role, topics, targetTopics, librarySize };
}
