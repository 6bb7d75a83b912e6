// What a finished fit hands to the page, and the files the page offers for download.
// Pure functions: no DOM (the unit tests and the README example run them in Node).
import type { Preprocessing } from './protocol.js';
import { counted } from './words.js';

/** A row-major matrix as it crosses from the worker. */
export interface PlainMatrix {
  data: Float32Array | Float64Array;
  shape: [number, number];
}

/** One score check of the fit. */
export interface HistoryPoint {
  iteration: number;
  score: number;
  targetError: number;
  backgroundError: number | null;
}

/** One topic: where it is used and its top features. */
export interface TopicInfo {
  topic: string;
  targetMean: number;
  backgroundMean: number | null;
  enrichment: number | null;
  topFeatures: Array<{ index: number; name: string; weight: number }>;
}

/** The inputs a fit ran on, named in the results and in settings.json (results stay tied to their files). */
export interface RunSource {
  /** 'files': the files chosen on the page; 'demo': the built-in simulation. */
  kind: 'files' | 'demo';
  /** The target file's name (the demo: what it simulates). */
  target: string;
  background: string;
  /** Where the labels came from (`column "group" of t.csv`, a labels file's name); null without labels. */
  labels: string | null;
  /** How the files were read and matched (`features in rows; features matched by name`); null where nothing to say. */
  reading: string | null;
}

/** The preprocessing choices of the page in words: the summary says which ran, the downloads record it. */
export const PREPROCESSING: Record<Preprocessing, { name: string; description: string }> = {
  none: { name: 'none (values as given)', description: 'none: the values of the files as given' },
  'log1p-cp10k': {
    name: 'log1p(counts per 10,000)',
    description:
      'log1p-cp10k: each sample (row) scaled to a total of 10,000, then log(1 + x), before the fit; ' +
      'give new data the same preprocessing before using this model on it',
  },
};

/** Everything the page shows and writes about one fit. */
export interface FitResult {
  /** The inputs of the fit. */
  source: RunSource;
  /** Target coefficients, samples x k. */
  Htarget: PlainMatrix;
  /** The basis, k x features. */
  W: PlainMatrix;
  sampleNames: string[];
  featureNames: string[];
  history: HistoryPoint[];
  topics: TopicInfo[];
  /** Reference labels of the target samples, when given. */
  labels: string[] | null;
  /** k-means cluster of each target sample (k = number of distinct labels, else 2). */
  clusters: number[];
  /** ARI of those clusters against `labels`; null without labels. */
  ari: number | null;
  /** k, alpha, loss, maxIter, tol, seed, preprocessing and backend. */
  settings: Record<string, string | number | boolean> & { preprocessing: Preprocessing };
  scoreDirection: 'minimize' | 'maximize';
  backend: string;
  iterations: number;
  wallTimeMs: number;
  warnings: string[];
  /** The model as model.json (see {@link modelFileJson}): BcnmfModel.load restores it. */
  modelJson: string;
}

/**
 * model.json: the model's JSON (`model.toJSON()`) with a top-level `preprocessing`
 * field, so that the file says what its W was fitted on. BcnmfModel.load reads the
 * fields it knows and passes over this one.
 *
 * @example
 * JSON.parse(modelFileJson({ name: 'bcNMF' }, 'none')).preprocessing.method; // 'none'
 */
export function modelFileJson(model: object, preprocessing: Preprocessing): string {
  return JSON.stringify({ ...model, preprocessing: { method: preprocessing, description: PREPROCESSING[preprocessing].description } });
}

/**
 * The inputs in words.
 *
 * @example
 * describeSource({ kind: 'files', target: 't.csv', background: 'b.csv', labels: 'column "group" of t.csv', reading: null });
 * // 'target t.csv, background b.csv, labels from column "group" of t.csv'
 */
export function describeSource(source: RunSource): string {
  const labels = source.labels ? `labels from ${source.labels}` : 'no labels';
  const inputs = source.kind === 'demo' ? `the built-in demo (${source.target} against ${source.background})` : `target ${source.target}, background ${source.background}`;
  return `${inputs}, ${labels}` + (source.reading ? `; ${source.reading}` : '');
}

