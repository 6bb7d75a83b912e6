// The benchmark's handle on TensorFlow.js. benchmarks/ has no tfjs-core dependency of its
// own, so this loads the one @bcnmf/backend-webgpu and @bcnmf/core load (the package's
// "main" file, the same module instance, also after esbuild bundles it).
import type * as tfjs from '../../packages/backend-webgpu/node_modules/@tensorflow/tfjs-core/dist/index.js';
// @ts-expect-error: the CommonJS build has no declarations of its own; its types are index.d.ts
import * as runtime from '../../packages/backend-webgpu/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js';

export const tf = runtime as unknown as typeof tfjs;
export type Tensor = tfjs.Tensor;
export type Tensor2D = tfjs.Tensor2D;
export type TensorInfo = tfjs.TensorInfo;
export type KernelConfig = tfjs.KernelConfig;
export type KernelFunc = tfjs.KernelFunc;
