import { getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

/**
 * tfjs-backend-webgpu 4.22.0 adds N tensors in one shader that binds all N inputs and
 * the output as storage buffers; from 8 inputs on that exceeds WebGPU's default
 * maxStorageBuffersPerShaderStage (8) and the pipeline is invalid (seen on an H200:
 * core's chunked score sums 8 chunks with tf.addN). This wraps tfjs's AddN kernel:
 * more inputs than the device can bind are added in groups, then the group sums.
 */
export function groupedAddNConfig(original: KernelConfig): KernelConfig {
  const add = original.kernelFunc;
  const grouped = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const backend = args.backend as unknown as { device?: { limits?: { maxStorageBuffersPerShaderStage?: number } }; disposeData(id: object): boolean };
    const most = Math.max(2, (backend.device?.limits?.maxStorageBuffersPerShaderStage ?? 8) - 1);
    if (inputs.length <= most) return add(args) as TensorInfo;
    let level = inputs;
    const made: TensorInfo[] = [];
    while (level.length > most) {
      const next: TensorInfo[] = [];
      for (let i = 0; i < level.length; i += most) {
        const group = level.slice(i, i + most);
        if (group.length === 1) {
          next.push(group[0]);
          continue;
        }
        const sum = add({ ...args, inputs: group as unknown as Parameters<KernelFunc>[0]['inputs'] }) as TensorInfo;
        made.push(sum);
        next.push(sum);
      }
      level = next;
    }
    const result = add({ ...args, inputs: level as unknown as Parameters<KernelFunc>[0]['inputs'] }) as TensorInfo;
    for (const t of made) backend.disposeData(t.dataId);
    return result;
  };
  return { ...original, kernelFunc: grouped as unknown as KernelFunc };
}

/** Whether the registered webgpu AddN is already the grouped one. */
export const GROUPED_ADD_N = Symbol.for('bcnmf.groupedAddN');

/** The AddN kernel to register for 'webgpu', or null when it is registered already. */
export function groupedAddNToRegister(): KernelConfig | null {
  const current = getKernel('AddN', 'webgpu');
  if (!current || (current as unknown as Record<symbol, boolean>)[GROUPED_ADD_N]) return null;
  return Object.assign(groupedAddNConfig(current), { [GROUPED_ADD_N]: true });
}
