import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Matrix } from 'ml-matrix';
import { DenseMatrix, fitBcnmf, type ProgressEvent } from '../../index.js';
import { bestTopicShare, plantedPair } from '../planted.js';
import { fromRows, mse, poissonLogLik, rng, toRows, transpose, uniformMat } from '../reference.js';

const planted = plantedPair();
const quiet = { onWarning: () => {} };

/** The fit tests of the shared backend suite, on backend `backend`. */
export function fitSuite(backend: string): void {
  describe(`fitBcnmf (${backend})`, () => {
    it('with alpha = 0 the Frobenius error never increases', async () => {
      for (const background of [null, planted.background]) {
        const model = await fitBcnmf(planted.target, background, {
          k: 4, alpha: 0, maxIter: 60, tol: 0, scoreEvery: 1, backend, seed: 3,
        });
        assert.equal(model.history.length, 61);
        for (let i = 1; i < model.history.length; i++) {
          const [before, after] = [model.history[i - 1].targetError, model.history[i].targetError];
          assert.ok(after <= before * (1 + 1e-5), `error rose at iteration ${i}: ${before} -> ${after}`);
        }
      }
    });

    it('finds the planted target-only program where plain NMF does not', async () => {
      const options = { k: 2, maxIter: 300, tol: 0, seed: 1, backend };
      const contrastive = await fitBcnmf(planted.target, planted.background, { ...options, alpha: 2 });
      const plain = await fitBcnmf(planted.target, null, { ...options, alpha: 0 });
      const contrastiveShare = bestTopicShare(contrastive.W, planted.plantedFeatures);
      const plainShare = bestTopicShare(plain.W, planted.plantedFeatures);
      assert.ok(contrastiveShare > 0.6, `bcNMF put ${contrastiveShare} of a topic on the planted features`);
      assert.ok(plainShare < 0.2, `NMF put ${plainShare} of a topic on the planted features`);
      // the topic that carries the program is enriched in the target
      const topics = contrastive.topics({ top: 10 });
      const carrier = topics.reduce((a, b) => (a.topFeatures.filter((f) => planted.plantedFeatures.includes(f.index)).length >=
        b.topFeatures.filter((f) => planted.plantedFeatures.includes(f.index)).length ? a : b));
      assert.ok(carrier.enrichment! > 0, 'the planted topic is used more in the target');
    });

    it('records scores that match an independent computation from the returned factors', async () => {
      for (const loss of ['frobenius', 'poisson'] as const) {
        const alpha = 0.5;
        const model = await fitBcnmf(planted.target, planted.background, { k: 3, alpha, loss, maxIter: 20, tol: 0, backend });
        const X = transpose(fromRows(planted.target));
        const Y = transpose(fromRows(planted.background));
        const W = transpose(fromRows(model.W.toArray()));
        const Hx = transpose(fromRows(model.Htarget.toArray()));
        const Hy = transpose(fromRows(model.Hbackground!.toArray()));
        const last = model.history[model.history.length - 1];
        assert.equal(last.iteration, 20);
        if (loss === 'frobenius') {
          const [ex, ey] = [mse(X, W, Hx), mse(Y, W, Hy)];
          assert.ok(Math.abs(last.targetError - ex) / ex < 1e-4);
          assert.ok(Math.abs(last.backgroundError! - ey) / ey < 1e-4);
          assert.ok(Math.abs(last.score - (ex - alpha * ey)) < 1e-4 * (ex + alpha * ey));
        } else {
          const eps = 1e-16;
          const [lx, ly] = [poissonLogLik(X, W, Hx, eps), poissonLogLik(Y, W, Hy, eps)];
          assert.ok(Math.abs(last.score - (lx - alpha * ly)) < 1e-4 * (Math.abs(lx) + alpha * Math.abs(ly)));
          assert.ok(last.targetError >= -1e-5, 'a KL divergence is not negative');
        }
      }
    });

    it('gives identical results for the same seed and different ones for another seed', async () => {
      const options = { k: 3, maxIter: 30, tol: 0, backend };
      const a = await fitBcnmf(planted.target, planted.background, { ...options, seed: 7 });
      const b = await fitBcnmf(planted.target, planted.background, { ...options, seed: 7 });
      const c = await fitBcnmf(planted.target, planted.background, { ...options, seed: 8 });
      assert.deepEqual(Array.from(a.W.data), Array.from(b.W.data));
      assert.deepEqual(Array.from(a.Htarget.data), Array.from(b.Htarget.data));
      assert.deepEqual(a.history, b.history);
      assert.notDeepEqual(Array.from(a.W.data), Array.from(c.W.data));
    });

    it('keeps the random start with the best final score', async () => {
      for (const loss of ['frobenius', 'poisson'] as const) {
        const model = await fitBcnmf(planted.target, planted.background, { k: 3, loss, nStarts: 3, maxIter: 20, tol: 0, seed: 2, backend });
        assert.equal(model.starts.length, 3);
        const scores = model.starts.map((s) => s.score);
        const best = loss === 'frobenius' ? Math.min(...scores) : Math.max(...scores);
        assert.equal(model.finalScore, best);
        assert.equal(model.starts[model.bestStart].score, best);
        // start s of a multi-start fit is the same as that start alone: seeds are per start
        const single = await fitBcnmf(planted.target, planted.background, { k: 3, loss, nStarts: 1, maxIter: 20, tol: 0, seed: 2, backend });
        assert.equal(model.starts[0].score, single.finalScore);
      }
    });

    it('stops at tol, and runs exactly maxIter with tol 0', async () => {
      const loose = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 500, tol: 1e-2, backend });
      assert.ok(loose.converged);
      assert.ok(loose.iterations < 500 && loose.iterations % 10 === 0);
      const exact = await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 37, tol: 0, backend });
      assert.equal(exact.iterations, 37);
      assert.equal(exact.converged, false);
      assert.deepEqual(exact.history.map((h) => h.iteration), [0, 10, 20, 30, 37]);
    });

    it('reports progress at every score check', async () => {
      const events: ProgressEvent[] = [];
      await fitBcnmf(planted.target, planted.background, {
        k: 2, maxIter: 25, tol: 0, scoreEvery: 5, nStarts: 2, backend, onProgress: (e) => events.push(e),
      });
      assert.deepEqual(events.map((e) => `${e.start}:${e.iteration}`), [
        '0:0', '0:5', '0:10', '0:15', '0:20', '0:25', '1:0', '1:5', '1:10', '1:15', '1:20', '1:25',
      ]);
      assert.ok(events.every((e) => e.nStarts === 2 && e.maxIter === 25 && e.elapsedMs >= 0 && Number.isFinite(e.score)));
    });

    it('keeps results finite on all-zero samples and features, with a warning', async () => {
      const target = planted.target.map((row, i) => (i === 3 ? row.map(() => 0) : row.map((v, f) => (f === 5 ? 0 : v))));
      const background = planted.background.map((row) => row.map((v, f) => (f === 5 ? 0 : v)));
      for (const loss of ['frobenius', 'poisson'] as const) {
        const warnings: string[] = [];
        const model = await fitBcnmf(target, background, { k: 3, loss, maxIter: 30, backend, onWarning: (w) => warnings.push(w) });
        for (const m of [model.W, model.Htarget, model.Hbackground!]) assert.ok(m.data.every(Number.isFinite));
        assert.ok(model.history.every((h) => Number.isFinite(h.score)));
        assert.ok(warnings.some((w) => /target has 1 all-zero sample/.test(w)), warnings.join('; '));
        assert.ok(warnings.some((w) => /background has 1 all-zero feature/.test(w)));
        assert.deepEqual(model.warnings, warnings);
        assert.ok(model.Htarget.row(3).every((v) => v === 0));
      }
    });

    it('leaks no tensors, whether the fit succeeds, fails or is aborted', async () => {
      await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 5, backend }); // warm up the backend
      const before = tf.memory().numTensors;
      await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 15, backend, nStarts: 2 });
      await fitBcnmf(planted.target, planted.background, { k: 2, maxIter: 15, backend, loss: 'poisson', init: 'nndsvda' });
      assert.equal(tf.memory().numTensors, before);
      const controller = new AbortController();
      await assert.rejects(
        fitBcnmf(planted.target, planted.background, {
          k: 2, maxIter: 1000, tol: 0, backend, signal: controller.signal,
          onProgress: (e) => e.iteration >= 20 && controller.abort(),
        }),
        (e: unknown) => e instanceof Error && e.name === 'AbortError',
      );
      assert.equal(tf.memory().numTensors, before);
      await assert.rejects(fitBcnmf(planted.target, [[1, 2]], { k: 2, backend }), /features/);
      assert.equal(tf.memory().numTensors, before);
    });

    it('accepts number[][], typed arrays with a shape, DenseMatrix, ml-matrix and tfjs tensors alike', async () => {
      const options = { k: 2, maxIter: 10, tol: 0, backend, seed: 4 };
      const flat = (rows: number[][]) => ({ data: Float64Array.from(rows.flat()), shape: [rows.length, rows[0].length] as [number, number] });
      const reference = await fitBcnmf(planted.target, planted.background, options);
      const tensorTarget = tf.tensor2d(planted.target);
      const variants = [
        [flat(planted.target), flat(planted.background)],
        [DenseMatrix.fromRows(planted.target), DenseMatrix.fromRows(planted.background)],
        [new Matrix(planted.target), new Matrix(planted.background)],
        [tensorTarget, planted.background],
      ] as const;
      for (const [t, b] of variants) {
        const model = await fitBcnmf(t, b, options);
        assert.deepEqual(Array.from(model.W.data), Array.from(reference.W.data));
      }
      assert.equal(tensorTarget.isDisposed, false, 'a tensor given by the caller stays theirs');
      tensorTarget.dispose();
    });

    it('aligns background features by name on request, and refuses mismatched names otherwise', async () => {
      const names = Array.from({ length: planted.features }, (_, f) => `g${f}`);
      const order = names.map((_, f) => (f * 7) % planted.features); // a permutation (7 and 50 are coprime)
      const target = DenseMatrix.fromRows(planted.target, { columnNames: names });
      const shuffled = DenseMatrix.fromRows(planted.background.map((row) => order.map((f) => row[f])), { columnNames: order.map((f) => names[f]) });
      const aligned = await fitBcnmf(target, shuffled, { k: 2, maxIter: 10, backend, alignFeaturesByName: true });
      const direct = await fitBcnmf(target, DenseMatrix.fromRows(planted.background, { columnNames: names }), { k: 2, maxIter: 10, backend });
      assert.deepEqual(Array.from(aligned.W.data), Array.from(direct.W.data));
      assert.deepEqual(aligned.featureNames, names);
      await assert.rejects(fitBcnmf(target, shuffled, { k: 2, backend }), /differ at column 1 \('g1' vs 'g7'\).*alignFeaturesByName/);
    });

    it('starts from NNDSVD: deterministic, non-negative, and better than a random start at iteration 0', async () => {
      const a = await fitBcnmf(planted.target, planted.background, { k: 3, init: 'nndsvda', maxIter: 5, backend, ...quiet });
      const b = await fitBcnmf(planted.target, planted.background, { k: 3, init: 'nndsvda', maxIter: 5, backend, ...quiet });
      assert.deepEqual(Array.from(a.W.data), Array.from(b.W.data));
      const random = await fitBcnmf(planted.target, null, { k: 3, alpha: 0, maxIter: 1, backend });
      const svd = await fitBcnmf(planted.target, null, { k: 3, alpha: 0, init: 'nndsvd', maxIter: 1, backend, ...quiet });
      assert.ok(svd.history[0].targetError < random.history[0].targetError / 3);
      assert.ok(a.W.data.every((v) => v >= 0) && a.Htarget.data.every((v) => v >= 0) && a.Hbackground!.data.every((v) => v >= 0));
    });
  });
}
