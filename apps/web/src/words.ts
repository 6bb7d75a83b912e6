// Counts in the page's sentences. No DOM, no dependency: the first-load page script imports it.

/**
 * `n word`, the word in the singular for 1 (and -1).
 *
 * @example
 * counted(1, 'group'); // '1 group'
 * counted(1500, 'feature'); // '1,500 features'
 * counted(2, 'missing value'); // '2 missing values'
 */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en')} ${Math.abs(n) === 1 ? singular : plural}`;
}
