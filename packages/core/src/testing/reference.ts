// A plain float64 transcription of ALGORITHM.md §2-3 in the reference's own layout
// (features x samples: X is M x N, W is M x K, H is K x N), written independently of
// the package's code, for the tests to compare against.
import seedrandom from 'seedrandom';

export interface Mat {
  rows: number;
  cols: number;
  v: Float64Array;
}

export function mat(rows: number, cols: number, fill = 0): Mat {
  return { rows, cols, v: new Float64Array(rows * cols).fill(fill) };
}

export function fromRows(rows: number[][]): Mat {
  const m = mat(rows.length, rows[0].length);
  rows.forEach((r, i) => r.forEach((x, j) => (m.v[i * m.cols + j] = x)));
  return m;
}

export function toRows(m: Mat): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.v.subarray(i * m.cols, (i + 1) * m.cols)));
}

export function transpose(a: Mat): Mat {
  const t = mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.v[j * a.rows + i] = a.v[i * a.cols + j];
  return t;
}

export function mul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new Error('shape');
  const c = mat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let p = 0; p < a.cols; p++) {
      const x = a.v[i * a.cols + p];
      if (x === 0) continue;
      for (let j = 0; j < b.cols; j++) c.v[i * b.cols + j] += x * b.v[p * b.cols + j];
    }
  }
  return c;
}

function map2(a: Mat, b: Mat, f: (x: number, y: number) => number): Mat {
  const c = mat(a.rows, a.cols);
  for (let i = 0; i < a.v.length; i++) c.v[i] = f(a.v[i], b.v[i]);
  return c;
}

const add = (a: Mat, b: Mat): Mat => map2(a, b, (x, y) => x + y);
const scale = (a: Mat, s: number): Mat => map2(a, a, (x) => x * s);
const ones = (rows: number, cols: number): Mat => mat(rows, cols, 1);

/** A ∘ (num ⊘ (den + eps))^damping */
function multiplicative(a: Mat, num: Mat, den: Mat, eps: number, damping: number): Mat {
  const c = mat(a.rows, a.cols);
  for (let i = 0; i < a.v.length; i++) c.v[i] = a.v[i] * Math.pow(num.v[i] / (den.v[i] + eps), damping);
  return c;
}

export interface RefState {
  W: Mat; // M x K
  Hx: Mat; // K x Nx
  Hy: Mat; // K x Ny
}

export function frobeniusIteration(X: Mat, Y: Mat, s: RefState, alpha: number, eps: number, damping: number): RefState {
  const Wt = transpose(s.W);
  const WtW = mul(Wt, s.W);
  const Hx = multiplicative(s.Hx, mul(Wt, X), mul(WtW, s.Hx), eps, damping);
  const Hy = multiplicative(s.Hy, mul(Wt, Y), mul(WtW, s.Hy), eps, damping);
  const num = add(mul(X, transpose(Hx)), scale(mul(s.W, mul(Hy, transpose(Hy))), alpha));
  const den = add(mul(s.W, mul(Hx, transpose(Hx))), scale(mul(Y, transpose(Hy)), alpha));
  return { W: multiplicative(s.W, num, den, eps, damping), Hx, Hy };
}

function ratio(X: Mat, WH: Mat, eps: number): Mat {
  return map2(X, WH, (x, r) => x / (r + eps));
}

export function poissonIteration(X: Mat, Y: Mat, s: RefState, alpha: number, eps: number, damping: number): RefState {
  const Wt = transpose(s.W);
  const WtOnesX = mul(Wt, ones(X.rows, X.cols));
  const WtOnesY = mul(Wt, ones(Y.rows, Y.cols));
  const Hx = multiplicative(s.Hx, mul(Wt, ratio(X, mul(s.W, s.Hx), eps)), WtOnesX, eps, damping);
  const Hy = multiplicative(s.Hy, mul(Wt, ratio(Y, mul(s.W, s.Hy), eps)), WtOnesY, eps, damping);
  const num = add(mul(ratio(X, mul(s.W, Hx), eps), transpose(Hx)), scale(mul(ones(Y.rows, Y.cols), transpose(Hy)), alpha));
  const den = add(mul(ones(X.rows, X.cols), transpose(Hx)), scale(mul(ratio(Y, mul(s.W, Hy), eps), transpose(Hy)), alpha));
  return { W: multiplicative(s.W, num, den, eps, damping), Hx, Hy };
}

