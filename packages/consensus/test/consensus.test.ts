import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BcnmfError, fitBcnmf, fitEveryStart } from '@bcnmf/core';
import { plantedPair } from '@bcnmf/core/testing';
import { clusterTopics, consensusBcnmf } from '../src/index.js';

const planted = plantedPair();
const quiet = { onWarning: () => {} };
const options = { k: 2, alpha: 2, restarts: 5, maxIter: 150, tol: 0, seed: 3, densityThreshold: 2, ...quiet };
const fit = { k: 2, alpha: 2, maxIter: 150, tol: 0, seed: 3, ...quiet };

describe('consensusBcnmf', () => {
  it('clusters the restarts\' topics and fits the coefficients with the consensus W', async () => {
    const result = await consensusBcnmf(planted.target, planted.background, options);
    // the restarts are fitEveryStart's starts, and restart 0 is the one-start fit with the seed
    const every = await fitEveryStart(planted.target, planted.background, { ...fit, nStarts: 5 });
    assert.deepEqual(result.restarts.map((r) => r.score), every.map((m) => m.finalScore));
    const single = await fitBcnmf(planted.target, planted.background, fit);
    assert.equal(result.restarts[0].score, single.finalScore);
    // the clustering is clusterTopics of those topics
    const clustering = clusterTopics(every.map((m) => [0, 1].map((t) => m.W.row(t))), { k: 2, densityThreshold: 2, seed: 3 });
    assert.deepEqual(result.clustering, clustering);
    assert.equal(result.stability, clustering.stability);
    // W is the consensus (in float32), kept fixed; H fitted for target and background
    assert.deepEqual(result.model.W.data, Float32Array.from(clustering.consensus.flat()));
    assert.deepEqual(result.model.Htarget.shape, [120, 2]);
    assert.deepEqual(result.model.Hbackground!.shape, [120, 2]);
    assert.equal(result.model.settings.alpha, 2);
    const last = result.model.history[result.model.history.length - 1];
    assert.equal(result.targetError, last.targetError);
    assert.equal(result.score, last.score);
    assert.ok(Math.abs(result.score - (last.targetError - 2 * last.backgroundError!)) < 1e-9);
    // per topic: reproducibility and enrichment; the top enrichment is the largest
    assert.equal(result.topics.length, 2);
    for (const t of result.topics) assert.ok(t.reproducibility > 0 && t.reproducibility <= 1);
    assert.equal(result.topEnrichment, Math.max(...result.topics.map((t) => t.enrichment!)));
    // the planted target-only program is found, in every restart
    const plantedTopic = result.topics.reduce((best, t) => (t.enrichment! > best.enrichment! ? t : best));
    const share = (row: ArrayLike<number>) => {
      let on = 0;
      let all = 0;
      for (let f = 0; f < row.length; f++) {
        all += row[f];
        if (planted.plantedFeatures.includes(f)) on += row[f];
      }
      return on / all;
    };
    assert.ok(share(result.model.W.row(plantedTopic.index)) > 0.6, `${share(result.model.W.row(plantedTopic.index))}`);
    assert.equal(plantedTopic.reproducibility, 1);
    // the consensus fits about as well as the restarts
    const median = [...result.restarts.map((r) => r.targetError)].sort((a, b) => a - b)[2];
    assert.ok(result.targetError < median * 1.5, `${result.targetError} vs ${median}`);
  });

  it('is determined by its seed', async () => {
    const a = await consensusBcnmf(planted.target, planted.background, options);
    const b = await consensusBcnmf(planted.target, planted.background, options);
    assert.deepEqual(a.model.W.data, b.model.W.data);
    assert.deepEqual(a.model.Htarget.data, b.model.Htarget.data);
    assert.deepEqual(a.clustering, b.clustering);
    assert.equal(a.stability, b.stability);
    const c = await consensusBcnmf(planted.target, planted.background, { ...options, seed: 4 });
    assert.notDeepEqual(c.restarts.map((r) => r.score), a.restarts.map((r) => r.score));
  });

  it('refuses bad options before any work', async () => {
    const refused = async (extra: Record<string, unknown>, pattern: RegExp) =>
      assert.rejects(consensusBcnmf(planted.target, planted.background, { ...options, ...extra } as never), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION' && pattern.test(e.message));
    await refused({ restarts: 1 }, /restarts must be an integer >= 2/);
    await refused({ k: 1 }, /k must be an integer >= 2/);
    await refused({ nStarts: 3 }, /nStarts does not apply to a consensus/);
    await refused({ init: 'nndsvd' }, /init does not apply/);
    await refused({ densityThreshold: -1 }, /densityThreshold must be a number in/);
    await refused({ maxIter: 0 }, /maxIter must be an integer >= 1/);
    await refused({ k: 60 }, /k must be between 1 and min\(features, target samples\) = 50/);
    await assert.rejects(consensusBcnmf([[1, -1], [1, 1], [2, 2]], null, { k: 2, alpha: 0, restarts: 2, ...quiet }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA');
  });

  it('stops on an aborted signal, and leaks no tensors', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(consensusBcnmf(planted.target, planted.background, { ...options, signal: controller.signal }), { name: 'AbortError' });
    await consensusBcnmf(planted.target, planted.background, { ...options, restarts: 2, maxIter: 5 });
    const before = tf.memory().numTensors;
    await consensusBcnmf(planted.target, planted.background, { ...options, restarts: 3, maxIter: 5 });
    assert.equal(tf.memory().numTensors, before);
  });
});
