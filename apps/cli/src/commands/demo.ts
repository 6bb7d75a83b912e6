import { parseArgs } from 'node:util';
import { AUTO_BACKEND, fitBcnmf, type BcnmfModel } from '@bcnmf/core';
import { log1p, normalizeTotal, simulateBetaSeries } from '@bcnmf/data';
import { evaluateEmbedding } from '@bcnmf/metrics';
import { UsageError } from '../errors.js';
import { numberOption, refuseRepeatedFlags } from '../options.js';
import { backendOption, startBackend } from '../fit-options.js';

export const DEMO_USAGE = `bcnmf demo [--beta B] [--seed S] [--scale F] [--max-iter N] [--backend NAME] [--json]

Fits bcNMF and plain NMF to the simulated data of the paper (ALGORITHM.md §8: five
shared programs in target and background, two target-only programs that split the
target cells in two groups) and prints what each found.

  --beta B       strength of the shared structure, 0 to 1e6 (default 2)
  --seed S       seed of the simulation and of the fits (default 0)
  --scale F      shrink the simulation by this factor, e.g. 0.25 (default 1: 3,000 genes, 1,000 + 1,000 cells)
  --max-iter N   iterations of each fit (default 300, as in the paper)
  --backend NAME auto (default), cpu, wasm, webgpu or cuda (bcnmf backends)
  --json         print the results as JSON`;

/** What the demo found for one method. */
export interface DemoRow {
  method: 'bcNMF' | 'NMF';
  alpha: number;
  /** ARI of k-means(2) on H against the target program of each cell. */
  ari: number;
  /** Of the top genes of the topic most enriched in the target, how many are target-program genes. */
  programGenesInTop: number;
  top: number;
  topGenes: string[];
  seconds: number;
}

function describeTopic(model: BcnmfModel, programGenes: Set<number>, top: number): { hits: number; genes: string[] } {
  // The topic to show: for bcNMF the one most enriched in the target; for NMF (no
  // background) the one whose top genes hold the most target-program genes, its best case.
  const topics = model.topics({ top });
  const hits = (t: (typeof topics)[number]) => t.topFeatures.filter((f) => programGenes.has(f.index)).length;
  const chosen = topics.reduce((best, t) => {
    if (t.enrichment !== null && best.enrichment !== null) return t.enrichment > best.enrichment ? t : best;
    return hits(t) > hits(best) ? t : best;
  });
  return { hits: hits(chosen), genes: chosen.topFeatures.map((f) => f.name) };
}

export async function runDemo(
  argv: string[],
  print: (line: string) => void,
  options: { signal?: AbortSignal } = {},
): Promise<DemoRow[]> {
  let values;
  const flags = {
    beta: { type: 'string' },
    seed: { type: 'string' },
    scale: { type: 'string' },
    'max-iter': { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  } as const;
  try {
    ({ values } = parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${DEMO_USAGE}`);
  }
  refuseRepeatedFlags(argv, flags, 'demo');
  // far above any meaningful strength; near 1e300 the simulated counts overflow
  const beta = numberOption('--beta', values.beta, 2, { min: 0, max: 1e6 });
  const seed = numberOption('--seed', values.seed, 0, { min: 0, integer: true });
  const scale = numberOption('--scale', values.scale, 1, { min: 0.01, max: 1 });
  const maxIter = numberOption('--max-iter', values['max-iter'], 300, { min: 1, integer: true });
  const backend = backendOption(values.backend) ?? AUTO_BACKEND;
  await startBackend(backend);
  const k = 2;

  const simulated = simulateBetaSeries({ beta, seed, scale });
  const target = log1p(normalizeTotal(simulated.target));
  const background = log1p(normalizeTotal(simulated.background));
  const o = simulated.options;
  const programStart = o.nSharedPrograms * o.sharedProgramSize;
  const programGenes = new Set(Array.from({ length: o.nTargetPrograms * o.targetProgramSize }, (_, i) => programStart + i));
  const labels = Array.from(simulated.targetLabels);
  if (!values.json) {
    print(`bcnmf demo: simulated target (${target.rows} cells) and background (${background.rows} cells) x ${target.columns} genes, beta ${beta}`);
    print(`  ${o.nSharedPrograms} shared programs in both; ${o.nTargetPrograms} target-only programs (genes ${programStart}-${programStart + programGenes.size - 1}) split the target cells in two groups`);
    print(`  preprocessing log1p(counts per 10,000); k = ${k}, ${maxIter} iterations, backend ${backend}`);
    print('');
  }
  const rows: DemoRow[] = [];
  for (const [method, alpha] of [['bcNMF', 2], ['NMF', 0]] as const) {
    const started = performance.now();
    const model = await fitBcnmf(target, alpha > 0 ? background : null, { k, alpha, maxIter, tol: 0, seed, backend, signal: options.signal });
    const seconds = (performance.now() - started) / 1000;
    const { ari } = evaluateEmbedding(model.Htarget, labels, { protocol: 'raw', k: 2, nInit: 20, seed });
    const top = 20;
    const topic = describeTopic(model, programGenes, top);
    rows.push({ method, alpha, ari, programGenesInTop: topic.hits, top, topGenes: topic.genes, seconds });
  }
  if (values.json) {
    print(JSON.stringify({ beta, seed, scale, k, maxIter, backend, results: rows }, null, 2));
    return rows;
  }
  print('method  alpha  ARI vs target groups  target-program genes in top 20 of its topic  seconds');
  for (const r of rows) {
    print(`${r.method.padEnd(6)}  ${String(r.alpha).padEnd(5)}  ${r.ari.toFixed(3).padEnd(20)}  ${`${r.programGenesInTop}/${r.top}`.padEnd(43)}  ${r.seconds.toFixed(1)}`);
  }
  print('');
  print('ARI: k-means (2 clusters, 20 inits) on the target coefficients H against the true target-only program of each cell.');
  print('bcNMF topic most enriched in the target, top genes: ' + rows[0].topGenes.slice(0, 10).join(' '));
  return rows;
}
