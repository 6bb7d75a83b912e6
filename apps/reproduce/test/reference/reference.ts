// The independent side of the end-to-end tests: the data read here with plain parsers,
// the random starts drawn here, and every fit and score recomputed in float64 by
// pipeline.py (NumPy and scikit-learn), for comparison with what an experiment (or the
// CLI's compare) reports. Needs Debian's python3-sklearn; without it the tests skip, with
// the reason.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./pipeline.py', import.meta.url));

let probed: string | false | undefined;
/** False where the reference can run, else why not (a skip reason). */
export function referenceUnavailable(): string | false {
  if (probed === undefined) {
    const probe = spawnSync(PYTHON, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' });
    probed = probe.status === 0 ? false : `needs Debian python3-sklearn for ${PYTHON} (apt-get install python3-sklearn)`;
    if (probed) console.log(`# skipping the float64 reference recomputations: ${probed}`);
  }
  return probed;
}

export type MethodName = 'pca' | 'cpca' | 'nmf' | 'bcnmf';

/** One method on one data set, scored one way. */
export interface ReferenceCase {
  id: string;
  dataset: string;
  method: MethodName;
  options: Record<string, unknown>;
  /** nmf / bcnmf: where the fit under test started (see {@link randomStart}). */
  init?: RandomStart;
  labels: (string | number)[] | null;
  /** k-means (scikit-learn) with each seed, then ARI; 'none': no scoring here (e.g. the UMAP protocol, scored by the caller). */
  scoring: { protocol: 'raw' | 'row-normalized' | 'none'; k?: number; nInit?: number; seeds: number[] };
}

export interface ReferenceResult {
  id: string;
  /** samples x components, float64. */
  embedding: number[][];
  /** One ARI per scoring seed (empty for scoring 'none'). */
  aris: number[];
  /** cPCA: 0 and the selected alphas. */
  alphas?: number[];
  /** cPCA: the alpha whose embedding is {@link embedding}. */
  alpha?: number;
  /** cPCA with automatic alpha: the embedding at each of {@link alphas}. */
  alphaEmbeddings?: number[][][];
  /** cPCA with automatic alpha: per alpha, one ARI per scoring seed. */
  alphaAris?: number[][];
}

export interface ReferenceData {
  target: number[][];
  background: number[][] | null;
}

/** Runs pipeline.py on the cases; throws with its message when it refuses a setting. */
export function runReference(datasets: Record<string, ReferenceData>, cases: ReferenceCase[]): Map<string, ReferenceResult> {
  const run = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify({ datasets, cases }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  if (run.status !== 0) throw new Error(`pipeline.py failed (${run.status}): ${run.stderr}`);
  const out = JSON.parse(run.stdout) as { cases: ReferenceResult[] };
  return new Map(out.cases.map((c) => [c.id, c]));
}

/**
 * The random start of @bcnmf/core's 'random' init for `seed` (first start): W
 * (k x features), then the target's coefficients (samples x k), then the background's,
 * uniform in [0, 1) from seedrandom's Alea seeded `bcnmf:init:<seed>:0`, stored as
 * float32. This is the documented start (core's init/initial-factors.ts); if it
 * changes, the recomputations below disagree and say so.
 */
export interface RandomStart {
  W: number[][];
  Ht: number[][];
  Hb?: number[][];
}

export function randomStart(seed: number, k: number, features: number, targetRows: number, backgroundRows?: number): RandomStart {
  const random = seedrandom.alea(`bcnmf:init:${seed}:0`);
  const block = (rows: number, cols: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround(random())));
  const W = block(k, features);
  const Ht = block(targetRows, k);
  return backgroundRows === undefined ? { W, Ht } : { W, Ht, Hb: block(backgroundRows, k) };
}

/** A comma-separated file without quotes, as rows of fields (a leading BOM dropped). */
function plainCsv(path: string): string[][] {
  return readFileSync(path, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','));
}

/**
 * The mnist-flowers files as ../shared/datasets/README.md describes them: pixels in rows,
 * images in columns (first column the pixel index), and `sample,digit` labels.
 */
export function readMnistFlowers(dataDir: string): ReferenceData & { labels: string[] } {
  const dir = join(dataDir, 'mnist-flowers');
  const images = (file: string) => {
    const [header, ...rows] = plainCsv(join(dir, file));
    const names = header.slice(1);
    const samples = names.map((_, c) => rows.map((r) => Number(r[c + 1])));
    return { names, samples };
  };
  const target = images('target_images.csv');
  const background = images('background_images.csv');
  const digit = new Map(plainCsv(join(dir, 'target_labels.csv')).slice(1).map(([sample, d]) => [sample, d]));
  const labels = target.names.map((n) => {
    const d = digit.get(n);
    if (d === undefined) throw new Error(`no label for ${n}`);
    return d;
  });
  return { target: target.samples, background: background.samples, labels };
}

/**
 * The mouse protein split of ALGORITHM.md §7: target = classes c-SC-s and t-SC-s,
 * background = c-CS-s, in file order; the 77 `_N` columns; a missing value filled with its
 * column's mean over the selected rows (`fill` 'mean', the table's setting) or with 0
 * ('zero', the reference notebook's reading); labels = Genotype.
 */
export function readMiceProtein(dataDir: string, fill: 'mean' | 'zero' = 'mean'): ReferenceData & { labels: string[] } {
  const [header, ...rows] = plainCsv(join(dataDir, 'mice-protein', 'Data_Cortex_Nuclear.csv'));
  const features = header.map((h, j) => (h.endsWith('_N') ? j : -1)).filter((j) => j >= 0);
  const cls = header.indexOf('class');
  const genotype = header.indexOf('Genotype');
  const target = rows.filter((r) => r[cls] === 'c-SC-s' || r[cls] === 't-SC-s');
  const background = rows.filter((r) => r[cls] === 'c-CS-s');
  const selected = [...target, ...background];
  const means = features.map((j) => {
    const present = selected.map((r) => r[j]).filter((v) => v !== '').map(Number);
    return present.reduce((s, v) => s + v, 0) / present.length;
  });
  const values = (r: string[]) => features.map((j, f) => (r[j] === '' ? (fill === 'zero' ? 0 : means[f]) : Number(r[j])));
  return { target: target.map(values), background: background.map(values), labels: target.map((r) => r[genotype]) };
}
