import { getMethod } from '@bcnmf/baselines';
import { simulationData, type SimulationRecipe } from '../experiments/simulation-data.js';

/** A PCA or cPCA fit that another process can run: the data's recipe, the method and its options (seed included). */
export interface FitJob {
  recipe: SimulationRecipe;
  method: 'pca' | 'cpca';
  options: Record<string, unknown>;
}

/** An embedding as it crosses between processes (structured clone). */
export interface PlainMatrix {
  data: Float64Array;
  shape: [number, number];
}

/** What a fit sends back: its embedding, and cPCA's alpha(s) with the embedding at each. */
export interface FitJobResult {
  name: string;
  /** Seconds the fit took (where it ran). */
  seconds: number;
  embedding: PlainMatrix;
  alpha?: number;
  alphas?: number[];
  results?: { alpha: number; embedding: PlainMatrix }[];
}

function plain(m: { data: ArrayLike<number>; shape: readonly number[] }): PlainMatrix {
  return { data: Float64Array.from(m.data), shape: [m.shape[0], m.shape[1]] };
}

/** Makes the data of a job and fits it (in whatever process calls it). */
export async function runFitJob(job: FitJob): Promise<FitJobResult> {
  const data = simulationData(job.recipe);
  const method = getMethod(job.method);
  const started = performance.now();
  const fitted = await method.fit(data.target, method.usesBackground ? data.background : null, job.options);
  const out: FitJobResult = { name: fitted.name, seconds: (performance.now() - started) / 1000, embedding: plain(fitted.embedding) };
  if (job.method === 'cpca') {
    const model = fitted as typeof fitted & { alpha: number; alphas: number[]; results: { alpha: number; embedding: { data: ArrayLike<number>; shape: readonly number[] } }[] };
    out.alpha = model.alpha;
    out.alphas = [...model.alphas];
    out.results = model.results.map((r) => ({ alpha: r.alpha, embedding: plain(r.embedding) }));
  }
  return out;
}
