import type { DenseMatrix } from '@bcnmf/core';
import type { EvaluationProtocol } from '@bcnmf/metrics';
import type { CellStats } from './stats.js';

/** A method of @bcnmf/baselines' registry. */
export type MethodId = 'pca' | 'cpca' | 'nmf' | 'bcnmf';

/** One method of an experiment with its settings. */
export interface MethodSpec {
  /** Key in @bcnmf/baselines' `methods`. */
  method: MethodId;
  /** Row label in the tables: 'PCA', 'cPCA', 'NMF', 'bcNMF'. */
  label: string;
  /** Options given to the method's `fit`; the run's seed is added as `seed`. */
  options: Record<string, unknown>;
  /** k-means protocol for this method when it differs from the experiment's (e.g. raw PCA scores, which can be negative). */
  protocol?: EvaluationProtocol;
  /**
   * The fit depends neither on the seed nor on seed-dependent data (e.g. PCA of a fixed
   * data set): fitted once, and only the k-means (and UMAP) run per seed.
   */
  fitOnce?: boolean;
}

/** How an embedding is scored (ALGORITHM.md §6). */
export interface EvaluationSpec {
  /** What k-means runs on: the embedding, its row-normalised form, or a 2-D UMAP of it. */
  protocol: EvaluationProtocol;
  /** Number of clusters. */
  k: number;
  /** k-means++ starts. */
  nInit: number;
  /** UMAP settings of the 'umap' protocol. */
  umap?: { nNeighbors?: number; minDist?: number; nEpochs?: number };
  /** What the true labels are, in words ("genotype", "digit"). */
  labels: string;
}

/** A value the paper (or its released reproduction) reports, printed beside ours. */
export interface PaperValue {
  /** Row label (method). */
  method: string;
  /** Column of the table. */
  column: string;
  value: number;
  sd?: number;
  /** Where it comes from: 'paper', 'release', ... */
  source: string;
}

/** The paper's values for an experiment's table. */
export interface PaperTable {
  values: PaperValue[];
  /** A statement when there is no number (e.g. "bcNMF well above NMF"). */
  note?: string;
}

/** Internal size overrides (tests, benchmarks); not command-line flags. */
export interface RunOverrides {
  /** The backend NMF and bcNMF run on (default: the fit's default, 'auto'). */
  backend?: string;
  /** Simulation: fraction of genes and cells. */
  scale?: number;
  /** Simulation: the betas to run. */
  betas?: number[];
  /** Iterations of NMF and bcNMF. */
  maxIter?: number;
  /** Number of HVGs of the single-cell loaders. */
  nTopGenes?: number;
  /** Number of topics of NMF / bcNMF. */
  k?: number;
  /** UMAP epochs (0: umap-js chooses). */
  umapEpochs?: number;
  /** cPCA: number of candidate alphas of the automatic choice. */
  cpcaAlphas?: number;
  /** cPCA: a fixed alpha instead of the automatic choice. */
  cpcaAlpha?: number;
}

/** What a run of an experiment gets. */
export interface RunContext {
  /** The seeds, one table value per seed per cell. */
  seeds: number[];
  quick: boolean;
  /** Absolute data directory. */
  dataDir: string;
  /** Progress lines. */
  print: (line: string) => void;
  overrides: RunOverrides;
  /**
   * Called after each method run with what was scored. Not a command-line feature: it
   * lets the end-to-end tests recompute every score independently.
   */
  onMethodRun?: (event: MethodRunEvent) => void;
  /** Ctrl-C: fits stop within about an iteration, and the run rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What one method run scored: its target embedding, against these labels, giving `ari`. */
export interface MethodRunEvent {
  /** The table column ('ARI', or 'β=2' in the simulation). */
  column: string;
  seed: number;
  /** The method's row label ('bcNMF', ...). */
  method: string;
  /** Target samples x components, as the method returned it. */
  embedding: DenseMatrix;
  labels: readonly string[];
  ari: number;
}

/** Whether an experiment's data are present. */
export type Availability = { present: true } | { present: false; message: string };

/** The settings of one method as run, for the report. */
export interface MethodSettings {
  label: string;
  method: MethodId;
  /** Option name → value, as given to the method (seed excluded). */
  options: Record<string, string | number | boolean | null>;
  /** The k-means protocol its embedding was scored with. */
  protocol: EvaluationProtocol;
  /** One line: "K=2, alpha=2, 300 iterations, ...". */
  text: string;
}

/** One row of a result table: a method, a cell per column. */
export interface ResultRow {
  method: string;
  cells: CellStats[];
  /** Per column, a note on what varied (e.g. cPCA's chosen alphas per seed); '' when none. */
  details: string[];
}

/** A scatter of an embedding coloured by the true label. */
export interface ScatterFigure {
  kind: 'scatter';
  /** File stem, e.g. 'simulation-beta2-bcNMF-scatter'. */
  id: string;
  title: string;
  method: string;
  xLabel: string;
  yLabel: string;
  points: [number, number][];
  labels: string[];
  /** What the colours are, when not the experiment's true labels (e.g. 'method'). */
  legend?: string;
}

/** A topic x feature heatmap of a basis W. */
export interface HeatmapFigure {
  kind: 'heatmap';
  id: string;
  title: string;
  rowNames: string[];
  columnNames: string[];
  /** rows x columns. */
  values: number[][];
  /** What was left out (e.g. "top 30 features per topic of 3000"). */
  caption: string;
}

export type Figure = ScatterFigure | HeatmapFigure;

/** What an experiment's run returns; the report is rendered from this only. */
export interface ExperimentResult {
  name: string;
  title: string;
  dataset: {
    name: string;
    description: string;
    target: [number, number];
    background: [number, number];
    /** Counts and facts of the loading (rows per group, ...). */
    info: Record<string, string | number>;
  };
  evaluation: EvaluationSpec;
  methods: MethodSettings[];
  /** Heading of the value columns ('beta' for the simulation; '' for one ARI column). */
  columnHeading: string;
  columns: string[];
  rows: ResultRow[];
  paper: PaperTable;
  seeds: number[];
  quick: boolean;
  /** What --quick changed for this run ('' for a full run). */
  quickChanges: string;
  notes: string[];
  seconds: number;
  figures: Figure[];
}

/**
 * An experiment of the paper: data set, methods with their settings, evaluation
 * protocol, the paper's values, and a run that returns a table. Adding one = a module in
 * src/experiments/ listed in src/registry.ts.
 */
export interface Experiment {
  /** Command-line name. */
  name: string;
  title: string;
  /** The data set, in words, and its @bcnmf/data registry name when it has one. */
  dataset: { description: string; registry?: string };
  /** The methods and settings of a full (or --quick) run. */
  methods(quick: boolean, overrides?: RunOverrides): MethodSpec[];
  evaluation: EvaluationSpec;
  paper: PaperTable;
  /** Default number of seeds. */
  seeds: { full: number; quick: number };
  /** What --quick changes, in words. */
  quickChanges: string;
  /** Whether the data are present (with where to get them when not). */
  available(dataDir: string): Promise<Availability>;
  run(context: RunContext): Promise<ExperimentResult>;
}

/** Data ready for the methods: target and background with the same features, and the target's true labels. */
export interface PreparedData {
  target: DenseMatrix;
  background: DenseMatrix;
  labels: string[];
  featureNames: readonly string[];
}
