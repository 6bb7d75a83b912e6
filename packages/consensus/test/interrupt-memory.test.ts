import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { clusterTopics, clusterTopicsAsync, consensusBcnmf, consensusMemory, CONSENSUS_DEFAULTS, localDensity, selectionSweep } from '../src/index.js';

let state = 11;
const rnd = () => ((state = (state * 16807) % 2147483647) / 2147483647);
/** `restarts` restarts of k noisy copies of k programs over `features` features. */
function restartTopics(restarts: number, k: number, features: number): Float32Array[][] {
  return Array.from({ length: restarts }, () => Array.from({ length: k }, (_, t) => Float32Array.from({ length: features }, (_, f) => (f % k === t ? 5 : 0) + rnd() * 3)));
}

describe('the topic clustering lets the event loop in and stops on an abort', () => {
  it('clusterTopicsAsync gives what clusterTopics gives', async () => {
    const restarts = restartTopics(60, 3, 12);
    const options = { k: 3, densityThreshold: 0.5, seed: 4 };
    assert.deepEqual(await clusterTopicsAsync(restarts, options), clusterTopics(restarts, options));
  });

  it('an abort during a long clustering rejects within a fraction of a second, with the reason', async () => {
    // 3000 restarts x k 2: 6000 topics, seconds of pairwise work
    const restarts = restartTopics(3000, 2, 20);
    const controller = new AbortController();
    const reason = new Error('stop');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    setTimeout(() => controller.abort(reason), 300);
    const started = performance.now();
    await assert.rejects(clusterTopicsAsync(restarts, { k: 2, densityThreshold: 0.5 }, controller.signal), (e) => e === reason);
    clearInterval(timer);
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 1.5, `stopped after ${seconds.toFixed(2)} s`);
    assert.ok(ticks >= 5, `the event loop ran (${ticks} timer ticks)`);
  });

  it('an abort during its k-means (many starts, little else to do) rejects within a fraction of a second', async () => {
    // 180 topics: the density and silhouette take milliseconds, 100,000 k-means starts take minutes
    const restarts = restartTopics(60, 3, 12);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    await assert.rejects(clusterTopicsAsync(restarts, { k: 3, densityThreshold: 2, kmeansInits: 100_000 }, controller.signal), { name: 'AbortError' });
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 1.5, `stopped after ${seconds.toFixed(2)} s`);
  });

  it('an aborted signal stops it before any work', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(clusterTopicsAsync(restartTopics(3, 2, 4), { k: 2 }, controller.signal), { name: 'AbortError' });
  });

  it('localDensity needs no matrix of all pairs and matches the definition', () => {
    const points = Array.from({ length: 40 }, () => Array.from({ length: 3 }, () => rnd()));
    const d = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, f) => s + (v - b[f]) ** 2, 0));
    const expected = points.map((p, i) => {
      const others = points.filter((_, j) => j !== i).map((q) => d(p, q)).sort((a, b) => a - b);
      return others.slice(0, 7).reduce((a, b) => a + b, 0) / 7;
    });
    assert.deepEqual(localDensity(points, 7), expected);
  });
});

describe('a consensus too large for memory is refused before any fit', () => {
  const target = Array.from({ length: 30 }, () => Array.from({ length: 10 }, () => rnd() * 5));
  const background = Array.from({ length: 20 }, () => Array.from({ length: 10 }, () => rnd() * 5));

  it('consensusMemory grows linearly with restarts x k', () => {
    const one = consensusMemory({ restarts: 100, k: 3, features: 2000, samples: 500 });
    const two = consensusMemory({ restarts: 200, k: 3, features: 2000, samples: 500 });
    assert.equal(two.bytes, 2 * one.bytes);
    assert.equal(one.perRestart * 100, one.bytes);
    // the models' W (float32) and the clustering's copies of each topic at least
    assert.ok(one.perRestart > 3 * 2000 * (4 + 32));
    assert.equal(CONSENSUS_DEFAULTS.memoryLimit, 4 * 1024 ** 3);
  });

  it('consensusBcnmf and selectionSweep refuse it at once, saying how much and how many restarts fit', async () => {
    const started = performance.now();
    let fits = 0;
    const onProgress = () => fits++;
    const check = (e: unknown) => {
      assert.ok(e instanceof BcnmfError && e.code === 'TOO_LARGE', String(e));
      assert.match((e as Error).message, /a consensus of 100000000 restarts at k = 2 \(10 features, 50 samples\) needs about \d+\.\d GiB .*more than its limit of 4\.0 GiB \(memoryLimit\); use fewer restarts: at most \d+ fit/);
      return true;
    };
    await assert.rejects(consensusBcnmf(target, background, { k: 2, alpha: 1, restarts: 1e8, maxIter: 1, onProgress }), check);
    await assert.rejects(selectionSweep(target, background, { ks: [2], alphas: [1], restarts: 1e8, maxIter: 1 }), check);
    await assert.rejects(
      consensusBcnmf(target, background, { k: 2, alpha: 1, restarts: 50, maxIter: 1, memoryLimit: 1000 }),
      (e) => e instanceof BcnmfError && e.code === 'TOO_LARGE' && /data are too large for a consensus at this k/.test(e.message),
    );
    assert.equal(fits, 0);
    assert.ok(performance.now() - started < 3000);
  });

  it('a consensus within the limit runs', async () => {
    const result = await consensusBcnmf(target, background, { k: 2, alpha: 1, restarts: 4, maxIter: 5, densityThreshold: 2, memoryLimit: 10 * 1024 ** 2 });
    assert.equal(result.restarts.length, 4);
  });
});
