// Writes a large sparse count matrix with a planted low-rank (topic) structure to an
// .h5ad file (CSR X, written in row chunks), and optionally a background file with the
// shared topics only. Output goes where --out says (keep it out of the repository).
//
//   node --conditions=source --import tsx scripts/generate-sparse.ts \
//     --rows 1000000 --columns 2000 --density 0.05 --seed 0 --out /tmp/big.h5ad \
//     [--topics 8 --target-topics 2] [--background-rows N --background-out PATH] [--quiet]
//
// Prints one JSON line per file written (shape, nnz, density, seconds) and at the end the
// process's peak resident size (maxRSS).
import { parseArgs } from 'node:util';
import { generateSparseH5ad } from '../packages/data/src/index.js';
import type { GenerateSparseOptions } from '../packages/data/src/index.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    columns: { type: 'string' },
    density: { type: 'string' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string' },
    topics: { type: 'string' },
    'target-topics': { type: 'string' },
    'background-rows': { type: 'string' },
    'background-out': { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
  strict: true,
});

function number(name: string, text: string | undefined): number {
  const v = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(v)) {
    console.error(`--${name} needs a number, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`);
    process.exit(2);
  }
  return v;
}

if (values.out === undefined) {
  console.error('--out PATH is required (an .h5ad file, outside the repository, e.g. /tmp/big.h5ad)');
  process.exit(2);
}
if ((values['background-rows'] === undefined) !== (values['background-out'] === undefined)) {
  console.error('--background-rows and --background-out go together');
  process.exit(2);
}

const common: Omit<GenerateSparseOptions, 'rows'> = {
  columns: number('columns', values.columns),
  density: number('density', values.density),
  seed: number('seed', values.seed),
  ...(values.topics !== undefined ? { topics: number('topics', values.topics) } : {}),
  ...(values['target-topics'] !== undefined ? { targetTopics: number('target-topics', values['target-topics']) } : {}),
};

function progress(label: string): GenerateSparseOptions['onProgress'] {
  if (values.quiet) return undefined;
  let last = -1;
  return (done, rows) => {
    const pct = Math.floor((100 * done) / rows / 10) * 10;
    if (pct !== last) {
      last = pct;
      process.stderr.write(`${label}: ${pct}% (${done} rows)\n`);
    }
  };
}

const jobs: [string, GenerateSparseOptions][] = [
  [values.out, { ...common, rows: number('rows', values.rows), role: 'target', onProgress: progress('target') }],
];
if (values['background-out'] !== undefined) {
  jobs.push([
    values['background-out'],
    { ...common, rows: number('background-rows', values['background-rows']), role: 'background', onProgress: progress('background') },
  ]);
}
try {
  for (const [path, options] of jobs) {
    const t0 = performance.now();
    const info = await generateSparseH5ad(path, options);
    const seconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ ...info, seconds: Number(seconds.toFixed(1)) }));
  }
  console.log(JSON.stringify({ maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
