import type { FittedMethod } from '@bcnmf/baselines';
import type { DenseMatrix } from '@bcnmf/core';
import { FitPool, offloadedFit } from '../offload/fit-pool.js';
import type { FitJob, FitJobResult } from '../offload/fit-job.js';
import { chosenReturned, embeddingDifference, formatAlpha, runMethod, runsOnBackend, scoreFit, type MethodRun } from '../runner.js';
import { summarize } from '../stats.js';
import type { BackendCheck, EvaluationSpec, Figure, MethodSpec, PreparedData, ResultRow, RunContext } from '../types.js';

/** Label of the cPCA row that takes, per seed, the best of the returned alphas: chosen with the labels, a best case. */
export const CPCA_BEST_LABEL = 'cPCA (best returned α, chosen with labels)';

/** Label of the cPCA row of the `rank`-th returned non-zero alpha (1 = the smallest). */
export function cpcaReturnedLabel(rank: number, spec?: MethodSpec): string {
  const base = spec && spec.label !== 'cPCA' ? spec.label : 'cPCA';
  return `${base} (returned α #${rank}${spec?.pick?.rank === rank ? ", the notebook's pick" : ''})`;
}

/**
 * The seeds part of a quick run's changes, from the seeds that ran (--seeds may ask for
 * other than the quick default): '1 seed instead of 10', '10 seeds, as a full run'.
 */
export function seedsChange(ran: number, full: number, unit = 'seed'): string {
  return ran === full ? `${ran} ${unit}s, as a full run` : `${ran} ${unit}${ran === 1 ? '' : 's'} instead of ${full}`;
}

/** Most returned non-zero alphas of cPCA's automatic choice (4 spectral clusters, one holding 0). */
const MAX_RETURNED = 3;

/** Per method label, per column, per seed: the runs. */
export type RunGrid = Map<string, MethodRun[][]>;

/** Fits a grid can hand to worker processes: which (column, seed, method), with the cell's data. */
export interface Offload {
  pool: FitPool;
  /** The job of a method on a cell's data, or undefined to fit it here. */
  jobFor(column: number, seed: number, spec: MethodSpec, data: PreparedData): FitJob | undefined;
}

/**
 * Runs every method on the data of each (column, seed) and collects the runs.
 * `dataFor(column, seed)` gives the data (and a key: equal keys = same data, so
 * `fitOnce` methods are fitted once per key). `specs` may differ per column (other
 * settings), with the same labels in the same order. With `offload`, the fits it takes
 * are sent, with their data, to its worker processes as each cell's data are made, and
 * run there while this process fits the others and goes on to the next cells (at most a
 * few cells ahead of the workers, so that queued data stay few); they are scored when
 * they come back. The runs are the same either way, in the same order. Each run is
 * reported to `context.onMethodRun` once scored (cPCA with automatic alpha: once per
 * returned non-zero alpha, with the row it fills); `context.signal` stops the fits here
 * (the pool's are stopped by its owner) and the grid rejects with its reason.
 */
export async function runGrid(
  context: RunContext,
  specs: MethodSpec[] | ((column: number) => MethodSpec[]),
  evaluation: EvaluationSpec,
  columns: string[],
  dataFor: (column: number, seed: number) => Promise<{ key: string; data: PreparedData }>,
  offload?: Offload,
): Promise<RunGrid> {
  const specsOf = typeof specs === 'function' ? specs : () => specs;
  const grid: RunGrid = new Map(specsOf(0).map((s) => [s.label, columns.map(() => [])]));
  const fits = new Map<string, FittedMethod>();
  const print = (c: number, seed: number, spec: MethodSpec, run: MethodRun, where: string) => {
    const ari = run.returned
      ? run.returned.map((r) => `α=${formatAlpha(r.alpha)} ${r.ari.toFixed(3)}`).join(', ') || 'no non-zero α returned'
      : `${run.ari.toFixed(3)}${run.detail ? ` (${run.detail})` : ''}`;
    context.print(`  ${columns.length > 1 ? `${columns[c]}, ` : ''}seed ${seed}: ${spec.label.padEnd(5)} ARI ${ari}  ${run.seconds.toFixed(1)} s${where}`);
  };
  const place = (c: number, seed: number, spec: MethodSpec, run: MethodRun) => {
    const cell = grid.get(spec.label);
    if (!cell) throw new Error(`runGrid: method '${spec.label}' of column ${columns[c]} is not in the first column's methods`);
    cell[c][context.seeds.indexOf(seed)] = run;
  };
  const report = (c: number, seed: number, spec: MethodSpec, run: MethodRun, labels: string[]) => {
    if (!context.onMethodRun) return;
    const base = { column: columns[c], seed, method: spec.label, labels };
    if (!run.returned) {
      context.onMethodRun({ ...base, row: spec.label, embedding: run.embedding, ari: run.ari });
      return;
    }
    run.returned.forEach((r, i) => {
      if (i < MAX_RETURNED) context.onMethodRun!({ ...base, row: cpcaReturnedLabel(i + 1, spec), alpha: r.alpha, embedding: r.embedding, ari: r.ari });
    });
  };
  const sent: { c: number; seed: number; spec: MethodSpec; labels: string[]; result: Promise<FitJobResult> }[] = [];
  let scored = 0;
  const scoreNext = async () => {
    const s = sent[scored++];
    const r = await s.result;
    context.signal?.throwIfAborted();
    const run = scoreFit(s.spec, offloadedFit(r), s.labels, s.seed, evaluation);
    run.seconds = r.seconds;
    place(s.c, s.seed, s.spec, run);
    report(s.c, s.seed, s.spec, run, s.labels);
    print(s.c, s.seed, s.spec, run, ' (worker)');
  };
  for (let c = 0; c < columns.length; c++) {
    for (const seed of context.seeds) {
      const { key, data } = await dataFor(c, seed);
      for (const spec of specsOf(c)) {
        const job = offload?.jobFor(c, seed, spec, data);
        if (job) {
          sent.push({ c, seed, spec, labels: data.labels, result: offload!.pool.submit(job) });
          continue;
        }
        const run = await runMethod(spec, data, seed, evaluation, { key, fits }, { backend: context.overrides.backend, signal: context.signal });
        const against = context.overrides.checkBackend;
        if (against !== undefined && runsOnBackend(spec)) {
          const check = await runMethod(spec, data, seed, evaluation, undefined, { backend: against, signal: context.signal });
          run.check = { ari: check.ari, embeddingDifference: embeddingDifference(check.embedding, run.embedding) };
        }
        place(c, seed, spec, run);
        report(c, seed, spec, run, data.labels);
        print(c, seed, spec, run, '');
      }
      // stay a few cells ahead of the workers: the queued jobs hold their data
      while (offload && offload.pool.backlog > 2 * offload.pool.size) await scoreNext();
    }
  }
  while (scored < sent.length) await scoreNext();
  return grid;
}

