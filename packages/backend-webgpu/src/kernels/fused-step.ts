import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { BasisGramProgram } from './basis-gram.js';
import { extraColumns, FusedBasisStatisticsProgram } from './fused-basis-statistics.js';
import { FUSED_MAX_BACKGROUNDS, FusedBasisUpdateProgram } from './fused-basis-update.js';
import { dampingPower, FUSED_MAX_K, FusedCoefficientUpdateProgram, type FusedLoss } from './fused-coefficient-update.js';
import { checkMatrices, type ProgramUniform, type WebGPUBackendLike } from './shared.js';
import { planSlices, SliceSumProgram } from './thin-transposed-times-data.js';

/**
 * One whole full-batch bcNMF iteration on dense data: inputs `basis` (k x m), `target`
 * and `targetCoefficients`, and `background<i>`, `backgroundCoefficients<i>` for each
 * background; attrs `loss`, `alphas` (one per background), `eps`, `damping`. Outputs
 * the new target coefficients, each background's, then the new basis (core's step, in
 * the reference order).
 */
export const FUSED_STEP = 'BcnmfFusedStep';

/**
 * Programs one fused step dispatches: the basis's Gram matrix and row sums (1), one
 * coefficient update per data set, one statistics pass per data set that enters the
 * basis update (the target and each background with α > 0) plus a slice sum where the
 * rows were split, and the basis update (1). Frobenius or Poisson, one background: 8.
 */
export function fusedStepDispatches(loss: FusedLoss, rows: readonly number[], columns: number, k: number, alphas: readonly number[]): number {
  // rows[0]: the target, rows[1 + b]: background b
  const statistics = rows.filter((_, i) => i === 0 || alphas[i - 1] > 0);
  const sums = statistics.filter((n) => planSlices(n, columns + extraColumns(loss, k), k).slices > 1).length;
  return 1 + rows.length + statistics.length + sums + 1;
}

function fusedStep({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { loss, alphas, eps, damping } = attrs as NamedAttrMap as { loss: FusedLoss; alphas: number[]; eps: number; damping: number };
  const named = inputs as Record<string, TensorInfo>;
  const basis = named.basis;
  const sets = [{ data: named.target, coefficients: named.targetCoefficients, alpha: 1 }];
  for (let b = 0; b < alphas.length; b++) {
    sets.push({ data: named[`background${b}`], coefficients: named[`backgroundCoefficients${b}`], alpha: alphas[b] });
  }
  checkMatrices(FUSED_STEP, { basis, ...Object.fromEntries(sets.flatMap((s, i) => [[`data${i}`, s.data], [`coefficients${i}`, s.coefficients]])) });
  const [k, m] = basis.shape;
  if (k > FUSED_MAX_K) throw new Error(`${FUSED_STEP}: k = ${k} > ${FUSED_MAX_K}`);
  for (const { data, coefficients } of sets) {
    if (data.shape[1] !== m || coefficients.shape[0] !== data.shape[0] || coefficients.shape[1] !== k) {
      throw new Error(`${FUSED_STEP}: data [${data.shape}], coefficients [${coefficients.shape}] and basis [${basis.shape}] do not fit`);
    }
  }
  const contributing = sets.filter((s, i) => i === 0 || s.alpha > 0);
  if (contributing.length - 1 > FUSED_MAX_BACKGROUNDS) {
    throw new Error(`${FUSED_STEP}: ${contributing.length - 1} backgrounds with alpha > 0 > ${FUSED_MAX_BACKGROUNDS}`);
  }
  const webgpu = backend as unknown as WebGPUBackendLike;
  const power = dampingPower(damping);
  const scalars: ProgramUniform[] = [{ type: 'float32', data: [eps] }, { type: 'float32', data: [damping] }];

  const gram = webgpu.runWebGPUProgram(new BasisGramProgram(k), [basis], 'float32');
  const updated = sets.map(({ data, coefficients }) =>
    webgpu.runWebGPUProgram(new FusedCoefficientUpdateProgram(loss, data.shape[0], m, k, power), [data, coefficients, basis, gram], 'float32', scalars));
  webgpu.disposeData(gram.dataId);

  const statistics = sets
    .map((set, i) => ({ ...set, coefficients: updated[i] }))
    .filter((s, i) => i === 0 || s.alpha > 0)
    .map(({ data, coefficients }) => {
      const total = m + extraColumns(loss, k);
      const { slices, sliceRows } = planSlices(data.shape[0], total, k);
      const program = new FusedBasisStatisticsProgram(loss, k, m, slices);
      const operands = loss === 'poisson' ? [coefficients, data, basis] : [coefficients, data];
      const partial = webgpu.runWebGPUProgram(program, operands, 'float32', [
        { type: 'int32', data: [sliceRows] },
        { type: 'float32', data: [eps] },
      ]);
      if (slices === 1) return partial;
      const sum = webgpu.runWebGPUProgram(new SliceSumProgram(k, total), [partial], 'float32', [{ type: 'int32', data: [slices] }]);
      webgpu.disposeData(partial.dataId);
      return sum;
    });
  const backgroundAlphas = contributing.slice(1).map((s) => s.alpha);
  const nextBasis = webgpu.runWebGPUProgram(
    new FusedBasisUpdateProgram(loss, k, m, backgroundAlphas.length, power),
    [basis, ...statistics],
    'float32',
    [...scalars, ...backgroundAlphas.map((alpha): ProgramUniform => ({ type: 'float32', data: [alpha] }))],
  );
  for (const s of statistics) webgpu.disposeData(s.dataId);
  return [...updated, nextBasis];
}

/** The kernel, for `registerKernel`. */
export const fusedStepConfig: KernelConfig = {
  kernelName: FUSED_STEP,
  backendName: 'webgpu',
  kernelFunc: fusedStep as unknown as KernelFunc,
};
