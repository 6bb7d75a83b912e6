// @bcnmf/core/testing: the test suite every backend runs (node:test), and the float64
// reference it compares against. A backend package calls `describeBackendSuite(name)` in
// one of its test files after importing itself (so that it is registered); see
// docs/CONTRIBUTING.md. Node only.
import { before, it } from 'node:test';
import { useBackend } from '../backend/registry.js';
import { plainOps } from '../compute/plain-ops.js';
import { step } from '../compute/updates.js';
import type { ComputeOps } from '../contract/compute-ops.js';
import type { StepArgs } from '../contract/params.js';
import type { FactorState } from '../contract/tensors.js';
import { LOSSES } from '../losses/index.js';
import { fitSuite } from './suites/fit.js';
import { minibatchSuite } from './suites/minibatch.js';
import { modelSuite } from './suites/model.js';
import { multiBackgroundSuite } from './suites/multi-background.js';
import { opsSuite } from './suites/ops.js';
import { reliabilitySuite } from './suites/reliability.js';
import { sparseSuite } from './suites/sparse.js';
import { updatesSuite } from './suites/updates.js';

/** Options of {@link describeBackendSuite}. */
export interface BackendSuiteOptions {
  /**
   * Skip every test, with this reason printed (e.g. no GPU adapter here). Use it where the
   * backend cannot run on the machine, never to hide a failure.
   */
  skip?: string;
}

/**
 * Registers the shared backend suite for backend `name` (already registered with core):
 * each of its operations against core's plain tfjs ops; fits against a float64
 * transcription of the updates (both losses, 1 and 50 iterations, several backgrounds);
 * sparse data against dense; minibatches against full batch; transform against a float64
 * reference; abort, divergence and tensor leaks.
 *
 * @example
 * // packages/backend-mine/test/suite.test.ts
 * import '../src/index.js'; // registers 'mine'
 * import { describeBackendSuite } from '@bcnmf/core/testing';
 * describeBackendSuite('mine');
 */
export function describeBackendSuite(name: string, options: BackendSuiteOptions = {}): void {
  if (options.skip) {
    // one skipped test that says why, so that the summary counts it
    it(`the shared backend suite on '${name}'`, { skip: options.skip }, () => {});
    return;
  }
  before(async () => {
    await useBackend(name);
  });
  opsSuite(name);
  updatesSuite(name);
  multiBackgroundSuite(name);
  sparseSuite(name);
  minibatchSuite(name);
  fitSuite(name);
  modelSuite(name);
  reliabilitySuite(name);
}

export { opsSuite, reliabilitySuite };

/**
 * Core's composition of one full-batch iteration from `ops` (default: the plain tfjs
 * ops), never a backend's fused `step`: the reference a backend's fused kernels are
 * tested against.
 */
export function composedStep({ state, data, params }: StepArgs, ops: ComputeOps = plainOps): FactorState {
  const { step: _fused, ...unfused } = ops;
  const rule = { loss: LOSSES[params.loss], eps: params.eps, damping: params.damping };
  return step(unfused, rule, params.alphas, state, data);
}
export {
  fromRows, frobeniusIteration, frobeniusIterationMulti, maxRelativeDifference, mse, mul, poissonIteration,
  poissonIterationMulti, poissonLogLik, rng, toRows, transpose, uniformMat,
} from './reference.js';
export type { Mat, RefMultiState, RefState } from './reference.js';
export { bestTopicShare, plantedPair } from './planted.js';
export type { Planted } from './planted.js';
