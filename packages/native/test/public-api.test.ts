import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as api from '../src/index.js';

it('exports exactly the public API', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'MissingSymbolsError',
    'NATIVE_SWITCHES',
    'bindSignatures',
    'blasCandidates',
    'describe',
    'loadBlasLibrary',
    'loadKoffi',
    'OPENBLAS_SIGNATURES',
    'prototype',
    'requestedThreads',
    'rowMajorGemm',
    'runsNode',
    'switchValue',
    'switchedOff',
  ].sort());
});
