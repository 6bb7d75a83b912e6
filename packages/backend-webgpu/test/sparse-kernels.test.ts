import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { SparseTensor } from '@bcnmf/core';
import { cpuAdapter, cpuOps } from '@bcnmf/backend-cpu';
import { webgpuAdapter, webgpuOps } from '../src/index.js';
import { planColumnBlocks } from '../src/kernels/sparse-column-index.js';
import { derivedIndexCount } from '../src/kernels/sparse-index-cache.js';
import { countDispatches, gpuMemory, maxRelativeDifference, rng, uniform, webgpuOrReason } from './helpers/webgpu.js';

// The four sparse kernels (CSR data) against float64 loops written here and against
// @bcnmf/backend-cpu's sparse operations (run on tfjs's 'cpu' backend before WebGPU is
// started), at shapes that are not multiples of the kernels' tiles, with empty rows and
// columns, a row with every entry, one column, k from 1 to 50 and densities 1% to 100%.
let skip: string | null = null;

/** A CSR matrix on the host: entries sorted by row (columns within a row in any order). */
interface HostCsr {
  rows: number;
  columns: number;
  rowIds: Int32Array;
  colIds: Int32Array;
  values: Float32Array;
}

interface SparseCase {
  name: string;
  n: number;
  m: number;
  k: number;
  density: number;
  emptyRows?: number[];
  fullRows?: number[];
  /** Columns within each row in a random order (the contract asks only for rows in order). */
  shuffled?: boolean;
}

const CASES: SparseCase[] = [
  { name: 'one entry', n: 1, m: 1, k: 1, density: 1 },
  { name: 'one column', n: 9, m: 1, k: 3, density: 0.5, emptyRows: [0] },
  { name: 'k = 1, empty rows, a full row', n: 40, m: 37, k: 1, density: 0.1, emptyRows: [0, 7, 39], fullRows: [3] },
  { name: 'k = 25 (two chunks), 5%', n: 70, m: 130, k: 25, density: 0.05, emptyRows: [1, 2], fullRows: [69] },
  { name: 'k = 50 (three chunks), 1%', n: 129, m: 300, k: 50, density: 0.01, fullRows: [64] },
  { name: '30%, columns shuffled within rows', n: 200, m: 90, k: 7, density: 0.3, emptyRows: [100], shuffled: true },
  { name: 'wide, 2%', n: 33, m: 2000, k: 3, density: 0.02 },
  { name: 'many blocks in the column index, 30%', n: 600, m: 50, k: 4, density: 0.3, emptyRows: [0, 599] },
];

function randomCsr(c: SparseCase, random: () => number): HostCsr {
  const rowIds: number[] = [];
  const colIds: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < c.n; i++) {
    if (c.emptyRows?.includes(i)) continue;
    const full = c.fullRows?.includes(i) ?? false;
    const columns: number[] = [];
    for (let j = 0; j < c.m; j++) if (full || random() < c.density) columns.push(j);
    if (c.shuffled) columns.sort(() => random() - 0.5);
    for (const j of columns) {
      rowIds.push(i);
      colIds.push(j);
      values.push(1 + Math.floor(random() * 9));
    }
  }
  return { rows: c.n, columns: c.m, rowIds: Int32Array.from(rowIds), colIds: Int32Array.from(colIds), values: Float32Array.from(values) };
}

function upload(csr: HostCsr): SparseTensor {
  return {
    kind: 'csr',
    shape: [csr.rows, csr.columns],
    rowIds: tf.tensor1d(csr.rowIds, 'int32'),
    colIds: tf.tensor1d(csr.colIds, 'int32'),
    values: tf.tensor1d(csr.values, 'float32'),
  };
}

const disposeSparse = (s: SparseTensor) => tf.dispose([s.rowIds, s.colIds, s.values]);

/** The operands of one case: the data, thin (m x k), thinT (k x n), coefficients (n x k), basis (k x m). */
interface Operands {
  csr: HostCsr;
  thin: Float32Array;
  thinT: Float32Array;
  coefficients: Float32Array;
  basis: Float32Array;
}

const EPS = 1e-6;

// ---- float64 references ----

