// `bcnmf compare` on the real mnist-flowers files (../shared/datasets), every method's ARI
// against an independent recomputation: the files read by the test, the four methods fitted
// in float64 by apps/reproduce/test/reference/pipeline.py (NumPy, scikit-learn) with the
// options compare documents and the same random start, then scored by scikit-learn and by
// @bcnmf/metrics. And the same command with the digits shuffled in the labels file scores
// about 0.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { evaluateEmbedding } from '@bcnmf/metrics';
import { permuted } from '../../reproduce/test/reference/check.js';
import { randomStart, readMnistFlowers, referenceUnavailable, runReference, type ReferenceCase } from '../../reproduce/test/reference/reference.js';
import { run, tempDir } from './helpers.js';

const dataDir = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const mnistDir = join(dataDir, 'mnist-flowers');
const absent = existsSync(join(mnistDir, 'target_images.csv')) ? false : `the shared data sets are not in ${dataDir}`;
if (absent) console.log(`# skipping compare on the mnist-flowers files: ${absent}`);
const skip = absent || referenceUnavailable();

let dir: string;
let remove: () => void;
before(() => ({ dir, remove } = tempDir('compare-reference')));
after(() => remove());

const K = 2;
const ALPHA = 1;
const MAX_ITER = 100;
const SEED = 3;

interface Row {
  method: string;
  ari: number;
}

async function compare(labels: string, methods: string): Promise<Row[]> {
  const r = await run([
    'compare', '--target', join(mnistDir, 'target_images.csv'), '--background', join(mnistDir, 'background_images.csv'), '--features-in-rows',
    '--labels', labels, '--k', String(K), '--alpha', String(ALPHA), '--max-iter', String(MAX_ITER), '--tol', '0', '--seed', String(SEED),
    '--methods', methods, '--json', '--quiet',
  ]);
  assert.equal(r.code, 0, r.err);
  const result = JSON.parse(r.out);
  assert.equal(result.protocol, 'raw');
  assert.equal(result.labelled, 200);
  return result.results;
}

describe('bcnmf compare on the mnist-flowers files', { skip }, () => {
  it('every method\'s ARI agrees with the float64 recomputation (scikit-learn k-means, and @bcnmf/metrics on the float64 embedding)', async (t) => {
    const rows = await compare(join(mnistDir, 'target_labels.csv'), 'bcnmf,nmf,pca,cpca');
    assert.deepEqual(rows.map((r) => r.method), ['bcnmf', 'nmf', 'pca', 'cpca']);

    const data = readMnistFlowers(dataDir);
    const features = data.target[0].length;
    // compare's documented options: --k is every method's number of components, --alpha
    // bcNMF's, iterations, tol and seed apply to NMF too, cPCA's alpha is automatic
    const scoring = { protocol: 'raw' as const, k: 2, nInit: 10, seeds: [SEED] };
    const cases: ReferenceCase[] = [
      { id: 'bcnmf', dataset: 'mnist', method: 'bcnmf', options: { k: K, alpha: ALPHA, maxIter: MAX_ITER, tol: 0 }, init: randomStart(SEED, K, features, 200, 150), labels: data.labels, scoring },
      { id: 'nmf', dataset: 'mnist', method: 'nmf', options: { nComponents: K, maxIter: MAX_ITER, tol: 0 }, init: randomStart(SEED, K, features, 200), labels: data.labels, scoring },
      { id: 'pca', dataset: 'mnist', method: 'pca', options: { nComponents: K }, labels: data.labels, scoring },
      { id: 'cpca', dataset: 'mnist', method: 'cpca', options: { nComponents: K, alpha: 'auto' }, labels: data.labels, scoring },
    ];
    const reference = runReference({ mnist: { target: data.target, background: data.background } }, cases);
    const lines: string[] = [];
    for (const row of rows) {
      const ref = reference.get(row.method)!;
      const sklearn = ref.aris[0];
      const metrics = evaluateEmbedding(ref.embedding, data.labels, { protocol: 'raw', nInit: 10, seed: SEED }).ari;
      lines.push(`${row.method}: compare ${row.ari.toFixed(4)}, scikit-learn ${sklearn.toFixed(4)}, metrics on float64 ${metrics.toFixed(4)}`);
      assert.ok(Math.abs(row.ari - sklearn) <= 0.1, lines.at(-1));
      assert.ok(Math.abs(row.ari - metrics) <= 0.02, lines.at(-1));
    }
    t.diagnostic(lines.join('; '));
    // and, as the paper has it, bcNMF finds the digits that NMF and PCA miss under the patches
    const ari = (m: string) => rows.find((r) => r.method === m)!.ari;
    assert.ok(ari('bcnmf') >= 0.5 && ari('bcnmf') >= ari('nmf') + 0.15 && Math.abs(ari('pca')) <= 0.15, lines.join('; '));
  });

  it('with the digits shuffled in the labels file, every ARI is about 0', async () => {
    const [header, ...lines] = readFileSync(join(mnistDir, 'target_labels.csv'), 'utf8').trim().split(/\r?\n/);
    const digits = permuted(lines.map((l) => l.split(',')[1]), 7);
    const shuffled = join(dir, 'shuffled-labels.csv');
    writeFileSync(shuffled, [header, ...lines.map((l, i) => `${l.split(',')[0]},${digits[i]}`)].join('\n') + '\n');
    for (const row of await compare(shuffled, 'bcnmf,nmf')) assert.ok(Math.abs(row.ari) <= 0.05, `${row.method}: ARI ${row.ari} against shuffled digits`);
  });
});
