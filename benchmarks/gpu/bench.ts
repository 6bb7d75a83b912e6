// The GPU benchmark, one command: @bcnmf/backend-webgpu against PyTorch (torch_reference.py,
// run once with every case before the WebGPU side), all in one run on one GPU:
//   1. the card's copy bandwidth (a plain WGSL copy kernel; PyTorch's copy beside it),
//   2. each large product alone: ms, GB/s of the data read, share of the copy bandwidth,
//      against the same product through PyTorch (cuBLAS) and the stock tfjs op,
//   3. ms per bcNMF iteration, both losses, k = 5, 20, 50 at 2,000 features and k = 20 at
//      500 and 5,000, webgpu against PyTorch, with the programs dispatched per iteration;
//      at the main shape also the kernels composed by core and stock tfjs ops,
//   4. sparse (CSR) data: fits and products at several densities against the dense path,
//   5. minibatches: a streamed CSR fit (core's minibatch path, double buffered: batch b + 1
//      read and written to the GPU while batch b computes) in epochs per second, against the
//      cpu backend and a transcription of the reference's minibatch Poisson fit in PyTorch,
// and writes RESULTS.md after every section (a run cut short leaves what it measured).
//
// From the repository:  node --conditions=source --import tsx benchmarks/gpu/bench.ts [options]
// Here, without a GPU:  ... bench.ts --dry-run --out /tmp/RESULTS.md   (every section at tiny sizes on llvmpipe)
// On the GPU machine:   bash benchmarks/gpu/pack.sh   then   bash .device/run.sh [options]   (README.md)
import { mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { matrixBatchSource, plainOps, registerBackend, type BackendAdapter, type ComputeOps, type CsrMatrix, type DenseMatrix, type Loss, type SparseTensor } from '../../packages/core/src/index.js';
import { registeredBackend } from '../../packages/core/src/backend/registry.js';
import { disposeData, uploadMatrix } from '../../packages/core/src/compute/data-tensor.js';
import { createWebGPUAdapter, DATA_TIMES_THIN, formatDeviceInfo, TFJS_WEBGPU_VERSION, webgpuAdapter, webgpuOps } from '../../packages/backend-webgpu/src/index.js';
import { BasisGramProgram } from '../../packages/backend-webgpu/src/kernels/basis-gram.js';
import { extraColumns, FusedBasisStatisticsProgram } from '../../packages/backend-webgpu/src/kernels/fused-basis-statistics.js';
import { FUSED_MAX_K, FusedCoefficientUpdateProgram } from '../../packages/backend-webgpu/src/kernels/fused-coefficient-update.js';
import type { KernelProgram, ProgramUniform } from '../../packages/backend-webgpu/src/kernels/shared.js';
import { planSlices, SliceSumProgram } from '../../packages/backend-webgpu/src/kernels/thin-transposed-times-data.js';
import { copyTensor, registerCopyKernel } from './copy.js';
import { sparseCounts, uniformDense } from './data.js';
import { tf, type Tensor, type Tensor2D, type TensorInfo } from './tf.js';
import { dispatchesPerIteration, fitMsPerIteration, opMs, secondsLeft, type FitCase } from './timing.js';
import { runTorch, type TorchCase, type TorchRun } from './torch.js';

const { values } = parseArgs({
  options: {
    features: { type: 'string', default: '2000' },
    target: { type: 'string', default: '15000' },
    background: { type: 'string', default: '15000' },
    k: { type: 'string', default: '20' },
    ks: { type: 'string', default: '5,20,50' },
    'feature-sweep': { type: 'string', default: '500,5000' },
    iterations: { type: 'string', default: '200' },
    repeats: { type: 'string', default: '3' },
    losses: { type: 'string', default: 'frobenius,poisson' },
    densities: { type: 'string', default: '0.01,0.05,0.1,0.2' },
    'sparse-iterations': { type: 'string', default: '50' },
    'minibatch-target': { type: 'string', default: '1000000' },
    'minibatch-background': { type: 'string', default: '200000' },
    'minibatch-density': { type: 'string', default: '0.05' },
    'minibatch-k': { type: 'string', default: '20' },
    'batch-size': { type: 'string', default: '10000' },
    epochs: { type: 'string', default: '2' },
    'cpu-target': { type: 'string', default: '50000' },
    sections: { type: 'string', default: 'copy,products,iterations,variants,sparse,minibatch' },
    'budget-s': { type: 'string', default: '270' },
    python: { type: 'string', default: 'python3' },
    'no-torch': { type: 'boolean', default: false },
    /** tfjs flags to set before the fits, e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64 (comma-separated NAME=VALUE). */
    flags: { type: 'string', default: '' },
    out: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
});

const dryRun = values['dry-run']!;
// --dry-run: every section at tiny sizes (llvmpipe runs it in about a minute); explicit options still win
const DRY: Record<string, string> = {
  features: '96', target: '300', background: '260', k: '5', ks: '3,5,30', 'feature-sweep': '40,130', iterations: '3', repeats: '1',
  densities: '0.05,0.3', 'sparse-iterations': '2', 'minibatch-target': '3000', 'minibatch-background': '700', 'minibatch-k': '4',
  'batch-size': '500', epochs: '1', 'cpu-target': '1000',
};
const given = new Set(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]));
const option = (name: keyof typeof values): string => (dryRun && !given.has(name) && DRY[name] !== undefined ? DRY[name] : (values[name] as string));
const numbers = (name: keyof typeof values): number[] => option(name).split(',').filter(Boolean).map(Number);

