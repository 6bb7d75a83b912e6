import type { ExperimentResult } from '../types.js';

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Column names of the results CSV. */
export const CSV_HEADER = [
  'experiment', 'method', 'column', 'mean', 'sd', 'n', 'values', 'reported', 'reported_sd', 'reported_source', 'details', 'settings', 'quick',
] as const;

/** One line per (method, column) of each result: our mean, sd, n and per-seed values beside the reported value. */
export function resultsCsv(results: readonly ExperimentResult[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of results) {
    for (const row of r.rows) {
      const settings = r.methods.find((m) => m.label === row.method)?.text ?? r.methods.find((m) => row.method.startsWith(m.label))?.text ?? '';
      row.cells.forEach((cell, c) => {
        const paper = r.paper.values.find((p) => p.method === row.method && p.column === r.columns[c]);
        lines.push(
          [
            r.name, row.method, r.columns[c], cell.mean, cell.sd, cell.n, cell.values.join(';'),
            paper?.value, paper?.sd, paper?.source, row.details[c], settings, r.quick ? 'yes' : 'no',
          ].map(csvField).join(','),
        );
      });
    }
  }
  return lines.join('\n') + '\n';
}
