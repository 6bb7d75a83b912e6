import { formatStats } from '../stats.js';
import type { ExperimentResult, PaperValue } from '../types.js';
import type { ReproduceReport } from './types.js';

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function paperCell(values: PaperValue[], method: string, column: string): string {
  const v = values.find((p) => p.method === method && p.column === column);
  if (!v) return '–';
  return v.sd !== undefined ? `${v.value.toFixed(3)} ± ${v.sd.toFixed(3)}` : String(v.value);
}

/** The table alone: each method's row (ours, mean ± sd over seeds) followed by the paper's row where it reports one. */
export function tableMarkdown(result: ExperimentResult): string {
  const head = result.columns.map((c) => escapeCell(c));
  const lines = [`| method | ${head.join(' | ')} |`, `|---|${head.map(() => '---').join('|')}|`];
  for (const row of result.rows) {
    lines.push(`| ${escapeCell(row.method)} (ours) | ${row.cells.map((c) => formatStats(c)).join(' | ')} |`);
    const paper = result.paper.values.filter((p) => p.method === row.method);
    if (paper.length > 0) {
      const sources = [...new Set(paper.map((p) => p.source))].join('; ');
      lines.push(`| ${escapeCell(row.method)} (reported: ${escapeCell(sources)}) | ${result.columns.map((c) => paperCell(paper, row.method, c)).join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

/** One experiment's section: data, protocol, table beside the paper's values, settings, details, figures, notes. */
export function experimentMarkdown(result: ExperimentResult, figureFiles: Record<string, string[]> = {}, level = 2): string {
  const h = '#'.repeat(level);
  const d = result.dataset;
  const out: string[] = [];
  out.push(`${h} ${result.title}`, '');
  out.push(`Data: ${d.description}. Target ${d.target[0]} x ${d.target[1]}, background ${d.background[0]} x ${d.background[1]}.`);
  const info = Object.entries(d.info).map(([k, v]) => `${k}: ${v}`).join('; ');
  if (info) out.push(`Loading: ${info}.`);
  const e = result.evaluation;
  const umap = e.protocol === 'umap' ? ` (UMAP: ${e.umap?.nNeighbors ?? 15} neighbours, min_dist ${e.umap?.minDist ?? 0.1})` : '';
  out.push(`Evaluation: adjusted Rand index of k-means (${e.k} clusters, ${e.nInit} starts) on the ${e.protocol === 'raw' ? 'embedding' : e.protocol === 'row-normalized' ? 'row-normalised embedding' : '2-D UMAP of the embedding'}${umap} against the ${e.labels}.`);
  out.push(`Seeds: ${result.seeds.join(', ')}; each cell is the mean ± sample sd (n − 1) over the seeds. Run time ${result.seconds.toFixed(1)} s.`);
  if (result.quick) out.push(`**Quick run** (--quick): ${result.quickChanges}.`);
  out.push('', tableMarkdown(result), '');
  if (result.paper.note) out.push(`Reported: ${result.paper.note}`, '');
  out.push('Rows marked "reported" are the paper\'s (or its released reproduction\'s) values, copied from ALGORITHM.md; the "ours" rows come from this run.', '');
  out.push(`${h}# Settings`, '');
  for (const m of result.methods) out.push(`- **${m.label}** (${m.method}): ${m.text}; k-means on the ${m.protocol} embedding.`);
  const details = result.rows.filter((r) => r.details.some((x) => x !== ''));
  if (details.length > 0) {
    out.push('', `${h}# Per-seed details`, '');
    for (const r of details) {
      r.details.forEach((x, c) => {
        if (x) out.push(`- ${r.method}, ${result.columns[c]}: ${x}`);
      });
    }
  }
  const files = result.figures.map((f) => ({ f, paths: figureFiles[f.id] ?? [] })).filter((x) => x.paths.length > 0);
  if (files.length > 0) {
    out.push('', `${h}# Figures`, '');
    for (const { f, paths } of files) {
      const caption = f.kind === 'heatmap' ? `${f.title} (${f.caption})` : `${f.title}, coloured by ${f.legend ?? result.evaluation.labels}`;
      out.push(`![${escapeCell(caption)}](${paths[0]})`, '');
    }
  }
  if (result.notes.length > 0) {
    out.push('', `${h}# Notes`, '');
    for (const n of result.notes) out.push(`- ${n}`);
  }
  return out.join('\n') + '\n';
}

/** The whole report: every experiment run, and those not run with why. */
export function reportMarkdown(report: ReproduceReport, figureFiles: Record<string, string[]>): string {
  const out: string[] = [];
  out.push(`# bcNMF reproduction report: ${report.request}`, '');
  out.push(`Generated ${report.date} by \`bcnmf reproduce ${report.request}\` in ${report.seconds.toFixed(1)} s; NMF and bcNMF ran on backend ${report.backend}. Every number in the "ours" rows comes from this run; the "reported" rows are the paper's values, for comparison.`, '');
  out.push(`Figures: SVG${report.png.written ? ' and PNG' : ''} in figures/ (${report.png.reason}).`, '');
  if (report.experiments.length > 0) {
    out.push('| experiment | file | seeds | quick | seconds |', '|---|---|---|---|---|');
    for (const r of report.experiments) out.push(`| ${r.title} | ${r.name}.md | ${r.seeds.length} | ${r.quick ? 'yes' : 'no'} | ${r.seconds.toFixed(1)} |`);
    out.push('');
  }
  if (report.skipped.length > 0) {
    out.push('## Not run', '');
    for (const s of report.skipped) out.push(`- **${s.name}**: ${s.message.split('\n').join(' ')}`);
    out.push('');
  }
  for (const r of report.experiments) out.push(experimentMarkdown(r, figureFiles));
  return out.join('\n');
}
