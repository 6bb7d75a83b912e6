import { formatStats } from '../stats.js';
import type { ExperimentResult, ReferenceSource, ReferenceValue } from '../types.js';
import { environmentLine } from '../environment.js';
import type { ReproduceReport } from './types.js';

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** What a reference value's source is called in a row label: 'paper (arXiv 2602.22387)', 'notebook demo/simulation.ipynb', 'untraced'. */
export function sourceLabel(source: ReferenceSource): string {
  switch (source.kind) {
    case 'paper':
      return `paper (${source.where})${source.otherData ? ', on other data' : ''}`;
    case 'reference notebook':
      return `notebook ${source.where}${source.otherData ? ', on other data' : ''}`;
    default:
      return 'untraced';
  }
}

function referenceCell(values: ReferenceValue[], column: string): string {
  const v = values.find((p) => p.column === column);
  if (!v) return '–';
  return v.sd !== undefined ? `${v.value.toFixed(3)} ± ${v.sd.toFixed(3)}` : String(v.value);
}

/** The reference values of the result's table, grouped by row and source (in order of appearance). */
function referenceRows(result: ExperimentResult, row: string): { source: ReferenceSource; values: ReferenceValue[] }[] {
  const groups: { source: ReferenceSource; values: ReferenceValue[] }[] = [];
  for (const v of result.reference.values) {
    if (v.row !== row || !result.columns.includes(v.column)) continue;
    const same = groups.find((g) => g.source === v.source || (g.source.kind === v.source.kind && g.source.where === v.source.where && g.source.note === v.source.note));
    if (same) same.values.push(v);
    else groups.push({ source: v.source, values: [v] });
  }
  return groups;
}

/**
 * The table alone: each row of ours (`METHOD (ours)`, mean ± sd over seeds) followed by a
 * row per source of reference values compared with it (`METHOD (reference: SOURCE)`). A
 * quick run says so on the table itself, and that the reference rows are not cut by it.
 */
