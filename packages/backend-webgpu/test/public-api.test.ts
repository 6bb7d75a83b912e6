import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as api from '../src/index.js';

// The public API cannot change by accident: a change here is a change for users and
// needs a changeset.
it('exports exactly these names', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'DATA_TIMES_THIN',
    'FUSED_STEP',
    'KERNEL_CONFIGS',
    'MULTIPLICATIVE_UPDATE',
    'POISSON_RATIO',
    'SPARSE_POISSON_RATIO',
    'SPARSE_RECONSTRUCTION',
    'SPARSE_TIMES_THIN',
    'TFJS_WEBGPU_VERSION',
    'THIN_TRANSPOSED_TIMES_DATA',
    'THIN_TRANSPOSED_TIMES_SPARSE',
    'WebGPUUnavailableError',
    'createWebGPUAdapter',
    'findWebGPU',
    'formatDeviceInfo',
    'fusedStep',
    'registerWebGPUKernels',
    'trimBufferPool',
    'webgpuAdapter',
    'webgpuOps',
  ]);
});
