// throwaway diagnostic (not committed): cpu vs webgpu bcNMF/NMF on mice-protein, per seed
import 'bcnmf';
import { fitBcnmf, DenseMatrix } from '@bcnmf/core';
import { loadMiceProtein } from '@bcnmf/data';
import { evaluateEmbedding } from '@bcnmf/metrics';
const data = await loadMiceProtein({ dataDir: '../shared/datasets', impute: 'zero' } as never) as any;
const labels = data.targetLabels;
const rel = (a: ArrayLike<number>, b: ArrayLike<number>) => { let w = 0; let s = 0; for (let i = 0; i < a.length; i++) { w = Math.max(w, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); } return w / s; };
const ev = (h: DenseMatrix, seed: number) => evaluateEmbedding(h, labels, { protocol: 'umap', k: 2, nInit: 10, seed, umap: { nNeighbors: 15, minDist: 0.1, seed } }).ari;
for (const seed of [0, 1, 2, 3, 4]) {
  const o = { k: 5, alpha: 3, maxIter: 100, tol: 0, seed, onWarning: () => {} };
  const cpu = await fitBcnmf(data.target, data.background, { ...o, backend: 'cpu' });
  const gpu = await fitBcnmf(data.target, data.background, { ...o, backend: 'webgpu' });
  const d = rel(gpu.Htarget.data, cpu.Htarget.data);
  const noisy = new DenseMatrix({ data: cpu.Htarget.data.map((v, i) => v * (1 + 1e-6 * Math.sin(i * 12.9898))), shape: cpu.Htarget.shape as [number, number] });
  console.log(`seed ${seed}: max |H_gpu - H_cpu| / max|H| = ${d.toExponential(2)}; ARI cpu ${ev(cpu.Htarget, seed).toFixed(3)}, webgpu ${ev(gpu.Htarget, seed).toFixed(3)}, cpu H x (1 + 1e-6 noise) ${ev(noisy, seed).toFixed(3)}`);
}
