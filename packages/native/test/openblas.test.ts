import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { blasCandidates, loadBlasLibrary, loadKoffi, rowMajorGemm, type Gemm } from '../src/index.js';

// The BLAS loader against the system's OpenBLAS where it is installed (Debian:
// libopenblas0), and against simulated failures everywhere.
const loaded = await loadBlasLibrary({ needs: ['cblas_sgemm', 'cblas_dgemm', 'dsyevr_'] });
const skip: string | false = 'reason' in loaded ? `no OpenBLAS here: ${loaded.reason}` : false;
if (skip) console.log(`# skipping the OpenBLAS products: ${skip}`);

/** Row-major float64 op(a) · op(b), a m x k (or k x m transposed), b k x n (or n x k). */
function product(transA: boolean, transB: boolean, m: number, n: number, k: number, a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++)
      for (let p = 0; p < k; p++) out[i * n + j] += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
  return out;
}

function checkGemm<A extends Float32Array | Float64Array>(gemm: Gemm<A>, make: (values: number[]) => A, tolerance: number): void {
  const [m, n, k] = [5, 3, 4];
  let seed = 7;
  const values = (count: number) => Array.from({ length: count }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const a = values(m * k);
      const b = values(k * n);
      const c0 = values(m * n);
      const c = make(c0);
      gemm(transA, transB, m, n, k, 2, make(a), transA ? m : k, make(b), transB ? k : n, 0.5, c, n);
      const expected = product(transA, transB, m, n, k, a, b).map((v, i) => 2 * v + 0.5 * c0[i]);
      for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i] - expected[i]) < tolerance, `transA ${transA}, transB ${transB}, entry ${i}`);
    }
  }
}

describe('OpenBLAS through koffi', () => {
  const savedLibrary = process.env.BCNMF_BLAS_LIBRARY;
  const savedSwitch = process.env.BCNMF_BLAS;
  after(() => {
    if (savedLibrary === undefined) delete process.env.BCNMF_BLAS_LIBRARY;
    else process.env.BCNMF_BLAS_LIBRARY = savedLibrary;
    if (savedSwitch === undefined) delete process.env.BCNMF_BLAS;
    else process.env.BCNMF_BLAS = savedSwitch;
  });

  it('lists the library files per platform, without Accelerate where LAPACK is needed', () => {
    assert.deepEqual(blasCandidates('linux'), ['libopenblas.so.0', 'libopenblas.so', 'libopenblasp.so.0']);
    assert.deepEqual(blasCandidates('win32'), ['libopenblas.dll', 'openblas.dll']);
    assert.equal(blasCandidates('darwin').at(-1), '/System/Library/Frameworks/Accelerate.framework/Accelerate');
    assert.ok(!blasCandidates('darwin', { lapack: true }).some((file) => file.includes('Accelerate')));
    assert.deepEqual(blasCandidates('darwin', { lapack: true }), blasCandidates('darwin').slice(0, -1));
  });

  it('single and double precision products against float64 loops, with and without transposes', { skip }, () => {
    if ('reason' in loaded) return;
    checkGemm(rowMajorGemm<Float32Array>(loaded.functions.cblas_sgemm), (v) => Float32Array.from(v), 1e-5);
    checkGemm(rowMajorGemm<Float64Array>(loaded.functions.cblas_dgemm), (v) => Float64Array.from(v), 1e-12);
    assert.equal(typeof loaded.functions.dsyevr_, 'function');
    assert.match(loaded.library, /openblas/);
    assert.ok(loaded.threads === null || loaded.threads >= 1);
  });

  it('loads the file BCNMF_BLAS_LIBRARY names, and only that one', { skip }, async () => {
    if ('reason' in loaded) return;
    process.env.BCNMF_BLAS_LIBRARY = loaded.library;
    const named = await loadBlasLibrary({ needs: ['cblas_sgemm'] });
    assert.equal('reason' in named ? named.reason : named.library, loaded.library);
    process.env.BCNMF_BLAS_LIBRARY = '/nonexistent/libopenblas.so.0';
    const missing = await loadBlasLibrary({ needs: ['cblas_sgemm'] });
    assert.match('reason' in missing ? missing.reason : '', /^no BLAS library could be loaded \(\/nonexistent\/libopenblas\.so\.0: [^;]*\)$/);
    delete process.env.BCNMF_BLAS_LIBRARY;
  });

  it('says why where it is switched off, koffi fails or the library lacks a function', async () => {
    const off = await loadBlasLibrary({ needs: ['cblas_sgemm'], disable: true });
    assert.deepEqual(off, { reason: 'BLAS disabled (BCNMF_BLAS=off)' });
    process.env.BCNMF_BLAS = 'off';
    assert.deepEqual(await loadBlasLibrary({ needs: ['cblas_dgemm'] }), { reason: 'BLAS disabled (BCNMF_BLAS=off)' });
    delete process.env.BCNMF_BLAS;
    const noKoffi = await loadBlasLibrary({ needs: ['cblas_sgemm'], importKoffi: () => Promise.reject(new Error('no prebuilt binary')) });
    assert.deepEqual(noKoffi, { reason: 'koffi (FFI) failed to load: no prebuilt binary' });
    const notKoffi = await loadKoffi(() => Promise.resolve({}));
    assert.deepEqual(notKoffi, { reason: 'koffi (FFI) failed to load: koffi has no load()' });
    if (process.platform === 'linux') {
      const libc = await loadBlasLibrary({ needs: ['cblas_sgemm', 'dsyevr_'], library: 'libc.so.6' });
      assert.match('reason' in libc ? libc.reason : '', /^no BLAS library could be loaded \(libc\.so\.6: no cblas_sgemm, dsyevr_ \(/);
    }
  });
});
