// PCA and cPCA of @bcnmf/baselines against scikit-learn's PCA and a NumPy/scikit-learn
// transcription of the reference cPCA package (reference/pca_cpca.py), at the sizes the
// reproduction runs (the full-size simulation: 1,000 + 1,000 cells x 3,000 genes), with the
// solver each side actually used. Every measurement runs in a process of its own (a warm-up
// fit, then the median of --repeats timed fits); the implementations of a case are measured
// in --rounds rounds (rounds.ts: each once per round, the order reversed every other round),
// and the table gives the median ms over the rounds, the median of the per-round ratios to
// scikit-learn with their min–max, and the load at the start and end of the case's rounds.
// Writes PCA-CPCA.md into --out unless --no-write.
//
// Usage: node --conditions=source --import tsx benchmarks/src/pca-cpca.ts [--rounds 5] [--repeats 1]
//   [--sklearn-python /usr/bin/python3] [--js] [--out DIR] [--no-write] [--quick]
// --rounds: at least 5 for a written PCA-CPCA.md (--quick runs 2 at a tenth of the size).
// --js also times the JavaScript path (BCNMF_BLAS=off): minutes per cPCA fit at full size.
// --blas-threads N sets OPENBLAS_NUM_THREADS for every measured process (NumPy's and ours
// alike): OpenBLAS threads busy-wait, which a loaded machine punishes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpca, nativeLinalgStatus, pca } from '@bcnmf/baselines';
import { uniformData } from './data.js';
import { loadCell, median as medianOf, ratioCells, ratioSummary, roundsOrExit, runRounds, type Outcome } from './rounds.js';

interface Job {
  kind: 'pca' | 'cpca';
  files: string[];
  rows: number[];
  p: number;
  k: number;
  alpha: number | 'auto';
  repeats: number;
}

interface Measured {
  ms: number;
  repeatsMs: number[];
  maxRssMb: number;
  solver: string;
  alphas: number[] | null;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function readMatrix(file: string, rows: number, p: number): { data: Float64Array; shape: [number, number] } {
  const bytes = readFileSync(file);
  return { data: new Float64Array(bytes.buffer, bytes.byteOffset, rows * p).slice(), shape: [rows, p] };
}

async function measure(job: Job): Promise<Measured> {
  const [x, y] = job.files.map((f, i) => readMatrix(f, job.rows[i], job.p));
  const fit = async (): Promise<{ solver: string; alphas: number[] | null }> => {
    if (job.kind === 'pca') {
      const model = await pca(x, { nComponents: job.k });
      return { solver: `${model.solver}${model.solver === 'gram' ? (model.native ? ' (OpenBLAS dgemm + LAPACK dsyevr)' : ' (JavaScript block Krylov)') : ' (ml-pca)'}`, alphas: null };
    }
    const model = await cpca(x, y, { nComponents: job.k, alpha: job.alpha });
    const pre = job.p > 1000 ? `pre-projected onto ${model.dimension} axes, ` : model.dimension < job.p ? `${job.p - model.dimension} null direction(s) dropped, ` : '';
    return { solver: `${pre}${model.native ? 'LAPACK dsyevr per alpha' : 'JavaScript block Krylov per alpha'}`, alphas: model.alphas };
  };
  let last = await fit(); // warm-up: loads OpenBLAS, compiles the code
  const times: number[] = [];
  for (let r = 0; r < job.repeats; r++) {
    const started = performance.now();
    last = await fit();
    times.push(performance.now() - started);
  }
  return { ms: median(times), repeatsMs: times, maxRssMb: process.resourceUsage().maxRSS / 1024, ...last };
}

const { values } = parseArgs({
  options: {
    job: { type: 'string' },
    rounds: { type: 'string' },
    repeats: { type: 'string', default: '1' },
    'sklearn-python': { type: 'string', default: '/usr/bin/python3' },
    js: { type: 'boolean', default: false },
    out: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    'no-write': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'blas-threads': { type: 'string' },
  },
});
// as in bench.ts: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, set on some machines, slow a current
// NumPy down; unset for the measured processes only
const measuredEnv: NodeJS.ProcessEnv = { ...process.env, ...(values['blas-threads'] ? { OPENBLAS_NUM_THREADS: values['blas-threads'] } : {}) };
const unsetVariables = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'].filter((name) => name in measuredEnv);
for (const name of unsetVariables) delete measuredEnv[name];

if (values.job) {
  console.log(JSON.stringify(await measure(JSON.parse(values.job) as Job)));
  process.exit(0);
}

const repeats = values.quick ? 1 : Number(values.repeats);
const rounds = roundsOrExit(values, repeats);
const scale = values.quick ? 0.1 : 1;
const dir = mkdtempSync(join(tmpdir(), 'bcnmf-pca-cpca-'));
const write = (name: string, m: { data: ArrayLike<number>; shape: readonly number[] }): string => {
  const file = join(dir, `${name}.f64`);
  writeFileSync(file, Buffer.from(Float64Array.from(m.data).buffer));
  return file;
};

function runOurs(job: Job, env: NodeJS.ProcessEnv): Measured | { error: string } {
  const childEnv = { ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', fileURLToPath(import.meta.url), '--job', JSON.stringify(job)], {
    encoding: 'utf8',
    env: childEnv,
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = run.stdout?.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !last.startsWith('{')) return { error: (run.stderr || run.stdout || `exit ${run.status}`).trim().split('\n').pop() ?? 'failed' };
  return JSON.parse(last) as Measured;
}

interface PythonMeasured {
  ms_per_fit: number;
  max_rss_mb: number;
  solver: string;
  alphas: number[] | null;
  sklearn: string;
  numpy: string;
  blas: { internal_api?: string; version?: string; num_threads?: number | null } | null;
}

function runPython(args: string[]): PythonMeasured | { error: string } {
  const script = fileURLToPath(new URL('../reference/pca_cpca.py', import.meta.url));
  const run = spawnSync(values['sklearn-python']!, [script, ...args], { encoding: 'utf8', env: measuredEnv, maxBuffer: 16 * 1024 * 1024 });
  const last = run.stdout?.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !last.startsWith('{')) return { error: (run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n').pop() ?? 'failed' };
  return JSON.parse(last) as PythonMeasured;
}

const failed = (r: object): r is { error: string } => 'error' in r;
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3));
const alphasText = (a: number[] | null) => (a ? a.map((v) => (v === 0 ? '0' : Number(v.toPrecision(3)).toString())).join(', ') : '');

