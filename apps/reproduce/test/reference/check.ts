// Checks every score an experiment reports against an independent recomputation: the
// data and labels read by the test, the fits redone in float64 by pipeline.py from the
// experiment's own settings (its report's `methods` and `evaluation`) and seeds, and the
// embeddings the experiment scored (its onMethodRun events) rescored against those labels.
// cPCA with automatic alpha reports one event per returned non-zero alpha: each is
// checked against the reference's embedding at that alpha, and the set of returned alphas
// against the reference's.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { evaluateEmbedding } from '@bcnmf/metrics';
import type { ExperimentResult, MethodRunEvent, MethodSettings } from '../../src/index.js';
import { randomStart, referenceUnavailable, runReference, type ReferenceCase, type ReferenceData, type ReferenceResult } from './reference.js';

/** The data an experiment should have seen, read independently of it. */
export interface IndependentData extends ReferenceData {
  labels: string[];
}

/**
 * The experiment's embeddings against the float64 recomputation: largest
 * ||ours - reference||_F / ||reference||_F (per component sign for PCA and cPCA, whose
 * sign is a convention). Float32 fits from the same start stay within 2e-4 of it in these
 * tests (bcNMF, alpha 20, on the small leukemia files; most within 1e-5);
 * another alpha, seed, data set or number of iterations moves far outside.
 */
export const EMBEDDING_TOLERANCE = 1e-2;
/**
 * scikit-learn's k-means (its own seeded starts) on the reference embedding against the
 * reported ARI: the two k-means may settle in different local optima of a weakly
 * clustered embedding, so only a coarse agreement is asked of them.
 */
export const SKLEARN_ARI_TOLERANCE = 0.1;

export interface Recomputation {
  /** Every disagreement found, one line each (the test asserts there are none). */
  problems: string[];
  /** Per method label: the largest embedding difference and the largest sklearn ARI difference seen. */
  worst: Record<string, { embedding: number; sklearnAri: number }>;
}

/** Collects the method runs of a reproduce run, by experiment name (for {@link ReproduceOptions.onMethodRun}). */
export function methodRunCollector(): { events: Map<string, MethodRunEvent[]>; onMethodRun: (experiment: string, e: MethodRunEvent) => void } {
  const events = new Map<string, MethodRunEvent[]>();
  return { events, onMethodRun: (experiment, e) => events.set(experiment, [...(events.get(experiment) ?? []), e]) };
}

const formatAlpha = (a: number) => (a === 0 ? '0' : Number(a.toPrecision(3)).toString());

/** The settings a column was run with, and its methods. */
function methodsOf(result: ExperimentResult, column: string): MethodSettings[] {
  const run = result.settings.find((x) => x.columns.includes(column));
  if (!run) throw new Error(`${result.name}: no settings ran column ${column}`);
  return run.methods;
}

/** The methods with one event per (column, seed): all but cPCA with automatic alpha. */
const autoAlpha = (m: MethodSettings) => m.method === 'cpca' && (m.options.alpha === 'auto' || m.options.alpha === null);

/** Most returned-alpha rows (and events) per cPCA run: the automatic choice returns 4 clusters, one holding 0. */
const MAX_RETURNED = 3;

function definedOptions(settings: MethodSettings): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings.options).filter(([, v]) => v !== null));
}

function rows(embedding: { rows: number; columns: number; get(i: number, j: number): number }): number[][] {
  return Array.from({ length: embedding.rows }, (_, i) => Array.from({ length: embedding.columns }, (_, j) => embedding.get(i, j)));
}

/** ||a - b|| / ||b|| (Frobenius), with each column of `a` first given the sign that matches `b` when `signFree`. */
function relativeDifference(a: number[][], b: number[][], signFree: boolean): number {
  if (a.length !== b.length || a[0].length !== b[0].length) return Infinity;
  const cols = b[0].length;
  let diff = 0;
  let norm = 0;
  for (let j = 0; j < cols; j++) {
    let dot = 0;
    for (let i = 0; i < b.length; i++) dot += a[i][j] * b[i][j];
    const sign = signFree && dot < 0 ? -1 : 1;
    for (let i = 0; i < b.length; i++) {
      diff += (sign * a[i][j] - b[i][j]) ** 2;
      norm += b[i][j] ** 2;
    }
  }
  return Math.sqrt(diff / norm);
}

/**
 * Checks every score of an experiment's result against the reference, from the method
 * runs it reported (`events`). `dataFor(column, seed)` gives the target, background and
 * labels the run should have used, read independently (the same object for runs on the
 * same data).
 */
