// bcnmf's benchmarks against the references, timed in one run on the same machine:
//   iteration  ms per bcNMF iteration, this project's backends vs the NumPy reference formulas
//   nmf        @bcnmf/baselines' nmf vs scikit-learn's NMF (MU solver, same iterations)
//   pca        @bcnmf/baselines' pca (its 'auto' solver) vs scikit-learn's PCA (more in pca-cpca.ts)
//   sparse     CSR data on the cpu backend: its sparse kernels vs core's plain sparse path vs dense
//   memory     peak RSS of one large fit against the data's size
// Medians over repeats; every measurement runs in a process of its own (its peak memory is
// its own). Writes RESULTS.md and iteration.svg into --out unless --no-write.
//
// Usage: pnpm bench [--suites iteration,nmf,pca,memory] [--samples 1000,2000,5000,20000]
//   [--features 2000] [--feature-sweep 500,5000] [--k 20] [--k-sweep 5,50] [--iterations 10]
//   [--repeats 3] [--backends cpu,wasm,cpu-blas] [--wasm-max-samples 2000] [--losses frobenius,poisson]
//   [--nmf 2000x2000] [--pca 1000x500] [--memory 100000x2000] [--memory-iterations 3]
//   [--sparse 2000x2000] [--densities 0.01,0.05,0.1,0.2] [--plain-sparse-max-density 0.01]
//   [--python python3] [--sklearn-python /usr/bin/python3] [--blas-threads N] [--out DIR] [--no-write] [--quick]
// --blas-threads N sets OPENBLAS_NUM_THREADS for every measured process (NumPy's and ours
// alike): thread-for-thread figures that a busy machine distorts less.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lineChartSvg, type Series } from './svg.js';
import type { Job, JobResult } from './worker.js';

const { values } = parseArgs({
  options: {
    suites: { type: 'string', default: 'iteration,sparse,nmf,pca,memory' },
    sparse: { type: 'string', default: '2000x2000' },
    densities: { type: 'string', default: '0.01,0.05,0.1,0.2' },
    'plain-sparse-max-density': { type: 'string', default: '0.01' },
    samples: { type: 'string', default: '1000,2000,5000,20000' },
    features: { type: 'string', default: '2000' },
    'feature-sweep': { type: 'string', default: '500,5000' },
    k: { type: 'string', default: '20' },
    'k-sweep': { type: 'string', default: '5,50' },
    iterations: { type: 'string', default: '10' },
    repeats: { type: 'string', default: '3' },
    backends: { type: 'string', default: 'cpu,wasm,cpu-blas' },
    'wasm-max-samples': { type: 'string', default: '2000' },
    losses: { type: 'string', default: 'frobenius,poisson' },
    nmf: { type: 'string', default: '2000x2000' },
    pca: { type: 'string', default: '1000x500' },
    memory: { type: 'string', default: '100000x2000' },
    'memory-iterations': { type: 'string', default: '3' },
    python: { type: 'string', default: 'python3' },
    'sklearn-python': { type: 'string', default: '/usr/bin/python3' },
    out: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    'no-write': { type: 'boolean', default: false },
    'blas-threads': { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});

const list = (s: string): string[] => s.split(',').map((v) => v.trim()).filter(Boolean);
const numbers = (s: string): number[] => list(s).map(Number);
const dims = (s: string): [number, number] => s.split('x').map(Number) as [number, number];
if (values.quick) {
  // a tiny run for the smoke test: everything once, small
  Object.assign(values, {
    samples: '200,400', features: '100', 'feature-sweep': '', k: '5', 'k-sweep': '', iterations: '2', repeats: '1',
    'wasm-max-samples': '200', nmf: '200x100', sparse: '200x100', densities: '0.05', 'plain-sparse-max-density': '0.05', pca: '200x50', memory: '2000x100', 'memory-iterations': '2',
  });
}
const suites = list(values.suites!);
const iterations = Number(values.iterations);
const repeats = Number(values.repeats);
const backends = list(values.backends!);
const losses = list(values.losses!) as Array<'frobenius' | 'poisson'>;
const k0 = Number(values.k);
const features0 = Number(values.features);
const sampleSweep = numbers(values.samples!);
const samples0 = sampleSweep.includes(2000) ? 2000 : sampleSweep[0];
const wasmMax = Number(values['wasm-max-samples']);

// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, set on some machines, slow a current NumPy down:
// unset for the measured processes only (tests and CI keep them); each run reports its kernel.
const childEnv: NodeJS.ProcessEnv = { ...process.env };
const unsetVariables = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'].filter((name) => name in childEnv);
for (const name of unsetVariables) delete childEnv[name];
delete childEnv.NODE_TEST_CONTEXT;
if (values['blas-threads']) childEnv.OPENBLAS_NUM_THREADS = values['blas-threads'];

const here = fileURLToPath(new URL('.', import.meta.url));
const reference = (file: string) => fileURLToPath(new URL(`../reference/${file}`, import.meta.url));

function runWorker(job: Job): JobResult | { error: string } {
  const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(here, 'worker.ts'), JSON.stringify(job)], {
    encoding: 'utf8',
    env: childEnv,
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = run.stdout?.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    return { error: (run.stderr || run.stdout || `exit ${run.status}`).trim().split('\n').filter(Boolean).pop() ?? 'failed' };
  }
  return JSON.parse(last) as JobResult;
}

interface PythonResult {
  ms_per_iteration?: number;
  ms_per_fit?: number;
  max_rss_mb: number;
  numpy: string;
  sklearn?: string;
  blas: { internal_api?: string; version?: string; architecture?: string | null; num_threads?: number | null } | null;
}

function runPython(python: string, args: string[]): PythonResult | { error: string } {
  const run = spawnSync(python, args, { encoding: 'utf8', env: childEnv });
  if (run.error) return { error: `${python}: ${run.error.message}` };
  const last = run.stdout?.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    return { error: `${python}: ${(run.stderr || '').trim().split('\n').pop() ?? `exit ${run.status}`}` };
  }
  return JSON.parse(last) as PythonResult;
}

