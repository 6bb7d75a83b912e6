import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { PcaModel, pca } from '../src/index.js';
import { absCos } from './helpers.js';

const reference = JSON.parse(readFileSync(new URL('../fixtures/reference.json', import.meta.url), 'utf8'));

describe('pca against scikit-learn', () => {
  for (const c of reference.pca) {
    for (const method of ['SVD', 'covarianceMatrix', 'gram', 'auto'] as const) {
      it(`${c.name} (${method}): explained variance, ratio, components up to sign, scores`, async () => {
        const model = await pca(c.X, { nComponents: c.nComponents, scale: c.scale, method });
        for (let i = 0; i < c.nComponents; i++) {
          assert.ok(Math.abs(model.explainedVariance[i] - c.explainedVariance[i]) <= 1e-8 * c.explainedVariance[0], `variance ${i}`);
          assert.ok(Math.abs(model.explainedVarianceRatio[i] - c.explainedVarianceRatio[i]) <= 1e-9, `ratio ${i}`);
          const comp = Array.from(model.components.row(i));
          assert.ok(absCos(comp, c.components[i]) > 1 - 1e-9, `component ${i}`);
          const sign = Math.sign(comp.reduce((s, v, j) => s + v * c.components[i][j], 0));
          for (let r = 0; r < c.X.length; r++) {
            assert.ok(Math.abs(model.embedding.get(r, i) - sign * c.transformed[r][i]) < 1e-8 * (1 + Math.abs(c.transformed[r][i])));
          }
        }
      });
    }
  }

  it('signs every component so that its largest-magnitude loading is positive', async () => {
    const model = await pca(reference.pca[0].X, { nComponents: 3 });
    for (let i = 0; i < 3; i++) {
      const row = Array.from(model.components.row(i));
      const big = row.reduce((b, v) => (Math.abs(v) > Math.abs(b) ? v : b), 0);
      assert.ok(big > 0);
    }
  });

  it('transforms new samples as the fitted ones, and survives toJSON/load', async () => {
    const X = reference.pca[1].X as number[][];
    const model = await pca(X, { nComponents: 2, scale: true });
    const again = await model.transform(X.slice(0, 5));
    for (let i = 0; i < 5; i++) for (let c = 0; c < 2; c++) assert.ok(Math.abs(again.get(i, c) - model.embedding.get(i, c)) < 1e-10);
    const restored = PcaModel.load(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual((await restored.transform(X.slice(0, 5))).toArray(), again.toArray());
    assert.throws(() => PcaModel.load({ name: 'cPCA' }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_MODEL');
  });

  it('scales without dividing by a zero-variance feature', async () => {
    const X = [[1, 5, 2], [2, 5, 1], [3, 5, 3], [4, 5, 2]];
    const model = await pca(X, { nComponents: 2, scale: true });
    for (const v of model.components.data) assert.ok(Number.isFinite(v));
    assert.ok(Math.abs(model.components.get(0, 1)) < 1e-12 && Math.abs(model.components.get(1, 1)) < 1e-12);
  });
});
