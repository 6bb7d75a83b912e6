import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import {
  alignFeatures,
  cutEqualWidth,
  highlyVariableGenes,
  imputeColumnMeans,
  imputeConstant,
  log1p,
  normalizeTotal,
  selectFeatures,
  selectColumns,
  selectHighlyVariableGenes,
  selectRows,
  standardize,
} from '../src/preprocess/index.js';
import { createRandom } from '../src/simulation/random.js';

const isInvalidData = (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA';

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-9, label = ''): void {
  assert.equal(a.length, b.length, `${label} length`);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) assert.ok(Number.isNaN(a[i]), `${label}[${i}]: ${a[i]} vs NaN`);
    else assert.ok(Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${label}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

test('normalizeTotal scales rows to targetSum (hand-computed), keeps zero rows, names and storage; pure', () => {
  const m = new DenseMatrix({ data: Float32Array.of(1, 3, 0, 0, 2, 2), shape: [3, 2], rowNames: ['a', 'b', 'c'], columnNames: ['x', 'y'] });
  const r = normalizeTotal(m, { targetSum: 100 });
  assert.deepEqual(r.toArray(), [[25, 75], [0, 0], [50, 50]]);
  assert.ok(r.data instanceof Float32Array);
  assert.deepEqual(r.rowNames, ['a', 'b', 'c']);
  assert.deepEqual(r.columnNames, ['x', 'y']);
  assert.deepEqual(Array.from(m.data), [1, 3, 0, 0, 2, 2]);
  const d = normalizeTotal(DenseMatrix.fromRows([[1, 1, 2]]));
  assert.deepEqual(d.toArray(), [[2500, 2500, 5000]]);
});

test('log1p is log(1 + x) per value, names kept', () => {
  const m = DenseMatrix.fromRows([[0, Math.E - 1], [3, 99]], { columnNames: ['a', 'b'] });
  const r = log1p(m);
  close(r.data, [0, 1, Math.log(4), Math.log(100)], 1e-15);
  assert.deepEqual(r.columnNames, ['a', 'b']);
});

test('selectFeatures keeps named columns in matrix or list order and reports the missing ones', () => {
  const m = DenseMatrix.fromRows([[1, 2, 3], [4, 5, 6]], { columnNames: ['A', 'B', 'C'], rowNames: ['r1', 'r2'] });
  const r = selectFeatures(m, ['C', 'A', 'Z', 'A']);
  assert.deepEqual(r.matrix.toArray(), [[1, 3], [4, 6]]);
  assert.deepEqual(r.matrix.columnNames, ['A', 'C']);
  assert.deepEqual(r.matrix.rowNames, ['r1', 'r2']);
  assert.deepEqual(r.missing, ['Z']);
  assert.deepEqual(selectFeatures(m, new Set(['C', 'A']), { order: 'list' }).matrix.toArray(), [[3, 1], [6, 4]]);
  assert.throws(() => selectFeatures(m, ['Z'], { onMissing: 'error' }), isInvalidData);
  assert.throws(() => selectFeatures(DenseMatrix.fromRows([[1]]), ['A']), isInvalidData);
  assert.throws(() => selectFeatures(DenseMatrix.fromRows([[1, 2]], { columnNames: ['A', 'A'] }), ['A']), isInvalidData);
});

test('imputeColumnMeans fills NaN with the column mean over the chosen rows only', () => {
  const N = Number.NaN;
  const m = DenseMatrix.fromRows([[1, N], [3, 4], [N, 8], [100, N]], { columnNames: ['p', 'q'] });
  assert.deepEqual(imputeColumnMeans(m).toArray(), [[1, 6], [3, 4], [(1 + 3 + 100) / 3, 8], [100, 6]]);
  // rows 0..2 only: means 2 and 6; row 3 untouched
  const r = imputeColumnMeans(m, { rows: [0, 1, 2] }).toArray();
  assert.deepEqual(r.slice(0, 3), [[1, 6], [3, 4], [2, 8]]);
  assert.equal(r[3][0], 100);
  assert.ok(Number.isNaN(r[3][1]));
  assert.throws(() => imputeColumnMeans(DenseMatrix.fromRows([[N], [N]], { columnNames: ['only'] })), (e: unknown) => isInvalidData(e) && /only/.test((e as Error).message));
  assert.ok(Number.isNaN(m.get(0, 1)), 'input untouched');
});

test('imputeConstant fills every NaN with the value (0 by default), names kept, input untouched', () => {
  const N = Number.NaN;
  const m = DenseMatrix.fromRows([[1, N], [N, 4]], { columnNames: ['p', 'q'], rowNames: ['a', 'b'] });
  const z = imputeConstant(m);
  assert.deepEqual(z.toArray(), [[1, 0], [0, 4]]);
  assert.deepEqual(z.columnNames, ['p', 'q']);
  assert.deepEqual(z.rowNames, ['a', 'b']);
  assert.deepEqual(imputeConstant(m, -2.5).toArray(), [[1, -2.5], [-2.5, 4]]);
  assert.ok(Number.isNaN(m.get(0, 1)), 'input untouched');
  assert.throws(() => imputeConstant(m, Number.NaN), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION');
});

test('standardize: z-scores per column against a plain computation, zero-variance columns centred', () => {
  const rng = createRandom(2);
  const rows = Array.from({ length: 30 }, () => [rng.normal(5, 2), rng.gamma(2, 3), 7]);
  const m = DenseMatrix.fromRows(rows);
  const z = standardize(m);
  for (let j = 0; j < 3; j++) {
    const col = rows.map((r) => r[j]);
    const mu = col.reduce((a, b) => a + b, 0) / col.length;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - mu) ** 2, 0) / col.length);
    close(z.column(j), col.map((x) => (sd === 0 ? x - mu : (x - mu) / sd)), 1e-12, `col ${j}`);
  }
  assert.ok(z.column(2).every((x) => x === 0));
  close(standardize(DenseMatrix.fromRows([[1], [3]]), { ddof: 1 }).data, [-Math.SQRT1_2, Math.SQRT1_2], 1e-15);
});

