import { fitBcnmf, type BcnmfModel, type DenseMatrix } from '@bcnmf/core';
import { consensusBcnmf, selectionSweep, type ConsensusResult, type SelectionSweep } from '@bcnmf/consensus';
import { loadMiceProtein, log1p, normalizeTotal, simulateBetaSeries } from '@bcnmf/data';
import { evaluateEmbedding } from '@bcnmf/metrics';
import { summarize } from '../stats.js';
import type { EvaluationSpec, Experiment, Figure, MethodSettings, MethodSpec, ResultRow, RunContext, RunOverrides } from '../types.js';
import { heatmapOf, seedsChange } from './common.js';
import { availability } from './dataset-experiment.js';

/** The mouse setting where ALGORITHM.md §7 measured the seed dependence. */
const MOUSE = { k: 15, alpha: 1, maxIter: 100, tol: 0 } as const;
/** The simulation's setting (ALGORITHM.md §7-8): K=2, alpha=2, 300 iterations, at beta 2. */
const SIMULATION = { k: 2, alpha: 2, maxIter: 300, tol: 0, beta: 2 } as const;
/** The consensus: restarts per run, and cNMF's outlier filter. */
const RESTARTS = { full: 20, quick: 10 } as const;
/** Runs (seeds) of a full run. */
const FULL_RUNS = 10;
const DENSITY_THRESHOLD = 0.5;
/** The selection sweep on the simulation: k above the paper's 2, alpha 0 (plain NMF) and 2. */
const SWEEP = { full: { ks: [2, 3, 4, 5, 6], restarts: 10 }, quick: { ks: [2, 3, 4], restarts: 5 }, alphas: [0, 2] } as const;
const QUICK_SCALE = 0.25;

const mouseEvaluation: EvaluationSpec = { protocol: 'umap', k: 2, nInit: 10, umap: { nNeighbors: 15, minDist: 0.1 }, labels: 'genotype (Control / Ts65Dn)' };
const simulationEvaluation: EvaluationSpec = { protocol: 'raw', k: 2, nInit: 20, labels: 'target program of each cell (0 / 1)' };

const SINGLE = 'bcNMF, one seed';
const consensusLabel = (restarts: number) => `consensus bcNMF, ${restarts} restarts`;
const columnsOf = (mouseK: number, beta: number) => [
  `mouse K=${mouseK} α=${MOUSE.alpha} (UMAP seed = run)`,
  'mouse, UMAP seed 0 (only the fit varies)',
  'mouse, run 0\'s fit, UMAP seed = run (only the evaluation varies)',
  `simulation β=${beta}, k=${SIMULATION.k}`,
];

function settingsOf(context: RunContext) {
  const o: RunOverrides = context.overrides;
  return {
    mouse: { ...MOUSE, k: o.k ?? MOUSE.k, maxIter: o.maxIter ?? MOUSE.maxIter },
    simulation: { ...SIMULATION, maxIter: o.maxIter ?? SIMULATION.maxIter },
    restarts: context.quick ? RESTARTS.quick : RESTARTS.full,
    scale: o.scale ?? (context.quick ? QUICK_SCALE : 1),
    sweep: context.quick ? SWEEP.quick : SWEEP.full,
    umapEpochs: o.umapEpochs,
  };
}

function methods(quick: boolean, o: RunOverrides = {}): MethodSpec[] {
  const k = o.k ?? MOUSE.k;
  const maxIter = o.maxIter ?? MOUSE.maxIter;
  const restarts = quick ? RESTARTS.quick : RESTARTS.full;
  return [
    { method: 'bcnmf', label: SINGLE, options: { k, alpha: MOUSE.alpha, maxIter, tol: 0 } },
    { method: 'bcnmf', label: consensusLabel(restarts), options: { k, alpha: MOUSE.alpha, maxIter, tol: 0, restarts, densityThreshold: DENSITY_THRESHOLD } },
  ];
}

