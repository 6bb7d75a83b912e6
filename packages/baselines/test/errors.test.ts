import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError, DenseMatrix } from '@bcnmf/core';
import { cpca, getMethod, nmf, pca } from '../src/index.js';

function code(c: string, pattern: RegExp) {
  return (e: unknown) => e instanceof BcnmfError && e.code === c && pattern.test(e.message);
}

describe('bad input gives clear errors', () => {
  const a = [[1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 1, 1]];
  it('mismatched feature counts', async () => {
    await assert.rejects(cpca(a, [[1, 2], [3, 4]], { alpha: 1 }), code('INVALID_DATA', /background has 2 features .* target has 3/));
  });
  it('NaN, with its row and column named', async () => {
    const m = DenseMatrix.fromRows([[1, 2], [3, NaN], [1, 1]], { rowNames: ['c1', 'c2', 'c3'], columnNames: ['g1', 'g2'] });
    await assert.rejects(pca(m), code('INVALID_DATA', /target has NaN at row 1 \('c2'\), column 1 \('g2'\)/));
    await assert.rejects(cpca(a, [[1, 2, 3], [Infinity, 1, 1]], { alpha: 1 }), code('INVALID_DATA', /background has Infinity at row 1, column 0/));
  });
  it('nComponents out of range', async () => {
    await assert.rejects(pca(a, { nComponents: 4 }), code('INVALID_OPTION', /nComponents must be an integer in \[1, 3\], got 4/));
    await assert.rejects(pca(a, { nComponents: 0 }), code('INVALID_OPTION', /nComponents/));
    await assert.rejects(cpca(a, a, { alpha: 1, nComponents: 5 }), code('INVALID_OPTION', /nComponents must be an integer in \[1, 3\]/));
    await assert.rejects(nmf(a, { nComponents: 9 }), code('INVALID_OPTION', /k/));
  });
  it('negative alpha', async () => {
    await assert.rejects(cpca(a, a, { alpha: -1 }), code('INVALID_OPTION', /alpha must be a finite number >= 0, got -1/));
  });
  it('unknown method name and unknown options', async () => {
    assert.throws(() => getMethod('tsne'), code('INVALID_OPTION', /unknown method 'tsne'; known methods: bcnmf, nmf, pca, cpca/));
    await assert.rejects(pca(a, { nComponent: 2 } as never), code('INVALID_OPTION', /unknown PCA option 'nComponent'/));
  });
  it('a method that needs a background says so', async () => {
    await assert.rejects(getMethod('cpca').fit(a, null), code('INVALID_DATA', /needs a background/));
  });
});