test("alignFeatures with align 'name' intersects in the target order and reports what was dropped", () => {
  const t = DenseMatrix.fromRows([[1, 2, 3, 4]], { columnNames: ['a', 'b', 'c', 'e'] });
  const b = DenseMatrix.fromRows([[5, 6, 7, 8]], { columnNames: ['e', 'd', 'a', 'c'] });
  const r = alignFeatures(t, b, { align: 'name' });
  assert.deepEqual(r.featureNames, ['a', 'c', 'e']);
  assert.deepEqual(r.target.toArray(), [[1, 3, 4]]);
  assert.deepEqual(r.background.toArray(), [[7, 8, 5]]);
  assert.deepEqual(r.background.columnNames, ['a', 'c', 'e']);
  assert.deepEqual(r.droppedFromTarget, ['b']);
  assert.deepEqual(r.droppedFromBackground, ['d']);
});

test('cutEqualWidth reproduces pandas.cut(data, 4) from pandas’ own test (right-closed, first edge lowered)', () => {
  const r = cutEqualWidth(Float64Array.of(0.2, 1.4, 2.5, 6.2, 9.7, 2.1, 2.575), 4);
  close(r.edges, [0.1905, 2.575, 4.95, 7.325, 9.7], 1e-12);
  assert.deepEqual(Array.from(r.bins), [0, 0, 0, 2, 3, 0, 0]);
  const same = cutEqualWidth(Float64Array.of(2, 2, Number.NaN), 2);
  close(same.edges, [1.998, 2, 2.002], 1e-12);
  assert.deepEqual(Array.from(same.bins), [0, 0, -1]);
});

