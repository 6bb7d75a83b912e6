// Core's shared backend suite on 'webgpu' (Mesa's llvmpipe in CI, a GPU where there is
// one), as every backend runs it; skipped with the reason where no WebGPU adapter exists.
import '../src/index.js';
import { describeBackendSuite } from '@bcnmf/core/testing';
import { webgpuOrReason } from './helpers/webgpu.js';

const reason = await webgpuOrReason();
describeBackendSuite('webgpu', reason ? { skip: reason } : {});
