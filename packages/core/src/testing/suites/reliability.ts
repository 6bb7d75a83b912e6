import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BcnmfError } from '../../errors.js';
import { fitBcnmf } from '../../fit.js';
import { plantedPair } from '../planted.js';

const quiet = { onWarning: () => {} };

/**
 * What must hold on every backend beyond the numbers: an AbortSignal stops a long fit
 * promptly (the loop gives the event loop turns, so a timer can fire) with an AbortError
 * and no tensors left; a fit whose numbers overflow float32 is rejected with a
 * 'DIVERGED' error, never returned as a model of NaNs.
 */
export function reliabilitySuite(backend: string): void {
  describe(`${backend}: interruption and divergence`, () => {
    const planted = plantedPair('reliability', 80, 60);

    it('an AbortSignal fired by a timer stops a long fit within about an iteration, with no tensors left', async () => {
      await fitBcnmf(planted.target, planted.background, { k: 3, maxIter: 3, backend, ...quiet }); // warm up
      const before = tf.memory().numTensors;
      let iterations = 0;
      const started = performance.now();
      const signal = AbortSignal.timeout(150);
      await assert.rejects(
        fitBcnmf(planted.target, planted.background, {
          k: 3, maxIter: 1_000_000, tol: 0, scoreEvery: 1, backend, signal, ...quiet,
          onProgress: (e) => { iterations = e.iteration; },
        }),
        (e: unknown) => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'),
      );
      const elapsed = performance.now() - started;
      assert.ok(iterations > 0, 'the fit ran');
      // generous: CI machines are loaded; the point is that it does not run to maxIter
      assert.ok(elapsed < 150 + 5_000, `stopped after ${elapsed.toFixed(0)} ms`);
      assert.equal(tf.memory().numTensors, before);
    });

    it('a fit that overflows float32 is rejected as DIVERGED, naming the iteration and what to try', async () => {
      const before = tf.memory().numTensors;
      await assert.rejects(
        fitBcnmf(planted.target, planted.background, { k: 3, alpha: 1e38, maxIter: 50, tol: 0, scoreEvery: 5, backend, ...quiet }),
        (e: unknown) => {
          assert.ok(e instanceof BcnmfError, String(e));
          assert.equal(e.code, 'DIVERGED');
          assert.match(e.message, /diverged at iteration \d+: the (target|background)'s error became (NaN|Infinity|-Infinity)/);
          assert.match(e.message, /lower alpha \(now 1e\+38\)/);
          return true;
        },
      );
      assert.equal(tf.memory().numTensors, before);
    });
  });
}
