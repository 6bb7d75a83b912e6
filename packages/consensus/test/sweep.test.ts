import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BcnmfError } from '@bcnmf/core';
import { plantedPair } from '@bcnmf/core/testing';
import { checkSweepCell, consensusBcnmf, recommendSetting, selectionSweep, selectionSvg, type SweepCell } from '../src/index.js';

const planted = plantedPair();
const settings = { restarts: 3, maxIter: 30, tol: 0, seed: 2, onWarning: () => {} };
const withoutSeconds = (cells: readonly SweepCell[]) => cells.map(({ seconds: _s, ...rest }) => rest);

describe('recommendSetting', () => {
  it('the most stable among the settings within the error tolerance at their alpha (hand-computed)', () => {
    const cells = [
      { k: 2, alpha: 0, stability: 0.99, targetError: 1.0 },
      { k: 2, alpha: 1, stability: 0.95, targetError: 2.0 },
      { k: 3, alpha: 1, stability: 0.9, targetError: 1.3 },
      { k: 4, alpha: 1, stability: 0.8, targetError: 1.25 },
      { k: 5, alpha: 1, stability: 0.6, targetError: 1.2 },
      { k: 2, alpha: 2, stability: 0.97, targetError: 3.0 },
      { k: 5, alpha: 2, stability: 0.85, targetError: 2.5 },
    ];
    // alpha 1: smallest 1.2, limit 1.32 → k 3, 4, 5; alpha 2: smallest 2.5, limit 2.75 → k 5.
    // Best of those: k 3, alpha 1 (0.9). Alpha 0 is left out (the grid has alpha > 0).
    const r = recommendSetting(cells)!;
    assert.deepEqual([r.k, r.alpha], [3, 1]);
    assert.deepEqual(r.candidates, [{ k: 3, alpha: 1 }, { k: 4, alpha: 1 }, { k: 5, alpha: 1 }, { k: 5, alpha: 2 }]);
    assert.match(r.reason, /^k 3, alpha 1: stability 0\.900, the highest of the 4 settings whose target error is within 10% of the smallest at their alpha \(target error 1\.3 <= 1\.32 at alpha 1\); next: k 5, alpha 2 \(stability 0\.850\); alpha 0 \(plain NMF\) is shown as the reference, not recommended$/);
    // a tolerance of 0 keeps the smallest error per alpha only: k 5 at both; alpha 2's is more stable
    assert.deepEqual([recommendSetting(cells, { errorTolerance: 0 })!.k, recommendSetting(cells, { errorTolerance: 0 })!.alpha], [5, 2]);
    // alpha 0 alone: it is considered
    assert.equal(recommendSetting([cells[0]])!.alpha, 0);
    // ties go to the smaller k
    assert.equal(recommendSetting([{ k: 4, alpha: 1, stability: 0.5, targetError: 1 }, { k: 3, alpha: 1, stability: 0.5, targetError: 1 }])!.k, 3);
    assert.equal(recommendSetting([]), null);
    assert.throws(() => recommendSetting(cells, { errorTolerance: -1 }), BcnmfError);
  });
});

