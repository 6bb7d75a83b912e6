import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  adjustedRandIndex,
  contingencyTable,
  evaluateEmbedding,
  kmeans,
  MetricsError,
  normalizedMutualInfo,
  rowNormalize,
  silhouetteScore,
  umap2d,
  type AverageMethod,
  type EvaluationProtocol,
  type Label,
  type MetricsErrorCode,
  type PointsInput,
} from '../src/index.js';

function throwsMetrics(fn: () => unknown, code: MetricsErrorCode, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MetricsError, `expected a MetricsError, got ${String(e)}`);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'MetricsError');
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

const pts = [[0, 0], [0, 1], [5, 5], [5, 6]];
const labels = [0, 0, 1, 1];

describe('bad input', () => {
  it('mismatched label lengths name both lengths', () => {
    for (const f of [adjustedRandIndex, normalizedMutualInfo, contingencyTable]) {
      throwsMetrics(() => f([0, 1, 1], [0, 1]), 'INVALID_DATA', /labelsTrue has 3 entries but labelsPred has 2/);
    }
    throwsMetrics(() => silhouetteScore(pts, [0, 1, 1]), 'INVALID_DATA', /labels has 3 entries but the points have 4 rows/);
    throwsMetrics(() => evaluateEmbedding(pts, [0, 1, 1, 0, 1]), 'INVALID_DATA', /labels has 5 entries but the points have 4 rows/);
  });

  it('NaN and Infinity in points name row and column', () => {
    const nan = [[0, 0], [0, 1], [5, NaN], [5, 6]];
    throwsMetrics(() => kmeans(nan, 2), 'INVALID_DATA', /NaN at row 2, column 1/);
    throwsMetrics(() => silhouetteScore(nan, labels), 'INVALID_DATA', /NaN at row 2, column 1/);
    throwsMetrics(() => evaluateEmbedding(nan, labels), 'INVALID_DATA', /embedding has NaN at row 2, column 1/);
    throwsMetrics(() => rowNormalize(nan), 'INVALID_DATA', /NaN at row 2, column 1/);
    const inf = { data: Float32Array.from([0, 0, 1, 1, Infinity, 2]), shape: [3, 2] as const };
    throwsMetrics(() => kmeans(inf, 2), 'INVALID_DATA', /Infinity at row 2, column 0/);
    throwsMetrics(() => umap2d(inf), 'INVALID_DATA', /Infinity at row 2, column 0/);
    throwsMetrics(() => kmeans([[0, -Infinity]], 1), 'INVALID_DATA', /-Infinity at row 0, column 1/);
    throwsMetrics(() => kmeans([[0, '1' as unknown as number]], 1), 'INVALID_DATA', /a string at row 0, column 1/);
  });

  it('more clusters than samples', () => {
    throwsMetrics(() => kmeans(pts, 5), 'INVALID_OPTION', /k = 5 clusters but there are only 4 samples/);
    throwsMetrics(() => evaluateEmbedding(pts, labels, { k: 9 }), 'INVALID_OPTION', /k = 9 clusters but there are only 4 samples/);
  });

  it('k < 1 or not an integer', () => {
    for (const k of [0, -1, 1.5, NaN]) {
      throwsMetrics(() => kmeans(pts, k), 'INVALID_OPTION', /k must be an integer >= 1/);
      throwsMetrics(() => evaluateEmbedding(pts, labels, { k }), 'INVALID_OPTION', /k must be an integer >= 1/);
    }
  });

  it('empty input', () => {
    throwsMetrics(() => kmeans([], 1), 'INVALID_DATA', /points is empty \(0 rows\)/);
    throwsMetrics(() => kmeans([[], []], 1), 'INVALID_DATA', /points is empty \(rows have 0 columns\)/);
    throwsMetrics(() => kmeans({ data: new Float64Array(0), shape: [0, 3] }, 1), 'INVALID_DATA', /points is empty \(shape \[0, 3\]\)/);
    throwsMetrics(() => evaluateEmbedding([], []), 'INVALID_DATA', /embedding is empty/);
    throwsMetrics(() => adjustedRandIndex([], []), 'INVALID_DATA', /labelsTrue is empty/);
    throwsMetrics(() => normalizedMutualInfo([], []), 'INVALID_DATA', /labelsTrue is empty/);
    throwsMetrics(() => contingencyTable([], []), 'INVALID_DATA', /labelsTrue is empty/);
  });

  it('unknown protocol lists the known ones', () => {
    throwsMetrics(
      () => evaluateEmbedding(pts, labels, { protocol: 'tsne' as EvaluationProtocol }),
      'INVALID_OPTION',
      /unknown protocol "tsne"; known protocols: 'raw', 'row-normalized', 'umap'/,
    );
    // a misspelt option name would run the default silently
    throwsMetrics(() => evaluateEmbedding(pts, labels, { protocl: 'umap' } as never), 'INVALID_OPTION', /unknown option protocl; the options are protocol, k, umap, nInit, seed, maxIter, tol/);
  });

  it('ragged rows and bad shapes', () => {
    throwsMetrics(() => kmeans([[1, 2], [3]], 1), 'INVALID_DATA', /row 1 has 1 values but row 0 has 2/);
    throwsMetrics(() => kmeans({ data: new Float64Array(5), shape: [2, 3] }, 1), 'INVALID_DATA', /5 values but shape \[2, 3\] needs 6/);
    throwsMetrics(() => kmeans({ data: [1, 2] as unknown as Float64Array, shape: [1, 2] }, 1), 'INVALID_DATA', /Float32Array or Float64Array/);
    throwsMetrics(() => kmeans('abc' as unknown as PointsInput, 1), 'INVALID_DATA', /must be an array of rows/);
  });

  it('bad labels', () => {
    throwsMetrics(() => adjustedRandIndex([0, NaN], [0, 1]), 'INVALID_DATA', /labelsTrue\[1\] is NaN/);
    throwsMetrics(() => normalizedMutualInfo([0, 1], [true as unknown as Label, 1]), 'INVALID_DATA', /labelsPred\[0\] is a boolean/);
    throwsMetrics(() => contingencyTable([{} as unknown as Label], [1]), 'INVALID_DATA', /labelsTrue\[0\] is an object/);
    throwsMetrics(() => adjustedRandIndex([0, 1], [0, null as unknown as Label]), 'INVALID_DATA', /labelsPred\[1\] is null; labels must be finite numbers or strings/);
    throwsMetrics(() => evaluateEmbedding(pts, [0, 0, 1, undefined as unknown as Label]), 'INVALID_DATA', /labels\[3\] is undefined/);
  });

  it('silhouette needs 2 to rows - 1 distinct labels', () => {
    throwsMetrics(() => silhouetteScore(pts, [1, 1, 1, 1]), 'INVALID_DATA', /2 to rows - 1 = 3 distinct labels; got 1 for 4 rows/);
    throwsMetrics(() => silhouetteScore(pts, ['a', 'b', 'c', 'd']), 'INVALID_DATA', /got 4 for 4 rows/);
  });

  it('bad options', () => {
    throwsMetrics(() => kmeans(pts, 2, { nInit: 0 }), 'INVALID_OPTION', /nInit must be an integer >= 1; got 0/);
    throwsMetrics(() => kmeans(pts, 2, { maxIter: 2.5 }), 'INVALID_OPTION', /maxIter must be an integer >= 1; got 2.5/);
    throwsMetrics(() => kmeans(pts, 2, { tol: -1 }), 'INVALID_OPTION', /tol must be a finite number >= 0; got -1/);
    throwsMetrics(() => kmeans(pts, 2, { seed: 0.5 }), 'INVALID_OPTION', /seed must be an integer; got 0.5/);
    throwsMetrics(
      () => normalizedMutualInfo([0, 1], [0, 1], { averageMethod: 'harmonic' as AverageMethod }),
      'INVALID_OPTION',
      /averageMethod must be one of 'arithmetic', 'geometric', 'min', 'max'; got "harmonic"/,
    );
    throwsMetrics(
      () => evaluateEmbedding(pts, labels, { protocol: 'umap', umap: { nNeighbors: 4 } }),
      'INVALID_OPTION',
      /umap.nNeighbors must be an integer from 2 to rows - 1 = 3; got 4/,
    );
    throwsMetrics(() => umap2d(pts, { minDist: 2 }), 'INVALID_OPTION', /umap.minDist must be a number from 0 to 1; got 2/);
    throwsMetrics(() => umap2d([[0], [1]]), 'INVALID_DATA', /UMAP needs at least 3 rows; got 2/);
  });

  it('row normalisation refuses a non-zero row that sums to 0', () => {
    throwsMetrics(() => rowNormalize([[1, 2], [1, -1]]), 'INVALID_DATA', /row 1 sums to 0 but is not all zeros/);
    throwsMetrics(
      () => evaluateEmbedding([[1, 2], [1, -1], [3, 3]], [0, 1, 1], { protocol: 'row-normalized' }),
      'INVALID_DATA',
      /row 1 sums to 0/,
    );
  });
});
