import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as api from '../src/index.js';

const source = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');

/** Names in `export { … }` (values) or `export type { … }` (types) statements of src/index.ts. */
function exportedNames(kind: 'value' | 'type'): string[] {
  const re = kind === 'type' ? /export type \{([^}]*)\}/g : /export \{([^}]*)\}/g;
  return [...source.matchAll(re)]
    .flatMap((m) => m[1].split(','))
    .map((s) => s.trim())
    .filter(Boolean)
    .sort();
}

describe('public API of @bcnmf/metrics', () => {
  it('exports exactly these values', () => {
    assert.deepEqual(Object.keys(api).sort(), [
      'AVERAGE_METHODS',
      'EVALUATION_PROTOCOLS',
      'METRICS_DEFAULTS',
      'MetricsError',
      'adjustedRandIndex',
      'contingencyTable',
      'evaluateEmbedding',
      'kmeans',
      'kmeansSteps',
      'normalizedMutualInfo',
      'rowNormalize',
      'silhouetteSamples',
      'silhouetteScore',
      'silhouetteSteps',
      'umap2d',
    ]);
    assert.deepEqual(exportedNames('value'), Object.keys(api).sort());
  });

  it('exports exactly these types', () => {
    assert.deepEqual(exportedNames('type'), [
      'AverageMethod',
      'ContingencyTable',
      'DenseMatrixLike',
      'EvaluateOptions',
      'EvaluationProtocol',
      'EvaluationResult',
      'KmeansOptions',
      'KmeansResult',
      'Label',
      'MetricsErrorCode',
      'NmiOptions',
      'PointsInput',
      'UmapOptions',
    ]);
  });

  it('re-exports every name explicitly', () => {
    assert.doesNotMatch(source, /export \*/);
  });
});
