import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { simulateBetaSeries, type SimulatedData } from '../src/simulation/index.js';

/** Independent transcription of ALGORITHM.md §8's mean for one cell and gene (times the library size). */
function expectedCount(sim: SimulatedData, which: 'target' | 'background', i: number, g: number): number {
  const beta = sim.options.beta;
  const cls = which === 'target' ? sim.targetClasses[i] : sim.backgroundClasses[i];
  const cellNoise = which === 'target' ? sim.targetCellNoise[i] : sim.backgroundCellNoise[i];
  const lib = which === 'target' ? sim.targetLibrarySize[i] : sim.backgroundLibrarySize[i];
  let mean = beta * 10 * sim.sharedPrograms.get(cls, g) + 0.02 + 0.01 * sim.geneNoise[g] * cellNoise;
  if (which === 'target') mean += 0.15 * sim.targetPrograms.get(sim.targetLabels[i], g);
  return mean * lib;
}

test('paper defaults: 3000 genes, 1000 + 1000 cells, Float32 counts, balanced labels; counts match the model mean', () => {
  const sim = simulateBetaSeries({ beta: 1, seed: 0 });
  assert.deepEqual(sim.target.shape, [1000, 3000]);
  assert.deepEqual(sim.background.shape, [1000, 3000]);
  assert.ok(sim.target.data instanceof Float32Array);
  assert.ok(sim.background.data instanceof Float32Array);
  assert.deepEqual(sim.sharedPrograms.shape, [5, 3000]);
  assert.deepEqual(sim.targetPrograms.shape, [2, 3000]);
  assert.equal(sim.target.columnNames?.[2999], 'g2999');
  assert.equal(sim.targetLabels.filter((l) => l === 0).length, 500);
  assert.equal(sim.targetLabels.filter((l) => l === 1).length, 500);
  // shuffled, not 500 zeros then 500 ones
  assert.ok(sim.targetLabels.slice(0, 500).some((l) => l === 1));
  for (const c of [sim.targetClasses, sim.backgroundClasses]) {
    for (let k = 0; k < 5; k++) assert.ok(c.filter((x) => x === k).length > 150, `class ${k}`);
  }

  for (const which of ['target', 'background'] as const) {
    const m = sim[which];
    // Per cell: the row sum is Poisson with the summed mean; every row within 6 sd.
    let total = 0;
    let expectedTotal = 0;
    const colSum = new Float64Array(3000);
    const colExpected = new Float64Array(3000);
    for (let i = 0; i < m.rows; i++) {
      let s = 0;
      let e = 0;
      for (let g = 0; g < 3000; g++) {
        const x = m.get(i, g);
        assert.ok(Number.isInteger(x) && x >= 0);
        const mu = expectedCount(sim, which, i, g);
        s += x;
        e += mu;
        colSum[g] += x;
        colExpected[g] += mu;
      }
      assert.ok(Math.abs(s - e) < 6 * Math.sqrt(e), `${which} row ${i}: ${s} vs ${e}`);
      total += s;
      expectedTotal += e;
    }
    assert.ok(Math.abs(total - expectedTotal) < 5 * Math.sqrt(expectedTotal), `${which} total ${total} vs ${expectedTotal}`);
    let maxZ = 0;
    for (let g = 0; g < 3000; g++) maxZ = Math.max(maxZ, Math.abs(colSum[g] - colExpected[g]) / Math.sqrt(colExpected[g]));
    assert.ok(maxZ < 6, `${which}: largest per-gene z ${maxZ}`);
  }
});

test('grand mean of the background matches the analytic expectation E[lib]·(beta·10·0.105 + 0.03)', () => {
  for (const beta of [0, 2]) {
    const sim = simulateBetaSeries({ beta, seed: 'grand', nTarget: 10, nBackground: 800 });
    let s = 0;
    for (const x of sim.background.data) s += x;
    const mean = s / sim.background.data.length;
    // per gene of a program: noise 0.5·0.01 + share of block genes (250/3000) · Gamma(2,0.6) mean 1.2
    const programMean = 0.5 * 0.01 + (250 / 3000) * 1.2;
    const expected = Math.exp(0.35 ** 2 / 2) * (beta * 10 * programMean + 0.02 + 0.01);
    assert.ok(Math.abs(mean - expected) / expected < 0.08, `beta ${beta}: ${mean} vs ${expected}`);
  }
});

