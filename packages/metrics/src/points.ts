import { describeValue, invalidData } from './errors.js';

/**
 * A row-major dense matrix, structurally the same as `DenseMatrix` of `@bcnmf/core`
 * (which this package does not import): `data[i * cols + j]` is row `i`, column `j`.
 */
export interface DenseMatrixLike {
  readonly data: Float32Array | Float64Array;
  readonly shape: readonly [number, number];
}

/** Points (samples × features): an array of equally long rows, or a {@link DenseMatrixLike}. */
export type PointsInput = readonly (ArrayLike<number>)[] | DenseMatrixLike;

/** @internal Points after validation: plain rows of finite numbers. */
export interface Rows {
  readonly rows: number[][];
  readonly n: number;
  readonly d: number;
}

function checkFinite(value: unknown, i: number, j: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidData(`${what} has ${describeValue(value)} at row ${i}, column ${j}; all values must be finite numbers`);
  }
  return value;
}

function isDenseMatrixLike(x: unknown): x is DenseMatrixLike {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'data' in x && 'shape' in x;
}

/**
 * @internal Validates points and copies them into plain rows: refuses empty input, ragged
 * rows, shape/data mismatches and NaN or ±Infinity (naming row and column).
 */
export function toRows(points: PointsInput, what = 'points'): Rows {
  if (isDenseMatrixLike(points)) {
    const { data, shape } = points;
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw invalidData(`${what}.data must be a Float32Array or Float64Array`);
    }
    if (!Array.isArray(shape) || shape.length !== 2) {
      throw invalidData(`${what}.shape must be [rows, cols]`);
    }
    const [n, d] = shape;
    if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d < 0) {
      throw invalidData(`${what}.shape must be two non-negative integers, got [${n}, ${d}]`);
    }
    if (data.length !== n * d) {
      throw invalidData(`${what}.data has ${data.length} values but shape [${n}, ${d}] needs ${n * d}`);
    }
    if (n === 0 || d === 0) throw invalidData(`${what} is empty (shape [${n}, ${d}])`);
    const rows: number[][] = new Array(n);
    for (let i = 0; i < n; i++) {
      const row = new Array<number>(d);
      for (let j = 0; j < d; j++) row[j] = checkFinite(data[i * d + j], i, j, what);
      rows[i] = row;
    }
    return { rows, n, d };
  }
  if (!Array.isArray(points)) {
    throw invalidData(`${what} must be an array of rows or { data, shape }`);
  }
  const n = points.length;
  if (n === 0) throw invalidData(`${what} is empty (0 rows)`);
  const first = points[0];
  if (first === null || typeof first !== 'object' || typeof first.length !== 'number') {
    throw invalidData(`${what} row 0 is not an array`);
  }
  const d = first.length;
  if (d === 0) throw invalidData(`${what} is empty (rows have 0 columns)`);
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const src = points[i];
    if (src === null || typeof src !== 'object' || typeof src.length !== 'number') {
      throw invalidData(`${what} row ${i} is not an array`);
    }
    if (src.length !== d) {
      throw invalidData(`${what} row ${i} has ${src.length} values but row 0 has ${d}`);
    }
    const row = new Array<number>(d);
    for (let j = 0; j < d; j++) row[j] = checkFinite(src[j], i, j, what);
    rows[i] = row;
  }
  return { rows, n, d };
}
