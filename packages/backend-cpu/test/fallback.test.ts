import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { configureCpuAccelerator, cpuAccelerator, cpuAdapter, cpuOps } from '../src/index.js';

// Where BLAS cannot be loaded the cpu backend keeps working on tfjs's kernels and says
// why. Failures are simulated: an injected koffi import that throws, a library file that
// does not exist, and BCNMF_BLAS=off in a fresh process.
describe('without native BLAS', () => {
  after(async () => {
    await configureCpuAccelerator({});
  });

  it('a koffi that fails to load gives the tfjs path, with the reason', async () => {
    await cpuAdapter.activate(tf);
    const info = await configureCpuAccelerator({
      importKoffi: () => Promise.reject(new Error('no prebuilt binary for this platform')),
    });
    assert.equal(info.path, 'tfjs');
    assert.match(info.reason!, /koffi \(FFI\) failed to load: no prebuilt binary for this platform/);
    assert.match(cpuAdapter.description, /tfjs kernels \(no native BLAS: koffi/);
    // the operations and matMul still run
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
    const c = cpuOps.dataTimesThin(a, b);
    assert.deepEqual(Array.from(c.dataSync()), [4, 5, 10, 11]);
    tf.dispose([a, b, c]);
  });

  it('a BLAS library that is not there gives the tfjs path, naming the file', async () => {
    const info = await configureCpuAccelerator({ library: '/nonexistent/libopenblas.so.0' });
    assert.equal(info.path, 'tfjs');
    assert.match(info.reason!, /no BLAS library could be loaded \(\/nonexistent\/libopenblas\.so\.0: /);
  });

  it('a library without cblas_sgemm is refused', async () => {
    const info = await configureCpuAccelerator({ library: process.platform === 'linux' ? 'libc.so.6' : 'libSystem.dylib' });
    assert.equal(info.path, 'tfjs');
    assert.match(info.reason!, /no cblas_sgemm/);
  });

  it('BCNMF_BLAS=off turns BLAS off for a process, and fits still run', () => {
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      import { cpuAdapter, cpuAccelerator } from ${JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)))};
      await cpuAdapter.activate(tf);
      const x = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]));
      console.log(JSON.stringify({ info: cpuAccelerator(), description: cpuAdapter.description, sum: tf.sum(x).dataSync()[0] }));
    `;
    const env: NodeJS.ProcessEnv = { ...process.env, BCNMF_BLAS: 'off' };
    delete env.NODE_TEST_CONTEXT; // else the child reports to this test runner
    const out = execFileSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    assert.equal(result.info.path, 'tfjs');
    assert.match(result.info.reason, /BCNMF_BLAS=off/);
    assert.match(result.description, /no native BLAS: BLAS disabled/);
    assert.equal(result.sum, 12);
  });
});
