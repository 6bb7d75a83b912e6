import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendAdapter } from '@bcnmf/core';
import {
  CudaBackendError, createCudaAdapter, cudaAdapter, explainLoadError, isNotInstalledError,
  type TfjsNodeModule, type TfjsNodePackage,
} from '../src/index.js';

// The failure paths run everywhere: the importer is injected, and throws what Node and
// tfjs-node throw (messages copied from Node 20 and from tfjs-node 4.22.0's dist/index.js).
function notFound(name: string, from = '/app/node_modules/@bcnmf/backend-cuda/dist/adapter.js'): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from ${from}`), { code: 'ERR_MODULE_NOT_FOUND' });
}
function dlopen(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_DLOPEN_FAILED' });
}
const ADDON_MISSING =
  'The Node.js native addon module (tfjs_binding.node) can not be found at path: ' +
  '/app/node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node. \nPlease run command ' +
  "'npm rebuild @tensorflow/tfjs-node-gpu --build-addon-from-source' to rebuild the native addon module.";

// A stand-in for what importing tfjs-node does: register 'tensorflow' and switch tfjs to it.
class FakeTensorflowBackend extends MathBackendCPU {
  isUsingGpuDevice = fakeGpuVisible;
}
let fakeGpuVisible = true;
function fakeTfjsNode(coreVersion = tf.version_core): TfjsNodeModule {
  if (!tf.findBackendFactory('tensorflow')) tf.registerBackend('tensorflow', () => new FakeTensorflowBackend(), 3);
  if (!tf.getKernel('Sum', 'tensorflow')) {
    for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'tensorflow' });
  }
  void tf.setBackend('tensorflow');
  return { version: { 'tfjs-core': coreVersion, 'tfjs-node': '4.22.0' } };
}

/** An importer that serves `modules` and records what was asked for. */
function importer(modules: Partial<Record<TfjsNodePackage, () => TfjsNodeModule | Error>>) {
  const asked: TfjsNodePackage[] = [];
  const importTfjsNode = async (name: TfjsNodePackage): Promise<TfjsNodeModule> => {
    asked.push(name);
    const make = modules[name];
    if (!make) throw notFound(name);
    const result = make();
    if (result instanceof Error) throw result;
    return result;
  };
  return { asked, importTfjsNode };
}

beforeEach(async () => {
  fakeGpuVisible = true;
  assert.ok(await tf.setBackend('cpu'));
});
afterEach(async () => {
  if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
  await tf.setBackend('cpu');
});

describe('cudaAdapter', () => {
  it("has core's BackendAdapter shape and runs tfjs's 'tensorflow' backend", () => {
    const asCore: BackendAdapter = cudaAdapter; // checked by tsc
    assert.equal(asCore.tfjsBackend, 'tensorflow');
    assert.equal(typeof asCore.probe, 'function');
    assert.equal(typeof asCore.activate, 'function');
    assert.match(cudaAdapter.description, /libtensorflow|TensorFlow 2\.9\.1/);
    assert.match(cudaAdapter.description, /@tensorflow\/tfjs-node-gpu.*@tensorflow\/tfjs-node /);
  });

  it('says what is wrong here with the real packages (neither can install on this machine)', async () => {
    const probe = await cudaAdapter.probe();
    if (probe.available) {
      assert.ok(probe.packageName, 'an available backend names its package');
    } else {
      assert.match(
        probe.reason ?? '',
        /^(neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed|@tensorflow\/tfjs-node(-gpu)? (is installed but|loaded but|\S+ bundles))/,
      );
      assert.equal(tf.getBackend(), 'cpu', 'a failed probe leaves tfjs where it was');
    }
  });
});

describe('missing packages', () => {
  it('names both packages, the versions to install, the download and the other backends', async () => {
    const { asked, importTfjsNode } = importer({});
    const adapter = createCudaAdapter({ importTfjsNode });
    const probe = await adapter.probe();
    assert.equal(probe.available, false);
    assert.deepEqual(asked, ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    const reason = probe.reason ?? '';
    assert.match(reason, /^neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed: /);
    assert.match(reason, /install @tensorflow\/tfjs-node-gpu@4\.22\.0 \(NVIDIA GPUs on Linux x64; needs CUDA 11\.2 and cuDNN 8\.1\)/);
    assert.match(reason, /or @tensorflow\/tfjs-node@4\.22\.0 \(TensorFlow on the CPU\)/);
    assert.match(reason, /downloads libtensorflow 2\.9\.1 from storage\.googleapis\.com/);
    assert.match(reason, /on CUDA 12 and later use backend 'webgpu'.*'wasm' and 'cpu'.*need no native library$/);
    await assert.rejects(adapter.activate(tf), (e: unknown) => {
      assert.ok(e instanceof CudaBackendError);
      assert.equal(e.message, reason);
      return true;
    });
    assert.equal(tf.getBackend(), 'cpu');
  });

  it('uses the CPU build when only @tensorflow/tfjs-node is installed', async () => {
    const { asked, importTfjsNode } = importer({ '@tensorflow/tfjs-node': () => fakeTfjsNode() });
    const adapter = createCudaAdapter({ importTfjsNode });
    assert.deepEqual(await adapter.probe(), { available: true, packageName: '@tensorflow/tfjs-node', details: { TensorFlow: 'libtensorflow 2.9.1 through @tensorflow/tfjs-node' } });
    assert.equal(tf.getBackend(), 'cpu', 'probe does not switch backends, although the import does');
    await adapter.activate(tf);
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.deepEqual(asked, ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'], 'each package is imported once');
  });

  it('prefers the GPU build and does not touch the CPU build then', async () => {
    const { asked, importTfjsNode } = importer({
      '@tensorflow/tfjs-node-gpu': () => fakeTfjsNode(),
      '@tensorflow/tfjs-node': () => new Error('must not be imported'),
    });
    const adapter = createCudaAdapter({ importTfjsNode });
    assert.deepEqual(await adapter.probe(), { available: true, packageName: '@tensorflow/tfjs-node-gpu', details: { TensorFlow: 'libtensorflow 2.9.1 through @tensorflow/tfjs-node-gpu' } });
    await adapter.activate(tf);
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.equal(tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0], 6);
    assert.deepEqual(asked, ['@tensorflow/tfjs-node-gpu']);
  });

  it('does not mistake a missing dependency of an installed package for the package', async () => {
    const { importTfjsNode } = importer({
      '@tensorflow/tfjs-node-gpu': () => notFound('@tensorflow/tfjs', '/app/node_modules/@tensorflow/tfjs-node-gpu/dist/index.js'),
    });
    const probe = await createCudaAdapter({ importTfjsNode }).probe();
    assert.equal(probe.available, false);
    assert.equal(probe.packageName, '@tensorflow/tfjs-node-gpu');
    assert.match(probe.reason ?? '', /^@tensorflow\/tfjs-node-gpu is installed but one of its dependencies is missing \(Cannot find package '@tensorflow\/tfjs' /);
    assert.match(probe.reason ?? '', /reinstall @tensorflow\/tfjs-node-gpu@4\.22\.0/);
  });
});

describe('installed packages that fail to load', () => {
  it('libcudart.so.11.0 missing (CUDA 12 and later): CUDA 11.2 + cuDNN 8.1, or the CPU build, or webgpu', async () => {
    const { asked, importTfjsNode } = importer({
      '@tensorflow/tfjs-node-gpu': () => dlopen('libcudart.so.11.0: cannot open shared object file: No such file or directory'),
      '@tensorflow/tfjs-node': () => fakeTfjsNode(),
    });
    const adapter = createCudaAdapter({ importTfjsNode });
    const probe = await adapter.probe();
    assert.equal(probe.available, false);
    assert.equal(probe.packageName, '@tensorflow/tfjs-node-gpu');
    const reason = probe.reason ?? '';
    assert.match(reason, /^@tensorflow\/tfjs-node-gpu is installed but cannot load the CUDA library libcudart\.so\.11\.0 \(libcudart\.so\.11\.0: cannot open shared object file: No such file or directory\): /);
    assert.match(reason, /libtensorflow 2\.9\.1, built for CUDA 11\.2 and cuDNN 8\.1 \(CUDA 12 and later have no libcudart\.so\.11\.0; tfjs issues #8362, #8505\)/);
    assert.match(reason, /install the CUDA 11\.2 runtime and cuDNN 8\.1 and put their lib directories on LD_LIBRARY_PATH/);
    assert.match(reason, /install @tensorflow\/tfjs-node instead to run TensorFlow on the CPU/);
    assert.match(reason, /on CUDA 12 and later use backend 'webgpu'/);
    assert.deepEqual(asked, ['@tensorflow/tfjs-node-gpu'], 'a broken GPU build is reported, not silently replaced by the CPU build');
    await assert.rejects(adapter.activate(tf), { name: 'CudaBackendError', message: reason });
  });

  it('cuDNN missing gets the same advice', () => {
    const text = explainLoadError('@tensorflow/tfjs-node-gpu', dlopen('libcudnn.so.8: cannot open shared object file: No such file or directory'));
    assert.match(text, /cannot load the CUDA library libcudnn\.so\.8 .*CUDA 11\.2 and cuDNN 8\.1/);
  });

  it('the GPU build loads but TensorFlow sees no GPU (it only warned on stderr): unavailable, with the CUDA advice', async () => {
    fakeGpuVisible = false;
    const { importTfjsNode } = importer({ '@tensorflow/tfjs-node-gpu': () => fakeTfjsNode() });
    const adapter = createCudaAdapter({ importTfjsNode });
    const probe = await adapter.probe();
    assert.equal(probe.available, false);
    assert.match(probe.reason ?? '', /^@tensorflow\/tfjs-node-gpu loaded but TensorFlow found no usable GPU and would run on the CPU .*libcudart\.so\.11\.0.*CUDA 11\.2 and cuDNN 8\.1/);
    assert.equal(tf.getBackend(), 'cpu');
    await assert.rejects(adapter.activate(tf), /found no usable GPU/);
    assert.equal(tf.getBackend(), 'cpu', 'a failed activation goes back to the previous backend');
  });

  it('the CPU build is fine without a GPU', async () => {
    fakeGpuVisible = false;
    const { importTfjsNode } = importer({ '@tensorflow/tfjs-node': () => fakeTfjsNode() });
    const adapter = createCudaAdapter({ importTfjsNode });
    assert.equal((await adapter.probe()).available, true);
    await adapter.activate(tf);
    assert.equal(tf.getBackend(), 'tensorflow');
  });

  it('native addon missing (install script could not download): rebuild, or a local archive', async () => {
    const { importTfjsNode } = importer({ '@tensorflow/tfjs-node-gpu': () => new Error(ADDON_MISSING) });
    const probe = await createCudaAdapter({ importTfjsNode }).probe();
    assert.equal(probe.available, false);
    const reason = probe.reason ?? '';
    assert.match(reason, /^@tensorflow\/tfjs-node-gpu is installed but its native addon \(tfjs_binding\.node\) is missing: /);
    assert.match(reason, /downloads libtensorflow 2\.9\.1 and the addon from storage\.googleapis\.com, did not finish/);
    assert.match(reason, /`npm rebuild @tensorflow\/tfjs-node-gpu`/);
    assert.match(reason, /TFJS_NODE_BASE_URI/);
    assert.doesNotMatch(reason, /\n/, 'one line: core shows only the first');
  });

  it('libtensorflow missing', () => {
    const text = explainLoadError(
      '@tensorflow/tfjs-node',
      dlopen('libtensorflow.so.2: cannot open shared object file: No such file or directory'),
    );
    assert.match(text, /^@tensorflow\/tfjs-node is installed but its libtensorflow 2\.9\.1 library libtensorflow\.so\.2 is missing or broken .*`npm rebuild @tensorflow\/tfjs-node`/);
  });

  it('NVIDIA driver missing', () => {
    const text = explainLoadError('@tensorflow/tfjs-node-gpu', dlopen('libcuda.so.1: cannot open shared object file: No such file or directory'));
    assert.match(text, /NVIDIA driver library libcuda\.so\.1 is missing .*no usable NVIDIA GPU; install @tensorflow\/tfjs-node/);
  });

  it('other native and JavaScript failures keep their first line', () => {
    assert.match(
      explainLoadError('@tensorflow/tfjs-node', dlopen("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found")),
      /^@tensorflow\/tfjs-node is installed but its native addon failed to load \(.*GLIBC_2\.34' not found\)/,
    );
    assert.equal(
      explainLoadError('@tensorflow/tfjs-node', new TypeError('boom\nstack')).split(';')[0],
      '@tensorflow/tfjs-node is installed but failed to load (boom)',
    );
  });

  it('a tfjs-node built on another tfjs-core: names both versions and the one to install', async () => {
    const { importTfjsNode } = importer({ '@tensorflow/tfjs-node': () => fakeTfjsNode('4.21.0') });
    const adapter = createCudaAdapter({ importTfjsNode });
    const probe = await adapter.probe();
    assert.equal(probe.available, false);
    assert.equal(
      probe.reason,
      "@tensorflow/tfjs-node 4.22.0 bundles @tensorflow/tfjs-core 4.21.0, but bcnmf runs on @tensorflow/tfjs-core 4.22.0, so its " +
        "'tensorflow' backend would run another engine's kernels: install @tensorflow/tfjs-node@4.22.0",
    );
    await assert.rejects(adapter.activate(tf), /bundles @tensorflow\/tfjs-core 4\.21\.0/);
    assert.equal(tf.getBackend(), 'cpu');
  });

  it("a package that loads but registers no 'tensorflow' backend with bcnmf's engine", async () => {
    const { importTfjsNode } = importer({ '@tensorflow/tfjs-node': () => ({ version: { 'tfjs-core': tf.version_core } }) });
    const probe = await createCudaAdapter({ importTfjsNode }).probe();
    assert.equal(probe.available, false);
    assert.match(probe.reason ?? '', /^@tensorflow\/tfjs-node loaded but its 'tensorflow' backend is not registered with the tfjs engine bcnmf uses/);
  });
});

describe('isNotInstalledError', () => {
  it('is true only for the package itself', () => {
    assert.equal(isNotInstalledError(notFound('@tensorflow/tfjs-node'), '@tensorflow/tfjs-node'), true);
    assert.equal(isNotInstalledError(notFound('@tensorflow/tfjs-node'), '@tensorflow/tfjs-node-gpu'), false);
    assert.equal(isNotInstalledError(notFound('@tensorflow/tfjs'), '@tensorflow/tfjs-node'), false);
    assert.equal(isNotInstalledError(new Error("Cannot find package '@tensorflow/tfjs-node'"), '@tensorflow/tfjs-node'), false);
    const cjs = Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node'\nRequire stack:"), { code: 'MODULE_NOT_FOUND' });
    assert.equal(isNotInstalledError(cjs, '@tensorflow/tfjs-node'), true);
  });
});
