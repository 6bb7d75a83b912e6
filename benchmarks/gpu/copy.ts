// The card's copy bandwidth, measured the way the products are: a plain WGSL program that
// copies a float32 array (vec4 loads and stores, one per thread), run through
// tfjs-backend-webgpu like the kernels, so that its GB/s and theirs are comparable.
import { tf, type KernelConfig, type KernelFunc, type Tensor, type TensorInfo } from './tf.js';
import type { KernelProgram, WebGPUBackendLike } from '../../packages/backend-webgpu/src/kernels/shared.js';

export const BENCH_COPY = 'BcnmfBenchCopy';
const THREADS = 256;
const MAX_X = 65535;

/** result[i] = x[i] over vec4s: n floats (a multiple of 4) read once and written once. */
export class CopyProgram implements KernelProgram {
  variableNames = ['x'];
  variableComponents = [4];
  outputComponent = 4;
  outputShape: number[];
  shaderKey = 'bcnmfBenchCopy';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];
  size = true;

  constructor(floats: number) {
    if (floats % 4 !== 0) throw new Error(`CopyProgram: ${floats} floats is not a multiple of 4`);
    this.outputShape = [floats];
    const groups = Math.ceil(floats / 4 / THREADS);
    const x = Math.min(groups, MAX_X);
    this.dispatch = [x, Math.ceil(groups / x), 1];
  }

  getUserCode(): string {
    // uniforms.size is the output's size in vec4s (tfjs divides by outputComponent)
    return `
      fn main(index : i32) {
        if (index < uniforms.size) { result[index] = x[index]; }
      }
    `;
  }
}

function copy({ inputs, backend }: Parameters<KernelFunc>[0]): TensorInfo {
  const { x } = inputs as { x: TensorInfo };
  const floats = x.shape.reduce((a, b) => a * b, 1);
  return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(new CopyProgram(floats), [x], 'float32');
}

/** Registers the copy kernel for 'webgpu' (once). */
export function registerCopyKernel(): void {
  if (!tf.getKernel(BENCH_COPY, 'webgpu')) {
    tf.registerKernel({ kernelName: BENCH_COPY, backendName: 'webgpu', kernelFunc: copy as unknown as KernelFunc } satisfies KernelConfig);
  }
}

/** A copy of the 1-D tensor `x` through {@link CopyProgram}. */
export function copyTensor(x: Tensor): Tensor {
  return tf.engine().runKernel(BENCH_COPY, { x }) as Tensor;
}
