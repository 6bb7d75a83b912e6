import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BcnmfError, DenseMatrix } from '@bcnmf/core';
import { splitByAnnotation } from '../src/split.js';

const m = DenseMatrix.fromRows([[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]], { rowNames: ['m1', 'm2', 'm3', 'm4', 'm5'], columnNames: ['p_N', 'q_N'] });
const columns = {
  class: ['c-SC-s', 'c-CS-s', 't-SC-s', 'c-CS-m', 'c-CS-s'],
  Genotype: ['Control', 'Control', 'Ts65Dn', 'Control', 'Control'],
};
const options = { column: 'class', targetValues: ['c-SC-s', 't-SC-s'], backgroundValues: ['c-CS-s'], labelColumn: 'Genotype' };

test('splitByAnnotation splits by column values and carries labels (column- and row-oriented annotations)', () => {
  const r = splitByAnnotation(m, columns, options);
  assert.deepEqual(r.target.toArray(), [[1, 10], [3, 30]]);
  assert.deepEqual(r.target.rowNames, ['m1', 'm3']);
  assert.deepEqual(r.target.columnNames, ['p_N', 'q_N']);
  assert.deepEqual(r.background.toArray(), [[2, 20], [5, 50]]);
  assert.deepEqual(r.targetLabels, ['Control', 'Ts65Dn']);
  assert.deepEqual(r.backgroundLabels, ['Control', 'Control']);
  assert.deepEqual(r.targetIndices, [0, 2]);
  assert.deepEqual(r.backgroundIndices, [1, 4]);
  const records = columns.class.map((c, i) => ({ class: c, Genotype: columns.Genotype[i] }));
  assert.deepEqual(splitByAnnotation(m, records, options).targetLabels, ['Control', 'Ts65Dn']);
  // without labelColumn the split column is the label
  assert.deepEqual(splitByAnnotation(m, columns, { ...options, labelColumn: undefined }).targetLabels, ['c-SC-s', 't-SC-s']);
  // numbers compare as strings
  assert.deepEqual(splitByAnnotation(m, { k: [1, 2, 1, 3, 2] }, { column: 'k', targetValues: ['1'], backgroundValues: [2] }).targetIndices, [0, 2]);
});

test('splitByAnnotation refuses mismatched or missing annotations and empty sides', () => {
  const isCode = (code: string) => (e: unknown) => e instanceof BcnmfError && e.code === code;
  assert.throws(() => splitByAnnotation(m, { class: ['a'] }, options), isCode('INVALID_DATA'));
  assert.throws(() => splitByAnnotation(m, { Genotype: columns.Genotype }, options), isCode('INVALID_DATA'));
  assert.throws(() => splitByAnnotation(m, columns, { ...options, backgroundValues: ['nope'] }), isCode('INVALID_DATA'));
  assert.throws(() => splitByAnnotation(m, columns, { ...options, backgroundValues: ['c-SC-s'] }), isCode('INVALID_OPTION'));
  assert.throws(() => splitByAnnotation(m, [{ class: 'c-SC-s' }], options), isCode('INVALID_DATA'));
});
