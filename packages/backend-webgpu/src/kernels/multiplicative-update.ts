import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { checkMatrices, type KernelProgram, type WebGPUBackendLike } from './shared.js';

/** current ∘ (numerator ⊘ (denominator + eps))^damping in one pass. */
export const MULTIPLICATIVE_UPDATE = 'BcnmfMultiplicativeUpdate';

/** How the denominator lines up with the r x c update: whole, one row (1 x c) or one column (r x 1). */
export type DenominatorLayout = 'full' | 'row' | 'column';

/** The layout of `denominator` for an update of `shape`, or an error. */
export function denominatorLayout(shape: number[], denominator: number[]): DenominatorLayout {
  const [r, c] = shape;
  if (denominator[0] === r && denominator[1] === c) return 'full';
  if (denominator[0] === 1 && denominator[1] === c) return 'row';
  if (denominator[0] === r && denominator[1] === 1) return 'column';
  throw new Error(`${MULTIPLICATIVE_UPDATE}: a denominator [${denominator}] does not broadcast to [${shape}]`);
}

/**
 * One thread per element: reads current, numerator and denominator once, writes the
 * update. damping 1 and 0.5 compile to no power and sqrt; other values to pow (with
 * 0^d = 0, as tf.pow gives).
 */
export class MultiplicativeUpdateProgram implements KernelProgram {
  variableNames = ['current', 'numerator', 'denominator'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [256, 1, 1];
  uniforms = 'eps : f32, damping : f32,';
  private readonly layout: DenominatorLayout;
  private readonly power: 'none' | 'sqrt' | 'pow';

  constructor(shape: number[], layout: DenominatorLayout, damping: number) {
    this.outputShape = shape;
    this.layout = layout;
    this.power = damping === 1 ? 'none' : damping === 0.5 ? 'sqrt' : 'pow';
    this.dispatch = [Math.ceil((shape[0] * shape[1]) / 256), 1, 1];
    this.shaderKey = `bcnmfMultiplicativeUpdate_${layout}_${this.power}`;
  }

  getUserCode(): string {
    const denominatorIndex =
      this.layout === 'full' ? 'index' : this.layout === 'row' ? 'index % uniforms.outShape[1]' : 'index / uniforms.outShape[1]';
    const apply =
      this.power === 'none' ? 'ratio' : this.power === 'sqrt' ? 'sqrt(ratio)' : 'select(pow(ratio, uniforms.damping), 0.0, ratio <= 0.0)';
    return `
      fn main(index : i32) {
        if (index < uniforms.outShape[0] * uniforms.outShape[1]) {
          let ratio = numerator[index] / (denominator[${denominatorIndex}] + uniforms.eps);
          result[index] = current[index] * ${apply};
        }
      }
    `;
  }
}

function multiplicativeUpdate({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { current, numerator, denominator } = inputs as Record<'current' | 'numerator' | 'denominator', TensorInfo>;
  checkMatrices(MULTIPLICATIVE_UPDATE, { current, numerator, denominator });
  const { eps, damping } = attrs as NamedAttrMap as { eps: number; damping: number };
  if (numerator.shape[0] !== current.shape[0] || numerator.shape[1] !== current.shape[1]) {
    throw new Error(`${MULTIPLICATIVE_UPDATE}: numerator [${numerator.shape}] and current [${current.shape}] differ`);
  }
  const layout = denominatorLayout(current.shape, denominator.shape);
  const program = new MultiplicativeUpdateProgram(current.shape, layout, damping);
  return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(program, [current, numerator, denominator], 'float32', [
    { type: 'float32', data: [eps] },
    { type: 'float32', data: [damping] },
  ]);
}

/** The kernel, for `registerKernel`. */
export const multiplicativeUpdateConfig: KernelConfig = {
  kernelName: MULTIPLICATIVE_UPDATE,
  backendName: 'webgpu',
  kernelFunc: multiplicativeUpdate as unknown as KernelFunc,
};
