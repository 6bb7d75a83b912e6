// Milliseconds per bcNMF iteration on WebGPU: @bcnmf/backend-webgpu's fused step, its
// custom WGSL kernels composed by core, the same fit on stock tfjs-backend-webgpu ops (core's plainOps), and PyTorch
// running the reference formulas (torch_reference.py), all timed in the same run, with
// the ratios to PyTorch. Also times the four large products alone.
//
// From the repository:  node --conditions=source --import tsx benchmarks/gpu/bench.ts [options]
// On the GPU machine:   ../shared/device/pack.sh benchmarks/gpu/bench.ts benchmarks/gpu/torch_reference.py
//                       bash .device/run.sh [options]
// Options: --features 2000 --target 15000 --background 15000 --k 20 --iterations 200
//          --losses frobenius[,poisson] --repeats 3 --python python3 --no-torch --no-stock --no-unfused --no-kernels
//          --flags WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64 (tfjs flags, NAME=VALUE,...)
// Each fit variant also reports the programs it dispatches per iteration.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fitBcnmf, plainOps, registerBackend, type Loss } from '../../packages/core/src/index.js';
import { DATA_TIMES_THIN, createWebGPUAdapter, formatDeviceInfo, webgpuAdapter, webgpuOps } from '../../packages/backend-webgpu/src/index.js';
import { tf, type Tensor, type Tensor2D } from './tf.js';

const { values } = parseArgs({
  options: {
    features: { type: 'string', default: '2000' },
    target: { type: 'string', default: '15000' },
    background: { type: 'string', default: '15000' },
    k: { type: 'string', default: '20' },
    iterations: { type: 'string', default: '200' },
    losses: { type: 'string', default: 'frobenius' },
    repeats: { type: 'string', default: '3' },
    python: { type: 'string', default: 'python3' },
    'no-torch': { type: 'boolean', default: false },
    'no-stock': { type: 'boolean', default: false },
    'no-kernels': { type: 'boolean', default: false },
    'no-unfused': { type: 'boolean', default: false },
    /** tfjs flags to set before the fits, e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64 (comma-separated NAME=VALUE). */
    flags: { type: 'string', default: '' },
  },
});
const features = Number(values.features);
const nTarget = Number(values.target);
const nBackground = Number(values.background);
const k = Number(values.k);
const iterations = Number(values.iterations);
const repeats = Number(values.repeats);

/** rows x columns uniform in [0, 1) from a fixed seed (xorshift32; the values do not change the timing). */
function uniform(rows: number, columns: number, seed: number) {
  const data = new Float32Array(rows * columns);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = (s >>> 0) / 4294967296;
  }
  return { data, shape: [rows, columns] as [number, number] };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function torchScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // packed by pack.sh: <.device>/bundle.mjs and <.device>/extra/torch_reference.py
  const candidates = [join(here, 'extra', 'torch_reference.py'), join(here, 'torch_reference.py')];
  return candidates.find((path) => existsSync(path)) ?? candidates[1];
}

function torchMsPerIteration(loss: Loss): { ms: number; device: string } | string {
  const script = torchScript();
  const args = [script, String(features), String(nTarget), String(nBackground), String(k), String(iterations), loss, String(repeats)];
  const run = spawnSync(values.python!, args, { encoding: 'utf8' });
  if (run.error) return `could not run ${values.python}: ${run.error.message}`;
  if (run.status !== 0) return (run.stderr.trim().split('\n').pop() ?? `exit status ${run.status}`).trim();
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { ms_per_iteration: number; device: string; torch: string };
  return { ms: result.ms_per_iteration, device: `${result.device}, torch ${result.torch}` };
}

const target = uniform(nTarget, features, 1);
const background = uniform(nBackground, features, 2);
const stockAdapter = createWebGPUAdapter({ customKernels: false });
const unfusedAdapter = createWebGPUAdapter({ fusedStep: false });
type Variant = 'fused' | 'unfused' | 'stock';
const adapters = { fused: webgpuAdapter, unfused: unfusedAdapter, stock: stockAdapter };

for (const flag of values.flags ? values.flags.split(',') : []) {
  const [name, value] = flag.split('=');
  tf.env().set(name, value === 'true' ? true : value === 'false' ? false : Number(value));
}

/** Programs the webgpu backend dispatches (runWebGPUProgram calls) per iteration: a fit of 3 iterations minus one of 2. */
async function dispatchesPerIteration(variant: Variant, loss: Loss): Promise<number> {
  registerBackend('webgpu', adapters[variant]);
  const count = async (maxIter: number): Promise<number> => {
    await adapters[variant].activate(tf);
    const backend = tf.backend() as unknown as { runWebGPUProgram: (...args: unknown[]) => unknown };
    const original = backend.runWebGPUProgram;
    let calls = 0;
    backend.runWebGPUProgram = function (this: unknown, ...args: unknown[]) {
      calls++;
      return original.apply(this, args);
    };
    try {
      await fitBcnmf(target, background, { k, loss, maxIter, tol: 0, scoreEvery: 100, backend: 'webgpu', seed: 0 });
    } finally {
      backend.runWebGPUProgram = original;
    }
    return calls;
  };
  return (await count(3)) - (await count(2));
}

