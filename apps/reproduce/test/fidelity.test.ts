import '@bcnmf/backend-cpu'; // the cpu and wasm backends, as the bcnmf bin registers them
// Fidelity without the reference at run time: the project's float32 bcNMF against a plain
// float64 transcription of the reference's Frobenius updates (ALGORITHM.md §2) on the
// reference demo's files, from the same random starts; and the registry's reference values.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fitBcnmf } from '@bcnmf/core';
import { createRandom, loadMnistFlowers } from '@bcnmf/data';
import { evaluateEmbedding } from '@bcnmf/metrics';
import { CPCA_BEST_LABEL, cpcaReturnedLabel, EXPERIMENTS, REFERENCE_KINDS, SAME_SETTINGS_COLUMN, SETTINGS_NAMES, SIMULATION_BETAS } from '../src/index.js';

const dataDir = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const absent = existsSync(join(dataDir, 'mnist-flowers')) ? false : `the shared data sets are not in ${dataDir}`;
if (absent) console.log(`skipping the fidelity test on the demo files: ${absent}`);

/**
 * The reference's contrastive_nmf_sse in float64, in its own layout (X: features x
 * samples, W: features x K, H: K x samples): per iteration H_X, then H_Y, then W with
 * the new H's, eps 1e-10 in every denominator.
 */
function referenceBcnmf64(X: Float64Array, Y: Float64Array, m: number, nx: number, ny: number, k: number, alpha: number, niter: number, start: { W: Float64Array; HX: Float64Array; HY: Float64Array }) {
  const eps = 1e-10;
  const W = Float64Array.from(start.W); // m x k
  const HX = Float64Array.from(start.HX); // k x nx
  const HY = Float64Array.from(start.HY); // k x ny
  const updateH = (D: Float64Array, H: Float64Array, n: number) => {
    const WtW = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += W[i * k + a] * W[i * k + b];
      WtW[a * k + b] = s;
    }
    const WtD = new Float64Array(k * n);
    for (let i = 0; i < m; i++) for (let a = 0; a < k; a++) {
      const w = W[i * k + a];
      for (let j = 0; j < n; j++) WtD[a * n + j] += w * D[i * n + j];
    }
    const next = new Float64Array(k * n);
    for (let a = 0; a < k; a++) for (let j = 0; j < n; j++) {
      let den = 0;
      for (let b = 0; b < k; b++) den += WtW[a * k + b] * H[b * n + j];
      next[a * n + j] = (H[a * n + j] * WtD[a * n + j]) / (den + eps);
    }
    H.set(next);
  };
  for (let it = 0; it < niter; it++) {
    updateH(X, HX, nx);
    updateH(Y, HY, ny);
    const gram = (H: Float64Array, n: number) => {
      const g = new Float64Array(k * k);
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += H[a * n + j] * H[b * n + j];
        g[a * k + b] = s;
      }
      return g;
    };
    const times = (D: Float64Array, H: Float64Array, n: number) => {
      const out = new Float64Array(m * k); // D H^T
      for (let i = 0; i < m; i++) for (let a = 0; a < k; a++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += D[i * n + j] * H[a * n + j];
        out[i * k + a] = s;
      }
      return out;
    };
    const gx = gram(HX, nx);
    const gy = gram(HY, ny);
    const xh = times(X, HX, nx);
    const yh = times(Y, HY, ny);
    const next = new Float64Array(m * k);
    for (let i = 0; i < m; i++) for (let a = 0; a < k; a++) {
      let wgx = 0;
      let wgy = 0;
      for (let b = 0; b < k; b++) {
        wgx += W[i * k + b] * gx[b * k + a];
        wgy += W[i * k + b] * gy[b * k + a];
      }
      next[i * k + a] = (W[i * k + a] * (xh[i * k + a] + alpha * wgy)) / (wgx + alpha * yh[i * k + a] + eps);
    }
    W.set(next);
  }
  return { W, HX };
}

