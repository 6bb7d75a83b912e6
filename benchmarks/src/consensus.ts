// Consensus bcNMF's cost: a 20-restart consensus (one upload of the data, every start on
// it, then the topic clustering and one coefficient fit) against 20 separate fitBcnmf
// calls (each checks and uploads the data itself), and whether running restarts
// concurrently in two processes (one native thread each) beats one process whose native
// kernels use both cores. Each measurement runs in its own child process; the rows of a
// data set are measured in --rounds rounds (rounds.ts: each once per round, the order
// reversed every other round), and each row's time is compared with the separate calls'
// of the same round: the median of those per-round ratios, their min–max, and the load at
// the start and end of the rounds. Writes CONSENSUS.md (at least 5 rounds).
//
// Usage: node --conditions=source --import tsx benchmarks/src/consensus.ts
//          [--sizes mouse,2000] [--restarts 20] [--max-iter 100] [--rounds 5] [--no-write]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCell, median, parseRounds, ratioCells, ratioSummary, runRounds } from './rounds.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'mouse,2000' },
    restarts: { type: 'string', default: '20' },
    'max-iter': { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
    'data-dir': { type: 'string', default: fileURLToPath(new URL('../../../shared/datasets', import.meta.url)) },
    'no-write': { type: 'boolean' },
    child: { type: 'string' },
  },
});

/** What a child measures. */
interface ChildSpec {
  size: string;
  mode: 'separate' | 'every-start' | 'consensus';
  /** Starts this child runs, and the first one's index (the concurrent halves run 0-9 and 10-19). */
  starts: number;
  first: number;
  maxIter: number;
  dataDir: string;
}

interface Problem {
  target: unknown;
  background: unknown;
  k: number;
  alpha: number;
  label: string;
}

async function problem(size: string, dataDir: string): Promise<Problem> {
  const { loadMiceProtein, log1p, normalizeTotal, simulateBetaSeries } = await import('@bcnmf/data');
  if (size === 'mouse') {
    const mice = await loadMiceProtein({ dataDir });
    return { target: mice.target, background: mice.background, k: 15, alpha: 1, label: 'mouse protein, 77 features x 270 + 135 samples, K=15, alpha 1' };
  }
  const n = Number(size);
  // the programs scaled with the genes (3,000 at scale 1); the cells set apart
  const sim = simulateBetaSeries({ beta: 2, seed: 0, scale: n / 3000, nGenes: n, nTarget: n, nBackground: n });
  return {
    target: log1p(normalizeTotal(sim.target)),
    background: log1p(normalizeTotal(sim.background)),
    k: 10,
    alpha: 2,
    label: `simulation (beta 2), ${n} features x ${n} + ${n} samples, log1p(CP10K), K=10, alpha 2`,
  };
}

async function child(spec: ChildSpec): Promise<void> {
  const { fitBcnmf, fitEveryStart } = await import('bcnmf');
  const { consensusBcnmf } = await import('@bcnmf/consensus');
  const p = await problem(spec.size, spec.dataDir);
  const options = { k: p.k, alpha: p.alpha, maxIter: spec.maxIter, tol: 0, onWarning: () => {} };
  // a warm-up fit: the backend's first run (kernel loading, tfjs set-up) is not part of any mode
  await fitBcnmf(p.target as never, p.background as never, { ...options, maxIter: 2 });
  const started = performance.now();
  if (spec.mode === 'separate') {
    for (let s = spec.first; s < spec.first + spec.starts; s++) await fitBcnmf(p.target as never, p.background as never, { ...options, seed: s });
  } else if (spec.mode === 'every-start') {
    await fitEveryStart(p.target as never, p.background as never, { ...options, nStarts: spec.starts, seed: 0 });
  } else {
    await consensusBcnmf(p.target as never, p.background as never, { ...options, restarts: spec.starts, seed: 0 });
  }
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000 }) + '\n');
}

const childArgs = (spec: ChildSpec) => ['--conditions=source', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(spec)];

