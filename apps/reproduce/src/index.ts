// Public API of @bcnmf/reproduce: explicit named exports only.
export { DEFAULT_OUT_DIR, REPRODUCE_USAGE, runReproduce } from './cli.js';
export type { ReproduceOptions } from './cli.js';
export { defaultDataDir } from './datadir.js';
export { ReproduceUsageError } from './errors.js';
export { EXPERIMENT_NAMES, EXPERIMENTS, getExperiment } from './registry.js';
export { CPCA_BEST_LABEL, cpcaReturnedLabel } from './experiments/common.js';
export { SAME_SETTINGS_COLUMN } from './experiments/dataset-experiment.js';
export { SIMULATION_BETAS, SIMULATION_QUICK } from './experiments/simulation.js';
export { experimentMarkdown, reportMarkdown, sourceLabel, tableMarkdown } from './report/markdown.js';
export { CSV_HEADER, csvField, resultsCsv } from './report/csv.js';
export { heatmapSvg, imagesSvg, scatterSvg } from './report/svg.js';
export { pngRenderer } from './report/png.js';
export type { PngRenderer } from './report/png.js';
export { GENERATOR, writeReport } from './report/write.js';
export type { ReproduceReport, SkippedExperiment } from './report/types.js';
export { formatStats, summarize } from './stats.js';
export type { CellStats } from './stats.js';
export { REFERENCE_KINDS, SETTINGS_NAMES } from './types.js';
export type {
  Availability,
  EvaluationSpec,
  Experiment,
  ExperimentResult,
  Figure,
  HeatmapFigure,
  ImagesFigure,
  MethodId,
  MethodSettings,
  MethodRunEvent,
  MethodSpec,
  PreparedData,
  ReferenceKind,
  ReferenceSource,
  ReferenceTable,
  ReferenceValue,
  ResultRow,
  RunContext,
  RunOverrides,
  ScatterFigure,
  SettingsDescription,
  SettingsName,
  SettingsRun,
} from './types.js';
