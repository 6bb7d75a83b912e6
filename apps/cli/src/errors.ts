import { BcnmfError } from '@bcnmf/core';
import { MetricsError } from '@bcnmf/metrics';

/** Bad usage or bad input: exit code 2. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** The signals the command line stops a command on, each with its exit code (128 + the signal's number, as shells report it) and words. */
const STOP_SIGNALS = {
  SIGINT: { exitCode: 130, words: 'interrupted (Ctrl-C)' },
  SIGTERM: { exitCode: 143, words: 'terminated (SIGTERM)' },
  SIGHUP: { exitCode: 129, words: 'hung up (SIGHUP: the terminal closed)' },
} as const;

/** A signal the command line stops a command on. */
export type StopSignal = keyof typeof STOP_SIGNALS;

/** The reason the command line aborts a command with on Ctrl-C (SIGINT), SIGTERM or SIGHUP. */
export class InterruptedError extends Error {
  /** 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
  readonly exitCode: number;
  constructor(signal: StopSignal) {
    super(`${STOP_SIGNALS[signal].words}; nothing was written`);
    this.name = 'AbortError';
    this.exitCode = STOP_SIGNALS[signal].exitCode;
  }
}

/** True for an abort: the CLI's own interruption, or an AbortError from a library or fetch. */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * Exit code for an error: 130 (143) when interrupted by Ctrl-C (SIGTERM), 2 for bad usage
 * or input, 1 for anything else (a diverged fit included).
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof InterruptedError) return error.exitCode;
  if (isAbort(error)) return 130;
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