const features = Number(option('features'));
const nTarget = Number(option('target'));
const nBackground = Number(option('background'));
const k0 = Number(option('k'));
const iterations = Number(option('iterations'));
const repeats = Number(option('repeats'));
const losses = option('losses').split(',') as Loss[];
const sections = new Set(option('sections').split(','));
const budget = Number(option('budget-s'));
const startedAt = performance.now();
const argv = process.argv.slice(2).join(' ');

// ---- the report ----
const header: string[] = [];
const parts: string[] = [];
const notes: string[] = [];
function outPath(): string | null {
  if (values.out) return values.out;
  if (dryRun) return null; // a dry run writes only where asked
  return existsSync('benchmarks/gpu') ? 'benchmarks/gpu/RESULTS.md' : 'RESULTS.md';
}
function writeResults(final: boolean): void {
  const path = outPath();
  if (!path) return;
  const doc = [
    ...header,
    ...(final ? [] : ['', '**Partial: the run was still going (or was stopped) when this was written.**']),
    '',
    ...parts.flatMap((p) => [p, '']),
    ...(notes.length ? ['Notes:', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, doc);
  if (final) console.log(`wrote ${path}`);
}
function emit(lines: string[]): void {
  const text = lines.join('\n');
  console.log(text + '\n');
  parts.push(text);
  writeResults(false);
}
function note(text: string): void {
  console.log(`note: ${text}`);
  notes.push(text);
}
const f3 = (ms: number | undefined) => (ms === undefined ? 'n/a' : ms.toFixed(3));
/** GB/s of `bytes` in `ms`: whole numbers on a GPU, three significant digits at the dry run's sizes. */
const gbs = (bytes: number, ms: number | undefined) => {
  if (ms === undefined || ms <= 0) return 'n/a';
  const rate = bytes / ms / 1e6;
  return rate >= 100 ? rate.toFixed(0) : rate.toPrecision(3);
};
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b <= 0 ? 'n/a' : (a / b).toFixed(2));
function timeLeft(what: string, needed = 10): boolean {
  if (secondsLeft(startedAt, budget) >= needed) return true;
  note(`${what}: skipped, the run's time budget (--budget-s ${budget}) was spent`);
  return false;
}

// ---- the cases, planned up front so PyTorch runs them all in one go ----
interface IterationCase { loss: Loss; features: number; k: number }
const iterationCases: IterationCase[] = [];
for (const loss of losses) {
  for (const k of numbers('ks')) iterationCases.push({ loss, features, k });
  for (const m of numbers('feature-sweep')) iterationCases.push({ loss, features: m, k: k0 });
}
const PRODUCTS = [
  { id: 'data_times_thin', name: 'X · Wᵀ (n x k)', reads: 1 },
  { id: 'thin_transposed_times_data', name: 'Hᵀ · X (k x m)', reads: 1 },
  { id: 'poisson_ratio', name: 'X ⊘ (H W + eps) (n x m, written)', reads: 2 },
  { id: 'coefficient_update_frobenius', name: 'coefficient update, Frobenius (fused: X Wᵀ, H G, update)', reads: 1 },
  { id: 'coefficient_update_poisson', name: 'coefficient update, Poisson (fused: ratio, product, update)', reads: 1 },
  { id: 'basis_statistics_frobenius', name: 'basis statistics, Frobenius (fused: Hᵀ X, Hᵀ H)', reads: 1 },
  { id: 'basis_statistics_poisson', name: 'basis statistics, Poisson (fused: Hᵀ (X ⊘ H W), colsum H)', reads: 1 },
] as const;
const SPARSE_PRODUCTS = [
  { id: 'sparse_times_thin', name: 'X · Wᵀ, X in CSR' },
  { id: 'thin_transposed_times_sparse', name: 'Hᵀ · X, X in CSR' },
] as const;
const densities = numbers('densities');
const productDensity = densities.includes(0.05) ? 0.05 : densities[0];
const minibatch = {
  target: Number(option('minibatch-target')),
  background: Number(option('minibatch-background')),
  density: Number(option('minibatch-density')),
  k: Number(option('minibatch-k')),
  batchSize: Number(option('batch-size')),
  epochs: Number(option('epochs')),
  cpuTarget: Number(option('cpu-target')),
};
const productCount = Math.max(5, Math.min(50, iterations));
/** The copy's size: one data matrix, rounded up to whole vec4s (the same for WebGPU and PyTorch). */
const copyFloats = Math.ceil((nTarget * features) / 4) * 4;

function torchPlan(): TorchCase[] {
  const cases: TorchCase[] = [];
  if (sections.has('copy')) cases.push({ id: 'copy', kind: 'copy', floats: copyFloats, count: productCount });
  if (sections.has('products')) {
    for (const p of PRODUCTS) cases.push({ id: `product ${p.id}`, kind: 'product', product: p.id, features, samples: nTarget, k: k0, count: productCount });
  }
  if (sections.has('iterations')) {
    for (const c of iterationCases) {
      cases.push({ id: `iteration ${c.loss} ${c.features} ${c.k}`, kind: 'iteration', loss: c.loss, features: c.features, target: nTarget, background: nBackground, k: c.k, iterations });
    }
  }
  if (sections.has('sparse')) {
    for (const p of SPARSE_PRODUCTS) {
      cases.push({ id: `sparse ${p.id}`, kind: 'sparse_product', product: p.id, features, samples: nTarget, k: k0, density: productDensity, count: productCount });
    }
  }
  if (sections.has('minibatch')) {
    cases.push({
      id: 'minibatch', kind: 'minibatch', features, target: minibatch.target, background: minibatch.background, k: minibatch.k,
      density: minibatch.density, batch_size: minibatch.batchSize, epochs: minibatch.epochs,
    });
  }
  return cases;
}

// ---- start ----
for (const flag of values.flags ? values.flags.split(',') : []) {
  const [name, value] = flag.split('=');
  tf.env().set(name, value === 'true' ? true : value === 'false' ? false : Number(value));
}
const probe = await webgpuAdapter.probe();
if (!probe.available) {
  console.error(`WebGPU is not available here: ${probe.reason}`);
  process.exit(2);
}
const adapterLine = formatDeviceInfo(probe.device!);
console.log(`WebGPU adapter: ${adapterLine}`);

let torch: TorchRun | null = null;
let torchReason = '';
if (values['no-torch']) torchReason = 'not run (--no-torch)';
else {
  const run = runTorch(values.python!, torchPlan(), repeats, Math.max(30, secondsLeft(startedAt, budget) * 0.45));
  if (typeof run === 'string') torchReason = run;
  else torch = run;
}
console.log(torch ? `PyTorch ${torch.torch} on ${torch.device}` : `PyTorch did not run: ${torchReason}`);
const torchMs = (id: string): number | undefined => torch?.results.get(id)?.ms;
const torchCell = (id: string): string => {
  const result = torch?.results.get(id);
  if (result?.error) notes.push(`PyTorch case '${id}' failed: ${result.error}`);
  return result?.ms === undefined ? 'n/a' : f3(result.ms);
};

header.push(
  '# GPU results: @bcnmf/backend-webgpu against PyTorch',
  '',
  `Written by \`benchmarks/gpu/bench.ts${argv ? ` ${argv}` : ''}\` on ${new Date().toISOString().slice(0, 10)}${dryRun ? ' (**dry run**: tiny sizes, the figures mean nothing)' : ''}.`,
  '',
  `- WebGPU: ${adapterLine}; tfjs-backend-webgpu ${TFJS_WEBGPU_VERSION}, Node ${process.version}${values.flags ? `, tfjs flags ${values.flags}` : ''}`,
  `- PyTorch: ${torch ? `${torch.torch} on ${torch.device}${torch.cuda ? '' : ' (no CUDA: its figures are CPU figures)'}` : torchReason}`,
  `- Data: ${features} features, ${nTarget} target + ${nBackground} background samples, k = ${k0}, float32, uniform [0, 1) ` +
    `(sparse: counts 1-9 at the stated density); ${iterations} iterations, median of ${repeats}.`,
  '- ms per iteration is the difference of a fit of 1 + I iterations and one of 1 (set-up, upload and read-back cancel).',
  '  ms per product is the mean of calls queued back to back. GB/s counts the data matrix\'s bytes read (and written, for the ratio).',
  '  Compare only figures of one run: whole-iteration timings vary between runs.',
);
if (!torch) note(`PyTorch did not run (${torchReason}): no ratios to PyTorch`);

registerCopyKernel();
registerBackend(webgpuAdapter);
await webgpuAdapter.activate(tf);
const backend = () => tf.backend() as unknown as { runWebGPUProgram(p: KernelProgram, i: unknown[], d: 'float32', u?: ProgramUniform[]): TensorInfo; disposeData(id: object): boolean };
/** Runs a program of the package directly (the fused step's parts), as a tensor. */
function runProgram(program: KernelProgram, inputs: Tensor[], uniforms?: ProgramUniform[]): Tensor {
  const info = backend().runWebGPUProgram(program, inputs, 'float32', uniforms);
  return tf.engine().makeTensorFromTensorInfo(info);
}

// ---- 1. copy bandwidth ----
let copyGBs: number | undefined;
if (sections.has('copy') && timeLeft('copy')) {
  const floats = copyFloats;
  const x = tf.randomUniform([floats]);
  const ms = await opMs(() => copyTensor(x), productCount, repeats);
  x.dispose();
  copyGBs = (2 * floats * 4) / ms / 1e6;
  const torchCopy = torchMs('copy');
  emit([
    '## Copy bandwidth',
    '',
    `A float32 array of ${floats} values (${((floats * 4) / 1e6).toFixed(0)} MB, the size of one data matrix) read once and written once; GB/s counts both.`,
    '',
    '| copy | ms | GB/s (read + write) |',
    '|---|---|---|',
    `| WGSL copy kernel (vec4, one per thread) | ${f3(ms)} | ${gbs(2 * floats * 4, ms)} |`,
    `| PyTorch \`copy_\` | ${torchCell('copy')} | ${gbs(2 * floats * 4, torchCopy)} |`,
  ]);
}
const ofCopy = (bytes: number, ms: number | undefined) =>
  copyGBs === undefined || ms === undefined || ms <= 0 ? 'n/a' : `${((100 * bytes) / ms / 1e6 / copyGBs).toFixed(0)}%`;

// ---- 2. the large products alone ----
/** webgpu / PyTorch per product id, for the targets at the end. */
const productRatios = new Map<string, number>();
if (sections.has('products') && timeLeft('products')) {
  const x = tf.tensor2d(uniformDense(nTarget, features, 11).data as Float32Array, [nTarget, features]);
  const wT = tf.randomUniform([features, k0], 0.1, 1) as Tensor2D;
  const w = tf.transpose(wT) as Tensor2D;
  const h = tf.randomUniform([nTarget, k0], 0.1, 1) as Tensor2D;
  const hT = tf.transpose(h) as Tensor2D;
  const gram = runProgram(new BasisGramProgram(k0), [w]);
  const bytes = nTarget * features * 4;
  const scalars: ProgramUniform[] = [{ type: 'float32', data: [1e-16] }, { type: 'float32', data: [0.5] }];
  const statistics = (loss: 'frobenius' | 'poisson') => (): Tensor => {
    const total = features + extraColumns(loss, k0);
    const { slices, sliceRows } = planSlices(nTarget, total, k0);
    const partial = runProgram(new FusedBasisStatisticsProgram(loss, k0, features, slices), loss === 'poisson' ? [h, x, w] : [h, x], [
      { type: 'int32', data: [sliceRows] }, { type: 'float32', data: [1e-16] },
    ]);
    if (slices === 1) return partial;
    const sum = runProgram(new SliceSumProgram(k0, total), [partial], [{ type: 'int32', data: [slices] }]);
    partial.dispose();
    return sum;
  };
  const fusedAvailable = k0 <= FUSED_MAX_K;
  const webgpu: Record<(typeof PRODUCTS)[number]['id'], (() => Tensor) | null> = {
    data_times_thin: () => webgpuOps.dataTimesThin(x, wT),
    thin_transposed_times_data: () => webgpuOps.thinTransposedTimesData(hT, x),
    poisson_ratio: () => webgpuOps.poissonRatio({ data: x, coefficients: h, basis: w, eps: 1e-16 }),
    coefficient_update_frobenius: fusedAvailable ? () => runProgram(new FusedCoefficientUpdateProgram('frobenius', nTarget, features, k0, 'none'), [x, h, w, gram], scalars) : null,
    coefficient_update_poisson: fusedAvailable ? () => runProgram(new FusedCoefficientUpdateProgram('poisson', nTarget, features, k0, 'sqrt'), [x, h, w, gram], scalars) : null,
    basis_statistics_frobenius: fusedAvailable ? statistics('frobenius') : null,
    basis_statistics_poisson: fusedAvailable ? statistics('poisson') : null,
  };
  const stock: Partial<Record<(typeof PRODUCTS)[number]['id'], () => Tensor>> = {
    data_times_thin: () => tf.engine().runKernel(DATA_TIMES_THIN, { data: x, thin: wT }) as Tensor,
    thin_transposed_times_data: () => plainOps.thinTransposedTimesData(hT, x),
    poisson_ratio: () => plainOps.poissonRatio({ data: x, coefficients: h, basis: w, eps: 1e-16 }),
  };
  const lines = [
    '## Large products alone',
    '',
    `${nTarget} x ${features} data, k = ${k0}. GB/s of the data matrix (the ratio: read and written); "of copy" is that`,
    'rate as a share of the copy kernel\'s read + write rate above. PyTorch runs the same product in the reference\'s',
    'layout (features x samples: X · Wᵀ is its Wᵀ X, Hᵀ · X its X Hᵀ) through cuBLAS. "other" is the alternative',
    'the package does not use: for X · Wᵀ its own kernel `BcnmfDataTimesThin` (webgpuOps.dataTimesThin is tfjs\'s',
    'matMul), for the next two the stock tfjs ops.',
    '',
    '| product | webgpu ms | GB/s | of copy | PyTorch ms | GB/s | webgpu / PyTorch | other webgpu ms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const p of PRODUCTS) {
    const op = webgpu[p.id];
    if (!op) {
      lines.push(`| ${p.name} | (k > ${FUSED_MAX_K}: not fused) | | | ${torchCell(`product ${p.id}`)} | | | |`);
      continue;
    }
    if (!timeLeft(`product ${p.id}`, 5)) break;
    const ms = await opMs(op, productCount, repeats);
    const other = stock[p.id] ? await opMs(stock[p.id]!, productCount, repeats) : undefined;
    const t = torchMs(`product ${p.id}`);
    if (t !== undefined && t > 0) productRatios.set(p.name, ms / t);
    const traffic = p.reads * bytes;
    lines.push(`| ${p.name} | ${f3(ms)} | ${gbs(traffic, ms)} | ${ofCopy(traffic, ms)} | ${torchCell(`product ${p.id}`)} | ${gbs(traffic, t)} | ${ratio(ms, t)} | ${other === undefined ? '' : f3(other)} |`);
  }
  tf.dispose([x, wT, w, h, hT, gram]);
  emit(lines);
}

// ---- 3. ms per iteration ----
const denseData = new Map<number, { target: DenseMatrix; background: DenseMatrix }>();
function densePair(m: number) {
  if (!denseData.has(m)) {
    denseData.clear(); // one size at a time in memory
    denseData.set(m, { target: uniformDense(nTarget, m, 1), background: uniformDense(nBackground, m, 2) });
  }
  return denseData.get(m)!;
}
const fitCase = (data: { target: DenseMatrix | CsrMatrix; background: DenseMatrix | CsrMatrix }, loss: Loss, k: number): FitCase => ({
  target: data.target, background: data.background, options: { k, loss, seed: 0, alpha: 1, init: 'random' },
});
const denseMs = new Map<string, number>();
if (sections.has('iterations')) {
  const lines = [
    '## ms per iteration',
    '',
    `${nTarget} + ${nBackground} samples, one background (α = 1), ${iterations} iterations, median of ${repeats}. webgpu runs the`,
    `fused step (\`BcnmfFusedStep\`) where it applies (k ≤ ${FUSED_MAX_K}), else core composes the kernels; "dispatches" counts`,
    'the programs one iteration runs. PyTorch runs the reference formulas with nothing else in the loop.',
    '',
    '| loss | features | k | webgpu path | webgpu ms | dispatches | PyTorch ms | webgpu / PyTorch |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const sorted = [...iterationCases].sort((a, b) => a.features - b.features);
  for (const c of sorted) {
    if (!timeLeft(`iteration ${c.loss} ${c.features} ${c.k}`, 15)) break;
    const fit = fitCase(densePair(c.features), c.loss, c.k);
    const ms = await fitMsPerIteration(webgpuAdapter, fit, iterations, repeats);
    denseMs.set(`${c.loss} ${c.features} ${c.k}`, ms);
    const dispatches = await dispatchesPerIteration(webgpuAdapter, fit);
    const id = `iteration ${c.loss} ${c.features} ${c.k}`;
    lines.push(`| ${c.loss} | ${c.features} | ${c.k} | ${c.k <= FUSED_MAX_K ? 'fused step' : 'kernels composed by core'} | ${f3(ms)} | ${dispatches} | ${torchCell(id)} | ${ratio(ms, torchMs(id))} |`);
  }
  emit(lines);
}

// ---- variants at the main shape: the kernels composed by core, stock tfjs ops ----
if (sections.has('variants')) {
  const variants: Array<[string, BackendAdapter]> = [
    ['kernels composed by core (`fusedStep: false`)', createWebGPUAdapter({ fusedStep: false })],
    ['stock tfjs ops (core\'s plainOps)', createWebGPUAdapter({ customKernels: false })],
  ];
  const lines = [
    '## The same iteration without the fused step',
    '',
    `${features} features, k = ${k0}: the package's kernels composed by core, and stock tfjs-backend-webgpu ops.`,
    '',
    '| loss | implementation | ms / iteration | dispatches | to the fused step | to PyTorch |',
    '|---|---|---|---|---|---|',
  ];
  for (const loss of losses) {
    for (const [name, adapter] of variants) {
      if (!timeLeft(`variant ${loss} ${name}`, 20)) break;
      const fit = fitCase(densePair(features), loss, k0);
      const ms = await fitMsPerIteration(adapter, fit, iterations, repeats);
      const dispatches = await dispatchesPerIteration(adapter, fit);
      lines.push(`| ${loss} | ${name} | ${f3(ms)} | ${dispatches} | ${ratio(ms, denseMs.get(`${loss} ${features} ${k0}`))} | ${ratio(ms, torchMs(`iteration ${loss} ${features} ${k0}`))} |`);
    }
  }
  registerBackend(webgpuAdapter);
  emit(lines);
}
denseData.clear();

// ---- 4. sparse data ----
if (sections.has('sparse') && timeLeft('sparse')) {
  const sparseIterations = Number(option('sparse-iterations'));
  const lines = [
    '## Sparse (CSR) data',
    '',
    `${nTarget} + ${nBackground} samples x ${features} features, k = ${k0}, counts at the given density, ${sparseIterations} iterations.`,
    'The dense figure is the fused step on dense data of the same shape (the iterations table: the values do not change its time).',
    '',
    '| loss | density | stored entries | webgpu CSR ms / iteration | dispatches | webgpu dense ms | CSR / dense |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const density of densities) {
    if (!timeLeft(`sparse ${density}`, 15)) break;
    const data = { target: sparseCounts(nTarget, features, density, 3), background: sparseCounts(nBackground, features, density, 4) };
    for (const loss of losses) {
      if (!timeLeft(`sparse ${loss} ${density}`, 10)) break;
      const fit = fitCase(data, loss, k0);
      const ms = await fitMsPerIteration(webgpuAdapter, fit, sparseIterations, repeats);
      const dispatches = await dispatchesPerIteration(webgpuAdapter, fit);
      const dense = denseMs.get(`${loss} ${features} ${k0}`);
      lines.push(`| ${loss} | ${density} | ${data.target.nnz + data.background.nnz} | ${f3(ms)} | ${dispatches} | ${f3(dense)} | ${ratio(ms, dense)} |`);
    }
  }
  // the sparse products alone, against the dense ones on the same matrix
  if (timeLeft('sparse products', 10)) {
    const matrix = sparseCounts(nTarget, features, productDensity, 5);
    const sparse = uploadMatrix(matrix) as SparseTensor;
    const dense = tf.tensor2d(matrix.toDense().data as Float32Array, [nTarget, features]);
    const wT = tf.randomUniform([features, k0], 0.1, 1) as Tensor2D;
    const w = tf.transpose(wT) as Tensor2D;
    const h = tf.randomUniform([nTarget, k0], 0.1, 1) as Tensor2D;
    const hT = tf.transpose(h) as Tensor2D;
    // the package's sparse kernels where it has them, else core's plain tfjs ops (said in the table)
    const ops: ComputeOps = { ...plainOps, ...webgpuOps };
    const which = (name: keyof ComputeOps) => (name in webgpuOps ? '' : ' (plain tfjs ops)');
    const rows: Array<[string, string | null, () => Tensor, () => Tensor]> = [
      [`X · Wᵀ${which('sparseTimesThin')}`, 'sparse sparse_times_thin', () => ops.sparseTimesThin(sparse, wT), () => ops.dataTimesThin(dense, wT)],
      [`Hᵀ · X${which('thinTransposedTimesSparse')}`, 'sparse thin_transposed_times_sparse', () => ops.thinTransposedTimesSparse(hT, sparse), () => ops.thinTransposedTimesData(hT, dense)],
      [`Poisson ratio at the stored entries${which('sparsePoissonRatio')}`, null, () => ops.sparsePoissonRatio({ data: sparse, coefficients: h, basis: w, eps: 1e-16 }).values,
        () => ops.poissonRatio({ data: dense, coefficients: h, basis: w, eps: 1e-16 })],
    ];
    lines.push(
      '',
      `Products alone at density ${productDensity} (${matrix.nnz} stored entries of ${nTarget} x ${features}); PyTorch: torch.sparse CSR (Hᵀ · X as (Xᵀ H)ᵀ with Xᵀ in CSR made once).`,
      '',
      '| product | webgpu CSR ms | webgpu dense ms | CSR / dense | PyTorch CSR ms | webgpu CSR / PyTorch |',
      '|---|---|---|---|---|---|',
    );
    for (const [name, id, sparseOp, denseOp] of rows) {
      const a = await opMs(sparseOp, productCount, repeats);
      const b = await opMs(denseOp, productCount, repeats);
      const t = id ? torchMs(id) : undefined;
      lines.push(`| ${name} | ${f3(a)} | ${f3(b)} | ${ratio(a, b)} | ${id ? torchCell(id) : ''} | ${ratio(a, t)} |`);
    }
    disposeData(sparse);
    tf.dispose([dense, wT, w, h, hT]);
  }
  emit(lines);
}

// ---- 5. minibatches ----
if (sections.has('minibatch') && timeLeft('minibatch', 30)) {
  const { target: rows, background: backgroundRows, density, k, batchSize, epochs } = minibatch;
  // the cpu backend: @bcnmf/backend-cpu (native kernels) from the repository; in the packed bundle core's reference cpu backend
  const cpuPackage = '@bcnmf/backend-cpu';
  try {
    await import(/* @vite-ignore */ cpuPackage);
  } catch {
    // not bundled: core's reference 'cpu' (tfjs-backend-cpu) runs
  }
  const cpuAdapter = registeredBackend('cpu')!;
  const lines = [
    '## Minibatches',
    '',
    `Poisson, k = ${k}, batches of ${batchSize} samples, ${features} features at density ${density}, one background (α = 1).`,
    'bcnmf streams CSR batches from a BatchSource in memory through core\'s minibatch path, double buffered (batch b + 1',
    'is read and written to the GPU while batch b computes; each batch\'s coefficients are read back to the host);',
    's / epoch is (fit of 1 + E epochs − fit of 1) / E after a warm-up fit of 1 epoch. The cpu backend runs on fewer',
    'samples (its time per sample is what compares). PyTorch runs a transcription of the reference\'s',
    '`contrastive_nmf_poisson_minibatch` (torch_reference.py) with the data dense on the GPU, as the reference has it.',
    '',
    '| implementation | target + background samples | s / epoch | epochs / s | samples / s |',
    '|---|---|---|---|---|',
  ];
  const timeMinibatch = async (adapter: BackendAdapter, targetRows: number, bgRows: number): Promise<number> => {
    const fit: FitCase = {
      target: matrixBatchSource(sparseCounts(targetRows, features, density, 6)),
      background: matrixBatchSource(sparseCounts(bgRows, features, density, 7)),
      options: { k, loss: 'poisson', seed: 0, alpha: 1, batchSize },
    };
    return (await fitMsPerIteration(adapter, fit, epochs, 1, { warmupIterations: 1 })) / 1000;
  };
  // s / epoch is a difference of two fits' times: at tiny sizes (the dry run) on a loaded
  // machine it can come out at or below zero, which is timing noise, not a speed
  const NOISE = 'below timing noise';
  const row = (name: string, samples: number, seconds: number | undefined) =>
    seconds !== undefined && !(seconds > 0)
      ? `| ${name} | ${samples} | ${NOISE} | ${NOISE} | ${NOISE} |`
      : `| ${name} | ${samples} | ${seconds === undefined ? 'n/a' : seconds.toFixed(3)} | ${seconds ? (1 / seconds).toFixed(2) : 'n/a'} | ${seconds ? (samples / seconds).toFixed(0) : 'n/a'} |`;
  const total = rows + backgroundRows;
  const seconds = await timeMinibatch(webgpuAdapter, rows, backgroundRows);
  lines.push(row('bcnmf webgpu (CSR batches, double buffered)', total, seconds));
  let inTurn: number | undefined;
  if (timeLeft('minibatch without double buffering', 40)) {
    // the same adapter without `submit`: batch b + 1 is read while batch b's commands are
    // still queued (tfjs submits every 15 dispatches or at a read-back), so reading and
    // computing mostly take turns; batches are staged and padded as above
    const { submit: _submit, ...turnTaking } = webgpuAdapter.ops!;
    inTurn = await timeMinibatch({ ...webgpuAdapter, name: 'webgpu-in-turn', ops: turnTaking }, rows, backgroundRows);
    lines.push(row('bcnmf webgpu (CSR batches, without submit: read and compute mostly in turn)', total, inTurn));
  }
  const torchEpoch = torchMs('minibatch');
  lines.push(row(`PyTorch, reference minibatch Poisson (dense on the GPU)${torch?.results.get('minibatch')?.error ? ' (failed: see notes)' : ''}`, total, torchEpoch === undefined ? undefined : torchEpoch / 1000));
  torchCell('minibatch');
  const notes: string[] = [];
  if (inTurn !== undefined && inTurn > 0 && seconds > 0) {
    notes.push(`Double buffering: an epoch takes ${ratio(seconds, inTurn)}x the time of reading and computing mostly in turn.`);
  }
  if (timeLeft('minibatch on cpu', 20)) {
    const cpuRows = Math.min(rows, minibatch.cpuTarget);
    const cpuBackground = Math.max(1, Math.round((cpuRows * backgroundRows) / rows));
    const cpuSeconds = await timeMinibatch(cpuAdapter, cpuRows, cpuBackground);
    lines.push(row(`bcnmf cpu (${cpuAdapter.packageName}: ${cpuAdapter.description.split(';')[0]})`, cpuRows + cpuBackground, cpuSeconds));
    if (seconds > 0 && cpuSeconds > 0) {
      lines.push('', ...notes.splice(0), `webgpu processes samples ${ratio(total / seconds, (cpuRows + cpuBackground) / cpuSeconds)}x as fast as the cpu backend` +
        (torchEpoch ? `, and takes ${ratio(seconds, torchEpoch / 1000)}x PyTorch's time per epoch.` : '.'));
    } else {
      lines.push('', `webgpu against the cpu backend: not compared, an epoch's time was ${NOISE} (too small a size, or too loaded a machine).`);
    }
  }
  if (notes.length) lines.push('', ...notes);
  registerBackend(webgpuAdapter);
  emit(lines);
}

// ---- the issue's targets (issue 19), from the figures above ----
{
  const verdict = (value: number | undefined, limit: number) => (value === undefined ? 'not measured' : value <= limit ? 'met' : 'not met');
  const lines = [
    '## Against the targets',
    '',
    `At ${features} features, k = ${k0}${dryRun ? ' (dry run: the verdicts mean nothing)' : ''}; "not measured" where PyTorch or the case did not run.`,
    '',
    '| target | webgpu / PyTorch | limit | verdict |',
    '|---|---|---|---|',
  ];
  for (const [loss, limit] of [['frobenius', 1.0], ['poisson', 0.6]] as const) {
    const ms = denseMs.get(`${loss} ${features} ${k0}`);
    const t = torchMs(`iteration ${loss} ${features} ${k0}`);
    const value = ms !== undefined && t !== undefined && t > 0 ? ms / t : undefined;
    lines.push(`| ms per iteration, ${loss} | ${value === undefined ? 'n/a' : value.toFixed(2)} | ${limit.toFixed(1)} | ${verdict(value, limit)} |`);
  }
  for (const p of PRODUCTS) {
    const value = productRatios.get(p.name);
    lines.push(`| ${p.name} | ${value === undefined ? 'n/a' : value.toFixed(2)} | 1.0 | ${verdict(value, 1)} |`);
  }
  emit(lines);
}

header.push('', `Run time: ${((performance.now() - startedAt) / 1000).toFixed(0)} s (budget ${budget} s).`);
writeResults(true);
