/**
 * Bad usage of `reproduce` (unknown experiment, bad flag or value, an --out that is not
 * ours to replace or holds the data, an experiment named alone whose data are absent): a
 * one-line message and exit code 2, before any work. Anything else that goes wrong is an
 * ordinary Error (exit code 1).
 */
export class ReproduceUsageError extends Error {
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'ReproduceUsageError';
  }
}
