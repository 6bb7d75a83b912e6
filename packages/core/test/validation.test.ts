import { smallHeapBackend } from './helpers/stand-in.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BcnmfError, DenseMatrix, fitBcnmf, type BcnmfOptions } from '../src/index.js';

const target = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 0, 1]];
const background = [[1, 1, 1], [2, 2, 2]];

function rejectsWith(code: string, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof BcnmfError, `expected a BcnmfError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  };
}

async function refuses(
  t: unknown,
  b: unknown,
  options: Partial<BcnmfOptions> & Record<string, unknown>,
  code: string,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(fitBcnmf(t as number[][], b as number[][] | null, { k: 2, ...options } as BcnmfOptions), rejectsWith(code, pattern));
}

describe('bad input is refused before any work', () => {
  it('negative values, NaN and infinities, naming row and column', async () => {
    await refuses([[1, 2, 3], [4, -5, 6], [1, 1, 1]], background, {}, 'INVALID_DATA', /target has a negative value \(-5\) at row 1, column 1/);
    await refuses(target, [[1, 1, 1], [2, 2, NaN]], {}, 'INVALID_DATA', /background has a missing value \(NaN\) at row 1, column 2.*impute/);
    const named = DenseMatrix.fromRows([[1, Infinity, 3], [4, 5, 6], [1, 1, 1]], { rowNames: ['a', 'b', 'c'], columnNames: ['x', 'y', 'z'] });
    await refuses(named, null, { alpha: 0 }, 'INVALID_DATA', /infinite value \(Infinity\) at row 0 \(sample 'a'\), column 1 \(feature 'y'\)/);
  });

  it('entries that are not numbers (JSON\'s null for NaN, text, booleans) are refused, not turned into 0 or 1', async () => {
    const fromJson = JSON.parse(JSON.stringify([[NaN, 1, 2], [3, 4, 5], [1, 1, 1]])) as number[][];
    await refuses(fromJson, background, {}, 'INVALID_DATA', /target: row 0, column 0 is null \(JSON writes NaN and Infinity as null; a missing value must be NaN\), not a number/);
    await refuses(target, [[1, 1, 1], [2, '', 2]], {}, 'INVALID_DATA', /background: row 1, column 1 is the text '', not a number/);
    await refuses(target, [[1, 1, '7'], [2, 2, 2]], {}, 'INVALID_DATA', /background: row 0, column 2 is the text '7', not a number/);
    await refuses([[1, true, 3], [4, 5, 6], [1, 1, 1]], background, {}, 'INVALID_DATA', /target: row 0, column 1 is a boolean \(true\), not a number/);
    // eslint-disable-next-line no-sparse-arrays
    await refuses([[1, , 3], [4, 5, 6], [1, 1, 1]], background, {}, 'INVALID_DATA', /row 0, column 1 is undefined \(a hole in the array\?\)/);
    await refuses({ data: [1, 2, null, 4, 5, 6], shape: [2, 3] }, background, {}, 'INVALID_DATA', /target\.data\[2\] is null/);
    assert.throws(() => DenseMatrix.fromRows([[1, null as unknown as number]]), /row 0, column 1 is null/);
  });

  it('empty input, ragged rows and different feature counts', async () => {
    await refuses([], background, {}, 'INVALID_DATA', /target is empty/);
    await refuses(target, [[]], {}, 'INVALID_DATA', /background is empty/);
    await refuses([[1, 2, 3], [1, 2]], background, {}, 'INVALID_DATA', /target: row 1 has 2 values but row 0 has 3/);
    await refuses(target, [[1, 2], [3, 4]], {}, 'INVALID_DATA', /target has 3 features but background has 2/);
    await refuses({ data: new Float32Array(5), shape: [2, 3] }, background, {}, 'INVALID_DATA', /5 values but shape \[2, 3\] needs 6/);
    await refuses('not a matrix', background, {}, 'INVALID_DATA', /target must be number\[\]\[\]/);
    const cube = tf.zeros([2, 2, 2]);
    await refuses(cube, background, {}, 'INVALID_DATA', /2-D tensor, got rank 3/);
    cube.dispose();
  });

  it('k out of range', async () => {
    await refuses(target, background, { k: 0 }, 'INVALID_OPTION', /k must be an integer >= 1, got 0/);
    await refuses(target, background, { k: 2.5 }, 'INVALID_OPTION', /k must be an integer/);
    await refuses(target, background, { k: 4 }, 'INVALID_OPTION', /between 1 and min\(features, target samples\) = 3, got 4/);
    await refuses(target, background, { k: undefined }, 'INVALID_OPTION', /k \(nComponents: the number of topics\) is required/);
  });

  it('alpha, damping, eps, iterations, tolerance, seed and starts out of range', async () => {
    await refuses(target, background, { alpha: -1 }, 'INVALID_OPTION', /alpha must be a finite number >= 0, got -1/);
    await refuses(target, background, { alpha: NaN }, 'INVALID_OPTION', /alpha must be a finite number/);
    await refuses(target, null, { alpha: 1 }, 'INVALID_OPTION', /no background; plain NMF needs alpha 0/);
    await refuses(target, background, { damping: 0 }, 'INVALID_OPTION', /damping must be in \(0, 1\], got 0/);
    await refuses(target, background, { damping: 1.5 }, 'INVALID_OPTION', /damping must be in \(0, 1\], got 1.5/);
    await refuses(target, background, { eps: 0 }, 'INVALID_OPTION', /eps must be a number > 0 that float32 holds/);
    await refuses(target, background, { maxIter: 0 }, 'INVALID_OPTION', /maxIter must be an integer >= 1/);
    await refuses(target, background, { maxIter: Infinity }, 'INVALID_OPTION', /maxIter must be an integer/);
    await refuses(target, background, { tol: -1e-3 }, 'INVALID_OPTION', /tol must be a finite number >= 0/);
    await refuses(target, background, { scoreEvery: 0 }, 'INVALID_OPTION', /scoreEvery must be an integer >= 1/);
    await refuses(target, background, { seed: -1 }, 'INVALID_OPTION', /seed must be an integer >= 0/);
    await refuses(target, background, { nStarts: 0 }, 'INVALID_OPTION', /nStarts must be an integer >= 1/);
    await refuses(target, background, { nStarts: 2, init: 'nndsvda' }, 'INVALID_OPTION', /nStarts > 1 needs init 'random'/);
    await refuses(target, background, { loss: 'l1' as never }, 'INVALID_OPTION', /loss must be 'frobenius' or 'poisson', got "l1"/);
    await refuses(target, background, { init: 'svd' as never }, 'INVALID_OPTION', /init must be 'random', 'nndsvd', 'nndsvda'/);
    await refuses(target, background, { maxiter: 5 }, 'INVALID_OPTION', /unknown option maxiter; the options are k, nComponents, alpha/);
    await refuses(target, background, { onProgress: 5 as never }, 'INVALID_OPTION', /onProgress must be a function/);
    await refuses(target, background, { featureNames: ['a'] }, 'INVALID_OPTION', /featureNames has 1 names but the target has 3 features/);
  });

  it('an explicit init of the wrong shape or with bad values', async () => {
    const ok = { W: [[1, 1, 1], [1, 1, 1]], Htarget: target.map(() => [1, 1]), Hbackground: background.map(() => [1, 1]) };
    await refuses(target, background, { init: { ...ok, W: [[1, 1], [1, 1]] } }, 'INVALID_OPTION', /init.W must be 2 x 3, got 2 x 2/);
    await refuses(target, background, { init: { ...ok, Htarget: [[1, 1]] } }, 'INVALID_OPTION', /init.Htarget must be 4 x 2, got 1 x 2/);
    await refuses(target, background, { k: 3, init: ok }, 'INVALID_OPTION', /k is 3 but init.W has 2 rows/);
    await refuses(target, background, { init: { W: ok.W, Htarget: ok.Htarget } }, 'INVALID_OPTION', /init.Hbackground is required/);
    await refuses(target, background, { init: { ...ok, Hbackground: [[1, -1], [1, 1]] } }, 'INVALID_DATA', /init.Hbackground has a negative value/);
    const model = await fitBcnmf(target, background, { init: ok, maxIter: 2 });
    assert.equal(model.settings.k, 2, 'k comes from init.W when not given');
    assert.equal(model.settings.init, 'custom');
  });

  it('an unknown backend, listing the ones available here', async () => {
    await refuses(target, background, { backend: 'tpu' }, 'BACKEND_UNAVAILABLE', /unknown backend 'tpu': the backends are wasm, cpu, webgpu, cuda.* \(available here: cpu/);
  });

  it('a problem too large for a backend with a memory limit (as wasm has), naming the alternatives', async () => {
    // 20,000 x 20,000 float32 zeros: allocated lazily by the OS, never read, since
    // the size is checked before the values.
    const huge = { data: new Float32Array(20_000 * 20_000), shape: [20_000, 20_000] as [number, number] };
    await refuses(huge, null, { alpha: 0, loss: 'poisson', backend: smallHeapBackend() }, 'TOO_LARGE', /needs about 4\.5 GiB on backend 'small-heap', whose memory ends at 4\.0 GiB.*'cpu'.*'webgpu'/);
  });

  it('an already aborted signal rejects at once', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(fitBcnmf(target, background, { k: 2, signal: controller.signal }), /stop/);
  });
});
