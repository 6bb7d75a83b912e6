import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as api from '../src/index.js';

const source = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');

function exportedNames(kind: 'value' | 'type'): string[] {
  const re = kind === 'type' ? /export type \{([^}]*)\}/g : /export \{([^}]*)\}/g;
  return [...source.matchAll(re)].flatMap((m) => m[1].split(',')).map((s) => s.trim()).filter(Boolean).sort();
}

// The public API cannot change by accident: a change here is a change for users and
// needs a changeset.
describe('public API of @bcnmf/consensus', () => {
  it('exports exactly these values', () => {
    assert.deepEqual(Object.keys(api).sort(), [
      'CONSENSUS_DEFAULTS',
      'ConsensusError',
      'SWEEP_DEFAULTS',
      'checkGrid',
      'checkSweepCell',
      'clusterTopics',
      'clusterTopicsAsync',
      'consensusBcnmf',
      'consensusMemory',
      'consensusSvg',
      'gridCells',
      'localDensity',
      'median',
      'recommendSetting',
      'recommendationRule',
      'resolveConsensusOptions',
      'selectionSvg',
      'selectionSweep',
      'sweepFits',
    ]);
    assert.deepEqual(exportedNames('value'), Object.keys(api).sort());
  });

  it('exports exactly these types', () => {
    assert.deepEqual(exportedNames('type'), [
      'AutoAlphaChoice',
      'AutoAlphaOptions',
      'ConsensusErrorCode',
      'ConsensusOptions',
      'ConsensusResult',
      'ConsensusShape',
      'ConsensusTopic',
      'RankedCell',
      'Recommendation',
      'RestartSummary',
      'RestartTopic',
      'SelectionSweep',
      'SelectionSweepOptions',
      'SweepCell',
      'SweepProgress',
      'TopicCluster',
      'TopicClustering',
      'TopicClusteringOptions',
    ]);
  });

  it('re-exports every name explicitly', () => {
    assert.doesNotMatch(source, /export \*/);
  });
});
