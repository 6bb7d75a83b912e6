import type { ExperimentResult } from '../types.js';

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Column names of the results CSV. */
export const CSV_HEADER = [
  'experiment', 'method', 'column', 'mean', 'sd', 'n', 'values', 'reference', 'reference_sd', 'reference_source', 'reference_where', 'details', 'settings', 'method_settings', 'quick', 'row_kind',
] as const;

/**
 * Lines as the Markdown table has rows: per (method, column) of each result one line of
 * ours (`row_kind` 'ours': mean, sd, n and per-seed values) and one line per reference
 * value of that cell (`row_kind` 'reference': the value, its sd, kind and source; our
 * columns empty), so that the means of the 'ours' lines count each result once.
 */
export function resultsCsv(results: readonly ExperimentResult[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of results) {
    for (const row of r.rows) {
      row.cells.forEach((cell, c) => {
        const column = r.columns[c];
        const run = r.settings.find((s) => s.columns.includes(column)) ?? r.settings[0];
        const method = run?.methods.find((m) => m.label === row.method) ?? run?.methods.find((m) => row.method.startsWith(`${m.label} (`));
        const quick = r.quick ? 'yes' : 'no';
        lines.push(
          [r.name, row.method, column, cell.mean, cell.sd, cell.n, cell.values.join(';'), undefined, undefined, undefined, undefined, row.details[c], run?.name, method?.text ?? '', quick, 'ours']
            .map(csvField).join(','),
        );
        for (const ref of r.reference.values.filter((p) => p.row === row.method && p.column === column)) {
          lines.push(
            [
              r.name, row.method, column, undefined, undefined, undefined, undefined,
              ref.value, ref.sd, ref.source.kind, `${ref.source.where}${ref.source.note ? `: ${ref.source.note}` : ''}`,
              // a reference's own run: not this run's settings, nor cut by --quick
              undefined, undefined, undefined, undefined, 'reference',
            ].map(csvField).join(','),
          );
        }
      });
    }
  }
  return lines.join('\n') + '\n';
}