function sparseTimesThin64({ csr, thin }: Operands, k: number): Float64Array {
  const out = new Float64Array(csr.rows * k);
  for (let p = 0; p < csr.values.length; p++) {
    for (let c = 0; c < k; c++) out[csr.rowIds[p] * k + c] += csr.values[p] * thin[csr.colIds[p] * k + c];
  }
  return out;
}

function thinTransposedTimesSparse64({ csr, thinT }: Operands, k: number): Float64Array {
  const out = new Float64Array(k * csr.columns);
  for (let p = 0; p < csr.values.length; p++) {
    for (let c = 0; c < k; c++) out[c * csr.columns + csr.colIds[p]] += thinT[c * csr.rows + csr.rowIds[p]] * csr.values[p];
  }
  return out;
}

function reconstruction64({ csr, coefficients, basis }: Operands, k: number): Float64Array {
  return Float64Array.from(csr.values, (_, p) => {
    let s = 0;
    for (let c = 0; c < k; c++) s += coefficients[csr.rowIds[p] * k + c] * basis[c * csr.columns + csr.colIds[p]];
    return s;
  });
}

function ratio64(operands: Operands, k: number): Float64Array {
  const reconstruction = reconstruction64(operands, k);
  return Float64Array.from(operands.csr.values, (v, p) => v / (reconstruction[p] + EPS));
}

type Results = [Float32Array, Float32Array, Float32Array, Float32Array];

/** The four operations' results with `ops` on the current tfjs backend. */
async function runOps(ops: typeof webgpuOps | typeof cpuOps, o: Operands, k: number): Promise<Results> {
  const data = upload(o.csr);
  const thin = tf.tensor2d(o.thin, [o.csr.columns, k]);
  const thinT = tf.tensor2d(o.thinT, [k, o.csr.rows]);
  const coefficients = tf.tensor2d(o.coefficients, [o.csr.rows, k]);
  const basis = tf.tensor2d(o.basis, [k, o.csr.columns]);
  const ratio = ops.sparsePoissonRatio({ data, coefficients, basis, eps: EPS });
  const outputs = [
    ops.sparseTimesThin(data, thin),
    ops.thinTransposedTimesSparse(thinT, data),
    ops.sparseReconstruction({ data, coefficients, basis }),
    ratio.values,
  ];
  assert.deepEqual(outputs[0].shape, [o.csr.rows, k]);
  assert.deepEqual(outputs[1].shape, [k, o.csr.columns]);
  assert.deepEqual(outputs[2].shape, [o.csr.values.length]);
  assert.deepEqual(outputs[3].shape, [o.csr.values.length]);
  assert.equal(ratio.rowIds, data.rowIds, 'the ratio shares the data pattern');
  const results = (await Promise.all(outputs.map((t) => t.data()))) as Results;
  tf.dispose([...outputs, thin, thinT, coefficients, basis]);
  disposeSparse(data);
  return results;
}

const random = rng(19);
const operands = CASES.map((c): Operands => ({
  csr: randomCsr(c, random),
  thin: uniform(c.m, c.k, random, 0.1, 1),
  thinT: uniform(c.k, c.n, random, 0.1, 1),
  coefficients: uniform(c.n, c.k, random, 0.1, 1),
  basis: uniform(c.k, c.m, random, 0.1, 1),
}));
let cpuResults: Results[] = [];

before(async () => {
  // the cpu backend's results first: its operations read tensors synchronously, which
  // tfjs's 'webgpu' backend cannot do in Node
  await cpuAdapter.activate(tf);
  cpuResults = [];
  for (let i = 0; i < CASES.length; i++) cpuResults.push(await runOps(cpuOps, operands[i], CASES[i].k));
  skip = await webgpuOrReason();
  if (!skip) await webgpuAdapter.activate(tf); // back to 'webgpu' (the helper activates it only once)
});

const OPERATIONS = ['sparseTimesThin', 'thinTransposedTimesSparse', 'sparseReconstruction', 'sparsePoissonRatio'] as const;
const REFERENCES = [sparseTimesThin64, thinTransposedTimesSparse64, reconstruction64, ratio64];
const TOLERANCE = 2e-5;

