import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { cpuAdapter } from '@bcnmf/backend-cpu';
import { BACKEND_NAMES, BcnmfError, DEFAULT_BACKEND, defaultBackendChain, fitBcnmf, listBackends, registerBackend, useBackend } from '../src/index.js';
import type { BackendAdapter } from '../src/index.js';

describe('backend registry', () => {
  it('knows the four backend names, wasm first and by default', () => {
    assert.deepEqual(BACKEND_NAMES, ['wasm', 'cpu', 'webgpu', 'cuda']);
    assert.equal(DEFAULT_BACKEND, 'wasm');
  });

  it('activates wasm and cpu by name', async () => {
    for (const name of ['wasm', 'cpu'] as const) {
      const adapter = await useBackend(name);
      assert.equal(tf.getBackend(), name);
      assert.equal(adapter.tfjsBackend, name);
    }
  });

  it('lists each backend with whether it runs here and why not', async () => {
    const list = await listBackends();
    assert.deepEqual(list.map((b) => b.name), ['wasm', 'cpu', 'webgpu', 'cuda']);
    assert.ok(list.find((b) => b.name === 'wasm')!.available);
    assert.ok(list.find((b) => b.name === 'cpu')!.available);
    for (const b of list.filter((x) => !x.available)) {
      assert.match(b.reason ?? '', /could not be loaded|cannot|failed|no /, `${b.name}: ${b.reason}`);
    }
  });

  it('says which package a missing backend needs and which backends work', async () => {
    const list = await listBackends();
    for (const b of list.filter((x) => !x.available)) {
      await assert.rejects(useBackend(b.name), (e: unknown) => {
        assert.ok(e instanceof BcnmfError);
        assert.equal(e.code, 'BACKEND_UNAVAILABLE');
        assert.match(e.message, new RegExp(`backend '${b.name}'`));
        assert.match(e.message, /available here: wasm, cpu/);
        return true;
      });
    }
  });

  it('prefers an accelerated cpu backend when a fit names none, else wasm then cpu', async () => {
    const probed = (accelerated: boolean): BackendAdapter =>
      ({ ...cpuAdapter, probe: async () => ({ available: true, accelerated }) }) as unknown as BackendAdapter;
    try {
      registerBackend('cpu', probed(true));
      assert.deepEqual(await defaultBackendChain(), ['cpu', 'wasm']);
      const model = await fitBcnmf([[1, 2], [3, 4]], [[1, 1], [2, 2]], { k: 1, maxIter: 2 });
      assert.equal(model.settings.backend, 'cpu');
      registerBackend('cpu', probed(false));
      assert.deepEqual(await defaultBackendChain(), ['wasm', 'cpu']);
      const portable = await fitBcnmf([[1, 2], [3, 4]], [[1, 1], [2, 2]], { k: 1, maxIter: 2 });
      assert.equal(portable.settings.backend, 'wasm');
    } finally {
      registerBackend('cpu', cpuAdapter as unknown as BackendAdapter);
    }
    // the real probe: accelerated exactly when the native kernels load
    const { cpuAccelerator } = await import('@bcnmf/backend-cpu');
    const real = await cpuAdapter.probe();
    assert.equal(real.accelerated, cpuAccelerator().kernels === 'native');
  });

  it('refuses unknown names', async () => {
    await assert.rejects(useBackend('gpu'), /unknown backend 'gpu': the backends are wasm, cpu, webgpu, cuda/);
  });
});

describe('fallback to the next backend', () => {
  it('skips a backend that cannot run, with a warning, and uses the next', async () => {
    const { useFirstAvailableBackend } = await import('../src/backend/registry.js');
    const unavailable = (await listBackends()).filter((b) => !b.available).map((b) => b.name);
    if (unavailable.length === 0) return; // every backend runs here: nothing to fall back from
    const warnings: string[] = [];
    const chosen = await useFirstAvailableBackend([unavailable[0], 'cpu'], (w) => warnings.push(w));
    assert.equal(chosen.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(`backend '${unavailable[0]}'.*falling back to the next backend`));
    await assert.rejects(useFirstAvailableBackend([unavailable[0]], () => {}), /BACKEND_UNAVAILABLE|backend/);
    await assert.rejects(useFirstAvailableBackend(['tpu', 'cpu'], () => {}), /unknown backend 'tpu'/);
  });
});

describe('registerBackend', () => {
  it('lets a backend package provide a name without core importing it', async () => {
    const { registerBackend } = await import('../src/index.js');
    const calls: string[] = [];
    const cpu = (await import('@bcnmf/backend-cpu')).cpuAdapter;
    registerBackend('cuda', {
      tfjsBackend: 'cpu',
      description: 'a test stand-in that runs on tfjs-backend-cpu',
      probe: async () => ({ available: true }),
      activate: async (t) => {
        calls.push('activate');
        await cpu.activate(t);
      },
    });
    const adapter = await useBackend('cuda');
    assert.equal(adapter.description, 'a test stand-in that runs on tfjs-backend-cpu');
    assert.deepEqual(calls, ['activate']);
    assert.throws(() => registerBackend('tpu' as never, adapter), /unknown backend 'tpu'/);
    assert.throws(() => registerBackend('cuda', {} as never), /needs an adapter with probe\(\) and activate\(\)/);
  });
});
