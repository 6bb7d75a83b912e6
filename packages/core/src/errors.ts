/**
 * What went wrong, as a stable code that apps can map to exit codes and messages.
 *
 * - `INVALID_DATA`: the data cannot be factorized as given (negative, missing or
 *   non-finite values, empty, mismatched features).
 * - `INVALID_OPTION`: an option is out of range or of the wrong type.
 * - `BACKEND_UNAVAILABLE`: the named backend is unknown or cannot be loaded here.
 * - `TOO_LARGE`: the problem does not fit the backend's memory.
 * - `INVALID_MODEL`: a serialized model is not a bcNMF model or is damaged.
 * - `DIVERGED`: the factors or scores became non-finite during the fit (float32
 *   overflow); the message names the iteration, the data set and what to try.
 */
export type BcnmfErrorCode =
  | 'INVALID_DATA'
  | 'INVALID_OPTION'
  | 'BACKEND_UNAVAILABLE'
  | 'TOO_LARGE'
  | 'INVALID_MODEL'
  | 'DIVERGED';

/**
 * The error every bcnmf package throws: for bad input before any work starts, and for
 * a fit that diverged (code `DIVERGED`).
 *
 * @example
 * try { await fitBcnmf(target, background, { k: 0 }); }
 * catch (e) { if (e instanceof BcnmfError) console.log(e.code); } // 'INVALID_OPTION'
 */
export class BcnmfError extends Error {
  readonly code: BcnmfErrorCode;

  constructor(code: BcnmfErrorCode, message: string) {
    super(message);
    this.name = 'BcnmfError';
    this.code = code;
  }
}