/** Mean squared error ‖X − W H‖² / numel. */
export function mse(X: Mat, W: Mat, H: Mat): number {
  const R = mul(W, H);
  let sum = 0;
  for (let i = 0; i < X.v.length; i++) sum += (X.v[i] - R.v[i]) ** 2;
  return sum / X.v.length;
}

/** Σ (X log(WH + eps) − WH) / numel. */
export function poissonLogLik(X: Mat, W: Mat, H: Mat, eps: number): number {
  const R = mul(W, H);
  let sum = 0;
  for (let i = 0; i < X.v.length; i++) sum += X.v[i] * Math.log(R.v[i] + eps) - R.v[i];
  return sum / X.v.length;
}

export function uniformMat(rows: number, cols: number, random: () => number, lo = 0, hi = 1): Mat {
  const m = mat(rows, cols);
  for (let i = 0; i < m.v.length; i++) m.v[i] = lo + (hi - lo) * random();
  return m;
}

export function rng(seed: string): () => number {
  return seedrandom(seed);
}

/** Largest |a − b| / (|b| + floor) over all entries. */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + floor));
  return worst;
}

export interface RefMultiState {
  W: Mat; // M x K
  Hx: Mat; // K x Nx
  Hys: Mat[]; // K x Ny_b, one per background
}

/** §2 with several backgrounds: the W update sums α_b-weighted background terms. */
export function frobeniusIterationMulti(X: Mat, Ys: Mat[], s: RefMultiState, alphas: number[], eps: number, damping: number): RefMultiState {
  const Wt = transpose(s.W);
  const WtW = mul(Wt, s.W);
  const Hx = multiplicative(s.Hx, mul(Wt, X), mul(WtW, s.Hx), eps, damping);
  const Hys = Ys.map((Y, b) => multiplicative(s.Hys[b], mul(Wt, Y), mul(WtW, s.Hys[b]), eps, damping));
  let num = mul(X, transpose(Hx));
  let den = mul(s.W, mul(Hx, transpose(Hx)));
  Ys.forEach((Y, b) => {
    num = add(num, scale(mul(s.W, mul(Hys[b], transpose(Hys[b]))), alphas[b]));
    den = add(den, scale(mul(Y, transpose(Hys[b])), alphas[b]));
  });
  return { W: multiplicative(s.W, num, den, eps, damping), Hx, Hys };
}

/** §3 with several backgrounds. */
export function poissonIterationMulti(X: Mat, Ys: Mat[], s: RefMultiState, alphas: number[], eps: number, damping: number): RefMultiState {
  const Wt = transpose(s.W);
  const Hx = multiplicative(s.Hx, mul(Wt, ratio(X, mul(s.W, s.Hx), eps)), mul(Wt, ones(X.rows, X.cols)), eps, damping);
  const Hys = Ys.map((Y, b) =>
    multiplicative(s.Hys[b], mul(Wt, ratio(Y, mul(s.W, s.Hys[b]), eps)), mul(Wt, ones(Y.rows, Y.cols)), eps, damping));
  let num = mul(ratio(X, mul(s.W, Hx), eps), transpose(Hx));
  let den = mul(ones(X.rows, X.cols), transpose(Hx));
  Ys.forEach((Y, b) => {
    num = add(num, scale(mul(ones(Y.rows, Y.cols), transpose(Hys[b])), alphas[b]));
    den = add(den, scale(mul(ratio(Y, mul(s.W, Hys[b]), eps), transpose(Hys[b])), alphas[b]));
  });
  return { W: multiplicative(s.W, num, den, eps, damping), Hx, Hys };
}