test('bcNMF float32 (cpu backend) against a float64 transcription of the reference updates on the demo files: same ARI per seed, means within 0.05', { skip: absent }, async () => {
  const d = await loadMnistFlowers({ dataDir });
  const [nx, m] = d.target.shape;
  const ny = d.background.rows;
  const k = 2;
  // the reference's layout: features x samples
  const transpose = (data: ArrayLike<number>, rows: number, cols: number) => {
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
    return out;
  };
  const X = transpose(d.target.data, nx, m);
  const Y = transpose(d.background.data, ny, m);
  const ari = (rows: number[][], seed: number) => evaluateEmbedding(rows, d.targetLabels, { protocol: 'raw', k: 2, nInit: 10, seed }).ari;
  const ours: number[] = [];
  const reference: number[] = [];
  for (let seed = 0; seed < 10; seed++) {
    // one random start (uniform in [0, 1), as the reference's torch.rand), given to both
    const rng = createRandom(1000 + seed);
    const start = {
      W: Float64Array.from({ length: m * k }, () => Math.fround(rng.uniform())),
      HX: Float64Array.from({ length: k * nx }, () => Math.fround(rng.uniform())),
      HY: Float64Array.from({ length: k * ny }, () => Math.fround(rng.uniform())),
    };
    const init = {
      W: Array.from({ length: k }, (_, a) => Array.from({ length: m }, (_, i) => start.W[i * k + a])),
      Htarget: Array.from({ length: nx }, (_, j) => Array.from({ length: k }, (_, a) => start.HX[a * nx + j])),
      Hbackground: Array.from({ length: ny }, (_, j) => Array.from({ length: k }, (_, a) => start.HY[a * ny + j])),
    };
    const fit = await fitBcnmf(d.target, d.background, { k, alpha: 2, maxIter: 300, tol: 0, init, backend: 'cpu' });
    const ref = referenceBcnmf64(X, Y, m, nx, ny, k, 2, 300, start);
    const h64 = Array.from({ length: nx }, (_, j) => Array.from({ length: k }, (_, a) => ref.HX[a * nx + j]));
    const h32 = fit.Htarget.toArray();
    // the factors themselves agree to float32 rounding accumulated over 300 iterations
    let top = 0;
    let diff = 0;
    h64.forEach((row, j) => row.forEach((v, a) => {
      top = Math.max(top, Math.abs(v));
      diff = Math.max(diff, Math.abs(v - h32[j][a]));
    }));
    assert.ok(diff <= 1e-3 * top, `seed ${seed}: H differs by ${diff} (largest ${top})`);
    ours.push(ari(h32, seed));
    reference.push(ari(h64, seed));
    assert.ok(Math.abs(ours[seed] - reference[seed]) <= 0.05, `seed ${seed}: ARI ${ours[seed]} (float32) vs ${reference[seed]} (float64)`);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  assert.ok(Math.abs(mean(ours) - mean(reference)) <= 0.05, `mean ARI ${mean(ours)} vs ${mean(reference)}`);
  // and the method works here as the demo says: well above NMF's 0.03
  assert.ok(mean(reference) > 0.6, `float64 mean ARI ${mean(reference)}`);
});

test('every reference value names one of the three kinds of source, and a row and column its experiment produces', () => {
  assert.deepEqual([...REFERENCE_KINDS], ['paper', 'reference notebook', 'untraced']);
  for (const e of EXPERIMENTS) {
    const rows = new Set<string>();
    for (const settings of SETTINGS_NAMES) {
      for (const spec of e.methods(false, {}, settings)) {
        if (spec.method === 'cpca' && spec.options.alpha === 'auto') {
          for (let rank = 1; rank <= 3; rank++) rows.add(cpcaReturnedLabel(rank, spec));
          rows.add(spec.label === 'cPCA' ? CPCA_BEST_LABEL : `${spec.label} (best returned α, chosen with labels)`);
        } else {
          rows.add(spec.label);
        }
      }
    }
    const identical = e.settings.table.sameAs === 'notebook';
    const columns = e.name === 'simulation' ? SIMULATION_BETAS.map((b) => `β=${b}`) : identical ? [SAME_SETTINGS_COLUMN] : [...SETTINGS_NAMES];
    for (const v of e.reference.values) {
      const what = `${e.name}: ${v.row} ${v.column} ${v.value}`;
      assert.ok(REFERENCE_KINDS.includes(v.source.kind), `${what}: source kind '${v.source.kind}'`);
      assert.ok(v.source.where.trim().length > 0, `${what}: says where it comes from`);
      if (v.source.kind === 'paper') assert.equal(v.source.where, 'arXiv 2602.22387', what);
      if (v.source.kind === 'reference notebook') assert.match(v.source.where, /\.ipynb$/, what);
      assert.ok(rows.has(v.row), `${what}: no such row (${[...rows].join(', ')})`);
      assert.ok(columns.includes(v.column), `${what}: no such column (${columns.join(', ')})`);
      assert.ok(Number.isFinite(v.value) && v.value >= -0.5 && v.value <= 1, what);
    }
  }
  // the values ALGORITHM.md §7 traces to the paper's text are the only 'paper' ones
  const paper = EXPERIMENTS.flatMap((e) => e.reference.values.filter((v) => v.source.kind === 'paper').map((v) => `${e.name} ${v.value}`)).sort();
  assert.deepEqual(paper, ['mdd 0.0662', 'mdd 0.1306', 'tp53 0.058', 'tp53 0.176', 'tp53 0.212', 'tp53 0.621']);
});
