/** A few names for a message: `'a', 'b', 'c' and 4 more`. */
export function someNames(names: readonly string[], n = 3): string {
  const shown = names.slice(0, n).map((s) => `'${s}'`).join(', ');
  return names.length > n ? `${shown} and ${names.length - n} more` : shown;
}
