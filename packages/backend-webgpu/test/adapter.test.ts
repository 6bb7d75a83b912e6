import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackendAdapter } from '@bcnmf/core';
import { createWebGPUAdapter, findWebGPU, formatDeviceInfo, webgpuAdapter, WebGPUUnavailableError } from '../src/index.js';

// Runs before anything in this process installs navigator.gpu.
describe('webgpuAdapter', () => {
  it("has core's BackendAdapter shape, with the kernels as ops", () => {
    const asCore: BackendAdapter = webgpuAdapter; // checked by tsc
    assert.equal(asCore.tfjsBackend, 'webgpu');
    assert.deepEqual(Object.keys(webgpuAdapter.ops ?? {}).sort(), [
      'dataTimesThin', 'multiplicativeUpdate', 'poissonRatio', 'sparsePoissonRatio', 'sparseReconstruction', 'sparseTimesThin', 'stage', 'step',
      'submit', 'thinTransposedTimesData', 'thinTransposedTimesSparse',
    ]);
    assert.ok(!('step' in (createWebGPUAdapter({ fusedStep: false }).ops ?? {})), 'fusedStep: false leaves the step to core');
    assert.equal(createWebGPUAdapter({ customKernels: false }).ops, undefined);
    assert.match(webgpuAdapter.description, /tfjs-backend-webgpu 4\.22\.0/);
  });

  it('says why when Dawn cannot load', async () => {
    const broken = createWebGPUAdapter({ importDawn: async () => { throw new Error("Cannot find module 'webgpu'"); } });
    const probe = await broken.probe();
    assert.equal(probe.available, false);
    assert.match(probe.reason ?? '', /^the npm package 'webgpu' \(Dawn, which gives Node WebGPU\) failed to load: Cannot find module 'webgpu'/);
    await assert.rejects(broken.describeDevice(), WebGPUUnavailableError);
  });

  it('says why when Dawn finds no adapter', async () => {
    const none = createWebGPUAdapter({
      importDawn: async () => ({ globals: {}, create: () => ({ requestAdapter: async () => null }) }),
    });
    const probe = await none.probe();
    assert.equal(probe.available, false);
    assert.match(probe.reason ?? '', /^Dawn found no WebGPU adapter: Vulkan: no adapter .*; OpenGL: no adapter \(needs EGL and Mesa, e\.g\. Debian libegl1 libegl-mesa0 libgl1-mesa-dri/);
    assert.equal((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu, undefined, 'nothing installed');
  });

  it('names the adapter it finds (or skips, saying why)', async (t) => {
    const probe = await webgpuAdapter.probe();
    if (!probe.available) return t.skip(`no WebGPU adapter here: ${probe.reason}`);
    const device = probe.device!;
    assert.ok(device.device || device.vendor || device.description, 'the adapter has a name');
    assert.ok(['navigator', 'dawn-vulkan', 'dawn-opengl'].includes(device.source));
    assert.deepEqual(await webgpuAdapter.describeDevice(), device);
    assert.equal((await findWebGPU()).info, device, 'found once, then served from navigator.gpu');
    assert.match(formatDeviceInfo(device), / via (Dawn (Vulkan|OpenGL)|navigator\.gpu), (core|compatibility)/);
    console.log(`# WebGPU adapter: ${formatDeviceInfo(device)}`);
  });

  it("importing the package registers it as core's backend 'webgpu'", async () => {
    const { listBackends } = await import('@bcnmf/core');
    const webgpu = (await listBackends()).find((b) => b.name === 'webgpu')!;
    const probe = await webgpuAdapter.probe();
    assert.equal(webgpu.available, probe.available);
    assert.equal(webgpu.reason, probe.reason);
  });
});
