import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fitBcnmf, registerBackend } from '../src/index.js';
import { standIn } from './helpers/stand-in.js';

// A backend's advice (BackendProbe.advice: e.g. the cpu backend's native kernels are not
// built, and the command that builds them) is said once per process, by the first fit
// whose backends include that backend. This file runs in a process of its own.

const advice = "native kernels not built; to build them, run `pnpm approve-builds @bcnmf/backend-cpu`";
const target = [[1, 2], [3, 4]];
const background = [[1, 1], [2, 2]];

it('says the advice once per process, at the first fit that could use the backend', async () => {
  registerBackend(standIn('wasm', '@bcnmf/backend-cpu').adapter);
  registerBackend(standIn('cpu', '@bcnmf/backend-cpu', { probe: { available: true, accelerated: false, advice } }).adapter);
  const fit = async (backend?: string): Promise<string[]> => {
    const warnings: string[] = [];
    const options = { k: 1, maxIter: 2, onWarning: (w: string) => warnings.push(w) };
    const model = await fitBcnmf(target, background, backend ? { ...options, backend } : options);
    assert.deepEqual(model.warnings, warnings, 'the model keeps what was said');
    return warnings;
  };

  // wasm named: the cpu backend's advice is not about this fit
  assert.deepEqual(await fit('wasm'), []);
  // no backend named: the default chain (wasm, then cpu, since cpu is not accelerated) includes cpu
  assert.deepEqual(await fit(), [advice]);
  // said once: later fits, default or cpu, do not repeat it
  assert.deepEqual(await fit(), []);
  assert.deepEqual(await fit('cpu'), []);
});
