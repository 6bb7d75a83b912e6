import type * as tfjs from '@tensorflow/tfjs-core';
import type { Blas } from '../blas.js';

interface CpuBackendLike {
  readSync(dataId: tfjs.DataId): unknown;
  makeTensorInfo(shape: number[], dtype: tfjs.DataType, values: Float32Array): tfjs.TensorInfo;
}

/**
 * tfjs's `BatchMatMul` kernel for the 'cpu' backend through native BLAS sgemm: the
 * operand arrays are the backend's own (no copies), transposed operands cost nothing
 * extra (BLAS reads them in place), and BLAS runs on all cores. Anything it does not
 * cover (other dtypes, broadcast batch dimensions) goes to `fallback`, tfjs's own kernel.
 */
export function blasBatchMatMulConfig(getBlas: () => Blas | null, fallback: tfjs.KernelConfig): tfjs.KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName: 'cpu',
    kernelFunc(args) {
      const { inputs, attrs } = args;
      const a = inputs.a as tfjs.TensorInfo;
      const b = inputs.b as tfjs.TensorInfo;
      const backend = args.backend as unknown as CpuBackendLike;
      const blas = getBlas();
      const transposeA = Boolean((attrs as { transposeA?: boolean }).transposeA);
      const transposeB = Boolean((attrs as { transposeB?: boolean }).transposeB);
      const rankA = a.shape.length;
      const rankB = b.shape.length;
      const batchA = a.shape.slice(0, -2);
      const batchB = b.shape.slice(0, -2);
      const sameBatch = batchA.length === batchB.length && batchA.every((d, i) => d === batchB[i]);
      if (!blas || a.dtype !== 'float32' || b.dtype !== 'float32' || rankA < 2 || rankB < 2 || !sameBatch) {
        return fallback.kernelFunc(args);
      }
      const m = transposeA ? a.shape[rankA - 1] : a.shape[rankA - 2];
      const k = transposeA ? a.shape[rankA - 2] : a.shape[rankA - 1];
      const kB = transposeB ? b.shape[rankB - 1] : b.shape[rankB - 2];
      const n = transposeB ? b.shape[rankB - 2] : b.shape[rankB - 1];
      if (k !== kB) return fallback.kernelFunc(args); // tfjs's own error message
      const batches = batchA.reduce((p, d) => p * d, 1);
      const out = new Float32Array(batches * m * n);
      if (m > 0 && n > 0 && k > 0) {
        const aValues = backend.readSync(a.dataId) as Float32Array;
        const bValues = backend.readSync(b.dataId) as Float32Array;
        const lda = a.shape[rankA - 1];
        const ldb = b.shape[rankB - 1];
        for (let batch = 0; batch < batches; batch++) {
          const aPart = batches === 1 ? aValues : aValues.subarray(batch * m * k, (batch + 1) * m * k);
          const bPart = batches === 1 ? bValues : bValues.subarray(batch * k * n, (batch + 1) * k * n);
          const cPart = batches === 1 ? out : out.subarray(batch * m * n, (batch + 1) * m * n);
          blas.sgemm(transposeA, transposeB, m, n, k, 1, aPart, lda, bPart, ldb, 0, cPart, n);
        }
      }
      return backend.makeTensorInfo([...batchA, m, n], 'float32', out);
    },
  };
}
