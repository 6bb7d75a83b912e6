import { BcnmfError } from '../errors.js';

/** The names that occur more than once, each with its count, in first-seen order. */
export function repeatedNames(names: readonly string[]): { name: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1).map(([name, count]) => ({ name, count }));
}

/**
 * The names with every repeat made distinct: the first occurrence keeps its name, the
 * next ones get `_2`, `_3`, ... (skipping any name already in the list), so `a, a, a_2`
 * becomes `a, a_3, a_2` (as AnnData's `var_names_make_unique`, with `_` for `-`).
 *
 * @example
 * distinctNames(['g1', 'g1', 'g2']); // ['g1', 'g1_2', 'g2']
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

/** The repeats for a message: "'a' 2 times, 'b' 3 times" (the first three, and how many more). */
export function describeRepeats(repeats: { name: string; count: number }[]): string {
  const shown = repeats.slice(0, 3).map((r) => `'${r.name}' ${r.count} times`).join(', ');
  return repeats.length > 3 ? `${shown} and ${repeats.length - 3} more` : shown;
}

/**
 * The feature names a fit keeps: the target's own column names, else the `featureNames`
 * option (which must then have one name per column, and must not contradict names the
 * target has).
 */
export function fitFeatureNames(own: readonly string[] | undefined, option: readonly string[] | undefined, columns: number): readonly string[] | undefined {
  if (option && option.length !== columns) {
    throw new BcnmfError('INVALID_OPTION', `featureNames has ${option.length} names but the target has ${columns} features`);
  }
  if (own && option) {
    const j = own.findIndex((name, index) => option[index] !== name);
    if (j >= 0) {
      throw new BcnmfError(
        'INVALID_OPTION',
        `featureNames disagrees with the target's own column names at column ${j} ('${option[j]}' vs '${own[j]}'); ` +
          'give the names once (featureNames for data without names)',
      );
    }
  }
  return own ?? option;
}

/**
 * Refuses feature names that repeat: a model matches features by name (transform, load),
 * so a model with repeats could be saved but not loaded back. `whose` names where the
 * names came from ('the target', 'the background').
 */
export function refuseRepeatedFeatureNames(names: readonly string[] | undefined, whose: string): void {
  const repeats = names ? repeatedNames(names) : [];
  if (repeats.length > 0) {
    throw new BcnmfError(
      'INVALID_DATA',
      `${whose}'s feature names repeat (${describeRepeats(repeats)}); a model matches features by name, so each needs its own: ` +
        'rename the repeats first (distinctNames of @bcnmf/core gives name_2, name_3, ...)',
    );
  }
}
