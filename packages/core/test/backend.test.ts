import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { standIn } from './helpers/stand-in.js';
import {
  backendNames, BcnmfError, BUILTIN_BACKEND_NAMES, defaultBackendChain, fitBcnmf, listBackends, registerBackend, useBackend,
  type BackendAdapter,
} from '../src/index.js';

// These tests run @bcnmf/core alone: no backend package is imported here (core depends
// on none), so only core's reference 'cpu' backend is registered at first.

describe('backend registry, core alone', () => {
  it('knows the four built-in names, reserved for their packages', () => {
    assert.deepEqual(BUILTIN_BACKEND_NAMES, ['wasm', 'cpu', 'webgpu', 'cuda']);
    assert.deepEqual(backendNames().slice(0, 4), ['wasm', 'cpu', 'webgpu', 'cuda']);
  });

  it("fits on core's reference cpu backend, with no backend package installed", async () => {
    assert.deepEqual(await defaultBackendChain(), ['cpu']);
    const model = await fitBcnmf([[1, 2], [3, 4]], [[1, 1], [2, 2]], { k: 1, maxIter: 2 });
    assert.equal(model.settings.backend, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
  });

  it('lists every backend: which runs here, why the others do not, and the default', async () => {
    const list = await listBackends();
    assert.deepEqual(list.slice(0, 4).map((b) => b.name), ['wasm', 'cpu', 'webgpu', 'cuda']);
    const cpu = list.find((b) => b.name === 'cpu')!;
    assert.equal(cpu.available, true);
    assert.equal(cpu.isDefault, true);
    assert.equal(cpu.packageName, '@bcnmf/core');
    assert.match(cpu.details!.kernels, /reference/);
    for (const [name, owner] of [['wasm', '@bcnmf/backend-cpu'], ['webgpu', '@bcnmf/backend-webgpu'], ['cuda', '@bcnmf/backend-cuda']]) {
      const row = list.find((b) => b.name === name)!;
      assert.equal(row.available, false);
      assert.equal(row.isDefault, false);
      assert.equal(row.packageName, owner);
      assert.match(row.reason!, new RegExp(`not installed: backend '${name}' comes with ${owner} \\(part of the bcnmf package\\)`));
    }
  });

  it('says which package a backend that is not installed needs, and which backends work here', async () => {
    await assert.rejects(useBackend('webgpu'), (e: unknown) => {
      assert.ok(e instanceof BcnmfError);
      assert.equal(e.code, 'BACKEND_UNAVAILABLE');
      assert.match(e.message, /backend 'webgpu' is not installed: .*@bcnmf\/backend-webgpu.*\(available here: cpu\)/);
      return true;
    });
    await assert.rejects(useBackend('gpu'), /unknown backend 'gpu': the backends are wasm, cpu, webgpu, cuda.* \(available here: cpu\)/);
  });
});

describe('registerBackend', () => {
  it("registers a contributor's backend under its own name, without editing core", async () => {
    const { adapter, calls } = standIn('my-gpu', 'bcnmf-my-gpu');
    registerBackend(adapter);
    registerBackend(adapter); // the same adapter again: a no-op
    assert.ok(backendNames().includes('my-gpu'));
    assert.equal(await useBackend('my-gpu'), adapter);
    assert.deepEqual(calls, ['activate']);
    const model = await fitBcnmf([[1, 2], [3, 4]], null, { k: 1, alpha: 0, maxIter: 2, backend: 'my-gpu' });
    assert.equal(model.settings.backend, 'my-gpu');
    assert.ok((await listBackends()).some((b) => b.name === 'my-gpu' && b.available && b.packageName === 'bcnmf-my-gpu'));
  });

  it('refuses reserved names from other packages, bad names, taken names and adapters that are not adapters', () => {
    assert.throws(() => registerBackend(standIn('cpu', 'my-fast-cpu').adapter), /'cpu' is reserved for @bcnmf\/backend-cpu; register my-fast-cpu's backend under a name of its own/);
    assert.throws(() => registerBackend(standIn('My GPU', 'x').adapter), /must be lower-case letters, digits and dashes/);
    assert.throws(() => registerBackend(standIn('auto', 'x').adapter), /'auto' is not a backend name/);
    registerBackend(standIn('taken', 'first-package').adapter);
    assert.throws(() => registerBackend(standIn('taken', 'second-package').adapter), /already registered \(by first-package\)/);
    assert.throws(() => registerBackend({} as BackendAdapter), /needs a BackendAdapter; this one has no name, packageName, tfjsBackend, description, probe\(\), activate\(\)/);
  });

  it('lets the owning package replace a built-in name (what importing @bcnmf/backend-cpu does to core\'s reference cpu)', async () => {
    const accelerated = standIn('cpu', '@bcnmf/backend-cpu', { probe: { available: true, accelerated: true } });
    const wasm = standIn('wasm', '@bcnmf/backend-cpu');
    registerBackend(wasm.adapter);
    registerBackend(accelerated.adapter);
    assert.deepEqual(await defaultBackendChain(), ['cpu', 'wasm']);
    const model = await fitBcnmf([[1, 2], [3, 4]], [[1, 1], [2, 2]], { k: 1, maxIter: 2 });
    assert.equal(model.settings.backend, 'cpu');
    registerBackend(standIn('cpu', '@bcnmf/backend-cpu', { probe: { available: true, accelerated: false } }).adapter);
    assert.deepEqual(await defaultBackendChain(), ['wasm', 'cpu']);
  });

  it('falls back along the default chain, with a warning, when a backend cannot run', async () => {
    registerBackend(standIn('wasm', '@bcnmf/backend-cpu', { probe: { available: false, reason: 'no WebAssembly in this test' } }).adapter);
    registerBackend(standIn('cpu', '@bcnmf/backend-cpu', { probe: { available: true, accelerated: false } }).adapter);
    const warnings: string[] = [];
    const model = await fitBcnmf([[1, 2], [3, 4]], [[1, 1], [2, 2]], { k: 1, maxIter: 2, onWarning: (w) => warnings.push(w) });
    assert.equal(model.settings.backend, 'cpu');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /backend 'wasm' cannot run here: no WebAssembly in this test; falling back to the next backend/);
    // a backend named explicitly does not fall back
    await assert.rejects(fitBcnmf([[1, 2]], null, { k: 1, alpha: 0, backend: 'wasm' }), /backend 'wasm' cannot run here: no WebAssembly/);
  });
});
