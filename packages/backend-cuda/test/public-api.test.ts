import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as api from '../src/index.js';

// The public API cannot change by accident: a change here is a change for users and
// needs a changeset.
it('exports exactly these names', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'CudaBackendError',
    'LIBTENSORFLOW_VERSION',
    'SUPPORTED_TFJS_NODE_VERSION',
    'TFJS_NODE_PACKAGES',
    'createCudaAdapter',
    'cudaAdapter',
    'explainLoadError',
    'isNotInstalledError',
  ]);
});
