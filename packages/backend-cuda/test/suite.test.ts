// Core's shared backend suite on 'cuda', as every backend runs it; skipped with the
// adapter's reason where @tensorflow/tfjs-node-gpu (or tfjs-node) cannot run here.
import { describeBackendSuite } from '@bcnmf/core/testing';
import { cudaAdapter } from '../src/index.js';

// TensorFlow runs float32 matMuls in TF32 on Ampere and later GPUs by default; NVIDIA's
// libraries read NVIDIA_TF32_OVERRIDE=0 to keep full float32 (set before tfjs-node-gpu loads).
process.env.NVIDIA_TF32_OVERRIDE ??= '0';

const probe = await cudaAdapter.probe();
describeBackendSuite('cuda', probe.available ? {} : { skip: `the cuda backend cannot run here: ${probe.reason}` });
