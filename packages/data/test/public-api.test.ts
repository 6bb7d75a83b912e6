import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as browser from '../src/browser.js';
import * as formats from '../src/formats/index.js';
import * as api from '../src/index.js';

/** The browser-safe entry, @bcnmf/data/browser (runtime exports, sorted). */
const BROWSER = [
  'DEFAULT_TARGET_SUM',
  'DelimitedParser',
  'FEATURE_ALIGNMENTS',
  'LABEL_COLUMN_NAME',
  'SIMULATION_DEFAULTS',
  'alignFeatures',
  'categoricalValues',
  'columnIndex',
  'createRandom',
  'cutEqualWidth',
  'delimiterFromPath',
  'detectOrientation',
  'frameColumnValues',
  'highlyVariableGenes',
  'imputeColumnMeans',
  'imputeConstant',
  'labelsForSamples',
  'log1p',
  'logGamma',
  'normalizeTotal',
  'parseDecimal',
  'parseDelimited',
  'parseNumberList',
  'planFeatureAlignment',
  'readH5adBytes',
  'scanDelimited',
  'selectColumns',
  'selectFeatures',
  'selectHighlyVariableGenes',
  'selectRows',
  'simulateBetaSeries',
  'sniffDelimiter',
  'splitByAnnotation',
  'standardize',
  'toCategorical',
];

/** What the Node entry, @bcnmf/data, adds to it. */
const NODE_ONLY = [
  'DATASET_MANIFESTS',
  'DATA_DIR_ENV',
  'DOWNLOAD_DEFAULTS',
  'DownloadError',
  'MICE_PROTEIN_SPLIT',
  'RECORDED_CHECKSUMS_FILE',
  'ROW_NAMES_LIMIT',
  'UNKNOWN_CHECKSUM',
  'addResultsToH5ad',
  'downloadDataset',
  'filesUnder',
  'findTenxFolder',
  'forEachLine',
  'generateSparseH5ad',
  'getDatasetManifest',
  'h5adColumnNameProblem',
  'h5adResultsKeyClashes',
  'isWithin',
  'listDatasets',
  'loadMaitra2023',
  'loadMcFarland2020',
  'loadMiceProtein',
  'loadMnistFlowers',
  'loadZheng2017',
  'locateDataset',
  'matrixSource',
  'openCsvSource',
  'openH5adSource',
  'openMtxSource',
  'readDelimited',
  'readDelimitedLayout',
  'readH5ad',
  'readTenx',
  'realPathOrResolved',
  'resolveDataDir',
  'sha256File',
  'stackRows',
  'textChunks',
  'textLines',
  'verifyDatasetFiles',
  'writeAtomically',
  'writeH5ad',
];

test('the browser entry (runtime exports, sorted) is exactly this list', () => {
  assert.deepEqual(Object.keys(browser).sort(), BROWSER);
});

test('the Node entry is the browser entry and the Node-only list, the same objects', () => {
  assert.deepEqual(Object.keys(api).sort(), [...BROWSER, ...NODE_ONLY].sort());
  for (const name of BROWSER) assert.equal(api[name as keyof typeof api], browser[name as keyof typeof browser], name);
});

test('every runtime export of the formats module is re-exported by the package', () => {
  const missing = Object.keys(formats).filter((name) => !(name in api));
  assert.deepEqual(missing, []);
});
