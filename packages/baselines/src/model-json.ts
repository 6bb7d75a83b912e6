// Checks of what PcaModel.load and CpcaModel.load read: a damaged or hand-edited file is
// refused naming its first bad field, never turned into Infinity or wrong projections.
import { BcnmfError, DenseMatrix } from '@bcnmf/core';
import { invalidModel } from './errors.js';

/** Reads the fields of one model's JSON, refusing with `INVALID_MODEL` ('<what> model is damaged: ...'). */
export class ModelJsonReader {
  constructor(private readonly what: string, private readonly json: Record<string, unknown>) {}

  damaged(message: string): BcnmfError {
    return invalidModel(`${this.what} model is damaged: ${message}`);
  }

  /** The version, which must be one this package reads. */
  version(readable: readonly number[]): number {
    const v = this.json.version;
    if (typeof v !== 'number' || !readable.includes(v)) {
      throw invalidModel(`${this.what} model version ${String(v)} is not one this package reads (${readable.join(', ')})`);
    }
    return v;
  }

  /** A finite number (above `min` when given, or at least it with `inclusive`). */
  number(field: string, value: unknown = this.json[field], min?: number, inclusive = true): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.damaged(`${field} is ${show(value)}, not a finite number`);
    if (min !== undefined && (inclusive ? value < min : value <= min)) throw this.damaged(`${field} is ${value}, not ${inclusive ? 'at least' : 'above'} ${min}`);
    return value;
  }

  /** An array of finite numbers, `length` long when given, each at least `atLeast` or above `above` when given. */
  numbers(field: string, bounds: { length?: number; atLeast?: number; above?: number; value?: unknown } = {}): number[] {
    const value = 'value' in bounds ? bounds.value : this.json[field];
    if (!Array.isArray(value)) throw this.damaged(`${field} is ${show(value)}, not an array of numbers`);
    if (bounds.length !== undefined && value.length !== bounds.length) throw this.damaged(`${field} has ${value.length} values, not ${bounds.length}`);
    return value.map((v, i) => (bounds.above !== undefined
      ? this.number(`${field}[${i}]`, v, bounds.above, false)
      : this.number(`${field}[${i}]`, v, bounds.atLeast)));
  }

  /** A rows x columns matrix of finite numbers (either size free when undefined). */
  matrix(field: string, rows: number | undefined, columns: number | undefined, value: unknown = this.json[field]): DenseMatrix {
    if (!Array.isArray(value)) throw this.damaged(`${field} is ${show(value)}, not an array of rows`);
    if (rows !== undefined && value.length !== rows) throw this.damaged(`${field} has ${value.length} rows, not ${rows}`);
    const width = columns ?? (Array.isArray(value[0]) ? value[0].length : 0);
    const parsed = value.map((row, i) => this.numbers(`${field}[${i}]`, { length: width, value: row }));
    return new DenseMatrix({ data: Float64Array.from(parsed.flat()), shape: [parsed.length, width] });
  }

  /** Optional feature names: strings, one per feature. */
  names(field: string, length: number): string[] | undefined {
    const value = this.json[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((n) => typeof n !== 'string')) throw this.damaged(`${field} is not an array of strings`);
    if (value.length !== length) throw this.damaged(`${field} has ${value.length} names for ${length} features`);
    return [...value] as string[];
  }

  /** An object field (options), checked by `resolve`, whose own errors are reported as damage. */
  options<T>(field: string, resolve: (options: object) => T): T {
    const value = this.json[field];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw this.damaged(`${field} is ${show(value)}, not an object`);
    try {
      return resolve(value);
    } catch (error) {
      throw this.damaged(`${field}: ${(error as Error).message}`);
    }
  }
}

/** The model's JSON as an object whose `name` is `name`, or `INVALID_MODEL`. */
export function modelJson(json: unknown, name: string, article: string): Record<string, unknown> {
  const j = json as Record<string, unknown> | null;
  if (typeof j !== 'object' || j === null || Array.isArray(j) || j.name !== name) {
    throw invalidModel(`not ${article} ${name} model (name: ${String(j?.name)})`);
  }
  return j;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.length > 20 ? `${value.slice(0, 20)}...` : value}'`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}
