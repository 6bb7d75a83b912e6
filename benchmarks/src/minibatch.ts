// Minibatch bcNMF on sparse data bigger than it needs to be in memory: time per epoch and
// peak resident memory at several sizes. Each size runs in its own child process, so its
// peak RSS is its own. Data are generated to --data-dir (not committed) when missing.
//
// Usage: node --conditions=source --import tsx benchmarks/src/minibatch.ts
//          [--rows 100000,300000,1000000] [--columns 2000] [--density 0.05]
//          [--background-fraction 0.2] [--epochs 2] [--batch-size 10000] [--k 10]
//          [--loss frobenius|poisson] [--backends cpu,webgpu] [--data-dir /tmp/bcnmf-bench]
// Each size runs on every backend named, in the order given, and the last epoch's time
// of each is compared with the first backend's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000,300000,1000000' },
    columns: { type: 'string', default: '2000' },
    density: { type: 'string', default: '0.05' },
    'background-fraction': { type: 'string', default: '0.2' },
    epochs: { type: 'string', default: '2' },
    'batch-size': { type: 'string', default: '10000' },
    k: { type: 'string', default: '10' },
    backends: { type: 'string', default: 'cpu' },
    backend: { type: 'string' }, // one backend (older spelling of --backends)
    loss: { type: 'string', default: 'frobenius' },
    'data-dir': { type: 'string', default: '/tmp/bcnmf-bench' },
    child: { type: 'string' },
  },
});

interface ChildResult {
  rows: number;
  backgroundRows: number;
  nnz: number;
  epochs: number;
  secondsPerEpoch: number[];
  peakRssMiB: number;
  finalScore: number;
}

async function child(spec: { target: string; background: string; epochs: number; batchSize: number; k: number; backend: string; loss: 'frobenius' | 'poisson' }): Promise<void> {
  const { fitBcnmf } = await import('bcnmf');
  const { openH5adSource } = await import('@bcnmf/data');
  const target = await openH5adSource(spec.target);
  const background = await openH5adSource(spec.background);
  const epochEnds: number[] = [];
  const started = performance.now();
  const model = await fitBcnmf(target, background, {
    k: spec.k,
    loss: spec.loss,
    alpha: 1,
    maxIter: spec.epochs,
    tol: 0,
    scoreEvery: 1,
    batchSize: spec.batchSize,
    backend: spec.backend,
    onProgress: () => epochEnds.push(performance.now()),
  });
  const seconds = epochEnds.map((t, i) => (t - (i === 0 ? started : epochEnds[i - 1])) / 1000);
  await target.close();
  await background.close();
  const result: ChildResult = {
    rows: target.rows,
    backgroundRows: background.rows,
    nnz: 0,
    epochs: model.iterations,
    secondsPerEpoch: seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    finalScore: model.finalScore,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function main(): Promise<void> {
  if (values.child) {
    await child(JSON.parse(values.child));
    return;
  }
  const { generateSparseH5ad } = await import('@bcnmf/data');
  const dataDir = values['data-dir']!;
  mkdirSync(dataDir, { recursive: true });
  const columns = Number(values.columns);
  const density = Number(values.density);
  const fraction = Number(values['background-fraction']);
  const backends = (values.backend ?? values.backends!).split(',');
  const loss = values.loss;
  if (loss !== 'frobenius' && loss !== 'poisson') throw new Error(`--loss must be frobenius or poisson, got '${loss}'`);
  console.log(`Minibatch bcNMF (${loss}, k = ${values.k}, batches of ${values['batch-size']} samples, backends ${backends.join(', ')}), ` +
    `${columns} features at ${density * 100}% density, background = ${fraction} x target rows; one child process per size and backend; ` +
    `load average ${loadavg().map((l) => l.toFixed(2)).join(', ')} at the start`);
  console.log('| backend | target samples | background samples | epochs | seconds / epoch (each) | epochs / s (last epoch) | peak RSS (MiB) |');
  console.log('|---|---|---|---|---|---|---|');
  const ratios: string[] = [];
  for (const rows of values.rows!.split(',').map(Number)) {
    const backgroundRows = Math.max(1, Math.round(rows * fraction));
    const target = join(dataDir, `target-${rows}x${columns}-${density}.h5ad`);
    const background = join(dataDir, `background-${backgroundRows}x${columns}-${density}.h5ad`);
    if (!existsSync(target)) await generateSparseH5ad(target, { rows, columns, density, seed: 0, role: 'target' });
    if (!existsSync(background)) await generateSparseH5ad(background, { rows: backgroundRows, columns, density, seed: 0, role: 'background' });
    const lastEpoch = new Map<string, number>();
    for (const backend of backends) {
      const spec = {
        target, background, epochs: Number(values.epochs), batchSize: Number(values['batch-size']), k: Number(values.k), backend, loss,
      };
      const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(spec)], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      if (run.status !== 0) {
        console.log(`| ${backend} | ${rows} | ${backgroundRows} | failed: ${run.stderr.trim().split('\n').pop()} | | | |`);
        continue;
      }
      const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as ChildResult;
      if (!Number.isFinite(result.finalScore)) {
        console.log(`| ${backend} | ${rows} | ${backgroundRows} | failed: the final score is ${result.finalScore} | | | |`);
        continue;
      }
      const last = result.secondsPerEpoch.at(-1)!;
      lastEpoch.set(backend, last);
      console.log(`| ${backend} | ${rows} | ${backgroundRows} | ${result.epochs} | ${result.secondsPerEpoch.map((s) => s.toFixed(1)).join(', ')} | ` +
        `${(1 / last).toFixed(3)} | ${result.peakRssMiB.toFixed(0)} |`);
    }
    const first = lastEpoch.get(backends[0]);
    for (const backend of backends.slice(1)) {
      const seconds = lastEpoch.get(backend);
      if (first && seconds) ratios.push(`${rows} samples: ${backend} takes ${(seconds / first).toFixed(2)}x ${backends[0]}'s time per epoch (last epochs)`);
    }
  }
  if (ratios.length) console.log(['', ...ratios].join('\n'));
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(', ')} at the end`);
}

await main();
