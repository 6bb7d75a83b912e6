import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import {
  BcnmfError, CsrMatrix, DenseMatrix, fitBcnmf, matrixBatchSource, type BatchSource,
} from '../src/index.js';
import { smallHeapBackend } from './helpers/stand-in.js';
import { plantedPair } from '../src/testing/planted.js';
import { maxRelativeDifference } from '../src/testing/reference.js';

import { planted, quiet } from '../src/testing/suites/minibatch.js';

describe('minibatch options', () => {
  it('refuses what needs the whole data, and batches larger than the backend allows', async () => {
    await assert.rejects(fitBcnmf(planted.target, planted.background, { k: 2, batchSize: 10, init: 'nndsvda' }),
      /init 'nndsvda' needs the whole target at once/);
    await assert.rejects(fitBcnmf(planted.target, planted.background, { k: 2, batchSize: 0 }), /batchSize must be an integer >= 1/);
    const wide = { rows: 10, columns: 400_000_000, readRows: async () => { throw new Error('never read'); } };
    // on a backend whose memory ends at 4 GiB, as wasm's heap does
    await assert.rejects(fitBcnmf(wide, null, { k: 2, alpha: 0, batchSize: 10, backend: smallHeapBackend() }), (e: unknown) => e instanceof BcnmfError && e.code === 'TOO_LARGE' && /use a smaller batchSize/.test(e.message));
    const mismatched = matrixBatchSource(DenseMatrix.fromRows([[1, 2, 3]]));
    await assert.rejects(fitBcnmf(planted.target, mismatched, { k: 2 }), /target has 50 features but background has 3/);
  });

  it('the same seed gives the same minibatch fit', async () => {
    const a = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 8, batchSize: 20, seed: 2 });
    const b = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 8, batchSize: 20, seed: 2 });
    assert.deepEqual(Array.from(a.W.data), Array.from(b.W.data));
  });

  it('a source that says it has NaN or Infinity rows, or returns something other than a matrix, is refused clearly, with nothing left behind', async () => {
    const before = tf.memory().numTensors;
    const inner = matrixBatchSource(DenseMatrix.fromRows(planted.target));
    for (const rows of [Number.NaN, Number.POSITIVE_INFINITY, 2.5]) {
      const source = { ...inner, rows, readRows: inner.readRows };
      await assert.rejects(fitBcnmf(source, planted.background, { k: 2, maxIter: 2, batchSize: 16 }),
        (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA' && /target says it has .* rows; a BatchSource's rows and columns are whole numbers/.test(e.message));
    }
    const nothing = { rows: inner.rows, columns: inner.columns, readRows: async () => undefined as unknown as DenseMatrix };
    await assert.rejects(fitBcnmf(nothing, planted.background, { k: 2, maxIter: 2, batchSize: 16 }),
      /target's readRows\(\d+, \d+\) returned undefined; it must return a DenseMatrix or a CsrMatrix of @bcnmf\/core/);
    const duck = { rows: inner.rows, columns: inner.columns, readRows: async (start: number, count: number) => ({ ...(await inner.readRows(start, count)) }) as unknown as DenseMatrix };
    await assert.rejects(fitBcnmf(duck, planted.background, { k: 2, maxIter: 2, batchSize: 16 }), /returned an object \(Object\); it must return a DenseMatrix/);
    assert.equal(tf.memory().numTensors, before);
  });

  it('checks streamed values at every read: a negative value first returned in the second epoch is named by its row', async () => {
    const inner = matrixBatchSource(DenseMatrix.fromRows(planted.target));
    let reads = 0;
    const changing = {
      rows: inner.rows,
      columns: inner.columns,
      async readRows(start: number, count: number) {
        const batch = (await inner.readRows(start, count)) as DenseMatrix;
        if (++reads <= Math.ceil(inner.rows / 32) || start !== 64) return batch;
        const data = Float32Array.from(batch.data);
        data[3 * inner.columns + 1] = -2; // row 64 + 3
        return new DenseMatrix({ data, shape: [count, inner.columns] });
      },
    };
    await assert.rejects(fitBcnmf(changing, planted.background, { k: 2, maxIter: 3, batchSize: 32, shuffle: false }),
      (e: unknown) => e instanceof BcnmfError && /target has a negative value \(-2\) at row 67, column 1/.test(e.message));
  });

  it('a streamed source\'s all-zero samples and features are warned of once, after the first pass, in the words of a loaded fit', async () => {
    const rows = planted.target.map((row) => row.slice());
    for (const i of [3, 40, 41, 88]) rows[i].fill(0); // in three different batches of 32
    for (const row of rows) row[7] = 0;
    const background = planted.background.map((row, i) => (i === 5 ? row.map(() => 0) : row.slice()));
    const options = { k: 2, maxIter: 3, batchSize: 32, nStarts: 2 };
    const loadedWarnings: string[] = [];
    await fitBcnmf(rows, background, { ...options, onWarning: (m: string) => loadedWarnings.push(m) });
    assert.deepEqual(loadedWarnings, ['target has 4 all-zero samples; their coefficients stay zero', 'target has 1 all-zero feature', 'background has 1 all-zero sample; their coefficients stay zero']);
    const streamedWarnings: string[] = [];
    const sources = [rows, background].map((r) => matrixBatchSource(DenseMatrix.fromRows(r)));
    const model = await fitBcnmf(sources[0], sources[1], { ...options, onWarning: (m: string) => streamedWarnings.push(m) });
    assert.deepEqual(streamedWarnings, loadedWarnings);
    assert.deepEqual(model.warnings.filter((w) => /all-zero/.test(w)), loadedWarnings);
    // a source with a name is named, as in its other messages
    const named: string[] = [];
    await fitBcnmf({ ...sources[0], readRows: sources[0].readRows, name: 'cells.h5ad' }, planted.background, { ...options, nStarts: 1, onWarning: (m: string) => named.push(m) });
    assert.deepEqual(named, ['target (cells.h5ad) has 4 all-zero samples; their coefficients stay zero', 'target (cells.h5ad) has 1 all-zero feature']);
  });

  it('Ctrl-C (abort) while a read never ends: the fit rejects at once, with nothing left behind', async () => {
    const before = tf.memory().numTensors;
    const inner = matrixBatchSource(DenseMatrix.fromRows(planted.target));
    const controller = new AbortController();
    let reads = 0;
    const stuck = {
      rows: inner.rows,
      columns: inner.columns,
      readRows(start: number, count: number) {
        if (++reads < 3) return inner.readRows(start, count);
        setTimeout(() => controller.abort(), 20);
        return new Promise<DenseMatrix>(() => {}); // never settles
      },
    };
    await assert.rejects(fitBcnmf(stuck, planted.background, { k: 2, maxIter: 3, batchSize: 16, shuffle: false, signal: controller.signal }),
      (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.equal(tf.memory().numTensors, before);
  });

  it('the memory check counts the rows a batch can hold, not a batchSize larger than the data', async () => {
    const small = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 2, batchSize: 2 ** 40, backend: smallHeapBackend() });
    assert.equal(small.settings.batchSize, 2 ** 40);
  });
});