/**
 * Table rows (mean ± sd over seeds) from a grid. cPCA with automatic alpha gives a row per
 * returned non-zero alpha (by rank: #1 is the smallest; a seed that returned fewer has no
 * value there) and the row of the best returned alpha per seed, chosen with the labels.
 */
export function rowsOf(grid: RunGrid, specs: MethodSpec[]): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const spec of specs) {
    const cols = grid.get(spec.label)!;
    if (!cols.every((runs) => runs.every((r) => r.returned))) {
      rows.push({
        method: spec.label,
        cells: cols.map((runs) => summarize(runs.map((r) => r.ari))),
        details: cols.map((runs) => (runs.some((r) => r.detail) ? runs.map((r) => r.detail).join('; ') : '')),
      });
      continue;
    }
    const ranks = Math.min(MAX_RETURNED, Math.max(0, ...cols.flatMap((runs) => runs.map((r) => r.returned!.length))));
    for (let rank = 1; rank <= ranks; rank++) {
      rows.push({
        method: cpcaReturnedLabel(rank, spec),
        cells: cols.map((runs) => summarize(runs.flatMap((r) => (r.returned![rank - 1] ? [r.returned![rank - 1].ari] : [])))),
        details: cols.map((runs) => runs.map((r) => (r.returned![rank - 1] ? `α=${formatAlpha(r.returned![rank - 1].alpha)}` : 'not returned')).join('; ')),
      });
    }
    rows.push({
      method: spec.label === 'cPCA' ? CPCA_BEST_LABEL : `${spec.label} (best returned α, chosen with labels)`,
      cells: cols.map((runs) => summarize(runs.flatMap((r) => (r.returned!.length > 0 ? [chosenReturned(r.returned!)!.ari] : [])))),
      details: cols.map((runs) => runs.map((r) => (r.returned!.length > 0 ? `α=${formatAlpha(chosenReturned(r.returned!)!.alpha)}` : 'none returned')).join('; ')),
    });
  }
  return rows;
}

/**
 * What `--check-backend` found in a grid: per NMF/bcNMF row and column, the ARIs on both
 * backends and how far the embeddings are apart; undefined when it was not asked for.
 */
export function backendCheckOf(grid: RunGrid, specs: MethodSpec[], columns: string[], context: RunContext): BackendCheck | undefined {
  const against = context.overrides.checkBackend;
  if (against === undefined) return undefined;
  const cells: BackendCheck['cells'] = [];
  for (const spec of specs.filter(runsOnBackend)) {
    grid.get(spec.label)!.forEach((runs, c) => {
      const ari = runs.map((r) => r.ari);
      const checkAri = runs.map((r) => r.check!.ari);
      const [a, b] = [summarize(ari), summarize(checkAri)];
      const error = a.sd === null || b.sd === null ? null : Math.sqrt((a.sd ** 2 + b.sd ** 2) / a.n);
      const difference = Math.abs(a.mean - b.mean);
      cells.push({
        method: spec.label,
        column: columns[c],
        ari,
        checkAri,
        embeddingDifference: Math.max(...runs.map((r) => r.check!.embeddingDifference)),
        agrees: difference === 0 ? true : error === null ? null : difference <= 2 * error,
      });
    });
  }
  return { backend: context.overrides.backend ?? 'auto', against, cells };
}

