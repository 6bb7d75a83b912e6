import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { CpcaModel, PcaModel, cpca, pca } from '../src/index.js';
import { contrastPair } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const copy = (value: unknown): Json => JSON.parse(JSON.stringify(value));
const damaged = (pattern: RegExp) => (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_MODEL' && pattern.test(e.message);

describe('PcaModel.load and CpcaModel.load check what they read', () => {
  it('PCA: a saved model loads back and transforms as the fitted one; every damaged field is named', async () => {
    const x = [[1, 2, 0.5], [2, 1, 0.4], [3, 3, 0.9], [0, 1, 0.2], [1, 1, 1]];
    const model = await pca(x, { nComponents: 2, scale: true });
    const saved = copy(model.toJSON());
    assert.deepEqual((await PcaModel.load(saved).transform(x)).toArray(), (await model.transform(x)).toArray());
    const cases: [string, (j: Json) => void, RegExp][] = [
      ['version', (j) => (j.version = 99), /PCA model version 99 is not one this package reads \(1\)/],
      ['a mean saved as null (NaN)', (j) => (j.means[0] = null), /PCA model is damaged: means\[0\] is null, not a finite number/],
      ['a component entry', (j) => (j.components[0][0] = null), /components\[0\]\[0\] is null, not a finite number/],
      ['a zero scale (Infinity on transform)', (j) => (j.scales[1] = 0), /scales\[1\] is 0, not above 0/],
      ['no embedding', (j) => delete j.embedding, /embedding is missing, not an array of rows/],
      ['the embedding of another width', (j) => j.embedding.forEach((r: number[]) => r.pop()), /embedding\[0\] has 1 values, not 2/],
      ['components of another width', (j) => j.components[1].push(1), /components\[1\] has 4 values, not 3/],
      ['scales of another length', (j) => j.scales.pop(), /scales has 2 values, not 3/],
      ['explained variance of another length', (j) => j.explainedVariance.pop(), /explainedVariance has 1 values, not 2/],
      ['more components than nComponents', (j) => (j.options.nComponents = 1), /components has 2 rows for nComponents 1/],
      ['an unknown option', (j) => (j.options.whiten = true), /options: unknown PCA option 'whiten'/],
      ['names of another length', (j) => (j.columnNames = ['a', 'b']), /columnNames has 2 names for 3 features/],
    ];
    for (const [what, tamper, pattern] of cases) {
      const j = copy(saved);
      tamper(j);
      assert.throws(() => PcaModel.load(j), damaged(pattern), what);
    }
    assert.throws(() => PcaModel.load({ name: 'cPCA' }), damaged(/not a PCA model \(name: cPCA\)/));
    assert.throws(() => PcaModel.load(null), damaged(/not a PCA model/));
  });

  it('PCA needs two samples (one has no variance: its ratios were NaN)', async () => {
    for (const method of ['auto', 'SVD', 'covarianceMatrix', 'gram'] as const) {
      await assert.rejects(pca([[1, 2, 3, 4]], { nComponents: 1, method }), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_DATA' && /PCA needs at least 2 samples, got 1/.test(e.message));
    }
  });

  it('cPCA: a saved model (fixed or automatic alpha) loads back; every damaged field is named', async () => {
    const { target, background } = contrastPair(3, 30, 30, 6);
    for (const alpha of [1, 'auto'] as const) {
      const model = await cpca(target, background, { alpha });
      const saved = copy(model.toJSON());
      const restored = CpcaModel.load(saved);
      assert.deepEqual((await restored.transform(target)).toArray(), (await model.transform(target)).toArray());
      assert.equal(restored.alpha, model.alpha);
    }
    const saved = copy((await cpca(target, background, { alpha: 'auto' })).toJSON());
    const cases: [string, (j: Json) => void, RegExp][] = [
      ['version', (j) => (j.version = 2), /cPCA model version 2 is not one this package reads/],
      ['a mean saved as null', (j) => (j.means[0] = null), /means\[0\] is null/],
      ['a component entry', (j) => (j.results[0].components[0][0] = null), /results\[0\]\.components\[0\]\[0\] is null/],
      ['an embedding of other samples', (j) => j.results[1].embedding.pop(), /results\[1\]\.embedding has 29 rows, not 30/],
      ['an alpha not fitted', (j) => (j.alpha = 123), /alpha 123 is not one of the results'/],
      ['a negative result alpha', (j) => (j.results[0].alpha = -1), /results\[0\]\.alpha is -1, not at least 0/],
      ['eigenvalues of another length', (j) => j.results[0].eigenvalues.pop(), /results\[0\]\.eigenvalues has 1 values, not 2/],
      ['no results', (j) => (j.results = []), /results is missing or empty/],
      ['a zero scale', (j) => (j.scales[0] = 0), /scales\[0\] is 0, not above 0/],
      ['a dimension above the features', (j) => (j.dimension = 99), /dimension 99 is not a whole number of at most 6 features/],
      ['a selection with text', (j) => (j.selection.labels[0] = 'x'), /selection\.labels\[0\] is 'x', not a finite number/],
      ['an option out of range', (j) => (j.options.nComponents = 0), /options: nComponents must be an integer >= 1/],
    ];
    for (const [what, tamper, pattern] of cases) {
      const j = copy(saved);
      tamper(j);
      assert.throws(() => CpcaModel.load(j), damaged(pattern), what);
    }
  });
});
