import { BcnmfError } from '@bcnmf/core';
import { MetricsError } from '@bcnmf/metrics';

/** Bad usage or bad input: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit code for an interrupted command (Ctrl-C), as shells report a SIGINT death. */
export const INTERRUPTED_EXIT_CODE = 130;

/** Exit code for an error: 130 for an interruption (an AbortError), 2 for bad usage or input, 1 for anything else. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof Error && error.name === 'AbortError') return INTERRUPTED_EXIT_CODE;
  if (error instanceof UsageError) return 2;
  if (error instanceof BcnmfError) {
    return error.code === 'INVALID_DATA' || error.code === 'INVALID_OPTION' || error.code === 'INVALID_MODEL' ||
        error.code === 'BACKEND_UNAVAILABLE' || error.code === 'TOO_LARGE'
      ? 2
      : 1;
  }
  if (error instanceof MetricsError) return 2;
  return 1;
}
