// Bindings made from a table of C signatures: each native function is declared once, by
// name, and bound (or found missing) with the others when its library is loaded.
import { describe, type KoffiLib } from './koffi.js';

/** One native function's C signature, in koffi's prototype syntax. */
export interface NativeSignature {
  /** The C result type, e.g. 'int', 'void', 'const char *'. */
  result: string;
  /** The C parameters, e.g. 'int n, float *x' ('' for none), without `threads` (below). */
  parameters: string;
  /**
   * The function takes one more parameter, `int threads`, last: the binding passes the
   * thread count it was made with, and the caller leaves it out.
   */
  threads?: boolean;
  /**
   * The int result is a status, 0 or -1 when the function could not allocate its work
   * buffers: the binding throws on -1 and returns nothing.
   */
  status?: boolean;
  /** The library may lack the function: its binding is then null instead of an error. */
  optional?: boolean;
}

/** Native functions by their exported names. */
export type SignatureTable = Record<string, NativeSignature>;

/** A bound native function: arguments as koffi converts them. */
export type NativeFunction = (...args: unknown[]) => unknown;

/** The bindings of a table: one per name, null for an optional function the library lacks. */
export type Bindings<T extends SignatureTable> = {
  [K in keyof T]: T[K] extends { optional: true } ? NativeFunction | null : NativeFunction;
};

/** A library lacks functions that a table requires; `missing` names them. */
export class MissingSymbolsError extends Error {
  constructor(
    /** The required functions the library does not export. */
    readonly missing: string[],
    /** How many functions the table requires. */
    readonly required: number,
    detail: string,
  ) {
    super(`no ${missing.join(', ')} (${detail})`);
    this.name = 'MissingSymbolsError';
  }
}

/** koffi's prototype string for `name`, with the thread-count parameter where it has one. */
export function prototype(name: string, signature: NativeSignature): string {
  const parameters = signature.threads
    ? [signature.parameters, 'int threads'].filter(Boolean).join(', ')
    : signature.parameters;
  return `${signature.result} ${name}(${parameters})`;
}

function bindOne(name: string, raw: NativeFunction, signature: NativeSignature, threads: number): NativeFunction {
  if (signature.status) {
    const fail = (): never => {
      throw new Error(`${name}: out of memory for its work buffers`);
    };
    return signature.threads
      ? (...args) => ((raw(...args, threads) as number) !== 0 ? fail() : undefined)
      : (...args) => ((raw(...args) as number) !== 0 ? fail() : undefined);
  }
  return signature.threads ? (...args) => raw(...args, threads) : raw;
}

/**
 * Binds every function of `table` in `lib`, those with `threads` to `options.threads`
 * (0: the library's default). Throws a {@link MissingSymbolsError} naming every required
 * function the library lacks (a stale build, or another library), before binding any.
 */
export function bindSignatures<T extends SignatureTable>(lib: KoffiLib, table: T, options: { threads?: number } = {}): Bindings<T> {
  const raw: Record<string, NativeFunction | null> = {};
  const missing: string[] = [];
  let detail = '';
  for (const [name, signature] of Object.entries(table)) {
    try {
      raw[name] = lib.func(prototype(name, signature));
    } catch (error) {
      raw[name] = null;
      if (signature.optional) continue;
      missing.push(name);
      detail ||= describe(error);
    }
  }
  if (missing.length > 0) {
    throw new MissingSymbolsError(missing, Object.values(table).filter((s) => !s.optional).length, detail);
  }
  const bound: Record<string, NativeFunction | null> = {};
  for (const [name, signature] of Object.entries(table)) {
    const f = raw[name];
    bound[name] = f ? bindOne(name, f, signature, options.threads ?? 0) : null;
  }
  return bound as Bindings<T>;
}