test('Seurat HVG: hand-checked 4 x 4 case with a single-gene bin and a zero-variance gene', () => {
  // counts: a = [0,0,2,2] (mean 1, var 4/3), b constant 1 (var 0 -> NaN), c = [0,0,0,8] (mean 2, var 16),
  // d = [4,4,0,0] (mean 2, var 16/3). log1p means: a, b = ln 2; c, d = ln 3 -> 2 bins: {a, b}, {c, d}.
  // bin 0 has one non-NaN dispersion (a) -> norm 1. bin 1: log 8 and log 8/3 -> ±1/sqrt(2).
  const counts = [
    [0, 1, 0, 4],
    [0, 1, 0, 4],
    [2, 1, 0, 0],
    [2, 1, 8, 0],
  ];
  const m = log1p(DenseMatrix.fromRows(counts, { columnNames: ['a', 'b', 'c', 'd'] }));
  const r = highlyVariableGenes(m, { nTopGenes: 2, nBins: 2 });
  close(r.means, [Math.log(2), Math.log(2), Math.log(3), Math.log(3)], 1e-12);
  close(r.dispersions, [Math.log(4 / 3), Number.NaN, Math.log(8), Math.log(8 / 3)], 1e-12);
  assert.deepEqual(Array.from(r.meanBins), [0, 0, 1, 1]);
  close(r.dispersionsNorm, [1, Number.NaN, Math.SQRT1_2, -Math.SQRT1_2], 1e-12);
  assert.deepEqual(r.names, ['a', 'c']);
  assert.deepEqual(highlyVariableGenes(m, { nTopGenes: 1, nBins: 2 }).names, ['a']);
  // more genes asked than have a norm: every gene with a norm, never the NaN one
  assert.deepEqual(highlyVariableGenes(m, { nTopGenes: 10, nBins: 2 }).names, ['a', 'c', 'd']);
  assert.deepEqual(selectHighlyVariableGenes(m, { nTopGenes: 2, nBins: 2 }).columnNames, ['a', 'c']);
  // natural-log data given as log2: logBase undoes it
  const log2 = new DenseMatrix({ data: m.data.map((x) => x / Math.LN2), shape: m.shape, columnNames: m.columnNames });
  close(highlyVariableGenes(log2, { nTopGenes: 2, nBins: 2, logBase: 2 }).dispersionsNorm, r.dispersionsNorm, 1e-12);
});

/** Straightforward transcription of scanpy's seurat flavour, written independently of src. */
function referenceSeurat(rows: number[][], nTop: number, nBins: number) {
  const n = rows.length;
  const G = rows[0].length;
  const means: number[] = [];
  const disps: number[] = [];
  for (let g = 0; g < G; g++) {
    const x = rows.map((r) => Math.expm1(r[g]));
    let mu = x.reduce((a, b) => a + b, 0) / n;
    const v = x.reduce((a, b) => a + (b - mu) ** 2, 0) / (n - 1);
    if (mu === 0) mu = 1e-12;
    let d = v / mu;
    d = d === 0 ? Number.NaN : Math.log(d);
    disps.push(d);
    means.push(Math.log1p(mu));
  }
  const mn = Math.min(...means);
  const mx = Math.max(...means);
  const edges: number[] = [];
  for (let i = 0; i <= nBins; i++) edges.push(i === nBins ? mx : mn + (i * (mx - mn)) / nBins);
  edges[0] -= (mx - mn) / 1000;
  const bin = means.map((m) => {
    for (let b = 0; b < nBins; b++) if (m > edges[b] && m <= edges[b + 1]) return b;
    throw new Error('unbinned');
  });
  const norm: number[] = new Array(G).fill(Number.NaN);
  for (let b = 0; b < nBins; b++) {
    const members = bin.map((x, g) => (x === b ? g : -1)).filter((g) => g >= 0);
    if (members.length === 0) continue;
    const vals = members.map((g) => disps[g]).filter((d) => !Number.isNaN(d));
    let avg = vals.length ? vals.reduce((a, c) => a + c, 0) / vals.length : Number.NaN;
    let dev = vals.length > 1 ? Math.sqrt(vals.reduce((a, c) => a + (c - avg) ** 2, 0) / (vals.length - 1)) : Number.NaN;
    if (Number.isNaN(dev)) {
      dev = avg;
      avg = 0;
    }
    for (const g of members) norm[g] = (disps[g] - avg) / dev;
  }
  const order = norm.map((v, g) => [v, g] as const).filter(([v]) => !Number.isNaN(v)).sort((p, q) => q[0] - p[0]);
  const k = Math.min(nTop, order.length);
  const cutoff = order[k - 1][0];
  const selected = norm.map((v, g) => (!Number.isNaN(v) && v >= cutoff ? g : -1)).filter((g) => g >= 0);
  return { means, disps, norm, bin, selected };
}

