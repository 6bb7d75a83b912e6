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
});