describe('sparse WGSL kernels match float64 and the cpu backend', () => {
  it('the cases cover what they say (empty rows and columns, a full row, several column-index blocks)', () => {
    const emptyColumn = operands.some(({ csr }) => new Set(csr.colIds).size < csr.columns && csr.values.length > 0);
    assert.ok(emptyColumn, 'some case has an empty column');
    const many = CASES.findIndex((c) => c.name.startsWith('many blocks'));
    assert.ok(planColumnBlocks(operands[many].csr.values.length, CASES[many].m).blocks > 4, 'several blocks in the column index');
    for (const [i, c] of CASES.entries()) {
      for (const row of c.fullRows ?? []) assert.equal(operands[i].csr.rowIds.filter((r) => r === row).length, c.m, `${c.name}: row ${row} is full`);
    }
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.name}: ${c.n} x ${c.m}, k = ${c.k}, density ${c.density}`, async (t) => {
      if (skip) return t.skip(skip);
      const ours = await runOps(webgpuOps, operands[i], c.k);
      for (const [o, name] of OPERATIONS.entries()) {
        const exact = REFERENCES[o](operands[i], c.k);
        const fromFloat64 = maxRelativeDifference(ours[o], exact, 1e-3);
        assert.ok(fromFloat64 <= TOLERANCE, `${name}: ${fromFloat64} from float64 (relative) > ${TOLERANCE}`);
        const fromCpu = maxRelativeDifference(ours[o], cpuResults[i][o], 1e-3);
        assert.ok(fromCpu <= TOLERANCE, `${name}: ${fromCpu} from the cpu backend (relative) > ${TOLERANCE}`);
      }
    });
  }

  it('sparse data with no entries: zero products, empty reconstruction and ratio', async (t) => {
    if (skip) return t.skip(skip);
    const data = upload({ rows: 3, columns: 4, rowIds: new Int32Array(0), colIds: new Int32Array(0), values: new Float32Array(0) });
    const thin = tf.ones([4, 2]) as tf.Tensor2D;
    const thinT = tf.ones([2, 3]) as tf.Tensor2D;
    const coefficients = tf.ones([3, 2]) as tf.Tensor2D;
    const basis = tf.ones([2, 4]) as tf.Tensor2D;
    const product = webgpuOps.sparseTimesThin(data, thin);
    const productT = webgpuOps.thinTransposedTimesSparse(thinT, data);
    const reconstruction = webgpuOps.sparseReconstruction({ data, coefficients, basis });
    const ratio = webgpuOps.sparsePoissonRatio({ data, coefficients, basis, eps: EPS });
    assert.deepEqual(Array.from(await product.data()), new Array(6).fill(0));
    assert.deepEqual(Array.from(await productT.data()), new Array(8).fill(0));
    assert.equal(reconstruction.size, 0);
    assert.equal(ratio.values.size, 0);
    tf.dispose([product, productT, reconstruction, ratio.values, thin, thinT, coefficients, basis]);
    disposeSparse(data);
  });

  it('rejects operands that do not chain, and ids that are not int32', async (t) => {
    if (skip) return t.skip(skip);
    const data = upload(operands[2].csr); // 40 x 37
    const wrong = tf.ones([36, 2]) as tf.Tensor2D;
    assert.throws(() => webgpuOps.sparseTimesThin(data, wrong), /BcnmfSparseTimesThin: .*do not chain/);
    assert.throws(() => webgpuOps.thinTransposedTimesSparse(wrong, data), /BcnmfThinTransposedTimesSparse: .*do not chain/);
    assert.throws(() => webgpuOps.sparseReconstruction({ data, coefficients: tf.ones([40, 2]) as tf.Tensor2D, basis: tf.ones([3, 37]) as tf.Tensor2D }), /do not fit/);
    const floatIds = { ...data, colIds: tf.cast(data.colIds, 'float32') as tf.Tensor1D };
    assert.throws(() => webgpuOps.sparseTimesThin(floatIds, tf.ones([37, 2]) as tf.Tensor2D), /'colIds' must be a int32 vector/);
    disposeSparse(data);
    tf.dispose([wrong, floatIds.colIds]);
  });

  it('builds the row pointers and the column index once per data set, shared by the Poisson ratio', async (t) => {
    if (skip) return t.skip(skip);
    const o = operands[3];
    const k = CASES[3].k;
    const data = upload(o.csr);
    const thin = tf.tensor2d(o.thin, [o.csr.columns, k]);
    const thinT = tf.tensor2d(o.thinT, [k, o.csr.rows]);
    const coefficients = tf.tensor2d(o.coefficients, [o.csr.rows, k]);
    const basis = tf.tensor2d(o.basis, [k, o.csr.columns]);
    const first = countDispatches(() => webgpuOps.thinTransposedTimesSparse(thinT, data));
    const again = countDispatches(() => webgpuOps.thinTransposedTimesSparse(thinT, data));
    assert.equal(first.dispatches, 6, 'the column index (5 dispatches) and the product');
    assert.equal(again.dispatches, 1, 'the product alone');
    const rowFirst = countDispatches(() => webgpuOps.sparseTimesThin(data, thin));
    const rowAgain = countDispatches(() => webgpuOps.sparseTimesThin(data, thin));
    assert.deepEqual([rowFirst.dispatches, rowAgain.dispatches], [2, 1], 'the row pointers once, then the product alone');
    const ratio = webgpuOps.sparsePoissonRatio({ data, coefficients, basis, eps: EPS });
    const onRatio = countDispatches(() => [webgpuOps.thinTransposedTimesSparse(thinT, ratio), webgpuOps.sparseTimesThin(ratio, thin)]);
    assert.equal(onRatio.dispatches, 2, "the ratio reuses the data's indices");
    tf.dispose([first.result, again.result, rowFirst.result, rowAgain.result, ratio.values, ...onRatio.result, thin, thinT, coefficients, basis]);
    disposeSparse(data);
  });

  it('leaves no tensors, GPU buffers or indices behind (dispose and tidy)', async (t) => {
    if (skip) return t.skip(skip);
    const o = operands[4];
    const k = CASES[4].k;
    const thin = tf.tensor2d(o.thin, [o.csr.columns, k]);
    const thinT = tf.tensor2d(o.thinT, [k, o.csr.rows]);
    const coefficients = tf.tensor2d(o.coefficients, [o.csr.rows, k]);
    const basis = tf.tensor2d(o.basis, [k, o.csr.columns]);
    const everything = async (data: SparseTensor) => {
      const ratio = webgpuOps.sparsePoissonRatio({ data, coefficients, basis, eps: EPS });
      const outs = [
        webgpuOps.sparseTimesThin(data, thin),
        webgpuOps.thinTransposedTimesSparse(thinT, data),
        webgpuOps.sparseReconstruction({ data, coefficients, basis }),
        webgpuOps.thinTransposedTimesSparse(thinT, ratio),
        ratio.values,
      ];
      await Promise.all(outs.map((x) => x.data()));
      tf.dispose(outs);
    };
    const warm = upload(o.csr); // pipelines compiled, operands uploaded
    await everything(warm);
    disposeSparse(warm);
    const backend = tf.backend();
    assert.equal(derivedIndexCount(backend), 0, 'indices freed with their data');
    const tensors = tf.memory().numTensors;
    const { numBytesInGPU } = gpuMemory();
    for (let i = 0; i < 3; i++) {
      const data = upload(o.csr);
      await everything(data);
      assert.equal(derivedIndexCount(backend), 2, 'the row pointers and the column index');
      disposeSparse(data);
    }
    // data made and used inside tf.tidy: freed at the scope's end, and its indices with it
    const kept = tf.tidy(() => {
      const data = upload(o.csr);
      return [webgpuOps.sparseTimesThin(data, thin), webgpuOps.thinTransposedTimesSparse(thinT, data)];
    });
    await Promise.all(kept.map((x) => x.data()));
    tf.dispose(kept);
    assert.equal(derivedIndexCount(backend), 0, 'indices freed at the end of the tidy');
    assert.equal(tf.memory().numTensors, tensors, 'tensors left');
    assert.equal(gpuMemory().numBytesInGPU, numBytesInGPU, 'GPU buffer bytes in use');
    tf.dispose([thin, thinT, coefficients, basis]);
  });
});