function ariOf(embedding: DenseMatrix, labels: string[], evaluation: EvaluationSpec, seed: number, umapEpochs?: number) {
  return evaluateEmbedding(embedding, labels, {
    protocol: evaluation.protocol,
    k: evaluation.k,
    nInit: evaluation.nInit,
    seed,
    ...(evaluation.protocol === 'umap' ? { umap: { ...evaluation.umap, seed, ...(umapEpochs !== undefined ? { nEpochs: umapEpochs } : {}) } } : {}),
  });
}

const fmt = (values: number[]) => values.map((v) => v.toFixed(3)).join(', ');

/**
 * Consensus bcNMF against one seed (issue #20's evidence): on the mouse protein data at
 * the setting where the ARI was measured bimodal over seeds (mean-fill, K=15, alpha=1,
 * 100 iterations, UMAP protocol), R restarts per run against one seed per run; on the
 * simulation (beta 2) whether the two target-only programs come back stably at k = 2,
 * and what the selection sweep reports at larger k.
 */
export const consensus: Experiment = {
  name: 'consensus',
  title: 'Consensus bcNMF over restarts against one seed (mouse protein; simulation)',
  dataset: {
    description:
      'UCI "Mice Protein Expression" as in the mice-protein experiment (target c-SC-s + t-SC-s, background c-CS-s, 77 _N proteins, mean-filled); ' +
      'and the simulation of ALGORITHM.md §8 at beta 2 (one data set, simulation seed 0), log1p(CP10K)',
    registry: 'mice-protein',
  },
  methods,
  evaluation: mouseEvaluation,
  settings: {
    notebook: {
      summary:
        'the reference has no consensus (no notebook runs one): ALGORITHM.md §7\'s mouse setting (mean-fill, K=15, alpha=1, 100 iterations, UMAP protocol), ' +
        'where the seed dependence was measured, and the simulation at beta 2 (K=2, alpha=2, 300 iterations)',
      sameAs: 'table',
    },
    table: { summary: "ALGORITHM.md §7's mouse setting (mean-fill, K=15, alpha=1, 100 iterations, UMAP protocol) and the simulation at beta 2 (K=2, alpha=2, 300 iterations)" },
  },
  defaultSettings: ['notebook'],
  reference: {
    values: [],
    note: 'neither the paper nor a reference notebook has a consensus; ALGORITHM.md §7 reports the seed dependence it addresses (mouse, K=15: ARI about 0.1 or 0.79 per seed with a float64 transcription), a value of this project (untraced to the reference).',
  },
  seeds: { full: FULL_RUNS, quick: 3 },
  quickChanges: (seeds) => `${seedsChange(seeds, FULL_RUNS, 'run')}, ${RESTARTS.quick} restarts per consensus instead of ${RESTARTS.full}, the simulation at scale ${QUICK_SCALE} (750 genes, 250 + 250 cells), ` +
    `the sweep over k ${SWEEP.quick.ks.join(', ')} with ${SWEEP.quick.restarts} restarts instead of k ${SWEEP.full.ks.join(', ')} with ${SWEEP.full.restarts}`,
  available: (dataDir) => availability('mice-protein', dataDir),
  async run(context: RunContext) {
    const started = performance.now();
    const s = settingsOf(context);
    // every fit (single, consensus restarts, sweep) on the named backend, stopped by Ctrl-C
    const quiet = {
      onWarning: () => {},
      ...(context.overrides.backend !== undefined ? { backend: context.overrides.backend } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    };
    const runs = context.seeds;

    // mouse: one seed against R restarts, per run
    context.print(`  loading mice-protein from ${context.dataDir}`);
    const mice = await loadMiceProtein({ dataDir: context.dataDir });
    const mouseFit = { k: s.mouse.k, alpha: s.mouse.alpha, maxIter: s.mouse.maxIter, tol: s.mouse.tol, ...quiet };
    const single: number[][] = [[], [], [], []];
    const agreed: number[][] = [[], [], [], []];
    const mouseStability: number[] = [];
    const mouseReproducibility: number[] = [];
    let firstMouse: { single: BcnmfModel; model: BcnmfModel; points: [number, number][] } | null = null;
    for (const seed of runs) {
      const t0 = performance.now();
      const one = await fitBcnmf(mice.target, mice.background, { ...mouseFit, seed });
      const many = await consensusBcnmf(mice.target, mice.background, { ...mouseFit, seed, restarts: s.restarts, densityThreshold: DENSITY_THRESHOLD });
      const [oneRun, oneZero] = [ariOf(one.Htarget, mice.targetLabels, mouseEvaluation, seed, s.umapEpochs), ariOf(one.Htarget, mice.targetLabels, mouseEvaluation, 0, s.umapEpochs)];
      const manyRun = ariOf(many.model.Htarget, mice.targetLabels, mouseEvaluation, seed, s.umapEpochs);
      const manyZero = ariOf(many.model.Htarget, mice.targetLabels, mouseEvaluation, 0, s.umapEpochs);
      single[0].push(oneRun.ari);
      single[1].push(oneZero.ari);
      agreed[0].push(manyRun.ari);
      agreed[1].push(manyZero.ari);
      mouseStability.push(many.stability);
      mouseReproducibility.push(Math.min(...many.topics.map((t) => t.reproducibility)));
      if (!firstMouse) firstMouse = { single: one, model: many.model, points: (manyRun.umapCoordinates ?? []).map((p) => [p[0], p[1]]) };
      // the first run's fits, scored with this run's UMAP and k-means seed: what the protocol alone varies
      single[2].push(seed === runs[0] ? oneRun.ari : ariOf(firstMouse.single.Htarget, mice.targetLabels, mouseEvaluation, seed, s.umapEpochs).ari);
      agreed[2].push(seed === runs[0] ? manyRun.ari : ariOf(firstMouse.model.Htarget, mice.targetLabels, mouseEvaluation, seed, s.umapEpochs).ari);
      context.print(`  mouse, run ${seed}: one seed ARI ${oneRun.ari.toFixed(3)} (UMAP seed 0: ${oneZero.ari.toFixed(3)}); ` +
        `consensus of ${s.restarts} ARI ${manyRun.ari.toFixed(3)} (UMAP seed 0: ${manyZero.ari.toFixed(3)}), stability ${many.stability.toFixed(3)}  ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }

    // simulation at beta 2: the same comparison on one data set, and the sweep
    const sim = simulateBetaSeries({ beta: s.simulation.beta, seed: 0, scale: s.scale });
    const target = log1p(normalizeTotal(sim.target));
    const background = log1p(normalizeTotal(sim.background));
    const simLabels = Array.from(sim.targetLabels, String);
    const simFit = { k: s.simulation.k, alpha: s.simulation.alpha, maxIter: s.simulation.maxIter, tol: s.simulation.tol, ...quiet };
    const simStability: number[] = [];
    const simReproducibility: number[] = [];
    let firstSim: ConsensusResult | null = null;
    for (const seed of runs) {
      const t0 = performance.now();
      const one = await fitBcnmf(target, background, { ...simFit, seed });
      const many = await consensusBcnmf(target, background, { ...simFit, seed, restarts: s.restarts, densityThreshold: DENSITY_THRESHOLD });
      single[3].push(ariOf(one.Htarget, simLabels, simulationEvaluation, seed).ari);
      agreed[3].push(ariOf(many.model.Htarget, simLabels, simulationEvaluation, seed).ari);
      simStability.push(many.stability);
      simReproducibility.push(Math.min(...many.topics.map((t) => t.reproducibility)));
      firstSim ??= many;
      context.print(`  simulation, run ${seed}: one seed ARI ${single[3][single[3].length - 1].toFixed(3)}; consensus ARI ${agreed[3][agreed[3].length - 1].toFixed(3)}, ` +
        `stability ${many.stability.toFixed(3)}, reproducibility ${many.topics.map((t) => t.reproducibility.toFixed(2)).join(' / ')}  ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    context.print(`  simulation sweep: k ${s.sweep.ks.join(', ')} x alpha ${SWEEP.alphas.join(', ')}, ${s.sweep.restarts} restarts each`);
    const sweep: SelectionSweep = await selectionSweep(target, background, {
      ks: s.sweep.ks,
      alphas: SWEEP.alphas,
      restarts: s.sweep.restarts,
      maxIter: s.simulation.maxIter,
      tol: 0,
      seed: runs[0],
      ...quiet,
      onCell: ({ cell }) => context.print(`    k ${cell.k}, alpha ${cell.alpha}: ${cell.status === 'done'
        ? `stability ${cell.stability!.toFixed(3)}, target error ${cell.targetError!.toPrecision(4)}, top enrichment ${cell.topEnrichment?.toFixed(2)}, min reproducibility ${cell.minReproducibility!.toFixed(2)}`
        : `failed: ${cell.message}`}`),
    });

    const label = consensusLabel(s.restarts);
    const none = summarize([]);
    const rows: ResultRow[] = [
      { method: SINGLE, cells: single.map(summarize), details: single.map((v) => `per run: ${fmt(v)}`) },
      { method: label, cells: agreed.map(summarize), details: agreed.map((v) => `per run: ${fmt(v)}`) },
      {
        method: `${label}: stability (silhouette of the topics)`,
        cells: [summarize(mouseStability), none, none, summarize(simStability)],
        details: [`per run: ${fmt(mouseStability)}`, '', '', `per run: ${fmt(simStability)}`],
      },
      {
        method: `${label}: smallest reproducibility of a topic`,
        cells: [summarize(mouseReproducibility), none, none, summarize(simReproducibility)],
        details: [`per run: ${fmt(mouseReproducibility)}`, '', '', `per run: ${fmt(simReproducibility)}`],
      },
    ];
    const methodSettings: MethodSettings[] = [
      {
        label: SINGLE, method: 'bcnmf', options: { k: s.mouse.k, alpha: s.mouse.alpha, maxIter: s.mouse.maxIter, tol: 0 }, protocol: 'umap',
        text: `mouse K=${s.mouse.k}, alpha=${s.mouse.alpha}, ${s.mouse.maxIter} iterations (tol 0); simulation K=${s.simulation.k}, alpha=${s.simulation.alpha}, ${s.simulation.maxIter} iterations; ` +
          'one random start with the run\'s seed (restart 0 of that run\'s consensus)',
      },
      {
        label, method: 'bcnmf', options: { k: s.mouse.k, alpha: s.mouse.alpha, maxIter: s.mouse.maxIter, tol: 0, restarts: s.restarts, densityThreshold: DENSITY_THRESHOLD }, protocol: 'umap',
        text: `the same fits from ${s.restarts} random starts (seeds of the run), topics clustered as cNMF (unit length, local density over ${Math.max(1, Math.floor(0.3 * s.restarts))} neighbours, ` +
          `outliers at density >= ${DENSITY_THRESHOLD} dropped, k-means with 10 starts), consensus W = cluster medians, coefficients fitted once with W fixed (same iterations)`,
      },
    ];
    const figures: Figure[] = [];
    if (firstMouse && firstMouse.points.length > 0) {
      figures.push({
        kind: 'scatter', id: 'consensus-mouse-scatter', method: label,
        title: `mouse: consensus bcNMF (K=${s.mouse.k}, ${s.restarts} restarts), run ${runs[0]}, UMAP of H, ARI ${agreed[0][0].toFixed(3)}`,
        xLabel: 'UMAP 1', yLabel: 'UMAP 2', points: firstMouse.points, labels: mice.targetLabels,
      });
    }
    figures.push({
      kind: 'scatter', id: 'consensus-mouse-ari-per-run', method: 'both',
      title: `mouse K=${s.mouse.k}: ARI per run (UMAP seed = run), one seed against a consensus of ${s.restarts}`,
      xLabel: 'run (seed)', yLabel: 'ARI', legend: 'method',
      points: [...runs.map((r, i): [number, number] => [r - 0.08, single[0][i]]), ...runs.map((r, i): [number, number] => [r + 0.08, agreed[0][i]])],
      labels: [...runs.map(() => 'one seed'), ...runs.map(() => `consensus of ${s.restarts}`)],
    });
    figures.push({
      kind: 'scatter', id: 'consensus-simulation-sweep', method: 'sweep',
      title: `simulation β=${s.simulation.beta}: stability of the consensus (${s.sweep.restarts} restarts) against k`,
      xLabel: 'k (topics)', yLabel: 'stability (silhouette)', legend: 'alpha',
      points: sweep.cells.filter((c) => c.stability !== null).map((c): [number, number] => [c.k, c.stability!]),
      labels: sweep.cells.filter((c) => c.stability !== null).map((c) => `α=${c.alpha}`),
    });
    if (firstSim) {
      figures.push(heatmapOf('consensus-simulation-W-heatmap', `simulation β=${s.simulation.beta}: consensus W (k=2, ${s.restarts} restarts), run ${runs[0]}`, firstSim.model.W));
    }
    const sweepLines = sweep.cells.map((c) => (c.status === 'done'
      ? `k ${c.k}, α ${c.alpha}: stability ${c.stability!.toFixed(3)}, target error ${c.targetError!.toPrecision(4)}, background error ${c.backgroundError!.toPrecision(4)}, ` +
        `top enrichment ${c.topEnrichment === null ? '–' : c.topEnrichment.toFixed(2)}, min reproducibility ${c.minReproducibility!.toFixed(2)}`
      : `k ${c.k}, α ${c.alpha}: failed (${c.message})`));
    return {
      name: 'consensus',
      title: consensus.title,
      dataset: {
        name: 'mice-protein; simulated (beta 2)',
        description: consensus.dataset.description,
        target: mice.target.shape,
        background: mice.background.shape,
        info: {
          'simulation target': target.shape.join(' x '),
          'simulation background': background.shape.join(' x '),
          'simulation scale': s.scale,
          restarts: s.restarts,
          runs: runs.length,
        },
      },
      evaluation: mouseEvaluation,
      settings: [{ name: 'notebook', summary: consensus.settings.notebook.summary, sameAs: 'table', columns: columnsOf(s.mouse.k, s.simulation.beta), methods: methodSettings }],
      columnHeading: '',
      columns: columnsOf(s.mouse.k, s.simulation.beta),
      rows,
      reference: consensus.reference,
      seeds: runs,
      quick: context.quick,
      quickChanges: context.quick ? consensus.quickChanges(context.seeds.length) : '',
      notes: [
        'Run r: bcNMF with seed r (one random start) against the consensus of the starts of seed r (restart 0 of it is that same fit); k-means, UMAP and the consensus\'s k-means use seed r too.',
        'Mouse columns: k-means (2 clusters, 10 starts) on a seeded 2-D UMAP (15 neighbours, min_dist 0.1) of H against genotype. The first column seeds the UMAP and k-means with the run\'s seed, as the mice-protein experiment does; ' +
          'the second seeds every UMAP and k-means with 0, so that only the fit varies between runs; the third scores run 0\'s fits with each run\'s UMAP and k-means seed, so that only the evaluation varies.',
        `Simulation column: one data set (beta ${s.simulation.beta}, simulation seed 0, scale ${s.scale}), k-means (2 clusters, 20 starts) on H against the target program; the runs differ only in the fit's seed.`,
        'Stability: the silhouette of the restart topics\' clustering (in [-1, 1]; near 1 when every restart finds the same programs). Reproducibility: the fraction of restarts with a member in a consensus topic (the row gives the smallest over the topics).',
        `Selection sweep on the simulation (bcnmf select; ${s.sweep.restarts} restarts per cell, no outlier filter): ${sweepLines.join('; ')}.`,
        sweep.recommendation ? `Sweep recommendation: ${sweep.recommendation.reason}. Rule: ${sweep.recommendation.rule}.` : 'Sweep recommendation: none (no cell finished).',
      ],
      seconds: (performance.now() - started) / 1000,
      figures,
      ...(context.overrides.checkBackend !== undefined
        ? {
            backendCheck: {
              backend: context.overrides.backend ?? 'auto',
              against: context.overrides.checkBackend,
              cells: [],
              notDone: 'not done for this experiment: its fits are consensus restarts, scored as a whole; run it with --backend on each backend and compare the tables',
            },
          }
        : {}),
    };
  },
};