function runChild(spec: ChildSpec, threads?: number): number {
  const env = { ...process.env, ...(threads !== undefined ? { BCNMF_THREADS: String(threads) } : {}) };
  const run = spawnSync(process.execPath, childArgs(spec), { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`child failed: ${run.stderr.trim().split('\n').pop()}`);
  return (JSON.parse(run.stdout.trim().split('\n').pop()!) as { seconds: number }).seconds;
}

/** Two children at once, one native thread each: the wall time until both are done (their own clocks start after set-up). */
async function runPair(specs: [ChildSpec, ChildSpec]): Promise<number> {
  const results = await Promise.all(specs.map((spec) => new Promise<number>((resolve, reject) => {
    const proc = spawn(process.execPath, childArgs(spec), { env: { ...process.env, BCNMF_THREADS: '1' } });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('close', (code) => (code === 0 ? resolve((JSON.parse(out.trim().split('\n').pop()!) as { seconds: number }).seconds) : reject(new Error(err.trim().split('\n').pop()))));
  })));
  return Math.max(...results);
}


async function main(): Promise<void> {
  if (values.child) {
    await child(JSON.parse(values.child) as ChildSpec);
    return;
  }
  const restarts = Number(values.restarts);
  const maxIter = Number(values['max-iter']);
  let rounds: number;
  try {
    rounds = parseRounds(values.rounds!, { writes: !values['no-write'], quick: false });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const dataDir = values['data-dir']!;
  const lines: string[] = [];
  const say = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  const model = spawnSync('lscpu', [], { encoding: 'utf8' }).stdout?.split('\n').find((l) => l.startsWith('Model name'))?.split(':')[1]?.trim() ?? cpus()[0]?.model;
  say('# Consensus bcNMF: restarts on one upload, and concurrency');
  say('');
  say(`Machine: ${model}, ${cpus().length} cores; Node ${process.version}; backend: the default (cpu with its native kernels where built). Date ${new Date().toISOString().slice(0, 10)}.`);
  say(`Each row: ${restarts} starts of ${maxIter} iterations (tol 0), each run its own child process after a warm-up fit; the rows of a data set run in ${rounds} rounds, ` +
    'each row once per round in alternating order (reversed every other round), so that the load of this shared machine falls on all of them alike. ' +
    'Seconds: the median over the rounds; ratio: the median of the per-round ratios row / separate calls (same round), with their min–max; ' +
    'load: the 1-minute load average at the start → end of the data set\'s rounds.');
  say('');
  say('| data | what | seconds (median) | ratio to separate calls (median) | ratio spread (min–max) | each round | load |');
  say('|---|---|---:|---:|---:|---|---|');
  for (const size of values.sizes!.split(',')) {
    if (size === 'mouse' && !existsSync(join(dataDir, 'mice-protein'))) {
      say(`| mouse | not run: no ${join(dataDir, 'mice-protein')} | | | |`);
      continue;
    }
    const label = (await problem(size, dataDir)).label;
    const spec = (mode: ChildSpec['mode'], starts = restarts, first = 0): ChildSpec => ({ size, mode, starts, first, maxIter, dataDir });
    const rows: [string, () => Promise<number> | number][] = [
      [`${restarts} separate fitBcnmf calls (each uploads the data)`, () => runChild(spec('separate'))],
      [`fitEveryStart, ${restarts} starts on one upload`, () => runChild(spec('every-start'))],
      [`consensusBcnmf, ${restarts} restarts (one upload + clustering + coefficient fit)`, () => runChild(spec('consensus'))],
      [`fitEveryStart, ${restarts} starts, 1 native thread`, () => runChild(spec('every-start'), 1)],
      [`2 processes at once, ${restarts / 2} starts each (fitEveryStart), 1 native thread each`, () => runPair([spec('every-start', restarts / 2, 0), spec('every-start', restarts / 2, restarts / 2)])],
    ];
    const measured = await runRounds(rows.map(([, measure]) => measure), { rounds });
    const failure = measured.errors.flat().find((e) => e !== undefined);
    if (failure !== undefined) throw new Error(failure);
    const times = measured.results as number[][];
    rows.forEach(([what], i) => {
      const cells = i === 0 ? { median: '1.00', spread: '—' } : ratioCells(ratioSummary(times[0], times[i]));
      say(`| ${label} | ${what} | ${median(times[i])!.toFixed(2)} | ${cells.median} | ${cells.spread} | ${times[i].map((t) => t.toFixed(2)).join(', ')} | ${loadCell(measured)} |`);
    });
  }
  if (!values['no-write']) {
    const path = fileURLToPath(new URL('../CONSENSUS.md', import.meta.url));
    writeFileSync(path, lines.join('\n') + '\n');
    console.log(`wrote ${path}`);
  }
}

await main();
