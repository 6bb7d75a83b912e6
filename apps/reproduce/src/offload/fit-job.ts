import { getMethod } from '@bcnmf/baselines';

/** A matrix as it crosses between processes (structured clone). */
export interface PlainMatrix {
  data: Float32Array | Float64Array;
  shape: [number, number];
}

/** A PCA or cPCA fit that another process can run: the data, the method and its options (seed included). */
export interface FitJob {
  target: PlainMatrix;
  background: PlainMatrix;
  method: 'pca' | 'cpca';
  options: Record<string, unknown>;
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

/** A matrix's data and shape, for a message (the typed array is copied by the structured clone). */
export function plain(m: { data: ArrayLike<number>; shape: readonly number[] }): PlainMatrix {
  const data = m.data instanceof Float32Array || m.data instanceof Float64Array ? m.data : Float64Array.from(m.data);
  return { data, shape: [m.shape[0], m.shape[1]] };
}

/** Fits a job's data (in whatever process calls it). */
export async function runFitJob(job: FitJob): Promise<FitJobResult> {
  const method = getMethod(job.method);
  const started = performance.now();
  const fitted = await method.fit(job.target, method.usesBackground ? job.background : null, job.options);
  const out: FitJobResult = { name: fitted.name, seconds: (performance.now() - started) / 1000, embedding: plain(fitted.embedding) };
  if (job.method === 'cpca') {
    const model = fitted as typeof fitted & { alpha: number; alphas: number[]; results: { alpha: number; embedding: { data: ArrayLike<number>; shape: readonly number[] } }[] };
    out.alpha = model.alpha;
    out.alphas = [...model.alphas];
    out.results = model.results.map((r) => ({ alpha: r.alpha, embedding: plain(r.embedding) }));
  }
  return out;
}