/** The note on results whose inputs have changed since the fit (`change`: what changed, e.g. `the target file`). */
export function staleNote(source: RunSource, change: string): string {
  return `These results are of the earlier inputs (${describeSource(source)}); ${change} changed since. Run again for results of the current inputs.`;
}

/** The line under the ARI: the settings of the fit, the preprocessing included, and how it went. */
export function fitSummary(result: Pick<FitResult, 'settings' | 'iterations' | 'backend' | 'wallTimeMs' | 'warnings'>): string {
  const s = result.settings;
  return (
    `k = ${s.k}, alpha = ${s.alpha}, ${s.loss} loss, preprocessing ${PREPROCESSING[s.preprocessing].name}, ` +
    `${counted(result.iterations, 'iteration')}, backend ${result.backend}, ${(result.wallTimeMs / 1000).toFixed(1)} s fitting` +
    (result.warnings.length ? `; warnings: ${result.warnings.join('; ')}` : '')
  );
}

/** settings.json: what ran on what (inputs, settings, preprocessing), to keep beside the other downloads. */
export function settingsJson(result: FitResult): string {
  const { preprocessing } = result.settings;
  return (
    JSON.stringify(
      {
        inputs: { ...result.source, description: describeSource(result.source) },
        settings: result.settings,
        preprocessing: { method: preprocessing, description: PREPROCESSING[preprocessing].description },
        iterations: result.iterations,
        backend: result.backend,
        ari: result.ari,
        warnings: result.warnings,
      },
      null,
      2,
    ) + '\n'
  );
}

/** A number as CSV text: integers as they are, others to 7 significant digits (float32 precision). */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(7)));
}

/** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/**
 * The target embedding: one row per sample with its coefficient on each topic, then
 * its k-means cluster and, when given, its label.
 *
 * @example
 * embeddingCsv({ Htarget: { data: Float32Array.of(1, 0.5, 0, 2), shape: [2, 2] }, sampleNames: ['a', 'b'],
 *   clusters: [0, 1], labels: ['x', 'y'] });
 * // 'sample,topic_1,topic_2,cluster,label\na,1,0.5,0,x\nb,0,2,1,y\n'
 */
export function embeddingCsv(result: Pick<FitResult, 'Htarget' | 'sampleNames' | 'clusters' | 'labels'>): string {
  const [n, k] = result.Htarget.shape;
  const head = ['sample', ...Array.from({ length: k }, (_, t) => `topic_${t + 1}`), 'cluster'];
  if (result.labels) head.push('label');
  const lines = [csvLine(head)];
  for (let i = 0; i < n; i++) {
    const row = [result.sampleNames[i] ?? String(i)];
    for (let t = 0; t < k; t++) row.push(formatNumber(result.Htarget.data[i * k + t]));
    row.push(String(result.clusters[i]));
    if (result.labels) row.push(result.labels[i]);
    lines.push(csvLine(row));
  }
  return lines.join('\n') + '\n';
}

/** The basis W transposed to one row per feature: `feature,topic_1,...,topic_k`. */
export function loadingsCsv(result: Pick<FitResult, 'W' | 'featureNames'>): string {
  const [k, m] = result.W.shape;
  const lines = [csvLine(['feature', ...Array.from({ length: k }, (_, t) => `topic_${t + 1}`)])];
  for (let j = 0; j < m; j++) {
    const row = [result.featureNames[j] ?? String(j)];
    for (let t = 0; t < k; t++) row.push(formatNumber(result.W.data[t * m + j]));
    lines.push(csvLine(row));
  }
  return lines.join('\n') + '\n';
}

/**
 * A topic's log2 enrichment for the table: where one mean is 0 the guarded ratio (about
 * ±30) says only "used there alone", so the page says that (the CLI's words).
 */