/** `{ backendCheck }` when there is one, else nothing (the result then has no such key). */
export function withBackendCheck(check: BackendCheck | undefined): { backendCheck?: BackendCheck } {
  return check ? { backendCheck: check } : {};
}

/** Most features a heatmap shows in full; above, the top features of each topic. */
const HEATMAP_MAX_FEATURES = 1000;

/** How a data set's features are drawn: pixel data (width x height = features) get W as images. */
export interface FeatureLayout {
  image?: { width: number; height: number };
}

/**
 * Figures from the runs of one column and the first seed: a scatter per method coloured
 * by the true label (cPCA with automatic alpha: at the notebook's pick, else at the best
 * returned alpha, said in the title), a heatmap of bcNMF's W, and for pixel data NMF's
 * and bcNMF's W as images.
 */
export function figuresOf(
  experiment: string,
  grid: RunGrid,
  specs: MethodSpec[],
  column: number,
  labels: string[],
  suffix: string,
  layout: FeatureLayout = {},
): Figure[] {
  const figures: Figure[] = [];
  const tag = suffix ? `-${suffix}` : '';
  const where = `${experiment}${suffix ? ` (${suffix})` : ''}`;
  for (const spec of specs) {
    const run = grid.get(spec.label)![column][0];
    if (!run) continue;
    let what = `${spec.label}, first seed, ARI ${run.ari.toFixed(3)}`;
    if (run.returned && run.returned.length > 0) {
      const shown = chosenReturned(run.returned, spec.pick?.rank)!;
      const rank = run.returned.indexOf(shown) + 1;
      const how = spec.pick?.rank === rank ? "the notebook's pick" : 'the best returned α, chosen with labels';
      what = `${spec.label} at α=${formatAlpha(shown.alpha)} (returned α #${rank}: ${how}), first seed, ARI ${shown.ari.toFixed(3)}`;
    }
    if (run.points.length > 0) {
      figures.push({
        kind: 'scatter',
        id: `${experiment}${tag}-${slug(spec.label)}-scatter`,
        title: `${where}: ${what}`,
        method: spec.label,
        xLabel: run.xLabel,
        yLabel: run.yLabel,
        points: run.points,
        labels,
      });
    }
    if (run.basis && spec.method === 'bcnmf') figures.push(heatmapOf(`${experiment}${tag}-${slug(spec.label)}-W-heatmap`, `${where}: ${spec.label} W (topics x features), first seed`, run.basis));
    if (run.basis && layout.image) {
      figures.push(imagesOf(`${experiment}${tag}-${slug(spec.label)}-W-images`, `${where}: ${spec.label} W, one ${layout.image.width} x ${layout.image.height} image per topic, first seed`, run.basis, layout.image));
    }
  }
  return figures;
}

/** A label as a file-name part: letters, digits, '.', '_' and '-' only. */
export function slug(label: string): string {
  return label.replace(/α=/g, 'alpha').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** W (topics x pixels) as one image per topic. */
export function imagesOf(id: string, title: string, W: DenseMatrix, image: { width: number; height: number }): Figure {
  if (W.columns !== image.width * image.height) throw new Error(`imagesOf: ${W.columns} features are not ${image.width} x ${image.height} pixels`);
  return {
    kind: 'images',
    id,
    title,
    width: image.width,
    height: image.height,
    images: Array.from({ length: W.rows }, (_, t) => Array.from(W.row(t))),
    names: Array.from({ length: W.rows }, (_, t) => W.rowNames?.[t] ?? `topic_${t + 1}`),
    caption: 'each topic scaled to its own maximum: white = 0, dark = its largest loading',
  };
}

/** A topic x feature heatmap of W; above {@link HEATMAP_MAX_FEATURES} features, the union of each topic's top features, in feature order. */
export function heatmapOf(id: string, title: string, W: DenseMatrix): Figure {
  const k = W.rows;
  const m = W.columns;
  let keep = Array.from({ length: m }, (_, j) => j);
  let caption = `all ${m} features`;
  if (m > HEATMAP_MAX_FEATURES) {
    const perTopic = Math.max(1, Math.floor(HEATMAP_MAX_FEATURES / k));
    const chosen = new Set<number>();
    for (let t = 0; t < k; t++) {
      const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => W.get(t, b) - W.get(t, a));
      for (const j of order.slice(0, perTopic)) chosen.add(j);
    }
    keep = [...chosen].sort((a, b) => a - b);
    caption = `the top ${perTopic} features of each topic (${keep.length} of ${m}), in feature order`;
  }
  const names = W.columnNames ?? Array.from({ length: m }, (_, j) => `f${j}`);
  return {
    kind: 'heatmap',
    id,
    title,
    rowNames: Array.from({ length: k }, (_, t) => W.rowNames?.[t] ?? `topic_${t + 1}`),
    columnNames: keep.map((j) => names[j]),
    values: Array.from({ length: k }, (_, t) => keep.map((j) => W.get(t, j))),
    caption,
  };
}