export function tableMarkdown(result: ExperimentResult): string {
  const head = result.columns.map((c) => escapeCell(c));
  const lines: string[] = [];
  if (result.quick) lines.push(`**Quick run (--quick): ${escapeCell(result.quickChanges)}.**${result.reference.values.length > 0 ? ' The reference rows are the references\' own runs, not cut by --quick.' : ''}`, '');
  lines.push(`| method | ${head.join(' | ')} |`, `|---|${head.map(() => '---').join('|')}|`);
  for (const row of result.rows) {
    lines.push(`| ${escapeCell(row.method)} (ours${result.quick ? ', quick' : ''}) | ${row.cells.map((c) => formatStats(c)).join(' | ')} |`);
    for (const group of referenceRows(result, row.method)) {
      const label = `${escapeCell(row.method)} (reference: ${escapeCell(sourceLabel(group.source))})`;
      lines.push(`| ${label} | ${result.columns.map((c) => referenceCell(group.values, c)).join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

/** Every reference value shown in the table, with its source in full. */
function referenceList(result: ExperimentResult): string[] {
  const shown = result.reference.values.filter((v) => result.columns.includes(v.column) && result.rows.some((r) => r.method === v.row));
  const sources: ReferenceSource[] = [];
  for (const v of shown) if (!sources.some((s) => s.kind === v.source.kind && s.where === v.source.where && s.note === v.source.note)) sources.push(v.source);
  return sources.map((s) => `- **${s.kind}**: ${s.where}${s.note ? ` — ${s.note}` : ''}.`);
}

/**
 * `--check-backend`: per NMF/bcNMF cell, the ARIs on both backends seed by seed, how far
 * the embeddings are apart, and whether the means agree within seed noise; and a verdict.
 */
export function backendCheckMarkdown(result: ExperimentResult, h = '##'): string[] {
  const check = result.backendCheck!;
  const out = [`${h}# Backend check: ${check.backend} against ${check.against}`, ''];
  if (check.notDone) return [...out, `Backend check ${check.notDone}.`];
  out.push(
    `NMF and bcNMF were fitted again on backend ${check.against} from the same seeds and scored the same way. "Embeddings" is the largest ` +
      `|difference| of the fitted target embeddings over the seeds, relative to their largest entry (float32 rounding differs between backends). ` +
      'The means agree within seed noise when they differ by at most 2 standard errors of the difference (√((sd² + sd²)/n)).',
    '',
    `| method | column | ARI on ${check.backend} (per seed) | ARI on ${check.against} (per seed) | embeddings | means agree |`,
    '|---|---|---|---|---|---|',
  );
  const list = (values: number[]) => values.map((v) => v.toFixed(3)).join(', ');
  for (const c of check.cells) {
    const agrees = c.agrees === null ? 'n/a (one seed)' : c.agrees ? 'yes' : '**no**';
    out.push(`| ${escapeCell(c.method)} | ${escapeCell(c.column)} | ${list(c.ari)} | ${list(c.checkAri)} | ${c.embeddingDifference.toExponential(1)} | ${agrees} |`);
  }
  const same = check.cells.filter((c) => c.ari.every((v, i) => v === c.checkAri[i])).length;
  const failed = check.cells.filter((c) => c.agrees === false);
  const unjudged = check.cells.filter((c) => c.agrees === null);
  const worst = Math.max(...check.cells.map((c) => c.embeddingDifference));
  const verdict = failed.length > 0
    ? `The means of ${failed.map((c) => `${c.method} (${c.column})`).join(', ')} do not agree within seed noise.`
    : unjudged.length > 0
      ? `${unjudged.length} of ${check.cells.length} cells differ and have one seed, so seed noise cannot be judged there (run more seeds).`
      : 'Every mean agrees within seed noise.';
  out.push('', `${same} of ${check.cells.length} cells have the same ARI at every seed; the embeddings differ by at most ${worst.toExponential(1)} (relative). ${verdict}`);
  return out;
}

/** One experiment's section: data, protocol, table beside the reference values, settings, details, figures, notes. */
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
  out.push(`Settings run: ${result.settings.map((s) => `**${s.name}**${s.sameAs ? ` (the same as ${s.sameAs})` : ''}`).join(', ')} (see Settings below).`);
  out.push('', tableMarkdown(result), '');
  if (result.reference.note) out.push(`Reference: ${result.reference.note}`, '');
  const refs = referenceList(result);
  if (refs.length > 0) {
    out.push('Rows "(ours)" come from this run. Rows "(reference: ...)" are values of another run, each with its source: "paper" = the arXiv text, "notebook" = a printed output of a reference notebook (li-lab-mcgill/bcnmf), "untraced" = found in neither (shown, not the paper\'s):', '');
    out.push(...refs, '');
  }
  if (result.backendCheck) out.push(...backendCheckMarkdown(result, h), '');
  out.push(`${h}# Settings`, '');
  for (const run of result.settings) {
    out.push(`**${run.name}**${run.sameAs ? ` (= ${run.sameAs})` : ''}${result.settings.length > 1 ? ` (column ${run.columns.join(', ')})` : ''}: ${run.summary}.`, '');
    for (const m of run.methods) out.push(`- **${m.label}** (${m.method}): ${m.text}; k-means on the ${m.protocol} embedding.`);
    out.push('');
  }
  const details = result.rows.filter((r) => r.details.some((x) => x !== ''));
  if (details.length > 0) {
    out.push(`${h}# Per-seed details`, '');
    for (const r of details) {
      r.details.forEach((x, c) => {
        if (x) out.push(`- ${r.method}, ${result.columns[c]}: ${x}`);
      });
    }
    out.push('');
  }
  const files = result.figures.map((f) => ({ f, paths: figureFiles[f.id] ?? [] })).filter((x) => x.paths.length > 0);
  if (files.length > 0) {
    out.push(`${h}# Figures`, '');
    for (const { f, paths } of files) {
      const caption = f.kind === 'scatter' ? `${f.title}, coloured by ${f.legend ?? result.evaluation.labels}` : `${f.title} (${f.caption})`;
      out.push(`![${escapeCell(caption)}](${paths[0]})`, '');
    }
  }
  if (result.notes.length > 0) {
    out.push(`${h}# Notes`, '');
    for (const n of result.notes) out.push(`- ${n}`);
  }
  return out.join('\n') + '\n';
}

/** The whole report: every experiment run, and those not run with why. */
export function reportMarkdown(report: ReproduceReport, figureFiles: Record<string, string[]>): string {
  const out: string[] = [];
  out.push(`# bcNMF reproduction report: ${report.request}`, '');
  out.push(
    `Generated ${report.date} by \`bcnmf reproduce ${report.request}\` in ${report.seconds.toFixed(1)} s. ` +
      (report.environment ? environmentLine(report.environment) : `NMF and bcNMF ran on backend ${report.backend}.`) +
      (report.checkBackend ? ` Where an experiment's "Backend check" says so, NMF and bcNMF were fitted again on ${report.checkBackend}.` : '') +
      ` Every number in the "(ours)" rows comes from this run; ` +
      'each "(reference: ...)" row names its source: the paper (arXiv text), a reference notebook (its printed output), or untraced.',
    '',
  );
  out.push(`Figures: SVG${report.png.written ? ' and PNG' : ''} in figures/ (${report.png.reason}).`, '');
  if (report.experiments.length > 0) {
    out.push('| experiment | file | settings | seeds | quick | seconds |', '|---|---|---|---|---|---|');
    for (const r of report.experiments) out.push(`| ${r.title} | ${r.name}.md | ${r.settings.map((s) => s.name).join(', ')} | ${r.seeds.length} | ${r.quick ? 'yes' : 'no'} | ${r.seconds.toFixed(1)} |`);
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
