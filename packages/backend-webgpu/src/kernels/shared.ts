// What the kernels share: the slice of tfjs-backend-webgpu's API they use, and checks.
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** A uniform value as tfjs-backend-webgpu's `runWebGPUProgram` takes it. */
export interface ProgramUniform {
  type: 'int32' | 'float32' | 'uint32';
  data: number[];
}

/**
 * The program shape tfjs-backend-webgpu compiles (its `WebGPUProgram`): the backend
 * declares the bindings (`result`, one array per variable name, `uniforms` with a
 * `<name>Shape` per input, `outShape` and the program's own `uniforms` fields) and
 * calls the user code's `main()`.
 */
export interface KernelProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  getUserCode(): string;
}

/** The part of tfjs-backend-webgpu's `WebGPUBackend` the kernels call. */
export interface WebGPUBackendLike {
  runWebGPUProgram(program: KernelProgram, inputs: TensorInfo[], outputDtype: 'float32' | 'int32', uniforms?: ProgramUniform[]): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Throws unless every input is a float32 matrix. */
export function checkMatrices(kernel: string, inputs: Record<string, TensorInfo>): void {
  for (const [name, info] of Object.entries(inputs)) {
    if (!info || info.shape.length !== 2 || info.dtype !== 'float32') {
      throw new Error(`${kernel}: '${name}' must be a float32 matrix, got ${info ? `${info.dtype} [${info.shape}]` : 'nothing'}`);
    }
  }
}

/** Columns of the thin operand one workgroup computes at a time (K above this is split). */
export const MAX_THIN_COLUMNS = 24;

/** Columns per chunk: k split into equal chunks of at most {@link MAX_THIN_COLUMNS}. */
export function columnChunk(k: number): number {
  return Math.ceil(k / Math.ceil(k / MAX_THIN_COLUMNS));
}

/** Repeats `line(i)` for i in [0, count), joined by newlines (kernels unroll loops over k). */
export function unroll(count: number, line: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => line(i)).join('\n');
}

/** The most workgroups WebGPU guarantees in one dispatch dimension. */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/** `count` workgroups as (x, z) so that neither exceeds the per-dimension limit; shaders use `workgroupId.z * numWorkgroups.x + workgroupId.x`. */
export function spread(count: number): [number, number] {
  const x = Math.min(Math.max(count, 1), MAX_WORKGROUPS_PER_DIMENSION);
  return [x, Math.ceil(Math.max(count, 1) / x)];
}

/** Threads per workgroup of the one-thread-per-item programs (entries, rows, columns). */
export const FLAT_WORKGROUP = 64;

/** The dispatch of `count` items at {@link FLAT_WORKGROUP} a workgroup (tfjs reshapes it past the per-dimension limit; `main(index)` gets the flat index). */
export function flatDispatch(count: number): [number, number, number] {
  return [Math.max(1, Math.ceil(count / FLAT_WORKGROUP)), 1, 1];
}
