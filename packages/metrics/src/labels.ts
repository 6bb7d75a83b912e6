import { describeValue, invalidData } from './errors.js';

/** A class or cluster label: a finite number or a string. `1` and `'1'` are different labels. */
export type Label = number | string;

/** @internal Labels encoded as indices into their sorted distinct values. */
export interface EncodedLabels {
  /** Distinct values, sorted: numbers ascending first, then strings by code point. */
  readonly values: Label[];
  /** `codes[i]` is the index of sample `i`'s label in `values`. */
  readonly codes: Int32Array;
}

function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

/** @internal Sort order of labels, as numpy's `np.unique` for an all-number or all-string array. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  return typeof b === 'number' ? 1 : compareCodePoints(a, b);
}

/** @internal Validates labels (finite numbers or strings, at least one) and encodes them. */
export function encodeLabels(labels: ArrayLike<Label>, what = 'labels'): EncodedLabels {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw invalidData(`${what} must be an array of numbers or strings`);
  }
  const n = labels.length;
  if (n === 0) throw invalidData(`${what} is empty`);
  const seen = new Map<Label, number>();
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (typeof v === 'string') {
      seen.set(v, 0);
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      seen.set(v === 0 ? 0 : v, 0); // -0 and 0 are one label
    } else {
      throw invalidData(`${what}[${i}] is ${describeValue(v)}; labels must be finite numbers or strings`);
    }
  }
  const values = [...seen.keys()].sort(compareLabels);
  values.forEach((v, index) => seen.set(v, index));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    codes[i] = seen.get(v === 0 ? 0 : v)!;
  }
  return { values, codes };
}

/** @internal Refuses two labelings of different lengths, naming both lengths. */
export function checkSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, nameA: string, nameB: string): void {
  if (a.length !== b.length) {
    throw invalidData(`${nameA} has ${a.length} entries but ${nameB} has ${b.length}; they must be the same length`);
  }
}

/** @internal Refuses labels whose count differs from the number of rows, naming both. */
export function checkLabelsForRows(labels: ArrayLike<unknown>, rows: number, what = 'labels'): void {
  if (labels !== null && typeof labels === 'object' && labels.length !== rows) {
    throw invalidData(`${what} has ${labels.length} entries but the points have ${rows} rows; they must be the same length`);
  }
}