test('Seurat HVG matches an independent transcription on random count data', () => {
  for (const seed of [1, 2, 3]) {
    const rng = createRandom(seed);
    const nCells = 60;
    const G = 400;
    const geneScale = Array.from({ length: G }, () => rng.gamma(0.6, 2));
    const rows = Array.from({ length: nCells }, () => {
      const lib = rng.logNormal(0, 0.5);
      return geneScale.map((s, g) => (g < 5 ? 0 : g < 8 ? 3 : rng.poisson(s * lib * rng.gamma(2, 0.5))));
    });
    rows[0][10] = 5000; // an outlier mean, likely alone in its bin
    const m = log1p(normalizeTotal(DenseMatrix.fromRows(rows)));
    const asRows = m.toArray();
    for (const nTop of [1, 37, 100, 1000]) {
      const mine = highlyVariableGenes(m, { nTopGenes: nTop });
      const ref = referenceSeurat(asRows, nTop, 20);
      close(mine.means, ref.means, 1e-10, 'means');
      close(mine.dispersions, ref.disps, 1e-9, 'dispersions');
      assert.deepEqual(Array.from(mine.meanBins), ref.bin);
      close(mine.dispersionsNorm, ref.norm, 1e-8, 'norm');
      assert.deepEqual(mine.indices, ref.selected, `seed ${seed} nTop ${nTop}`);
      assert.ok(mine.indices.length >= Math.min(nTop, ref.norm.filter((x) => !Number.isNaN(x)).length));
    }
  }
});

test('HVG refuses bad options and data', () => {
  const m = DenseMatrix.fromRows([[1, 2], [3, 4]]);
  assert.throws(() => highlyVariableGenes(m, { nTopGenes: 0 }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION');
  assert.throws(() => highlyVariableGenes(DenseMatrix.fromRows([[1, 2]]), { nTopGenes: 1 }), isInvalidData);
  assert.throws(() => highlyVariableGenes(DenseMatrix.fromRows([[1, 1], [1, 1]]), { nTopGenes: 1 }), isInvalidData);
});

test('CSR input gives the same results as dense input (normalizeTotal, log1p, subsetting, HVG)', () => {
  const rng = createRandom(8);
  const G = 120;
  const rows = Array.from({ length: 50 }, (_, i) =>
    Array.from({ length: G }, (_, g) => (g < 3 ? 0 : rng.uniform() < 0.7 ? 0 : rng.poisson(1 + (g % 7) * (1 + (i % 3))))),
  );
  const names = Array.from({ length: G }, (_, g) => `gene${g}`);
  const dense = DenseMatrix.fromRows(rows, { columnNames: names });
  const sparse = CsrMatrix.fromDense(dense);
  const nd = log1p(normalizeTotal(dense));
  const ns = log1p(normalizeTotal(sparse));
  assert.ok(ns instanceof CsrMatrix);
  close(ns.toDense().data, nd.data, 1e-12, 'log1p(CP10K)');
  assert.deepEqual(ns.columnNames, names);
  const hd = highlyVariableGenes(nd, { nTopGenes: 25 });
  const hs = highlyVariableGenes(ns, { nTopGenes: 25 });
  close(hs.means, hd.means, 1e-12, 'means');
  close(hs.dispersionsNorm, hd.dispersionsNorm, 1e-9, 'norm');
  assert.deepEqual(hs.indices, hd.indices);
  const sub = selectHighlyVariableGenes(ns, { nTopGenes: 25 });
  assert.ok(sub instanceof CsrMatrix);
  assert.deepEqual(sub.toDense().toArray(), selectHighlyVariableGenes(nd, { nTopGenes: 25 }).toArray());
  const f = selectFeatures(sparse, ['gene5', 'gene1', 'nope']);
  assert.ok(f.matrix instanceof CsrMatrix);
  assert.deepEqual(f.matrix.toDense().toArray(), selectFeatures(dense, ['gene5', 'gene1']).matrix.toArray());
  assert.deepEqual(f.missing, ['nope']);
  assert.deepEqual(selectRows(sparse, [3, 1]).toDense().toArray(), selectRows(dense, [3, 1]).toArray());
  assert.deepEqual(selectColumns(sparse, [9, 2]).toDense().toArray(), selectColumns(dense, [9, 2]).toArray());
});
