// The tokens of a Matrix Market entry line, read by one rule for the whole-file reader
// (readTenx) and the streaming scanner: decimal and exponent notation only, as the CSV
// reader reads numbers (number.ts); JavaScript's Number() would also take '0x10' and
// 'Infinity'.
import { parseDecimal } from './number.js';

/** A row or column index: decimal digits, or a whole number in exponent notation ('1e3'); NaN otherwise. */
export function parseMtxIndex(token: string): number {
  let v = 0;
  for (let k = 0; k < token.length; k++) {
    const d = token.charCodeAt(k) - 48;
    if (d < 0 || d > 9) {
      const value = parseDecimal(token);
      return Number.isInteger(value) ? value : NaN;
    }
    v = v * 10 + d;
  }
  return token.length > 0 ? v : NaN;
}

/**
 * An entry's value: an integer matrix's a whole number, a real one's any decimal or
 * exponent notation; 'nan' (any case, signed) is NaN, a missing value the fit refuses by
 * name later. Null when the token is not a number at all; an integer field with a
 * fraction gives the number, for the caller to refuse as not an integer.
 */
export function parseMtxValue(token: string, field: string): number | null {
  const value = field === 'integer' ? parseMtxIndex(token) : parseDecimal(token);
  if (!Number.isNaN(value)) return value;
  const decimal = parseDecimal(token);
  if (!Number.isNaN(decimal)) return decimal;
  return /^[+-]?nan$/i.test(token) ? NaN : null;
}
