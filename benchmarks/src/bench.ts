// bcnmf's benchmarks against the references, timed in one run on the same machine:
//   iteration  ms per bcNMF iteration, this project's backends vs the NumPy reference formulas
//   nmf        @bcnmf/baselines' nmf vs scikit-learn's NMF (MU solver, same iterations)
//   pca        @bcnmf/baselines' pca (its 'auto' solver) vs scikit-learn's PCA (more in pca-cpca.ts)
//   sparse     CSR data on the cpu backend: its sparse kernels vs core's plain sparse path vs dense
//   memory     peak RSS of one large fit against the data's size
// Every measurement runs in a process of its own (its peak memory is its own). The
// implementations compared are measured in rounds (rounds.ts): each round runs every one
// once, in alternating order, and a ratio is taken within each round; the tables give the
// median ms over the rounds, the median of the per-round ratios with their min–max, and the
// 1-minute load average at the start and end of each configuration's rounds. Writes
// RESULTS.md and iteration.svg into --out unless --no-write.
//
// Usage: pnpm bench [--suites iteration,nmf,pca,memory] [--samples 1000,2000,5000,20000]
//   [--features 2000] [--feature-sweep 500,5000] [--k 20] [--k-sweep 5,50] [--iterations 50]
//   [--rounds 5] [--repeats 1] [--backends cpu,wasm,cpu-blas] [--wasm-max-samples 2000] [--losses frobenius,poisson]
//   [--nmf 2000x2000] [--pca 1000x500] [--memory 100000x2000] [--memory-iterations 3]
//   [--sparse 2000x2000] [--densities 0.01,0.05,0.1,0.2] [--plain-sparse-max-density 0.01]
//   [--python python3] [--sklearn-python /usr/bin/python3] [--blas-threads N] [--out DIR] [--no-write] [--quick]
// --blas-threads N sets OPENBLAS_NUM_THREADS for every measured process (NumPy's and ours
// alike): thread-for-thread figures that a busy machine distorts less.
// --rounds N: rounds per configuration (default 5, at least 5 for a written RESULTS.md;
// --quick runs 2). --repeats N: timed measurements in each process, their median taken.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCell, median, ratioCells, ratioSummary, roundsOrExit, runRounds, type Outcome } from './rounds.js';
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
    iterations: { type: 'string', default: '50' },
    rounds: { type: 'string' },
    repeats: { type: 'string', default: '1' },
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
const rounds = roundsOrExit(values, repeats);
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
  // quoted where a shell needs it (an empty sweep is `--k-sweep ''`), so the line can be rerun as written
  const argv = process.argv.slice(2).map((a) => (/^[\w.,:=/@+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  const machine = machineAt();
  const doc = [
    '# Benchmark results',
    '',
    `Written by \`pnpm bench${argv ? ` ${argv}` : ''}\` (benchmarks/src/bench.ts) on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `Machine: ${machine}.`,
    ...(final ? [] : ['', '**Partial: the run was still going when this was written.**']),
    '',
    `Method: each configuration runs in ${rounds} rounds, every implementation once per round in a process of its own (a warm-up, then the timed measurement), in alternating order (reversed every other round), so that the load of this shared machine falls on all of them alike.`,
    'A ratio is taken within each round (ours / reference, same round); the tables give the median ms over the rounds, the median of the per-round ratios with their spread (min–max), and the 1-minute load average at the start and end of each configuration\'s rounds.',
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

// ---- comparisons in rounds ----
/** One measurement of one implementation, in a process of its own. */
interface Measured { ms: number; rssMb: number; detail?: string }
/** An implementation compared; the first of a configuration's is the reference of its ratios. */
interface Contender { label: string; run: () => Outcome<Measured> }
interface ComparedRow { label: string; ms: number; ratio: string; spread: string; rounds: string; rssMb: number }

/**
 * Measures the contenders in rounds (rounds.ts) and returns a row for each one that ran at
 * least once: the median ms over its rounds, the median and min–max of its per-round ratios
 * to the first contender, the rounds that gave a ratio, its largest peak RSS; and the load cell.
 */
async function compareInRounds(contenders: Contender[], where: string): Promise<{ rows: ComparedRow[]; load: string }> {
  const measured = await runRounds(contenders.map((c) => c.run), { rounds });
  const msOf = (i: number) => measured.results[i].map((m) => m?.ms ?? null);
  const rows: ComparedRow[] = [];
  contenders.forEach((c, i) => {
    const ok = measured.results[i].filter((m): m is Measured => m !== null);
    const errors = measured.errors[i].filter((e): e is string => e !== undefined);
    if (errors.length > 0) notes.add(`${c.label} failed ${where} in ${errors.length} of ${rounds} rounds: ${errors[0]}`);
    if (ok.length === 0) return;
    const detail = ok.find((m) => m.detail)?.detail;
    const label = `${c.label}${detail ? ` (${detail})` : ''}`;
    const ms = median(ok.map((m) => m.ms))!;
    const rssMb = Math.max(...ok.map((m) => m.rssMb));
    if (i === 0) {
      rows.push({ label, ms, ratio: '1.00', spread: '—', rounds: `${ok.length}/${rounds}`, rssMb });
      return;
    }
    const summary = ratioSummary(msOf(0), msOf(i));
    const bothRan = msOf(i).filter((ms, r) => ms !== null && msOf(0)[r] !== null).length;
    if (summary.count < bothRan) notes.add(`${c.label} ${where}: ${bothRan - summary.count} of ${rounds} rounds gave no ratio, a time at or below zero (timing noise: the difference of two fits at a tiny size)`);
    const cells = ratioCells(summary);
    rows.push({ label, ms, ratio: cells.median, spread: cells.spread, rounds: `${summary.count}/${rounds}`, rssMb });
  });
  return { rows, load: loadCell(measured) };
}

const roundsNote = (reference: string) =>
  `${rounds} rounds, each implementation once per round in its own process (order reversed every other round); ` +
  `ratio: the median of the per-round ratios ms / ${reference} ms of the same round (lower is faster); spread: their min–max; ` +
  'rounds: those that gave a ratio; load: the 1-minute load average at the start → end of the configuration\'s rounds.';

const fromPython = (py: PythonResult | { error: string }, ms: (r: PythonResult) => number, note: (r: PythonResult) => string): Outcome<Measured> => {
  if (failed(py)) return py;
  notes.add(note(py));
  return { ms: ms(py), rssMb: py.max_rss_mb };
};

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
    `### bcNMF iteration: this project vs the NumPy reference formulas (float32, ${iterations} iterations timed per process, median over ${rounds} rounds)`,
    '',
    `Samples are per data set (target and background the same size). ${roundsNote('NumPy')}`,
    '',
    '| loss | features | samples (each) | k | implementation | ms / iteration | ratio to NumPy (median) | ratio spread (min–max) | rounds | peak RSS MB | load |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|',
  ];
  console.log(lines.join('\n'));
  for (const loss of losses) {
    for (const [features, samples, k] of configs) {
      const contenders: Contender[] = [{
        label: 'NumPy reference formulas',
        run: () => fromPython(
          runPython(values.python!, [reference('numpy_bcnmf.py'), String(features), String(samples), String(samples), String(k), String(iterations), loss, String(repeats)]),
          (r) => r.ms_per_iteration!,
          (r) => `NumPy reference: ${values.python} with NumPy ${r.numpy}, ${blasText(r.blas)}`,
        ),
      }];
      for (const backend of backends) {
        if ((backend === 'wasm' || backend === 'cpu-blas') && samples > wasmMax) continue;
        contenders.push({
          label: backend === 'cpu-blas' ? 'bcnmf, backend cpu without native kernels (BLAS only)' : `bcnmf, backend ${backend}`,
          run: () => {
            const result = runWorker({ kind: 'iteration', backend, loss, features, target: samples, background: samples, k, iterations, repeats });
            if (failed(result)) return result;
            if (backend === 'cpu' || backend === 'cpu-blas') notes.add(`bcnmf ${backend === 'cpu' ? 'cpu backend' : 'cpu-blas (cpu, BCNMF_NATIVE=off)'} path: ${result.accelerator}`);
            return { ms: result.ms, rssMb: result.maxRssMb };
          },
        });
      }
      const { rows, load } = await compareInRounds(contenders, `at ${loss}, ${features} x ${samples}, k = ${k}`);
      for (const r of rows) {
        iterationRows.push({ loss, features, samples, k, impl: r.label, ms: r.ms, ratio: r.ratio, rss: r.rssMb });
        const line = `| ${loss} | ${features} | ${samples} | ${k} | ${r.label} | ${fmt(r.ms)} | ${r.ratio} | ${r.spread} | ${r.rounds} | ${r.rssMb.toFixed(0)} | ${load} |`;
        lines.push(line);
        console.log(line);
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
    `### Sparse data on the cpu backend: ${samples} + ${samples} samples x ${features} features, k = ${k0} (ms per iteration, median over ${rounds} rounds)`,
    '',
    'csr: the cpu backend\'s CSR kernels; csr, plain: core\'s plain sparse path (gather + scatterND) on the same backend; dense: the same data as dense arrays (BLAS where loaded). ' +
      roundsNote('dense'),
    '',
    '| loss | density | data as | ms / iteration | ratio to dense (median) | ratio spread (min–max) | rounds | load |',
    '|---|---:|---|---:|---:|---:|---:|---|',
  ];
  console.log(lines.join('\n'));
  for (const loss of losses) {
    for (const density of numbers(values.densities!)) {
      // core's plain sparse path takes ~25 s an iteration at 10% of 2,000 x 2,000
      const modes = (['dense', 'csr', 'csr-plain'] as const).filter((mode) => mode !== 'csr-plain' || density <= Number(values['plain-sparse-max-density']));
      const contenders: Contender[] = modes.map((mode) => ({
        label: mode === 'csr-plain' ? 'csr, plain' : mode,
        run: () => {
          const result = runWorker({ kind: 'sparse', mode, loss, density, features, target: samples, background: samples, k: k0, iterations, repeats });
          return failed(result) ? result : { ms: result.ms, rssMb: result.maxRssMb };
        },
      }));
      const { rows, load } = await compareInRounds(contenders, `(sparse, ${loss}, density ${density})`);
      for (const r of rows) {
        const line = `| ${loss} | ${density} | ${r.label} | ${fmt(r.ms)} | ${r.ratio} | ${r.spread} | ${r.rounds} | ${load} |`;
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
      ? `### NMF baseline: @bcnmf/baselines' nmf vs scikit-learn NMF (MU solver, Frobenius, random init, ${iterations} iterations, tol 0; ms per fit, median over ${rounds} rounds)`
      : `### PCA baseline: @bcnmf/baselines' pca (default 'auto' solver, float64; the row says which ran) vs scikit-learn PCA (default solver; ms per fit, median over ${rounds} rounds)`,
    '',
    roundsNote('scikit-learn'),
    '',
    '| samples x features | k | implementation | ms / fit | ratio to scikit-learn (median) | ratio spread (min–max) | rounds | peak RSS MB | load |',
    '|---|---:|---|---:|---:|---:|---:|---:|---|',
  ];
  const contenders: Contender[] = [{
    label: `scikit-learn ${suite === 'nmf' ? 'NMF' : 'PCA'}`,
    run: () => fromPython(
      runPython(values['sklearn-python']!, suite === 'nmf'
        ? [reference('sklearn_baselines.py'), 'nmf', String(samples), String(features), String(k), String(iterations), String(repeats)]
        : [reference('sklearn_baselines.py'), 'pca', String(samples), String(features), String(k), String(repeats)]),
      (r) => r.ms_per_fit!,
      (r) => `scikit-learn: ${values['sklearn-python']} with scikit-learn ${r.sklearn}, NumPy ${r.numpy}, ${blasText(r.blas)}`,
    ),
  }];
  const jobs: Array<[string, Job]> = suite === 'nmf'
    ? backends.filter((b) => b !== 'cpu-blas' && (b !== 'wasm' || samples <= wasmMax)).map((backend) => [`@bcnmf/baselines nmf, backend ${backend}`, { kind: 'nmf', backend, samples, features, k, iterations, repeats }])
    : [['@bcnmf/baselines pca', { kind: 'pca', samples, features, k, repeats }]];
  for (const [label, job] of jobs) {
    contenders.push({
      label,
      run: () => {
        const result = runWorker(job);
        return failed(result) ? result : { ms: result.ms, rssMb: result.maxRssMb, ...(result.solver ? { detail: result.solver } : {}) };
      },
    });
  }
  const { rows, load } = await compareInRounds(contenders, `(${suite}, ${samples} x ${features})`);
  for (const r of rows) lines.push(`| ${samples} x ${features} | ${k} | ${r.label} | ${fmt(r.ms)} | ${r.ratio} | ${r.spread} | ${r.rounds} | ${r.rssMb.toFixed(0)} | ${load} |`);
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
