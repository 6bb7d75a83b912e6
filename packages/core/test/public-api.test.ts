import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as api from '../src/index.js';

// The public API cannot change by accident: a change here is a change for users and
// needs a changeset.
it('exports exactly these names', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'AUTO_BACKEND',
    'BCNMF_DEFAULTS',
    'BUILTIN_BACKENDS',
    'BUILTIN_BACKEND_NAMES',
    'Bcnmf',
    'BcnmfError',
    'BcnmfModel',
    'CsrMatrix',
    'DenseMatrix',
    'FLOAT32_MAX',
    'LOSSES',
    'LOSS_NAMES',
    'backendNames',
    'checkNonNegativeData',
    'defaultBackendChain',
    'describeRepeats',
    'diagnoseFit',
    'distinctNames',
    'fitBcnmf',
    'fitEveryStart',
    'fitWithBasis',
    'isBatchSource',
    'isSparse',
    'listBackends',
    'matrixBatchSource',
    'plainOps',
    'registerBackend',
    'repeatedNames',
    'settingChecks',
    'summarizeData',
    'summarizeTopics',
    'toDataMatrix',
    'toDenseMatrix',
    'useBackend',
  ]);
});

it('the testing entry exports exactly these names', async () => {
  const testing = await import('../src/testing/index.js');
  assert.deepEqual(Object.keys(testing).sort(), [
    'bestTopicShare', 'composedStep', 'describeBackendSuite', 'frobeniusIteration', 'frobeniusIterationMulti', 'fromRows', 'maxRelativeDifference',
    'mse', 'mul', 'opsSuite', 'plantedPair', 'poissonIteration', 'poissonIterationMulti', 'poissonLogLik', 'reliabilitySuite', 'rng',
    'toRows', 'transpose', 'uniformMat',
  ]);
});
