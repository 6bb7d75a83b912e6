// One measurement in its own process, so that its peak memory is its own: prints one JSON
// line. Run by bench.ts; usage: worker.ts '<json job>'.
import { cpuAccelerator, cpuAdapter } from '@bcnmf/backend-cpu';
import { nmf, pca } from '@bcnmf/baselines';
import { CsrMatrix, fitBcnmf, registerBackend, type BackendAdapter, type Loss } from 'bcnmf';
import { sparseData, uniformData } from './data.js';

export type Job =
  | { kind: 'iteration'; backend: string; loss: Loss; features: number; target: number; background: number; k: number; iterations: number; repeats: number }
  | { kind: 'nmf'; backend: string; samples: number; features: number; k: number; iterations: number; repeats: number }
  | { kind: 'pca'; samples: number; features: number; k: number; repeats: number }
  | { kind: 'memory'; backend: string; loss: Loss; samples: number; features: number; k: number; iterations: number }
  | { kind: 'sparse'; mode: 'dense' | 'csr' | 'csr-plain'; loss: Loss; density: number; features: number; target: number; background: number; k: number; iterations: number; repeats: number };

export interface JobResult {
  /** Median ms per iteration (kind 'iteration') or per fit (the others). */
  ms: number;
  repeatsMs: number[];
  maxRssMb: number;
  /** RSS before the data were made: the runtime's own share. */
  baseRssMb: number;
  dataMb: number;
  accelerator: string;
  /** kind 'pca': the solver that ran ('auto' resolved) and whether on OpenBLAS/LAPACK. */
  solver?: string;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes: number): number => bytes / 1024 ** 2;

async function run(job: Job): Promise<JobResult> {
  const baseRssMb = mb(process.memoryUsage().rss);
  const samples: number[] = [];
  let dataMb = 0;
  let solver: string | undefined;
  if (job.kind === 'iteration') {
    const target = uniformData(job.target, job.features, 1);
    const background = uniformData(job.background, job.features, 2);
    dataMb = mb(target.data.byteLength + background.data.byteLength);
    const fit = async (maxIter: number): Promise<number> => {
      const started = performance.now();
      await fitBcnmf(target, background, { k: job.k, loss: job.loss, maxIter, tol: 0, scoreEvery: maxIter, backend: job.backend, onWarning: () => {} });
      return performance.now() - started;
    };
    // warm-up: the backend's start, then one fit as long as the measured one (the first
    // such fit in a process runs 1.5x to 2x slower: V8's compilation, tfjs's first
    // allocations, the kernels' work area and threads)
    await fit(1);
    await fit(1 + job.iterations);
    // the difference of two fits, so that set-up, transfers and the two scores cancel
    for (let r = 0; r < job.repeats; r++) samples.push(((await fit(1 + job.iterations)) - (await fit(1))) / job.iterations);
  } else if (job.kind === 'sparse') {
    let backend = 'cpu';
    if (job.mode === 'csr-plain') {
      // the cpu backend with core's plain sparse path (gather + scatterND) for comparison:
      // without its sparse ops and without its fused per-data-set pass, which covers CSR
      const { sparseTimesThin, thinTransposedTimesSparse, sparsePoissonRatio, sparseReconstruction, coefficientsAndStatistics, ...dense } = cpuAdapter.ops;
      void sparseTimesThin, thinTransposedTimesSparse, sparsePoissonRatio, sparseReconstruction, coefficientsAndStatistics;
      backend = 'cpu-plain-sparse';
      registerBackend({
        name: backend,
        packageName: '@bcnmf/benchmarks',
        tfjsBackend: 'cpu',
        description: 'cpu, plain sparse ops',
        ops: dense,
        probe: () => cpuAdapter.probe(),
        activate: (tf) => cpuAdapter.activate(tf),
      } satisfies BackendAdapter);
    }
    const t = sparseData(job.target, job.features, job.density, 1);
    const b = sparseData(job.background, job.features, job.density, 2);
    const asInput = (m: ReturnType<typeof sparseData>) => (job.mode === 'dense' ? m.toDense() : new CsrMatrix(m.csr));
    const target = asInput(t);
    const background = asInput(b);
    dataMb = mb(job.mode === 'dense' ? 4 * (job.target + job.background) * job.features : 8 * (t.csr.data.length + b.csr.data.length));
    const fit = async (maxIter: number): Promise<number> => {
      const started = performance.now();
      await fitBcnmf(target, background, { k: job.k, loss: job.loss, maxIter, tol: 0, scoreEvery: maxIter, backend, onWarning: () => {} });
      return performance.now() - started;
    };
    await fit(1);
    await fit(1 + job.iterations); // warm-up as above
    for (let r = 0; r < job.repeats; r++) samples.push(((await fit(1 + job.iterations)) - (await fit(1))) / job.iterations);
  } else if (job.kind === 'nmf') {
    const x = uniformData(job.samples, job.features, 1);
    dataMb = mb(x.data.byteLength);
    const fit = () => nmf(x, { nComponents: job.k, maxIter: job.iterations, tol: 0, backend: job.backend, init: 'random' });
    await fit();
    for (let r = 0; r < job.repeats; r++) {
      const started = performance.now();
      await fit();
      samples.push(performance.now() - started);
    }
  } else if (job.kind === 'pca') {
    const x = uniformData(job.samples, job.features, 1);
    dataMb = mb(x.data.byteLength);
    const model = await pca(x, { nComponents: job.k });
    solver = `${model.solver}${model.solver === 'gram' ? (model.native ? ', OpenBLAS dgemm + LAPACK dsyevr' : ', JavaScript') : ', ml-pca'}`;
    for (let r = 0; r < job.repeats; r++) {
      const started = performance.now();
      await pca(x, { nComponents: job.k });
      samples.push(performance.now() - started);
    }
  } else {
    const x = uniformData(job.samples, job.features, 1);
    dataMb = mb(x.data.byteLength);
    const started = performance.now();
    await fitBcnmf(x, null, { k: job.k, loss: job.loss, maxIter: job.iterations, tol: 0, scoreEvery: job.iterations, backend: job.backend, onWarning: () => {} });
    samples.push(performance.now() - started);
  }
  const info = cpuAccelerator();
  return {
    ms: median(samples),
    repeatsMs: samples,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    baseRssMb,
    dataMb,
    ...(solver ? { solver } : {}),
    accelerator: [
      info.kernels === 'native' ? `native kernels ${info.kernelVariant} on ${info.kernelThreads} threads` : `no native kernels (${info.kernelReason})`,
      info.path === 'blas' ? `BLAS ${info.library}${info.config ? ` [${info.config}]` : ''}` : `tfjs matMul (${info.reason})`,
    ].join(' + '),
  };
}

const job = JSON.parse(process.argv[2]) as Job;
// 'cpu-blas': the cpu backend without its native kernels (BLAS and tfjs only), to show
// what the kernels add
if ('backend' in job && job.backend === 'cpu-blas') {
  process.env.BCNMF_NATIVE = 'off';
  job.backend = 'cpu';
}
const result = await run(job);
console.log(JSON.stringify(result));
