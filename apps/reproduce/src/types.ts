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
  /**
   * cPCA with automatic alpha: the returned alpha (1 = the smallest non-zero one) the
   * reference notebook picked by hand, and how it was picked; every returned alpha gets
   * a row either way.
   */
  pick?: { rank: number; note: string };
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

/** Where a reference value comes from (ALGORITHM.md §7, "Where each reference value comes from"). */
export type ReferenceKind = 'paper' | 'reference notebook' | 'untraced';

/** The three kinds of {@link ReferenceSource}, in order. */
export const REFERENCE_KINDS: readonly ReferenceKind[] = ['paper', 'reference notebook', 'untraced'];

/** The source of a reference value. */
export interface ReferenceSource {
  /**
   * 'paper': the arXiv text (Li, Yang & Li 2026, arXiv 2602.22387); 'reference notebook':
   * a printed output of a notebook of li-lab-mcgill/bcnmf; 'untraced': a value found
   * neither there nor in the paper's text (shown, never called the paper's).
   */
  kind: ReferenceKind;
  /** Which: 'arXiv 2602.22387', the notebook's path, or where an untraced value was copied from. */
  where: string;
  /** What the value is: one run or several, its settings, other data. */
  note?: string;
  /** The value was measured on other data than this experiment's (said in the row's label, not only in the note). */
  otherData?: boolean;
}

/** A reference value, printed beside ours. */
export interface ReferenceValue {
  /** The label of the row it compares with ('bcNMF', 'cPCA (best returned α, chosen with labels)', ...). */
  row: string;
  /** The column of the table it belongs in. */
  column: string;
  value: number;
  sd?: number;
  source: ReferenceSource;
}

/** The reference values of an experiment's table. */
export interface ReferenceTable {
  values: ReferenceValue[];
  /** A statement without a number, or about the values. */
  note?: string;
}

/** The two sets of settings an experiment can run (`--settings`). */
export type SettingsName = 'notebook' | 'table';

/** The names of {@link SettingsName}, in order. */
export const SETTINGS_NAMES: readonly SettingsName[] = ['notebook', 'table'];

/** One set of settings of an experiment, in words. */
export interface SettingsDescription {
  /** What they are and where they come from, in one line. */
  summary: string;
  /** Set when they are the other set's (the reference gives no separate protocol). */
  sameAs?: SettingsName;
}

/** Internal size overrides (tests, benchmarks); not command-line flags. */
export interface RunOverrides {
  /** The backend NMF and bcNMF run on (default: the fit's default, 'auto'). */
  backend?: string;
  /**
   * `--check-backend NAME`: NMF and bcNMF are fitted again on this backend from the same
   * seeds, scored the same way, and the report compares the two (see {@link BackendCheck}).
   */
  checkBackend?: string;
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
  /** Simulation: fraction of the cells only (genes and planted programs kept). */
  cellScale?: number;
  /** Simulation: worker processes for PCA and cPCA (0: all in this process); default env BCNMF_REPRODUCE_WORKERS, else the cores up to 4. */
  workers?: number;
}

/** What a run of an experiment gets. */
export interface RunContext {
  /** The seeds, one table value per seed per cell. */
  seeds: number[];
  quick: boolean;
  /** The settings to run, in order (one table column group each). */
  settings: SettingsName[];
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

/**
 * What one method run scored: its target embedding, against these labels, giving `ari`.
 * cPCA with automatic alpha gives one per returned non-zero alpha (`alpha`), each filling
 * its own row.
 */
export interface MethodRunEvent {
  /** The table column ('ARI', 'notebook', or 'β=2' in the simulation). */
  column: string;
  seed: number;
  /** The method's label, as in its settings ('bcNMF', 'cPCA', ...). */
  method: string;
  /** The table row the ARI is in: the label, or a cPCA returned alpha's row ('cPCA (returned α #1)'). */
  row: string;
  /** cPCA with automatic alpha: the returned alpha the embedding is at. */
  alpha?: number;
  /** Target samples x components, as the method returned it (at `alpha`). */
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

/** The settings of one run: which columns they gave and every method as run. */
export interface SettingsRun {
  name: SettingsName;
  summary: string;
  /** The other name with the same settings, when they are the same. */
  sameAs?: SettingsName;
  /** The table's columns these settings gave. */
  columns: string[];
  methods: MethodSettings[];
}

/** One row of a result table: a method, a cell per column. */
export interface ResultRow {
  /** Row label: the method ('bcNMF'), or a cPCA variant ('cPCA (returned α #2)'). */
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

/** W of pixel data drawn as images, one per topic. */
export interface ImagesFigure {
  kind: 'images';
  id: string;
  title: string;
  /** Image width and height in pixels (width x height = features). */
  width: number;
  height: number;
  /** One image per topic, row-major pixels. */
  images: number[][];
  names: string[];
  caption: string;
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

export type Figure = ScatterFigure | HeatmapFigure | ImagesFigure;

/** One table cell of `--check-backend`: a method's fits on the run's backend and on the check backend, seed by seed. */
export interface BackendCheckCell {
  method: string;
  column: string;
  /** ARI per seed on the run's backend (the table's values) and on the check backend. */
  ari: number[];
  checkAri: number[];
  /** Largest |embedding difference| over the seeds, relative to the largest |entry| of the run's embedding. */
  embeddingDifference: number;
  /**
   * |mean ARI − mean check ARI| ≤ 2 x the standard error of that difference
   * (√((sd² + check sd²) / n)); null with one seed. Equal values agree.
   */
  agrees: boolean | null;
}

/** What `--check-backend` found for an experiment; absent when it was not asked for. */
export interface BackendCheck {
  /** The run's backend (the table) and the one it was checked against. */
  backend: string;
  against: string;
  cells: BackendCheckCell[];
  /** Why there are no cells, for an experiment the check does not cover. */
  notDone?: string;
}

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
  /** The settings run, each with its columns and methods. */
  settings: SettingsRun[];
  /** Heading of the value columns ('beta' for the simulation, 'settings' or 'ARI' for a data set). */
  columnHeading: string;
  columns: string[];
  rows: ResultRow[];
  reference: ReferenceTable;
  seeds: number[];
  quick: boolean;
  /** What --quick changed for this run ('' for a full run). */
  quickChanges: string;
  notes: string[];
  seconds: number;
  figures: Figure[];
  /** `--check-backend`: the same NMF and bcNMF fits on another backend, compared. */
  backendCheck?: BackendCheck;
}

/**
 * An experiment of the paper: data set, methods with their settings (the reference
 * notebook's and ALGORITHM.md's table's), evaluation protocol, the reference values with
 * their sources, and a run that returns a table. Adding one = a module in
 * src/experiments/ listed in src/registry.ts.
 */
export interface Experiment {
  /** Command-line name. */
  name: string;
  title: string;
  /** The data set, in words, and its @bcnmf/data registry name when it has one. */
  dataset: { description: string; registry?: string };
  /** The methods and their settings of a full (or --quick) run, for the named settings (default 'notebook'). */
  methods(quick: boolean, overrides?: RunOverrides, settings?: SettingsName): MethodSpec[];
  evaluation: EvaluationSpec;
  /** Both sets of settings, in words. */
  settings: Record<SettingsName, SettingsDescription>;
  /** What a run without --settings runs. */
  defaultSettings: readonly SettingsName[];
  reference: ReferenceTable;
  /** Default number of seeds. */
  seeds: { full: number; quick: number };
  /** What --quick changes, in words, for a run of `seeds` seeds (the seeds that ran: --seeds or the quick default). */
  quickChanges(seeds: number): string;
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
