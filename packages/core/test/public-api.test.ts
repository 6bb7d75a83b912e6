import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as api from '../src/index.js';

// The public API cannot change by accident: a change here is a change for users and
// needs a changeset.
it('exports exactly these names', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'BACKEND_NAMES',
    'BCNMF_DEFAULTS',
    'BcnmfError',
    'BcnmfModel',
    'CsrMatrix',
    'DEFAULT_BACKEND',
    'DenseMatrix',
    'checkNonNegativeData',
    'defaultBackendChain',
    'fitBcnmf',
    'isBatchSource',
    'listBackends',
    'matrixBatchSource',
    'plainOps',
    'registerBackend',
    'summarizeTopics',
    'toDataMatrix',
    'toDenseMatrix',
    'useBackend',
  ]);
});