describe('selectionSweep', () => {
  it('runs a consensus per cell of a tiny grid, recommends a cell, and draws the plot', async () => {
    const seen: string[] = [];
    let lastProgress = { done: 0, total: 0 };
    const sweep = await selectionSweep(planted.target, planted.background, {
      ...settings,
      ks: [3, 2],
      alphas: [1, 0],
      onCell: ({ cell, result, index, cells }) => {
        seen.push(`${index + 1}/${cells} k${cell.k} a${cell.alpha}`);
        assert.ok(result && result.stability === cell.stability);
      },
      onProgress: (e) => {
        assert.ok(e.done <= e.total);
        lastProgress = e;
      },
    });
    assert.deepEqual(sweep.ks, [2, 3]);
    assert.deepEqual(sweep.alphas, [0, 1]);
    assert.deepEqual(seen, ['1/4 k2 a0', '2/4 k2 a1', '3/4 k3 a0', '4/4 k3 a1']);
    assert.equal(lastProgress.total, 3 * 30 * (2 + 2 + 3 + 3));
    assert.equal(sweep.ran, 4);
    // each cell is the consensus at its setting
    const one = await consensusBcnmf(planted.target, planted.background, { ...settings, k: 3, alpha: 1, densityThreshold: 2 });
    const cell = sweep.cells.find((c) => c.k === 3 && c.alpha === 1)!;
    assert.equal(cell.stability, one.stability);
    assert.equal(cell.targetError, one.targetError);
    assert.equal(cell.topEnrichment, one.topEnrichment);
    assert.equal(cell.totalTopics, 9);
    // alpha 1 cells only are recommended (the grid has alpha > 0)
    assert.equal(sweep.recommendation!.alpha, 1);
    const svg = selectionSvg(sweep.cells, sweep.recommendation);
    assert.equal((svg.match(/<polyline /g) ?? []).length, 4); // 2 alphas x 2 panels
    // the recommended setting ringed in both panels
    assert.equal((svg.match(/<circle class="highlight"[^>]*><title>recommended: k \d, α 1<\/title>/g) ?? []).length, 2);
    // the cells read back as they were written
    for (const c of sweep.cells) assert.deepEqual(checkSweepCell(JSON.parse(JSON.stringify(c))), c);
  });

  it('resumes: finished cells are kept and not run again, and the rest is what a whole run gives', async () => {
    const first = await selectionSweep(planted.target, planted.background, { ...settings, ks: [2], alphas: [0, 1] });
    const ran: string[] = [];
    const resumed = await selectionSweep(planted.target, planted.background, {
      ...settings,
      ks: [2, 3],
      alphas: [0, 1],
      finished: first.cells,
      onCell: ({ cell }) => {
        ran.push(`k${cell.k} a${cell.alpha}`);
      },
    });
    assert.deepEqual(ran, ['k3 a0', 'k3 a1']);
    assert.equal(resumed.ran, 2);
    assert.equal(resumed.cells[0], first.cells[0]);
    assert.equal(resumed.cells[1], first.cells[1]);
    const whole = await selectionSweep(planted.target, planted.background, { ...settings, ks: [2, 3], alphas: [0, 1] });
    assert.deepEqual(withoutSeconds(resumed.cells), withoutSeconds(whole.cells));
    assert.deepEqual(resumed.recommendation, whole.recommendation);
  });

  it('keeps a cell whose topics cannot be clustered as failed, and goes on', async () => {
    const sweep = await selectionSweep(planted.target, planted.background, { ...settings, ks: [2], alphas: [1], densityThreshold: 1e-9 });
    assert.equal(sweep.cells[0].status, 'failed');
    assert.match(sweep.cells[0].message!, /the outlier filter kept 0 of 6 topics/);
    assert.equal(sweep.cells[0].stability, null);
    assert.equal(sweep.recommendation, null);
  });

  it("alphas 'auto' runs the sweep at the alphas one alpha path selects", async () => {
    let chosen: number[] = [];
    const sweep = await selectionSweep(planted.target, planted.background, {
      ...settings,
      ks: [2, 3],
      alphas: 'auto',
      autoAlpha: { alphas: [0, 0.5, 2, 8], nClusters: 2, maxIter: 40, pathMaxIter: 20 },
      onAlphas: (choice) => {
        chosen = choice.alphas;
        assert.equal(choice.k, 2);
      },
    });
    assert.equal(chosen[0], 0);
    assert.equal(chosen.length, 2);
    assert.deepEqual(sweep.alphas, chosen);
    assert.deepEqual(sweep.autoAlpha!.pathAlphas, [0, 0.5, 2, 8]);
    assert.equal(sweep.cells.length, 4);
  });

  it('refuses a bad grid or options before any work', async () => {
    const refused = (extra: Record<string, unknown>, pattern: RegExp) =>
      assert.rejects(selectionSweep(planted.target, planted.background, { ...settings, ks: [2], alphas: [1], ...extra } as never), (e: unknown) => e instanceof BcnmfError && pattern.test(e.message));
    await refused({ ks: [] }, /ks must be a non-empty list/);
    await refused({ ks: [2, 2] }, /ks lists 2 twice/);
    await refused({ ks: [1, 2] }, /ks\[0\] must be an integer >= 2/);
    await refused({ alphas: [-1] }, /alphas\[0\] must be a finite number >= 0/);
    await refused({ ks: [2, 51] }, /k = 51 is more than min\(features, target samples\) = 50/);
    await refused({ restarts: 1 }, /restarts must be an integer >= 2/);
    await refused({ errorTolerance: -0.5 }, /errorTolerance must be a number in \[0, Infinity\]/);
    await assert.rejects(selectionSweep(planted.target, null, { ...settings, ks: [2], alphas: 'auto' }), /alphas 'auto' needs exactly one background/);
  });
});
