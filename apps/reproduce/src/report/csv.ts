import type { ExperimentResult } from '../types.js';

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Column names of the results CSV. */
export const CSV_HEADER = [
  'experiment', 'method', 'column', 'mean', 'sd', 'n', 'values', 'reference', 'reference_sd', 'reference_source', 'reference_where', 'details', 'settings', 'method_settings', 'quick',
] as const;

/**
 * One line per (method, column) of each result: our mean, sd, n and per-seed values
 * beside a reference value where there is one (its kind and where it comes from); a
 * row with several reference values for a cell gets a line for each.
 */
export function resultsCsv(results: readonly ExperimentResult[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of results) {
    for (const row of r.rows) {
      row.cells.forEach((cell, c) => {
        const column = r.columns[c];
        const run = r.settings.find((s) => s.columns.includes(column)) ?? r.settings[0];
        const method = run?.methods.find((m) => m.label === row.method) ?? run?.methods.find((m) => row.method.startsWith(`${m.label} (`));
        const references = r.reference.values.filter((p) => p.row === row.method && p.column === column);
        for (const ref of references.length > 0 ? references : [undefined]) {
          lines.push(
            [
              r.name, row.method, column, cell.mean, cell.sd, cell.n, cell.values.join(';'),
              ref?.value, ref?.sd, ref?.source.kind, ref ? `${ref.source.where}${ref.source.note ? `: ${ref.source.note}` : ''}` : undefined,
              row.details[c], run?.name, method?.text ?? '', r.quick ? 'yes' : 'no',
            ].map(csvField).join(','),
          );
        }
      });
    }
  }
  return lines.join('\n') + '\n';
}