export function enrichmentText(t: Pick<TopicInfo, 'targetMean' | 'backgroundMean' | 'enrichment'>): string {
  if (t.backgroundMean === null || t.enrichment === null) return '–';
  if (t.targetMean === 0 && t.backgroundMean === 0) return 'unused';
  // below the guard (1e-9 of the larger mean) a mean counts as 0, as in the CLI
  if (t.backgroundMean <= 1e-9 * t.targetMean) return 'target only';
  if (t.targetMean <= 1e-9 * t.backgroundMean) return 'background only';
  return t.enrichment.toFixed(2);
}

/** Per topic: mean coefficient in target and background, log2 enrichment, top features (`;`-separated). */
export function topicsCsv(result: Pick<FitResult, 'topics'>): string {
  const lines = [csvLine(['topic', 'target_mean', 'background_mean', 'log2_enrichment', 'top_features'])];
  for (const t of result.topics) {
    lines.push(
      csvLine([
        t.topic,
        formatNumber(t.targetMean),
        t.backgroundMean === null ? '' : formatNumber(t.backgroundMean),
        t.enrichment === null ? '' : formatNumber(t.enrichment),
        t.topFeatures.map((f) => f.name).join(';'),
      ]),
    );
  }
  return lines.join('\n') + '\n';
}

/** The score history: `iteration,score,target_error,background_error`. */
export function historyCsv(result: Pick<FitResult, 'history'>): string {
  const lines = ['iteration,score,target_error,background_error'];
  for (const h of result.history) {
    lines.push(
      [h.iteration, formatNumber(h.score), formatNumber(h.targetError), h.backgroundError === null ? '' : formatNumber(h.backgroundError)].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** The files the page offers after a fit: name, MIME type and content. */
export function resultFiles(result: FitResult): Array<{ name: string; type: string; content: string }> {
  return [
    { name: 'embedding.csv', type: 'text/csv', content: embeddingCsv(result) },
    { name: 'loadings.csv', type: 'text/csv', content: loadingsCsv(result) },
    { name: 'topics.csv', type: 'text/csv', content: topicsCsv(result) },
    { name: 'history.csv', type: 'text/csv', content: historyCsv(result) },
    { name: 'model.json', type: 'application/json', content: result.modelJson },
    { name: 'settings.json', type: 'application/json', content: settingsJson(result) },
  ];
}

/**
 * Two coordinates per sample for the scatter: with one topic, the sample index against
 * it; with two, the two topics; with more, the first two principal components of the
 * embedding (power iteration on its k x k covariance).
 */
export function scatterCoordinates(H: PlainMatrix): { x: Float64Array; y: Float64Array; xLabel: string; yLabel: string } {
  const [n, k] = H.shape;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  if (k === 1) {
    for (let i = 0; i < n; i++) {
      x[i] = i;
      y[i] = H.data[i];
    }
    return { x, y, xLabel: 'sample', yLabel: 'topic_1' };
  }
  if (k === 2) {
    for (let i = 0; i < n; i++) {
      x[i] = H.data[i * 2];
      y[i] = H.data[i * 2 + 1];
    }
    return { x, y, xLabel: 'topic_1', yLabel: 'topic_2' };
  }
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) mean[t] += H.data[i * k + t] / n;
  const cov = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < k; a++) {
      const da = H.data[i * k + a] - mean[a];
      for (let b = 0; b < k; b++) cov[a * k + b] += (da * (H.data[i * k + b] - mean[b])) / Math.max(1, n - 1);
    }
  }
  const components: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = Float64Array.from({ length: k }, (_, t) => 1 + t * 0.01 * (c + 1));
    for (let iter = 0; iter < 200; iter++) {
      const w = new Float64Array(k);
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) w[a] += cov[a * k + b] * v[b];
      for (const prev of components) {
        let dot = 0;
        for (let t = 0; t < k; t++) dot += w[t] * prev[t];
        for (let t = 0; t < k; t++) w[t] -= dot * prev[t];
      }
      const norm = Math.hypot(...w) || 1;
      v = w.map((z) => z / norm);
    }
    components.push(v);
  }
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const d = H.data[i * k + t] - mean[t];
      x[i] += d * components[0][t];
      y[i] += d * components[1][t];
    }
  }
  return { x, y, xLabel: 'PC1 of the embedding', yLabel: 'PC2 of the embedding' };
}