export function recompute(
  result: ExperimentResult,
  events: readonly MethodRunEvent[],
  dataFor: (column: string, seed: number) => IndependentData,
): Recomputation {
  const problems: string[] = [];
  for (const column of result.columns) {
    for (const m of methodsOf(result, column).filter((x) => !autoAlpha(x))) {
      for (const seed of result.seeds) {
        const n = events.filter((e) => e.column === column && e.seed === seed && e.method === m.label).length;
        if (n !== 1) problems.push(`${result.name} ${column} ${m.label} seed ${seed}: ${n} method runs reported, expected 1`);
      }
    }
  }

  // the reference cases: PCA and cPCA once per data set (they take no seed), NMF and bcNMF per seed
  const names = new Map<IndependentData, string>();
  const datasets: Record<string, ReferenceData> = {};
  const cases = new Map<string, ReferenceCase>();
  const caseOf = (e: MethodRunEvent) => {
    const m = methodsOf(result, e.column).find((x) => x.label === e.method)!;
    const data = dataFor(e.column, e.seed);
    if (!names.has(data)) {
      const name = `d${names.size}`;
      names.set(data, name);
      datasets[name] = { target: data.target, background: data.background };
    }
    const seeded = m.method === 'nmf' || m.method === 'bcnmf';
    const id = seeded ? `${e.column}/${e.method}/${e.seed}` : `${e.column}/${e.method}/${names.get(data)}`;
    return { m, data, id, seeded };
  };
  for (const e of events) {
    const { m, data, id, seeded } = caseOf(e);
    if (cases.has(id)) continue;
    const options = definedOptions(m);
    const k = (options.k ?? options.nComponents) as number;
    const features = data.target[0].length;
    cases.set(id, {
      id,
      dataset: names.get(data)!,
      method: m.method,
      options,
      ...(seeded ? { init: randomStart(e.seed, k, features, data.target.length, m.method === 'bcnmf' ? data.background!.length : undefined) } : {}),
      labels: data.labels,
      scoring: {
        protocol: m.protocol === 'umap' ? 'none' : m.protocol,
        k: result.evaluation.k,
        nInit: result.evaluation.nInit,
        seeds: seeded ? [e.seed] : result.seeds,
      },
    });
  }
  const reference = runReference(datasets, [...cases.values()]);

  // cPCA with automatic alpha: one event per returned non-zero alpha, the reference's alphas
  for (const column of result.columns) {
    for (const m of methodsOf(result, column).filter(autoAlpha)) {
      for (const seed of result.seeds) {
        const runs = events.filter((e) => e.column === column && e.seed === seed && e.method === m.label);
        if (runs.length === 0) {
          problems.push(`${result.name} ${column} ${m.label} seed ${seed}: no method run reported`);
          continue;
        }
        const ref = reference.get(caseOf(runs[0]).id)!;
        const expected = (ref.alphas ?? []).filter((a) => a > 0).slice(0, MAX_RETURNED).map(formatAlpha);
        const got = runs.map((e) => (e.alpha === undefined ? 'none' : formatAlpha(e.alpha)));
        if (got.join(', ') !== expected.join(', ')) {
          problems.push(`${result.name} ${column} ${m.label} seed ${seed}: scored returned α ${got.join(', ')}, the reference returned ${expected.join(', ') || 'none but 0'}`);
        }
      }
    }
  }

  const worst: Recomputation['worst'] = {};
  for (const e of events) {
    const { m, data, id, seeded } = caseOf(e);
    const ref = reference.get(id) as ReferenceResult;
    const where = `${result.name} ${e.column} ${e.method}${e.alpha === undefined ? '' : ` at α=${formatAlpha(e.alpha)}`} seed ${e.seed}`;
    const c = result.columns.indexOf(e.column);
    const s = result.seeds.indexOf(e.seed);
    const row = result.rows.find((r) => r.method === e.row);
    const w = (worst[e.method] ??= { embedding: 0, sklearnAri: 0 });
    // the reference's embedding and scikit-learn ARIs for this event (at its alpha for cPCA's automatic choice)
    const at = e.alpha === undefined ? -1 : (ref.alphas ?? []).findIndex((a) => formatAlpha(a) === formatAlpha(e.alpha!));
    if (e.alpha !== undefined && (at < 0 || !ref.alphaEmbeddings || !ref.alphaAris)) {
      problems.push(`${where}: scored at α=${formatAlpha(e.alpha)}, which the reference did not return (${(ref.alphas ?? []).map(formatAlpha).join(', ')})`);
      continue;
    }
    const refEmbedding = at < 0 ? ref.embedding : ref.alphaEmbeddings![at];
    const refAris = at < 0 ? ref.aris : ref.alphaAris![at];

    const wrongLabels = data.labels.filter((l, i) => e.labels[i] !== l).length;
    if (e.labels.length !== data.labels.length || wrongLabels > 0) {
      problems.push(`${where}: scored against labels that differ from the data's at ${wrongLabels} of ${data.labels.length} samples`);
    }
    // the value's place in its row's cell: seeds whose cPCA returned fewer alphas have none in a returned-alpha row
    const place = events.filter((x) => x.column === e.column && x.row === e.row && result.seeds.indexOf(x.seed) < s).length;
    if (!row) problems.push(`${where}: no table row '${e.row}'`);
    else if (row.cells[c].values[place] !== e.ari) problems.push(`${where}: the table's '${e.row}' says ${row.cells[c].values[place]}, the run scored ${e.ari}`);

    // the score of this embedding against the independently read labels, as the report says it was scored
    const settings = {
      protocol: m.protocol,
      k: result.evaluation.k,
      nInit: result.evaluation.nInit,
      seed: e.seed,
      ...(m.protocol === 'umap' ? { umap: { ...result.evaluation.umap, seed: e.seed } } : {}),
    };
    const ours = rows(e.embedding);
    const rescored = evaluateEmbedding(ours, data.labels, settings).ari;
    if (Math.abs(rescored - e.ari) > 1e-12) problems.push(`${where}: reported ARI ${e.ari}, but its embedding scores ${rescored} against the data's labels`);

    // the embedding against the float64 fit from the same settings and start
    const difference = relativeDifference(ours, refEmbedding, !seeded);
    w.embedding = Math.max(w.embedding, difference);
    if (!(difference <= EMBEDDING_TOLERANCE)) {
      problems.push(`${where}: embedding ${e.embedding.rows} x ${e.embedding.columns} differs from the float64 reference by ${difference.toExponential(2)} (relative) > ${EMBEDDING_TOLERANCE}`);
    }
    // scikit-learn's k-means and ARI on the reference embedding
    const sklearnAri = refAris.length === 0 ? undefined : refAris[seeded ? 0 : s];
    if (sklearnAri !== undefined) {
      w.sklearnAri = Math.max(w.sklearnAri, Math.abs(sklearnAri - e.ari));
      if (!(Math.abs(sklearnAri - e.ari) <= SKLEARN_ARI_TOLERANCE)) {
        problems.push(`${where}: ARI ${e.ari.toFixed(4)}, scikit-learn on the reference embedding ${sklearnAri.toFixed(4)} (tolerance ${SKLEARN_ARI_TOLERANCE})`);
      }
    }
    // cPCA's automatic alpha: the best returned alpha's row holds, per seed, the largest of the returned alphas' ARIs
    if (e.alpha !== undefined) {
      const best = result.rows.find((r) => r.method.startsWith(`${e.method} (best returned α`));
      const sameRun = events.filter((x) => x.column === e.column && x.seed === e.seed && x.method === e.method);
      if (!best) problems.push(`${where}: no best-returned-alpha row`);
      else if (sameRun[0] === e) {
        const bestPlace = result.seeds.slice(0, s).filter((seed) => events.some((x) => x.column === e.column && x.seed === seed && x.method === e.method)).length;
        const value = best.cells[c].values[bestPlace];
        const largest = Math.max(...sameRun.map((x) => x.ari));
        if (value !== largest) problems.push(`${where}: the best returned alpha's row says ${value}, the largest returned alpha's ARI is ${largest}`);
        const refBest = Math.max(...(ref.alphaAris ?? []).slice(1).map((aris) => aris[s] ?? -Infinity));
        if (Number.isFinite(refBest) && !(Math.abs(refBest - value) <= SKLEARN_ARI_TOLERANCE)) {
          problems.push(`${where}: best returned alpha ARI ${value.toFixed(4)}, scikit-learn on the reference ${refBest.toFixed(4)}`);
        }
      }
    }
  }
  return { problems, worst };
}