test('programs sit on the documented gene blocks', () => {
  const sim = simulateBetaSeries({ beta: 1, seed: 3, nTarget: 4, nBackground: 2 });
  const blockMean = (row: Float64Array, a: number, b: number) => row.slice(a, b).reduce((x, y) => x + y, 0) / (b - a);
  for (let k = 0; k < 5; k++) {
    const row = sim.sharedPrograms.row(k) as Float64Array;
    const inside = blockMean(row, 250 * k, 250 * k + 250);
    const outside = (blockMean(row, 0, 3000) * 3000 - inside * 250) / 2750;
    assert.ok(Math.abs(inside - 1.2 - 0.005) < 0.2, `shared ${k} inside ${inside}`);
    assert.ok(Math.abs(outside - 0.005) < 0.001, `shared ${k} outside ${outside}`);
  }
  for (let t = 0; t < 2; t++) {
    const row = sim.targetPrograms.row(t) as Float64Array;
    const a = 1250 + 120 * t;
    const inside = blockMean(row, a, a + 120);
    const outside = (blockMean(row, 0, 3000) * 3000 - inside * 120) / 2880;
    assert.ok(Math.abs(inside - 1.8 - 0.0025) < 0.35, `target ${t} inside ${inside}`);
    assert.ok(Math.abs(outside - 0.0025) < 0.0006, `target ${t} outside ${outside}`);
  }
});

test('same seed gives identical data; another seed or beta gives other data', () => {
  const a = simulateBetaSeries({ beta: 2, seed: 9, scale: 0.1 });
  const b = simulateBetaSeries({ beta: 2, seed: 9, scale: 0.1 });
  const c = simulateBetaSeries({ beta: 2, seed: 10, scale: 0.1 });
  assert.deepEqual(a.target.data, b.target.data);
  assert.deepEqual(a.background.data, b.background.data);
  assert.deepEqual(a.targetLabels, b.targetLabels);
  assert.deepEqual(a.sharedPrograms.data, b.sharedPrograms.data);
  assert.notDeepEqual(a.target.data, c.target.data);
  const d = simulateBetaSeries({ beta: 4, seed: 9, scale: 0.1 });
  assert.deepEqual(a.targetLabels, d.targetLabels); // latent draws come before the counts
  assert.notDeepEqual(a.background.data, d.background.data);
});

/** Mean count of cells of class k on the genes of program k, over the mean on those genes in other cells. */
function classContrast(sim: SimulatedData): number {
  let ratioSum = 0;
  const size = sim.options.sharedProgramSize;
  for (let k = 0; k < 5; k++) {
    let inClass = 0;
    let nIn = 0;
    let outClass = 0;
    let nOut = 0;
    for (let i = 0; i < sim.background.rows; i++) {
      let s = 0;
      for (let g = k * size; g < (k + 1) * size; g++) s += sim.background.get(i, g);
      if (sim.backgroundClasses[i] === k) {
        inClass += s;
        nIn++;
      } else {
        outClass += s;
        nOut++;
      }
    }
    ratioSum += inClass / nIn / (outClass / nOut);
  }
  return ratioSum / 5;
}

test('beta = 0 makes the background structure-free; beta > 0 puts the shared classes in it', () => {
  const zero = simulateBetaSeries({ beta: 0, seed: 1, scale: 0.5 });
  const one = simulateBetaSeries({ beta: 1, seed: 1, scale: 0.5 });
  const r0 = classContrast(zero);
  const r1 = classContrast(one);
  assert.ok(Math.abs(r0 - 1) < 0.1, `beta 0 contrast ${r0}`);
  assert.ok(r1 > 20, `beta 1 contrast ${r1}`);
  // with beta = 0 the target still carries its labels on the target-program genes
  const a = 5 * zero.options.sharedProgramSize;
  const size = zero.options.targetProgramSize;
  let on = 0;
  let off = 0;
  for (let i = 0; i < zero.target.rows; i++) {
    for (let g = a; g < a + size; g++) {
      if (zero.targetLabels[i] === 0) on += zero.target.get(i, g);
      else off += zero.target.get(i, g);
    }
  }
  assert.ok(on / off > 3, `label contrast ${on / off}`);
});

test('scale shrinks genes, cells and program sizes and keeps the structure', () => {
  const s = simulateBetaSeries({ beta: 1, seed: 0, scale: 0.1 });
  assert.deepEqual(s.target.shape, [100, 300]);
  assert.deepEqual(s.background.shape, [100, 300]);
  assert.equal(s.options.sharedProgramSize, 25);
  assert.equal(s.options.targetProgramSize, 12);
  assert.equal(s.sharedPrograms.rows, 5);
  assert.equal(s.targetPrograms.rows, 2);
  const t = simulateBetaSeries({ beta: 1, seed: 0, scale: 0.1, nBackground: 37 });
  assert.deepEqual(t.background.shape, [37, 300]);
});

test('bad options are refused with INVALID_OPTION', () => {
  const bad = [
    { beta: -1, seed: 0 },
    { beta: Number.NaN, seed: 0 },
    { beta: 1, seed: 0, scale: 0 },
    { beta: 1, seed: 0, nGenes: 100 },
    { beta: 1, seed: 0, nTarget: 1.5 },
    { beta: 1 } as unknown as { beta: number; seed: number },
  ];
  for (const o of bad) {
    assert.throws(() => simulateBetaSeries(o), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION', JSON.stringify(o));
  }
});
