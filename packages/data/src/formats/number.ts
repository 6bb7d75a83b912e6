import { BcnmfError } from '@bcnmf/core';

// One number syntax for every number bcnmf reads from text: the cells of a CSV/TSV file
// and the command line's numeric flags. JavaScript's Number() also reads hexadecimal
// ('0x10'), binary ('0b1'), octal ('0o7'), 'Infinity' and '' (as 0); a data cell or a
// flag in one of those forms is far more often a mistake than a meant value.

const SPACE = 32;
const TAB = 9;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/**
 * Reads a number written in decimal or exponent notation: an optional sign, digits with
 * an optional fraction (or a fraction alone), an optional exponent; spaces and tabs
 * around it are ignored. Anything else (hexadecimal, binary or octal prefixes, digit
 * separators, 'Infinity', 'NaN', an empty text) gives NaN. A value too large for a
 * double reads as ±Infinity, as `Number` reads it.
 *
 * @example
 * parseDecimal('1.5e3');  // 1500
 * parseDecimal(' -.25 '); // -0.25
 * parseDecimal('0x10');   // NaN
 * parseDecimal('1_000');  // NaN
 */
export function parseDecimal(text: string): number {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === SPACE || text.charCodeAt(start) === TAB)) start++;
  while (end > start && (text.charCodeAt(end - 1) === SPACE || text.charCodeAt(end - 1) === TAB)) end--;
  let i = start;
  let c = i < end ? text.charCodeAt(i) : -1;
  if (c === PLUS || c === MINUS) c = ++i < end ? text.charCodeAt(i) : -1;
  let digits = 0;
  while (isDigit(c)) {
    digits++;
    c = ++i < end ? text.charCodeAt(i) : -1;
  }
  if (c === DOT) {
    c = ++i < end ? text.charCodeAt(i) : -1;
    while (isDigit(c)) {
      digits++;
      c = ++i < end ? text.charCodeAt(i) : -1;
    }
  }
  if (digits === 0) return NaN;
  if (c === LOWER_E || c === UPPER_E) {
    c = ++i < end ? text.charCodeAt(i) : -1;
    if (c === PLUS || c === MINUS) c = ++i < end ? text.charCodeAt(i) : -1;
    let exponentDigits = 0;
    while (isDigit(c)) {
      exponentDigits++;
      c = ++i < end ? text.charCodeAt(i) : -1;
    }
    if (exponentDigits === 0) return NaN;
  }
  if (i !== end) return NaN;
  return Number(start === 0 && end === text.length ? text : text.slice(start, end));
}

/** Options of {@link parseNumberList}. */
export interface NumberListOptions {
  /** Whether `A..B` (integers, A <= B) stands for A, A+1, ..., B. Default true. */
  ranges?: boolean;
  /** Most values a list may expand to (ranges included). Default 10,000. */
  maxValues?: number;
}

/**
 * Reads a comma-separated list of numbers in {@link parseDecimal}'s syntax, where an item
 * `A..B` (two integers, A <= B) stands for every integer from A to B. Empty items (`1,,2`,
 * a trailing comma) are refused, as are items that are not numbers. Throws a BcnmfError
 * ('INVALID_OPTION') naming the first bad item.
 *
 * @example
 * parseNumberList('0,0.5,1');  // [0, 0.5, 1]
 * parseNumberList('2..5,10');  // [2, 3, 4, 5, 10]
 * parseNumberList('0x2');      // throws: '0x2' is not a number (decimal or exponent notation)
 */
export function parseNumberList(text: string, options: NumberListOptions = {}): number[] {
  const ranges = options.ranges ?? true;
  const maxValues = options.maxValues ?? 10_000;
  const items = text.split(',');
  const values: number[] = [];
  for (const raw of items) {
    const item = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (item === '') throw new BcnmfError('INVALID_OPTION', `the list ${JSON.stringify(text)} has an empty item`);
    const dots = item.indexOf('..');
    if (dots >= 0) {
      if (!ranges) throw new BcnmfError('INVALID_OPTION', `'${item}': a range is not allowed here; list the values`);
      const from = parseDecimal(item.slice(0, dots));
      const to = parseDecimal(item.slice(dots + 2));
      if (!Number.isInteger(from) || !Number.isInteger(to)) {
        throw new BcnmfError('INVALID_OPTION', `'${item}' is not a range of integers such as 2..20`);
      }
      if (from > to) throw new BcnmfError('INVALID_OPTION', `'${item}' is an empty range (${from} > ${to})`);
      if (values.length + (to - from + 1) > maxValues) {
        throw new BcnmfError('INVALID_OPTION', `the list ${JSON.stringify(text)} has more than ${maxValues} values`);
      }
      for (let v = from; v <= to; v++) values.push(v);
      continue;
    }
    const value = parseDecimal(item);
    if (Number.isNaN(value)) throw new BcnmfError('INVALID_OPTION', `'${item}' is not a number (decimal or exponent notation)`);
    if (values.length + 1 > maxValues) throw new BcnmfError('INVALID_OPTION', `the list ${JSON.stringify(text)} has more than ${maxValues} values`);
    values.push(value);
  }
  return values;
}
