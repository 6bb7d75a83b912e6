import { CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { UsageError } from './errors.js';

type AnyMatrix = DenseMatrix | CsrMatrix;

/** The names that occur more than once, each with its count, in first-seen order. */
export function repeatedNames(names: readonly string[]): { name: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1).map(([name, count]) => ({ name, count }));
}

/**
 * The names with every repeat made distinct: the first occurrence keeps its name, the
 * next ones get `_2`, `_3`, ... (skipping any name already in the list), so `a, a, a_2`
 * becomes `a, a_3, a_2`.
 */
export function distinctNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  return names.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`)) n++;
    const fresh = `${name}_${n}`;
    taken.add(fresh);
    seen.add(fresh);
    return fresh;
  });
}

function describe(repeats: { name: string; count: number }[]): string {
  const shown = repeats.slice(0, 3).map((r) => `'${r.name}' ${r.count} times`).join(', ');
  return repeats.length > 3 ? `${shown} and ${repeats.length - 3} more` : shown;
}

function withColumnNames(m: AnyMatrix, columnNames: string[]): AnyMatrix {
  return m.withNames({ rowNames: m.rowNames, columnNames });
}

function withRowNames(m: AnyMatrix, rowNames: string[]): AnyMatrix {
  return m.withNames({ rowNames, columnNames: m.columnNames });
}

/**
 * Refuses repeated feature names (the model's features are matched by name later, and
 * transform would refuse the model), or with `makeUnique` renames the repeats
 * ({@link distinctNames}) and warns.
 */
export function uniqueFeatures(m: AnyMatrix, source: string, options: { makeUnique: boolean; warn: (message: string) => void }): AnyMatrix {
  if (!m.columnNames) return m;
  const repeats = repeatedNames(m.columnNames);
  if (repeats.length === 0) return m;
  if (!options.makeUnique) {
    throw new UsageError(
      `${source}: feature names repeat (${describe(repeats)}); give each feature its own name, ` +
        "or pass --make-features-unique to rename the repeats (name_2, name_3, ...)",
    );
  }
  options.warn(`${source}: feature names repeat (${describe(repeats)}); the repeats were renamed name_2, name_3, ... (--make-features-unique)`);
  return withColumnNames(m, distinctNames(m.columnNames));
}

/**
 * Repeated sample names are kept, as rows of their own: warned about, and made distinct
 * ({@link distinctNames}) so that each row has its own line in the results and an
 * `--init-from` of them matches row for row.
 */
export function distinctSamples(m: AnyMatrix, source: string, warn: (message: string) => void): AnyMatrix {
  if (!m.rowNames) return m;
  const repeats = repeatedNames(m.rowNames);
  if (repeats.length === 0) return m;
  warn(`${source}: sample names repeat (${describe(repeats)}); each row is kept, the repeats named name_2, name_3, ... in the results`);
  return withRowNames(m, distinctNames(m.rowNames));
}