/** Mean over seeds of a method's ARI in a column. */
export function meanAri(result: ExperimentResult, method: string, column = 0): number {
  const row = result.rows.find((r) => r.method === method);
  if (!row) throw new Error(`no row ${method} in ${result.name}`);
  return row.cells[column].mean;
}

/**
 * A subtest of `t` that recomputes every score of `result` (see {@link recompute}) and
 * fails on any disagreement; skipped, with the reason, where the reference cannot run.
 */
export async function recomputedSubtest(
  t: TestContext,
  result: ExperimentResult,
  events: readonly MethodRunEvent[] | undefined,
  dataFor: (column: string, seed: number) => IndependentData,
): Promise<Recomputation | undefined> {
  let outcome: Recomputation | undefined;
  await t.test(`${result.name}: every score agrees with the float64 reference (NumPy, scikit-learn)`, { skip: referenceUnavailable() }, (sub) => {
    outcome = recompute(result, events ?? [], dataFor);
    const worst = Object.entries(outcome.worst).map(([m, w]) => `${m} ${w.embedding.toExponential(1)} / ${w.sklearnAri.toFixed(3)}`);
    sub.diagnostic(`largest embedding difference / sklearn ARI difference: ${worst.join(', ')}`);
    assert.deepEqual(outcome.problems, []);
  });
  return outcome;
}

/** `labels` in a fixed pseudo-random order (Fisher–Yates driven by a small LCG seeded with `seed`). */
export function permuted<T>(labels: readonly T[], seed: number): T[] {
  const out = [...labels];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
