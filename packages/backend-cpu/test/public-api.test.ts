import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as api from '../src/index.js';

it('exports exactly the public API', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'blasCandidates',
    'configureCpuAccelerator',
    'cpuAccelerator',
    'cpuAdapter',
    'cpuOps',
    'loadNativeKernels',
    'wasmAdapter',
  ]);
});
