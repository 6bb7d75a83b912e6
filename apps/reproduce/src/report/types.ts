import type { RunEnvironment } from '../environment.js';
import type { ExperimentResult } from '../types.js';

/** An experiment that was asked for (or part of `all`) and not run, with why. */
export interface SkippedExperiment {
  name: string;
  message: string;
}

/** What `runReproduce` did. */
export interface ReproduceReport {
  /** The experiment name asked for, or 'all'. */
  request: string;
  /** Absolute output folder. */
  outDir: string;
  experiments: ExperimentResult[];
  skipped: SkippedExperiment[];
  /** Files written, relative to outDir. */
  files: string[];
  /** Whether PNG copies of the figures were written, and if not why. */
  png: { written: boolean; reason: string };
  seconds: number;
  /** ISO time of the run. */
  date: string;
  /** The backend NMF and bcNMF ran on ('auto': the default, cpu where its native kernels were built). */
  backend: string;
  /** `--check-backend`: the backend NMF and bcNMF were fitted again on, for each experiment's backend check. */
  checkBackend?: string;
  /** Where it ran: the backend used (auto's pick named), its details, PCA's linear algebra, versions and git commit. */
  environment?: RunEnvironment;
}