/** ms per iteration of a whole fit: the difference of two fits, so start-up and transfers cancel. */
async function fitMsPerIteration(variant: Variant, loss: Loss): Promise<number> {
  registerBackend('webgpu', adapters[variant]);
  const time = async (maxIter: number): Promise<number> => {
    const started = performance.now();
    await fitBcnmf(target, background, { k, loss, maxIter, tol: 0, scoreEvery: maxIter, backend: 'webgpu', seed: 0 });
    return performance.now() - started;
  };
  await time(2); // warm-up: pipelines compiled
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) samples.push(((await time(1 + iterations)) - (await time(1))) / iterations);
  return median(samples);
}

/** ms per call of `op` (the mean of `count` calls queued back to back, one read at the end). */
async function opMs(op: () => Tensor, count: number): Promise<number> {
  const warm = op();
  await warm.data();
  warm.dispose();
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    let last: Tensor | null = null;
    for (let i = 0; i < count; i++) {
      last?.dispose();
      last = op();
    }
    await last!.data();
    samples.push((performance.now() - started) / count);
    last!.dispose();
  }
  return median(samples);
}

async function kernelTable(): Promise<void> {
  const x = tf.tensor2d(target.data, target.shape);
  const wT = tf.randomUniform([features, k]) as Tensor2D;
  const hT = tf.randomUniform([k, nTarget]) as Tensor2D;
  const h = tf.randomUniform([nTarget, k]) as Tensor2D;
  const w = tf.transpose(wT) as Tensor2D;
  const gram = tf.randomUniform([nTarget, k]) as Tensor2D;
  const bytes = nTarget * features * 4;
  const count = Math.max(5, Math.min(50, iterations));
  console.log(`\nLarge products alone (${nTarget} x ${features} data, k = ${k}), ms per call, GB/s of data read:`);
  console.log('| product | custom kernel | stock tfjs op | stock / custom |');
  console.log('|---|---|---|---|');
  const rows: Array<[string, () => Tensor, () => Tensor, number]> = [
    // webgpuOps.dataTimesThin is tfjs's matMul now; the kernel is still there to compare
    ['X · Wᵀ (n x k)', () => tf.engine().runKernel(DATA_TIMES_THIN, { data: x, thin: wT }) as Tensor, () => plainOps.dataTimesThin(x, wT), bytes],
    ['Hᵀ · X (k x m)', () => webgpuOps.thinTransposedTimesData(hT, x), () => plainOps.thinTransposedTimesData(hT, x), bytes],
    ['X ⊘ (H W + eps) (n x m)', () => webgpuOps.poissonRatio(x, h, w, 1e-16), () => plainOps.poissonRatio(x, h, w, 1e-16), 2 * bytes],
    ['multiplicative update (n x k)', () => webgpuOps.multiplicativeUpdate(h, gram, h, 1e-10, 1), () => plainOps.multiplicativeUpdate(h, gram, h, 1e-10, 1), 4 * nTarget * k * 4],
  ];
  for (const [name, custom, stock, traffic] of rows) {
    const a = await opMs(custom, count);
    const b = await opMs(stock, count);
    const gbs = (ms: number) => (traffic / ms / 1e6).toFixed(0);
    console.log(`| ${name} | ${a.toFixed(3)} (${gbs(a)} GB/s) | ${b.toFixed(3)} (${gbs(b)} GB/s) | ${(b / a).toFixed(1)} |`);
  }
  tf.dispose([x, wT, hT, h, w, gram]);
}

const probe = await webgpuAdapter.probe();
if (!probe.available) {
  console.error(`WebGPU is not available here: ${probe.reason}`);
  process.exit(2);
}
console.log(`WebGPU adapter: ${formatDeviceInfo(probe.device!)}`);
console.log(
  `bcNMF iteration, ${features} features, ${nTarget} + ${nBackground} samples, k = ${k}, float32, ` +
    `${iterations} iterations, median of ${repeats}`,
);
if (values.flags) console.log(`tfjs flags: ${values.flags}`);
const lines: string[] = ['| loss | implementation | ms / iteration | ratio to PyTorch | dispatches / iteration |', '|---|---|---|---|---|'];
for (const loss of values.losses!.split(',') as Loss[]) {
  let reference: number | null = null;
  if (!values['no-torch']) {
    const torch = torchMsPerIteration(loss);
    if (typeof torch === 'string') {
      console.log(`PyTorch reference (${loss}) did not run: ${torch}`);
    } else {
      reference = torch.ms;
      lines.push(`| ${loss} | PyTorch, reference formulas (${torch.device}) | ${torch.ms.toFixed(3)} | 1.00 | |`);
    }
  }
  const ratio = (ms: number) => (reference === null ? 'n/a' : (ms / reference).toFixed(2));
  const variants: Array<[Variant, string]> = [['fused', 'bcnmf webgpu, fused step (BcnmfFusedStep)']];
  if (!values['no-unfused']) variants.push(['unfused', 'bcnmf webgpu, custom kernels composed by core']);
  if (!values['no-stock']) variants.push(['stock', 'bcnmf webgpu, stock tfjs ops (plainOps)']);
  for (const [variant, name] of variants) {
    const ms = await fitMsPerIteration(variant, loss);
    const dispatches = await dispatchesPerIteration(variant, loss);
    lines.push(`| ${loss} | ${name} | ${ms.toFixed(3)} | ${ratio(ms)} | ${dispatches} |`);
  }
}
console.log(lines.join('\n'));
if (!values['no-kernels']) {
  registerBackend('webgpu', webgpuAdapter);
  await webgpuAdapter.activate(tf);
  await kernelTable();
}
