import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as api from '../src/index.js';

describe('public API', () => {
  it('exports exactly these runtime names', () => {
    assert.deepEqual(Object.keys(api).sort(), [
      'ALPHA_PATH_DEFAULTS', 'BcnmfFitted', 'CPCA', 'CPCA_DEFAULTS', 'CpcaModel', 'METHOD_NAMES', 'NMF', 'NMF_DEFAULTS', 'NmfModel', 'PCA',
      'PCA_DEFAULTS', 'PcaModel', 'alphaCandidates', 'cpca', 'fitAlphaPath', 'fullEigenpairs', 'getMethod', 'methods', 'nativeLinalgStatus', 'nmf', 'pca', 'selectAlphas',
      'selectFromAlphaPath', 'spectralClustering', 'subspaceAffinity', 'topEigenpairs', 'useNativeLinalg',
    ]);
  });
  it('src/index.ts re-exports these names, types included, explicitly', () => {
    const source = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');
    assert.ok(!/export \*/.test(source));
    const names = [...source.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((s) => s.trim())).filter(Boolean).sort();
    assert.deepEqual(names, [
      'ALPHA_PATH_DEFAULTS', 'AlphaPath', 'AlphaPathOptions', 'AlphaPathSelection', 'AlphaPathSelectionOptions',
      'AlphaSelection', 'BcnmfFitted', 'CPCA', 'CPCA_DEFAULTS', 'CpcaModel', 'CpcaModelJSON', 'CpcaOptions', 'CpcaResult', 'Eigenpairs',
      'FittedMethod', 'METHOD_NAMES', 'Method', 'MethodName', 'NMF', 'NMF_DEFAULTS', 'NmfModel', 'NmfModelJSON', 'NmfOptions',
      'PCA', 'PCA_DEFAULTS', 'PcaMethod', 'PcaModel', 'PcaModelJSON', 'PcaOptions', 'SharedSettings', 'SpectralClusteringOptions', 'TopEigenOptions', 'alphaCandidates',
      'cpca', 'fitAlphaPath', 'fullEigenpairs', 'getMethod', 'methods', 'nativeLinalgStatus', 'nmf', 'pca', 'selectAlphas', 'selectFromAlphaPath', 'spectralClustering',
      'subspaceAffinity', 'topEigenpairs', 'useNativeLinalg',
    ]);
  });
});
