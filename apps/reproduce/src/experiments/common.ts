import type { FittedMethod } from '@bcnmf/baselines';
import type { DenseMatrix } from '@bcnmf/core';
import { formatAlpha, runMethod, type MethodRun } from '../runner.js';
import { summarize } from '../stats.js';
import type { EvaluationSpec, Figure, MethodSpec, PreparedData, ResultRow, RunContext } from '../types.js';

/** Label of the extra cPCA row: the best of its automatically returned alphas, picked with the labels. */
export const CPCA_BEST_LABEL = 'cPCA (best returned α, picked by ARI)';

/** Per method label, per column, per seed: the runs. */
export type RunGrid = Map<string, MethodRun[][]>;

/**
 * Runs every method on the data of each (column, seed) and collects the runs.
 * `dataFor(column, seed)` gives the data (and a key: equal keys = same data, so
 * `fitOnce` methods are fitted once per key).
 */
export async function runGrid(
  context: RunContext,
  specs: MethodSpec[],
  evaluation: EvaluationSpec,
  columns: string[],
  dataFor: (column: number, seed: number) => Promise<{ key: string; data: PreparedData }>,
): Promise<RunGrid> {
  const grid: RunGrid = new Map(specs.map((s) => [s.label, columns.map(() => [])]));
  const fits = new Map<string, FittedMethod>();
  for (let c = 0; c < columns.length; c++) {
    for (const seed of context.seeds) {
      const { key, data } = await dataFor(c, seed);
      for (const spec of specs) {
        const run = await runMethod(spec, data, seed, evaluation, { key, fits }, { backend: context.overrides.backend, signal: context.signal });
        grid.get(spec.label)![c].push(run);
        context.onMethodRun?.({ column: columns[c], seed, method: spec.label, embedding: run.embedding, labels: data.labels, ari: run.ari });
        context.print(
          `  ${columns.length > 1 ? `${columns[c]}, ` : ''}seed ${seed}: ${spec.label.padEnd(5)} ARI ${run.ari.toFixed(3)}${run.detail ? ` (${run.detail})` : ''}  ${run.seconds.toFixed(1)} s`,
        );
      }
    }
  }
  return grid;
}

/** Table rows (mean ± sd over seeds) from a grid, plus the cPCA best-alpha row where cPCA chose its alpha. */
export function rowsOf(grid: RunGrid, specs: MethodSpec[]): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const spec of specs) {
    const cols = grid.get(spec.label)!;
    rows.push({
      method: spec.label,
      cells: cols.map((runs) => summarize(runs.map((r) => r.ari))),
      details: cols.map((runs) => (runs.some((r) => r.detail) ? runs.map((r) => r.detail).join('; ') : '')),
    });
    if (spec.method === 'cpca' && cols.every((runs) => runs.every((r) => r.bestReturnedAlpha))) {
      rows.push({
        method: CPCA_BEST_LABEL,
        cells: cols.map((runs) => summarize(runs.map((r) => r.bestReturnedAlpha!.ari))),
        details: cols.map((runs) => runs.map((r) => `α=${formatAlpha(r.bestReturnedAlpha!.alpha)}`).join('; ')),
      });
    }
  }
  return rows;
}

/** Most features a heatmap shows in full; above, the top features of each topic. */
const HEATMAP_MAX_FEATURES = 1000;

/**
 * Figures from the runs of one column and the first seed: a scatter per method coloured
 * by the true label, and a heatmap of bcNMF's W.
 */
export function figuresOf(
  experiment: string,
  grid: RunGrid,
  specs: MethodSpec[],
  column: number,
  labels: string[],
  suffix: string,
): Figure[] {
  const figures: Figure[] = [];
  const tag = suffix ? `-${suffix}` : '';
  for (const spec of specs) {
    const run = grid.get(spec.label)![column][0];
    if (!run) continue;
    figures.push({
      kind: 'scatter',
      id: `${experiment}${tag}-${spec.label}-scatter`,
      title: `${experiment}${suffix ? ` (${suffix})` : ''}: ${spec.label}, first seed, ARI ${run.ari.toFixed(3)}`,
      method: spec.label,
      xLabel: run.xLabel,
      yLabel: run.yLabel,
      points: run.points,
      labels,
    });
    if (run.basis) figures.push(heatmapOf(`${experiment}${tag}-${spec.label}-W-heatmap`, `${experiment}${suffix ? ` (${suffix})` : ''}: ${spec.label} W (topics x features), first seed`, run.basis));
  }
  return figures;
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