// the data: the full-size simulation at beta 2, seed 0, log1p(CP10K), as `bcnmf reproduce
// simulation` fits it (@bcnmf/data only here: importing it costs the measured processes
// about 600 MB of RSS, h5wasm's)
const { log1p, normalizeTotal, simulateBetaSeries } = await import('@bcnmf/data');
const sim = simulateBetaSeries({ beta: 2, seed: 0, scale });
const target = log1p(normalizeTotal(sim.target));
const background = log1p(normalizeTotal(sim.background));
const [nT, p] = target.shape;
const nB = background.rows;
const tFile = write('target', target);
const bFile = write('background', background);
const [uN, uP] = values.quick ? [200, 50] : [1000, 500];
const uniform = uniformData(uN, uP, 1);
const uFile = write('uniform', uniform);

const linalg = await nativeLinalgStatus();
const loadBefore = loadavg().map((v) => v.toFixed(2)).join(', ');
const notes = new Set<string>();
const lines = [
  '| case | size | implementation | solver, path | ms / fit | ratio to scikit-learn (median) | ratio spread (min–max) | rounds | peak RSS MB | alphas returned | load |',
  '|---|---|---|---|---:|---:|---:|---:|---:|---|---|',
];
const cases: { name: string; size: string; job: Job; python: string[] }[] = [
  {
    name: 'PCA, 2 components (the simulation\'s target)',
    size: `${nT} x ${p}`,
    job: { kind: 'pca', files: [tFile], rows: [nT], p, k: 2, alpha: 'auto', repeats },
    python: ['pca', tFile, String(nT), String(p), '2', String(repeats)],
  },
  {
    name: 'PCA, 20 components (uniform data, the bench suite\'s size)',
    size: `${uN} x ${uP}`,
    job: { kind: 'pca', files: [uFile], rows: [uN], p: uP, k: 20, alpha: 'auto', repeats },
    python: ['pca', uFile, String(uN), String(uP), '20', String(repeats)],
  },
  {
    name: 'cPCA, alpha = 2 (the simulation)',
    size: `${nT} + ${nB} x ${p}`,
    job: { kind: 'cpca', files: [tFile, bFile], rows: [nT, nB], p, k: 2, alpha: 2, repeats },
    python: ['cpca', tFile, String(nT), bFile, String(nB), String(p), '2', String(repeats)],
  },
  {
    name: 'cPCA, automatic alpha (the simulation)',
    size: `${nT} + ${nB} x ${p}`,
    job: { kind: 'cpca', files: [tFile, bFile], rows: [nT, nB], p, k: 2, alpha: 'auto', repeats },
    python: ['cpca', tFile, String(nT), bFile, String(nB), String(p), 'auto', String(repeats)],
  },
];
/** One fit's measurement, whichever side made it. */
interface Fit { ms: number; maxRssMb: number; solver: string; alphas: number[] | null }
try {
  for (const c of cases) {
    const reference = c.job.kind === 'pca' ? 'scikit-learn PCA' : 'cPCA reference algorithm (NumPy, scikit-learn)';
    const contenders: { label: string; run: () => Outcome<Fit> }[] = [{
      label: reference,
      run: () => {
        const py = runPython(c.python);
        if (failed(py)) return py;
        notes.add(`Python: ${values['sklearn-python']} with scikit-learn ${py.sklearn}, NumPy ${py.numpy}${py.blas ? `, ${py.blas.internal_api} ${py.blas.version} on ${py.blas.num_threads} threads` : ''}`);
        return { ms: py.ms_per_fit, maxRssMb: py.max_rss_mb, solver: py.solver, alphas: py.alphas };
      },
    }];
    const paths: [string, NodeJS.ProcessEnv][] = [['@bcnmf/baselines', measuredEnv]];
    if (values.js) paths.push(['@bcnmf/baselines, JavaScript only (BCNMF_BLAS=off)', { ...measuredEnv, BCNMF_BLAS: 'off' }]);
    for (const [label, env] of paths) contenders.push({ label, run: () => runOurs(c.job, env) });
    const measured = await runRounds(contenders.map((x) => x.run), { rounds });
    const msOf = (i: number) => measured.results[i].map((m) => m?.ms ?? null);
    contenders.forEach(({ label }, i) => {
      const ok = measured.results[i].filter((m): m is Fit => m !== null);
      const errors = measured.errors[i].filter((e): e is string => e !== undefined);
      if (errors.length > 0) notes.add(`${c.name}, ${label}: failed in ${errors.length} of ${rounds} rounds: ${errors[0]}`);
      if (ok.length === 0) return;
      const last = ok[ok.length - 1];
      const summary = ratioSummary(msOf(0), msOf(i));
      const cells = i === 0 ? { median: '1.00', spread: '—' } : ratioCells(summary);
      const count = i === 0 ? ok.length : summary.count;
      lines.push(`| ${c.name} | ${c.size} | ${label} | ${last.solver} | ${fmt(medianOf(ok.map((m) => m.ms))!)} | ${cells.median} | ${cells.spread} | ${count}/${rounds} | ${Math.max(...ok.map((m) => m.maxRssMb)).toFixed(0)} | ${alphasText(last.alphas)} | ${loadCell(measured)} |`);
      console.log(lines[lines.length - 1]);
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const loadAfter = loadavg().map((v) => v.toFixed(2)).join(', ');
const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
const openblas = (() => {
  try {
    return execFileSync('sh', ['-c', 'ls /usr/lib/x86_64-linux-gnu/libopenblas*.so.0 2>/dev/null | head -1'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();
const doc = [
  '# PCA and cPCA against scikit-learn',
  '',
  `Written by \`node --conditions=source --import tsx benchmarks/src/pca-cpca.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 10)}.`,
  '',
  `Machine: ${model}, ${cpus().length} cores; Node ${process.version}; load average ${loadBefore} before, ${loadAfter} after.`,
  `Our linear algebra: ${linalg.path === 'native' ? `native (${linalg.library}${openblas ? `, ${openblas}` : ''})` : `JavaScript (${linalg.reason})`}.`,
  '',
  `Method: each case runs in ${rounds} rounds, every implementation once per round in a process of its own (a warm-up fit, then ${repeats === 1 ? 'one timed fit' : `the median of ${repeats} timed fits`}), in alternating order (reversed every other round), so that the load of this shared machine falls on both sides alike.`,
  'A ratio is taken within each round (ours / scikit-learn, same round); the table gives the median ms over the rounds, the median of the per-round ratios with their spread (min–max), the rounds that gave a ratio, and the 1-minute load average at the start → end of the case\'s rounds.',
  `Data: the full-size simulation's beta = 2, seed 0 (log1p(CP10K) of ${nT} target and ${nB} background cells x ${p} genes${scale !== 1 ? `, scale ${scale}` : ''}), as \`bcnmf reproduce simulation\` fits it; uniform [0, 1) data for the second PCA case.`,
  '',
  ...lines,
  '',
  '### Notes',
  '',
  ...(values['blas-threads'] ? [`- OPENBLAS_NUM_THREADS=${values['blas-threads']} for every measured process (both sides).`] : []),
  ...(unsetVariables.length > 0 ? [`- Unset for the measured processes only (both sides): ${unsetVariables.join(', ')}.`] : []),
  '- scikit-learn PCA: its default solver (the "solver, path" column says which one `svd_solver=\'auto\'` chose). Ours: `method: \'auto\'`, which takes the top eigenpairs of the smaller of Z Zᵀ and ZᵀZ (`\'gram\'`) for a few components of a large matrix.',
  '- cPCA: both sides run the reference algorithm (ALGORITHM.md §5) on the same data: 41 candidate alphas for the automatic choice. The Python side uses `numpy.linalg.eig` per alpha, as the reference package does, and scikit-learn\'s PCA (randomized above 500 x 500) for the pre-projection; ours LAPACK `dsyevr` for the top eigenpairs only and an exact pre-projection. Its spectral clustering is seeded here (unseeded in the package), so its returned alphas are repeatable; they can differ from ours where the two pre-projections differ.',
  ...[...notes].map((n) => `- ${n}`),
  '',
].join('\n');
if (!values['no-write']) writeFileSync(join(values.out!, 'PCA-CPCA.md'), doc);
console.log(doc);
