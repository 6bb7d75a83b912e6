import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Matrix } from 'ml-matrix';
import { DenseMatrix, fitBcnmf, type ProgressEvent } from '../src/index.js';
import { bestTopicShare, plantedPair } from '../src/testing/planted.js';
import { fromRows, mse, poissonLogLik, rng, toRows, transpose, uniformMat } from '../src/testing/reference.js';

const planted = plantedPair();
const quiet = { onWarning: () => {} };

describe('fitBcnmf on a larger random problem', () => {
  it('runs both losses to a finite, decreasing target error with a background', async () => {
    const random = rng('bigger');
    const target = toRows(uniformMat(200, 80, random, 0, 5));
    const background = toRows(uniformMat(150, 80, random, 0, 5));
    for (const loss of ['frobenius', 'poisson'] as const) {
      const model = await fitBcnmf(target, background, { k: 5, alpha: 0.2, loss, maxIter: 50, tol: 0 });
      assert.ok(model.history[model.history.length - 1].targetError < model.history[0].targetError);
      assert.ok(model.W.data.every((v) => Number.isFinite(v) && v >= 0));
    }
  });
});
