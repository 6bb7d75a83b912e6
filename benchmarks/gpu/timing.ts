// How the benchmark times things: the median of repeats; a whole fit's ms per iteration
// as the difference of two fits (start-up, upload and read-back cancel); an operation's
// ms per call as the mean of calls queued back to back with one read at the end; the
// programs a fit dispatches per iteration (the backend's runWebGPUProgram calls).
import { registeredBackend } from '../../packages/core/src/backend/registry.js';
import { fitBcnmf, registerBackend, type BackendAdapter, type BatchSource, type BcnmfOptions, type CsrMatrix, type DenseMatrix } from '../../packages/core/src/index.js';
import { tf, type Tensor } from './tf.js';

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A fit's inputs and settings; `backend` is the name the adapter registers under. */
export interface FitCase {
  target: DenseMatrix | CsrMatrix | BatchSource;
  background: DenseMatrix | CsrMatrix | BatchSource;
  options: BcnmfOptions;
}

/**
 * Makes `adapter` the one its name selects. Core's reference cpu backend (the fallback
 * where @bcnmf/backend-cpu is not loaded, as in the packed bundle) is selected without
 * registering: its reserved name may not be registered by core itself.
 */
export function useBackend(adapter: BackendAdapter): void {
  if (registeredBackend(adapter.name) !== adapter) registerBackend(adapter);
}

async function fitMs(adapter: BackendAdapter, fit: FitCase, maxIter: number): Promise<number> {
  useBackend(adapter);
  const started = performance.now();
  await fitBcnmf(fit.target, fit.background, { ...fit.options, maxIter, tol: 0, scoreEvery: maxIter, backend: adapter.name, onWarning: () => {} });
  return performance.now() - started;
}

/**
 * ms per iteration of `fit` on `adapter`: (fit of 1 + iterations) − (fit of 1), median of
 * `repeats`, after a warm-up fit of `warmupIterations` (pipelines compiled; 1 where an
 * iteration is a long minibatch epoch).
 */
export async function fitMsPerIteration(
  adapter: BackendAdapter, fit: FitCase, iterations: number, repeats: number, { warmupIterations = 2 }: { warmupIterations?: number } = {},
): Promise<number> {
  await fitMs(adapter, fit, warmupIterations);
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    samples.push(((await fitMs(adapter, fit, 1 + iterations)) - (await fitMs(adapter, fit, 1))) / iterations);
  }
  return median(samples);
}

/** Programs the webgpu backend dispatches per iteration of `fit`: a fit of 3 iterations minus one of 2. */
export async function dispatchesPerIteration(adapter: BackendAdapter, fit: FitCase): Promise<number> {
  const count = async (maxIter: number): Promise<number> => {
    useBackend(adapter);
    await adapter.activate(tf);
    const backend = tf.backend() as unknown as { runWebGPUProgram: (...args: unknown[]) => unknown };
    const original = backend.runWebGPUProgram;
    let calls = 0;
    backend.runWebGPUProgram = function (this: unknown, ...args: unknown[]) {
      calls++;
      return original.apply(this, args);
    };
    try {
      await fitBcnmf(fit.target, fit.background, { ...fit.options, maxIter, tol: 0, scoreEvery: 100, backend: adapter.name, onWarning: () => {} });
    } finally {
      backend.runWebGPUProgram = original;
    }
    return calls;
  };
  return (await count(3)) - (await count(2));
}

/** ms per call of `op` (the mean of `count` calls queued back to back, one read at the end), median of `repeats`. */
export async function opMs(op: () => Tensor | Tensor[], count: number, repeats: number): Promise<number> {
  const last = (t: Tensor | Tensor[]) => (Array.isArray(t) ? t[t.length - 1] : t);
  const warm = op();
  await last(warm).data();
  tf.dispose(warm);
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    let result: Tensor | Tensor[] | null = null;
    for (let i = 0; i < count; i++) {
      if (result) tf.dispose(result);
      result = op();
    }
    await last(result!).data();
    samples.push((performance.now() - started) / count);
    tf.dispose(result!);
  }
  return median(samples);
}

/** Seconds left of a run that may take `budgetSeconds` from `startedAt` (performance.now()). */
export function secondsLeft(startedAt: number, budgetSeconds: number): number {
  return budgetSeconds - (performance.now() - startedAt) / 1000;
}
