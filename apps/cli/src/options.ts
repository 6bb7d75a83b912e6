import { UsageError } from './errors.js';

/** Parses a numeric command-line value, or throws a UsageError naming the flag. */
export function numberOption(
  flag: string,
  raw: string | undefined,
  fallback: number,
  limits: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const { min = -Infinity, max = Infinity, integer = false } = limits;
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const range = [min > -Infinity ? `>= ${min}` : '', max < Infinity ? `<= ${max}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got '${raw}'`);
  }
  return value;
}
