import '@bcnmf/backend-cpu';
import '@bcnmf/backend-webgpu';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { webgpuAdapter } from '@bcnmf/backend-webgpu';
import { runReproduce } from '../src/index.js';

// `bcnmf reproduce ... --backend webgpu` (Mesa's llvmpipe here) gives the cpu backend's
// table: NMF and bcNMF run on the named backend, with the same seeds.
const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-backend-'));
after(() => rmSync(root, { recursive: true, force: true }));
const probe = await webgpuAdapter.probe();

it('the simulation on webgpu agrees with the cpu backend, seed by seed', { skip: probe.available ? false : `no WebGPU adapter: ${probe.reason}` }, async () => {
  const overrides = { scale: 0.25, betas: [2], cpcaAlpha: 2, maxIter: 150 };
  const run = async (backend: string) => {
    const report = await runReproduce(['simulation', '--seeds', '2', '--backend', backend, '--out', join(root, backend)], () => {}, { overrides });
    assert.equal(report.backend, backend);
    return report.experiments[0];
  };
  const cpu = await run('cpu');
  const gpu = await run('webgpu');
  for (const method of ['NMF', 'bcNMF']) {
    const a = gpu.rows.find((r) => r.method === method)!.cells[0].values;
    const b = cpu.rows.find((r) => r.method === method)!.cells[0].values;
    a.forEach((v, s) => assert.ok(Math.abs(v - b[s]) < 0.02, `${method}, seed ${s}: webgpu ${v} vs cpu ${b[s]}`));
  }
});

it('--backend refuses an unknown name before any work', async () => {
  await assert.rejects(runReproduce(['simulation', '--backend', 'tpu', '--out', join(root, 'x')], () => {}), /--backend must be one of auto, wasm, cpu, webgpu, cuda, got 'tpu'/);
});
