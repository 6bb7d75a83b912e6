/**
 * What went wrong, as a stable code that apps can map to exit codes and messages.
 *
 * - `INVALID_DATA`: the points or labels cannot be used as given (empty, ragged,
 *   non-finite values, mismatched lengths, too few distinct labels).
 * - `INVALID_OPTION`: an option is out of range, of the wrong type or unknown.
 */
export type MetricsErrorCode = 'INVALID_DATA' | 'INVALID_OPTION';

/**
 * The error `@bcnmf/metrics` throws for bad input, before any work starts.
 *
 * @example
 * try { kmeans([[0], [1]], 3); }
 * catch (e) { if (e instanceof MetricsError) console.log(e.code, e.message); }
 * // INVALID_OPTION k = 3 clusters but there are only 2 samples; k must be at most the number of samples
 */
export class MetricsError extends Error {
  readonly code: MetricsErrorCode;

  constructor(code: MetricsErrorCode, message: string) {
    super(message);
    this.name = 'MetricsError';
    this.code = code;
  }
}

/** @internal How a bad value is named in a message: `NaN`, `null`, `a string`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'number') return String(value);
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/** @internal Shorthand for `new MetricsError('INVALID_DATA', message)`. */
export function invalidData(message: string): MetricsError {
  return new MetricsError('INVALID_DATA', message);
}

/** @internal Shorthand for `new MetricsError('INVALID_OPTION', message)`. */
export function invalidOption(message: string): MetricsError {
  return new MetricsError('INVALID_OPTION', message);
}
