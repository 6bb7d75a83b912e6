import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as api from '../src/index.js';
import * as formats from '../src/formats/index.js';

test('the public API (runtime exports, sorted) is exactly this list', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'DATASET_MANIFESTS',
    'DATA_DIR_ENV',
    'DEFAULT_TARGET_SUM',
    'DOWNLOAD_DEFAULTS',
    'DelimitedParser',
    'DownloadError',
    'MICE_PROTEIN_SPLIT',
    'RECORDED_CHECKSUMS_FILE',
    'ROW_NAMES_LIMIT',
    'SIMULATION_DEFAULTS',
    'UNKNOWN_CHECKSUM',
    'addResultsToH5ad',
    'alignFeatures',
    'categoricalValues',
    'columnIndex',
    'createRandom',
    'cutEqualWidth',
    'delimiterFromPath',
    'downloadDataset',
    'findTenxFolder',
    'forEachLine',
    'generateSparseH5ad',
    'getDatasetManifest',
    'highlyVariableGenes',
    'imputeColumnMeans',
    'imputeConstant',
    'listDatasets',
    'loadMaitra2023',
    'loadMcFarland2020',
    'loadMiceProtein',
    'loadMnistFlowers',
    'loadZheng2017',
    'locateDataset',
    'log1p',
    'logGamma',
    'matrixSource',
    'normalizeTotal',
    'openCsvSource',
    'openH5adSource',
    'openMtxSource',
    'readDelimited',
    'readH5ad',
    'readTenx',
    'resolveDataDir',
    'selectColumns',
    'selectFeatures',
    'selectHighlyVariableGenes',
    'selectRows',
    'sha256File',
    'simulateBetaSeries',
    'splitByAnnotation',
    'stackRows',
    'standardize',
    'textChunks',
    'textLines',
    'toCategorical',
    'verifyDatasetFiles',
    'writeAtomically',
    'writeH5ad',
  ]);
});

test('every runtime export of the formats module is re-exported by the package', () => {
  const missing = Object.keys(formats).filter((name) => !(name in api));
  assert.deepEqual(missing, []);
});
