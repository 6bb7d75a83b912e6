import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A matrix as plain row-major numbers (a DenseMatrix of @bcnmf/core is one). */
export interface RowMajor {
  data: ArrayLike<number>;
  shape: readonly [number, number] | readonly number[];
}

/** Two coordinates per sample, with what they are. */
export interface EmbeddingCoordinates {
  x: Float64Array;
  y: Float64Array;
  xLabel: string;
  yLabel: string;
  /** The same two coordinates for other samples of the same k (e.g. the background's coefficients). */
  project: (other: RowMajor) => { x: Float64Array; y: Float64Array };
}

/**
 * Two coordinates per sample of an embedding (samples x k) for a scatter: with one topic,
 * the sample index against it; with two, the two topics; with more, the first two
 * principal components of the embedding (the top eigenvectors of its k x k covariance,
 * ml-matrix's symmetric eigendecomposition; each vector's sign set so that its largest
 * entry is positive). `project` maps other samples the same way (same mean and axes).
 *
 * @example
 * embeddingCoordinates({ data: [1, 0, 0, 1], shape: [2, 2] }).xLabel; // 'topic_1'
 */
export function embeddingCoordinates(H: RowMajor, topicNames?: readonly string[]): EmbeddingCoordinates {
  const [n, k] = H.shape;
  const name = (t: number) => topicNames?.[t] ?? `topic_${t + 1}`;
  if (k === 1) {
    const project = (m: RowMajor) => ({ x: Float64Array.from({ length: m.shape[0] }, (_, i) => i), y: Float64Array.from({ length: m.shape[0] }, (_, i) => m.data[i]) });
    return { ...project(H), xLabel: 'sample', yLabel: name(0), project };
  }
  if (k === 2) {
    const project = (m: RowMajor) => ({
      x: Float64Array.from({ length: m.shape[0] }, (_, i) => m.data[i * 2]),
      y: Float64Array.from({ length: m.shape[0] }, (_, i) => m.data[i * 2 + 1]),
    });
    return { ...project(H), xLabel: name(0), yLabel: name(1), project };
  }
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) mean[t] += H.data[i * k + t] / n;
  const cov = Matrix.zeros(k, k);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < k; a++) {
      const da = H.data[i * k + a] - mean[a];
      for (let b = a; b < k; b++) cov.set(a, b, cov.get(a, b) + (da * (H.data[i * k + b] - mean[b])) / Math.max(1, n - 1));
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) cov.set(a, b, cov.get(b, a));
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const axes = order.slice(0, 2).map((column) => {
    const v = Float64Array.from({ length: k }, (_, t) => vectors.get(t, column));
    let largest = 0;
    for (let t = 1; t < k; t++) if (Math.abs(v[t]) > Math.abs(v[largest])) largest = t;
    if (v[largest] < 0) for (let t = 0; t < k; t++) v[t] = -v[t];
    return v;
  });
  const project = (m: RowMajor) => {
    const rows = m.shape[0];
    if (m.shape[1] !== k) throw new Error(`embeddingCoordinates: ${m.shape[1]} columns to project, the embedding has ${k}`);
    const x = new Float64Array(rows);
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      for (let t = 0; t < k; t++) {
        const d = m.data[i * k + t] - mean[t];
        x[i] += d * axes[0][t];
        y[i] += d * axes[1][t];
      }
    }
    return { x, y };
  };
  return { ...project(H), xLabel: 'PC1 of the embedding', yLabel: 'PC2 of the embedding', project };
}
