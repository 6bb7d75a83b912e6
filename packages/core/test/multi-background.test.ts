import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { BcnmfError, BcnmfModel, fitBcnmf } from '../src/index.js';
import { bestTopicShare } from '../src/testing/planted.js';
import {
  frobeniusIterationMulti, fromRows, maxRelativeDifference, poissonIterationMulti, rng, toRows, transpose, uniformMat,
} from '../src/testing/reference.js';

import { backgrounds, features, Hb0, Ht0, k, target, W0 } from '../src/testing/suites/multi-background.js';

describe('several backgrounds: serialization', () => {
  it('round-trips every background through JSON', async () => {
    const model = await fitBcnmf(toRows(target), backgrounds.map(toRows), { k, alpha: [1, 0.5], maxIter: 5 });
    const restored = BcnmfModel.load(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(restored.toJSON(), model.toJSON());
    assert.equal(restored.Hbackgrounds.length, 2);
    assert.deepEqual(restored.settings.alphas, [1, 0.5]);
  });
});
