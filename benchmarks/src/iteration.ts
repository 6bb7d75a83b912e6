// Milliseconds per bcNMF iteration of this project's backends against the NumPy
// reference formulas, timed in the same run on the same machine, with their ratio.
//
// Usage: pnpm bench [--features M] [--target N] [--background N] [--k K]
//                   [--iterations I] [--backends wasm,cpu] [--losses frobenius,poisson]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fitBcnmf, type Loss } from '@bcnmf/core';
import seedrandom from 'seedrandom';

const { values } = parseArgs({
  options: {
    features: { type: 'string', default: '2000' },
    target: { type: 'string', default: '2000' },
    background: { type: 'string', default: '2000' },
    k: { type: 'string', default: '20' },
    iterations: { type: 'string', default: '10' },
    backends: { type: 'string', default: 'wasm,cpu' },
    losses: { type: 'string', default: 'frobenius,poisson' },
    python: { type: 'string', default: 'python3' },
  },
});
const features = Number(values.features);
const nTarget = Number(values.target);
const nBackground = Number(values.background);
const k = Number(values.k);
const iterations = Number(values.iterations);

function uniform(rows: number, columns: number, seed: string) {
  const random = seedrandom(seed);
  const data = new Float32Array(rows * columns);
  for (let i = 0; i < data.length; i++) data[i] = random();
  return { data, shape: [rows, columns] as [number, number] };
}

const target = uniform(nTarget, features, 'target');
const background = uniform(nBackground, features, 'background');

/** ms per iteration: the difference of two fits, so set-up and transfers cancel. */
async function ourMsPerIteration(backend: string, loss: Loss): Promise<number> {
  const time = async (maxIter: number): Promise<number> => {
    const started = performance.now();
    await fitBcnmf(target, background, { k, loss, maxIter, tol: 0, scoreEvery: maxIter, backend });
    return performance.now() - started;
  };
  await time(1); // warm-up: backend start, kernel compilation
  const samples: number[] = [];
  for (let r = 0; r < 3; r++) samples.push(((await time(1 + iterations)) - (await time(1))) / iterations);
  samples.sort((a, b) => a - b);
  return samples[1];
}

function numpyMsPerIteration(loss: Loss): number | null {
  const script = fileURLToPath(new URL('../reference/numpy_bcnmf.py', import.meta.url));
  const run = spawnSync(values.python!, [script, String(features), String(nTarget), String(nBackground), String(k), String(iterations), loss], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    console.error(`NumPy reference failed (${values.python}): ${run.stderr.trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(run.stdout.trim().split('\n').pop()!).ms_per_iteration;
}

console.log(`bcNMF iteration, ${features} features, ${nTarget} + ${nBackground} samples, k = ${k}, float32, median of 3`);
console.log('| loss | implementation | ms / iteration | ratio to NumPy |');
console.log('|---|---|---|---|');
for (const loss of values.losses!.split(',') as Loss[]) {
  const reference = numpyMsPerIteration(loss);
  if (reference !== null) console.log(`| ${loss} | NumPy reference formulas | ${reference.toFixed(1)} | 1.00 |`);
  for (const backend of values.backends!.split(',')) {
    const ms = await ourMsPerIteration(backend, loss);
    const ratio = reference === null ? 'n/a' : (ms / reference).toFixed(2);
    console.log(`| ${loss} | bcnmf, backend ${backend} | ${ms.toFixed(1)} | ${ratio} |`);
  }
}
