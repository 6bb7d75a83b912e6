import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Method } from '@bcnmf/baselines';
import { importTestedBlock } from '../../../scripts/lib/doc-blocks.js';

// docs/CONTRIBUTING.md's example baseline (truncated SVD), run from the page as written,
// against a float64 power iteration for the leading singular vector written here.
const { truncatedSvd } = await importTestedBlock<{ truncatedSvd: Method<{ nComponents: number }> }>(
  'docs/CONTRIBUTING.md',
  'packages/baselines/test/baseline-example.test.ts',
  'packages/baselines/test/baseline-example.doc-example.ts',
);

it('the documented truncated-SVD baseline fits, transforms, round-trips and matches a power iteration', async () => {
  const rows = [[3, 1, 0, 2], [1, 4, 1, 0], [0, 1, 5, 1], [2, 0, 1, 3], [1, 1, 1, 1], [4, 2, 0, 1]];
  const fitted = await truncatedSvd.fit(rows, null, { nComponents: 2 });
  assert.deepEqual(fitted.embedding.shape, [6, 2]);
  assert.deepEqual(fitted.components!.shape, [2, 4]);
  // the first component is the leading right singular vector of X: power iteration on XᵀX
  let v = [1, 1, 1, 1];
  for (let i = 0; i < 500; i++) {
    const xv = rows.map((r) => r.reduce((s, x, j) => s + x * v[j], 0));
    const next = v.map((_, j) => rows.reduce((s, r, i2) => s + r[j] * xv[i2], 0));
    const norm = Math.hypot(...next);
    v = next.map((x) => x / norm);
  }
  const first = fitted.components!.row(0);
  const sign = Math.sign(first[0] * v[0]);
  v.forEach((x, j) => assert.ok(Math.abs(sign * first[j] - x) < 1e-6, `component 1, feature ${j}: ${first[j]} vs ${x}`));
  // transform of the training data is the embedding; the JSON round trip transforms the same
  const again = await fitted.transform(rows);
  assert.deepEqual(Array.from(again.data), Array.from(fitted.embedding.data));
  const restored = truncatedSvd.load(JSON.parse(JSON.stringify(fitted.toJSON())));
  assert.deepEqual(Array.from((await restored.transform(rows)).data), Array.from(fitted.embedding.data));
  assert.throws(() => truncatedSvd.load({ name: 'PCA' }), /not a truncated SVD model/);
  await assert.rejects(truncatedSvd.fit(rows, null, { nComponents: 9 }), /nComponents must be an integer in 1\.\.4, got 9/);
  // what bcnmf compare gives it: --k as its number of components
  assert.deepEqual(truncatedSvd.sharedOptions({ k: 3, seed: 1 }), { nComponents: 3 });
});
