import type { ExperimentResult } from '../types.js';
import type { ReproduceReport } from './types.js';

/** A result for JSON: everything but the figures' data, which become references to their files. */
export function resultJson(result: ExperimentResult, figureFiles: Record<string, string[]>): unknown {
  return {
    ...result,
    figures: result.figures.map((f) => ({ kind: f.kind, id: f.id, title: f.title, files: figureFiles[f.id] ?? [] })),
  };
}

/** The report as JSON text (tables, settings, seeds, skipped experiments, files). */
export function reportJson(report: ReproduceReport, figureFiles: Record<string, string[]>): string {
  return JSON.stringify({ ...report, experiments: report.experiments.map((r) => resultJson(r, figureFiles)) }, null, 2) + '\n';
}
