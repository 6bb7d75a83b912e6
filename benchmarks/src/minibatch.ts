// Minibatch bcNMF on sparse data bigger than it needs to be in memory: time per epoch and
// peak resident memory at several sizes. Each size runs in its own child process, so its
// peak RSS is its own. Data are generated to --data-dir (not committed) when missing.
//
// Usage: node --conditions=source --import tsx benchmarks/src/minibatch.ts
//          [--rows 100000,300000,1000000] [--columns 2000] [--density 0.05]
//          [--background-fraction 0.2] [--epochs 2] [--batch-size 10000] [--k 10]
//          [--backend wasm] [--data-dir /tmp/bcnmf-bench]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
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
    backend: { type: 'string', default: 'wasm' },
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

async function child(spec: { target: string; background: string; epochs: number; batchSize: number; k: number; backend: string }): Promise<void> {
  const { fitBcnmf } = await import('bcnmf');
  const { openH5adSource } = await import('@bcnmf/data');
  const target = await openH5adSource(spec.target);
  const background = await openH5adSource(spec.background);
  const epochEnds: number[] = [];
  const started = performance.now();
  const model = await fitBcnmf(target, background, {
    k: spec.k,
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
  console.log(`Minibatch bcNMF (Frobenius, k = ${values.k}, batches of ${values['batch-size']} samples, backend ${values.backend}), ` +
    `${columns} features at ${density * 100}% density, background = ${fraction} x target rows; one child process per size`);
  console.log('| target samples | background samples | epochs | seconds / epoch (each) | peak RSS (MiB) |');
  console.log('|---|---|---|---|---|');
  for (const rows of values.rows!.split(',').map(Number)) {
    const backgroundRows = Math.max(1, Math.round(rows * fraction));
    const target = join(dataDir, `target-${rows}x${columns}-${density}.h5ad`);
    const background = join(dataDir, `background-${backgroundRows}x${columns}-${density}.h5ad`);
    if (!existsSync(target)) await generateSparseH5ad(target, { rows, columns, density, seed: 0, role: 'target' });
    if (!existsSync(background)) await generateSparseH5ad(background, { rows: backgroundRows, columns, density, seed: 0, role: 'background' });
    const spec = {
      target, background, epochs: Number(values.epochs), batchSize: Number(values['batch-size']), k: Number(values.k), backend: values.backend!,
    };
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(spec)], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (run.status !== 0) {
      console.log(`| ${rows} | ${backgroundRows} | failed: ${run.stderr.trim().split('\n').pop()} | | |`);
      continue;
    }
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as ChildResult;
    console.log(`| ${rows} | ${backgroundRows} | ${result.epochs} | ${result.secondsPerEpoch.map((s) => s.toFixed(1)).join(', ')} | ${result.peakRssMiB.toFixed(0)} |`);
  }
}

await main();