const failed = (r: object): r is { error: string } => 'error' in r;
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const ratio = (ours: number, theirs: number | null) => (theirs ? (ours / theirs).toFixed(2) : 'n/a');
const blasText = (b: PythonResult['blas']) => (b ? `${b.internal_api ?? '?'} ${b.version ?? ''}${b.architecture ? ` (${b.architecture})` : ''}`.trim() : 'BLAS unknown');

// ---- machine, RESULTS.md, plot (rewritten after every section) ----
function command(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}
const model = command('lscpu', []).split('\n').find((l) => l.startsWith('Model name'))?.split(':')[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
const numpyVersion = command(values.python!, ['-c', 'import numpy; print(numpy.__version__)']) || 'not found';
const machineAt = () =>
  `${model}, ${cpus().length} cores; Node ${process.version}; NumPy ${numpyVersion} (${values.python}); load average ${command('uptime', []).replace(/.*load average:\s*/, '')}`;

function writeResults(final: boolean): void {
  if (values['no-write']) return;
  const series: Series[] = [];
  for (const loss of losses) {
    const impls = [...new Set(iterationRows.filter((r) => r.loss === loss).map((r) => r.impl))];
    for (const impl of impls) {
      const points = iterationRows
        .filter((r) => r.loss === loss && r.impl === impl && r.features === features0 && r.k === k0)
        .map((r) => [r.samples, r.ms] as [number, number]);
      if (points.length > 0) series.push({ label: `${impl.replace('bcnmf, backend ', 'bcnmf ')}, ${loss}`, points, dashed: loss === 'poisson' });
    }
  }
  const svg = lineChartSvg(
    `bcNMF: ms per iteration, ${features0} features, k = ${k0}`,
    'samples per data set (target and background each)',
    'ms per iteration',
    series,
  );
  writeFileSync(join(values.out!, 'iteration.svg'), svg);
  const argv = process.argv.slice(2).join(' ');
  const machine = machineAt();
  const doc = [
    '# Benchmark results',
    '',
    `Written by \`pnpm bench${argv ? ` ${argv}` : ''}\` (benchmarks/src/bench.ts) on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `Machine: ${machine}.`,
    ...(final ? [] : ['', '**Partial: the run was still going when this was written.**']),
    '',
    'Other processes ran on the machine at the same time, so absolute times drift between runs: compare the',
    'ratios, which come from measurements taken in the same run, one after the other.',
    '',
    ...sections.flatMap((s) => [s, '']),
    '![ms per iteration against samples](iteration.svg)',
    '',
    // results written by the other benchmark entries, kept across reruns of this one
    ...[['gpu', 'RESULTS.md'], ['MINIBATCH.md']].flatMap((parts) => {
      const file = join(dirname(fileURLToPath(import.meta.url)), '..', ...parts);
      return existsSync(file) ? [readFileSync(file, 'utf8').replace(/^# /, '## '), ''] : [];
    }),
  ].join('\n');
  writeFileSync(join(values.out!, 'RESULTS.md'), doc);
  if (final) console.log(`wrote ${join(values.out!, 'RESULTS.md')} and iteration.svg`);
}

const sections: string[] = [];
const notes = new Set<string>();
function emit(lines: string[]): void {
  const text = lines.join('\n');
  console.log(text + '\n');
  sections.push(text);
  writeResults(false);
}

// ---- iteration ----
interface IterationRow { loss: string; features: number; samples: number; k: number; impl: string; ms: number; ratio: string; rss: number }
const iterationRows: IterationRow[] = [];
if (suites.includes('iteration')) {
  const configs: Array<[number, number, number]> = [];
  const add = (f: number, s: number, k: number) => {
    if (!configs.some((c) => c[0] === f && c[1] === s && c[2] === k)) configs.push([f, s, k]);
  };
  for (const s of sampleSweep) add(features0, s, k0);
  for (const f of numbers(values['feature-sweep']!)) add(f, samples0, k0);
  for (const k of numbers(values['k-sweep']!)) add(features0, samples0, k);
  const lines = [
    `### bcNMF iteration: this project vs the NumPy reference formulas (float32, median of ${repeats}, ${iterations} iterations each)`,
    '',
    'Samples are per data set (target and background the same size); ratio = ms / NumPy ms (lower is faster).',
    '',
    '| loss | features | samples (each) | k | implementation | ms / iteration | ratio to NumPy | peak RSS MB |',
    '|---|---:|---:|---:|---|---:|---:|---:|',
  ];
  console.log(lines.join('\n'));
  for (const loss of losses) {
    for (const [features, samples, k] of configs) {
      const row = (impl: string, ms: number, r: string, rss: number) => {
        iterationRows.push({ loss, features, samples, k, impl, ms, ratio: r, rss });
        const line = `| ${loss} | ${features} | ${samples} | ${k} | ${impl} | ${fmt(ms)} | ${r} | ${rss.toFixed(0)} |`;
        lines.push(line);
        console.log(line);
      };
      const numpy = runPython(values.python!, [reference('numpy_bcnmf.py'), String(features), String(samples), String(samples), String(k), String(iterations), loss, String(repeats)]);
      let referenceMs: number | null = null;
      if (failed(numpy)) notes.add(`NumPy reference failed: ${numpy.error}`);
      else {
        referenceMs = numpy.ms_per_iteration!;
        notes.add(`NumPy reference: ${values.python} with NumPy ${numpy.numpy}, ${blasText(numpy.blas)}`);
        row('NumPy reference formulas', referenceMs, '1.00', numpy.max_rss_mb);
      }
      for (const backend of backends) {
        if ((backend === 'wasm' || backend === 'cpu-blas') && samples > wasmMax) continue;
        const result = runWorker({ kind: 'iteration', backend, loss, features, target: samples, background: samples, k, iterations, repeats });
        if (failed(result)) {
          notes.add(`bcnmf ${backend} failed at ${features} x ${samples}: ${result.error}`);
          continue;
        }
        if (backend === 'cpu' || backend === 'cpu-blas') notes.add(`bcnmf ${backend === 'cpu' ? 'cpu backend' : 'cpu-blas (cpu, BCNMF_NATIVE=off)'} path: ${result.accelerator}`);
        const label = backend === 'cpu-blas' ? 'bcnmf, backend cpu without native kernels (BLAS only)' : `bcnmf, backend ${backend}`;
        row(label, result.ms, ratio(result.ms, referenceMs), result.maxRssMb);
      }
    }
  }
  sections.push(lines.join('\n'));
  writeResults(false);
  console.log();
}

// ---- sparse ----
if (suites.includes('sparse')) {
  const [samples, features] = dims(values.sparse!);
  const lines = [
    `### Sparse data on the cpu backend: ${samples} + ${samples} samples x ${features} features, k = ${k0} (ms per iteration, median of ${repeats})`,
    '',
    'csr: the cpu backend\'s CSR kernels; csr, plain: core\'s plain sparse path (gather + scatterND) on the same backend; dense: the same data as dense arrays (BLAS where loaded). Ratio = ms / dense ms.',
    '',
    '| loss | density | data as | ms / iteration | ratio to dense |',
    '|---|---:|---|---:|---:|',
  ];
  console.log(lines.join('\n'));
  for (const loss of losses) {
    for (const density of numbers(values.densities!)) {
      let denseMs: number | null = null;
      for (const mode of ['dense', 'csr', 'csr-plain'] as const) {
        // core's plain sparse path takes ~25 s an iteration at 10% of 2,000 x 2,000
        if (mode === 'csr-plain' && density > Number(values['plain-sparse-max-density'])) continue;
        const result = runWorker({ kind: 'sparse', mode, loss, density, features, target: samples, background: samples, k: k0, iterations, repeats });
        if (failed(result)) {
          notes.add(`sparse ${mode} (${loss}, density ${density}) failed: ${result.error}`);
          continue;
        }
        if (mode === 'dense') denseMs = result.ms;
        const line = `| ${loss} | ${density} | ${mode === 'csr-plain' ? 'csr, plain' : mode} | ${fmt(result.ms)} | ${ratio(result.ms, denseMs)} |`;
        lines.push(line);
        console.log(line);
      }
    }
  }
  sections.push(lines.join('\n'));
  writeResults(false);
  console.log();
}

// ---- nmf / pca baselines ----
for (const suite of ['nmf', 'pca'] as const) {
  if (!suites.includes(suite)) continue;
  const [samples, features] = dims(values[suite]!);
  const k = suite === 'nmf' ? k0 : Math.min(k0, features, samples);
  const lines = [
    suite === 'nmf'
      ? `### NMF baseline: @bcnmf/baselines' nmf vs scikit-learn NMF (MU solver, Frobenius, random init, ${iterations} iterations, tol 0; ms per fit, median of ${repeats})`
      : `### PCA baseline: @bcnmf/baselines' pca (default 'auto' solver, float64; the row says which ran) vs scikit-learn PCA (default solver; ms per fit, median of ${repeats})`,
    '',
    '| samples x features | k | implementation | ms / fit | ratio to scikit-learn | peak RSS MB |',
    '|---|---:|---|---:|---:|---:|',
  ];
  const py = runPython(values['sklearn-python']!, suite === 'nmf'
    ? [reference('sklearn_baselines.py'), 'nmf', String(samples), String(features), String(k), String(iterations), String(repeats)]
    : [reference('sklearn_baselines.py'), 'pca', String(samples), String(features), String(k), String(repeats)]);
  let refMs: number | null = null;
  if (failed(py)) notes.add(`scikit-learn failed: ${py.error}`);
  else {
    refMs = py.ms_per_fit!;
    notes.add(`scikit-learn: ${values['sklearn-python']} with scikit-learn ${py.sklearn}, NumPy ${py.numpy}, ${blasText(py.blas)}`);
    lines.push(`| ${samples} x ${features} | ${k} | scikit-learn ${suite === 'nmf' ? 'NMF' : 'PCA'} | ${fmt(refMs)} | 1.00 | ${py.max_rss_mb.toFixed(0)} |`);
  }
  const impls: Array<[string, Job]> = suite === 'nmf'
    ? backends.filter((b) => b !== 'cpu-blas' && (b !== 'wasm' || samples <= wasmMax)).map((backend) => [`@bcnmf/baselines nmf, backend ${backend}`, { kind: 'nmf', backend, samples, features, k, iterations, repeats }])
    : [['@bcnmf/baselines pca', { kind: 'pca', samples, features, k, repeats }]];
  for (const [label, job] of impls) {
    const result = runWorker(job);
    if (failed(result)) notes.add(`${label} failed: ${result.error}`);
    else lines.push(`| ${samples} x ${features} | ${k} | ${label}${result.solver ? ` (${result.solver})` : ''} | ${fmt(result.ms)} | ${ratio(result.ms, refMs)} | ${result.maxRssMb.toFixed(0)} |`);
  }
  emit(lines);
}

// ---- memory ----
if (suites.includes('memory')) {
  const [samples, features] = dims(values.memory!);
  const memIterations = Number(values['memory-iterations']);
  const lines = [
    `### Memory: one fit of ${samples} x ${features} dense float32 (no background, k = ${k0}, ${memIterations} iterations), backend cpu`,
    '',
    'Peak RSS of the whole process (Node, tfjs, the input Float32Array and everything the fit made) against the data\'s own size.',
    '',
    '| loss | data MB | peak RSS MB | runtime before the data MB | peak / data | fit wall ms |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const loss of losses) {
    const result = runWorker({ kind: 'memory', backend: 'cpu', loss, samples, features, k: k0, iterations: memIterations });
    if (failed(result)) {
      notes.add(`memory fit (${loss}) failed: ${result.error}`);
      continue;
    }
    lines.push(`| ${loss} | ${result.dataMb.toFixed(0)} | ${result.maxRssMb.toFixed(0)} | ${result.baseRssMb.toFixed(0)} | ${(result.maxRssMb / result.dataMb).toFixed(2)} | ${fmt(result.ms)} |`);
  }
  emit(lines);
}

if (values['blas-threads']) notes.add(`OPENBLAS_NUM_THREADS=${values['blas-threads']} for every measured process`);
if (unsetVariables.length > 0) notes.add(`unset for the measured processes only: ${unsetVariables.join(', ')}`);
const noteLines = ['### Notes', '', ...[...notes].map((n) => `- ${n}`)];
emit(noteLines);

writeResults(true);
console.log(`Machine: ${machineAt()}`);
