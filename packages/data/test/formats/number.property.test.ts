// Property-based tests (fast-check) of the one number syntax: parseDecimal against an
// independent reference (a regular expression of the grammar and JavaScript's Number),
// and the list syntax built on it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BcnmfError } from '@bcnmf/core';
import { parseDecimal, parseNumberList } from '../../src/formats/number.js';

/** The grammar, written independently of the scanner: sign, digits/fraction, exponent, blanks around. */
const DECIMAL = /^[ \t]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t]*$/;

function reference(text: string): number {
  return DECIMAL.test(text) ? Number(text.trim()) : NaN;
}

/** Texts made of the characters that matter to a number parser, so both valid and near-valid ones come up often. */
const numberish = fc.string({
  unit: fc.constantFrom('0', '1', '5', '9', '.', 'e', 'E', '+', '-', ' ', '\t', 'x', 'X', 'b', 'o', '_', 'I', 'n', 'f', 'N', 'a', ',', '\n', '\u00a0'),
  maxLength: 14,
});

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));

describe('parseDecimal (property-based)', () => {
  it('accepts exactly the decimal and exponent grammar, with Number\'s value', () => {
    fc.assert(
      fc.property(fc.oneof(numberish, fc.string(), fc.string({ unit: 'binary' })), (text) => {
        const got = parseDecimal(text);
        const want = reference(text);
        assert.ok(Object.is(got, want), `${JSON.stringify(text)}: got ${got}, want ${want}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back every finite double written by String, toExponential and toPrecision', () => {
    fc.assert(
      fc.property(finiteDouble, fc.integer({ min: 1, max: 21 }), (x, digits) => {
        assert.equal(parseDecimal(String(x)), x);
        assert.equal(parseDecimal(x.toExponential()), x);
        assert.equal(parseDecimal(x.toPrecision(digits)), Number(x.toPrecision(digits)));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses the forms Number() reads but the grammar does not', () => {
    for (const text of ['0x10', '0X1f', '0b1', '0o7', '1_000', 'Infinity', '-Infinity', 'NaN', '', '   ', '1e', '.', '+', '- 1', '1 2', '\n1', '1\u00a0']) {
      assert.ok(Number.isNaN(parseDecimal(text)), JSON.stringify(text));
    }
    assert.equal(parseDecimal('1e999'), Infinity);
  });
});

describe('parseNumberList (property-based)', () => {
  it('round-trips a list of finite doubles joined by commas (with blanks around items)', () => {
    fc.assert(
      fc.property(fc.array(finiteDouble, { minLength: 1, maxLength: 20 }), fc.constantFrom(',', ', ', ' ,'), (values, separator) => {
        assert.deepEqual(parseNumberList(values.map(String).join(separator)), values);
      }),
      { numRuns: 500 },
    );
  });

  it('expands integer ranges A..B to every integer from A to B', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 60 }), (from, length) => {
        const to = from + length;
        assert.deepEqual(parseNumberList(`${from}..${to}`), Array.from({ length: length + 1 }, (_, i) => from + i));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses any list with an item outside the grammar, naming it', () => {
    fc.assert(
      fc.property(fc.array(finiteDouble, { maxLength: 5 }), numberish.filter((t) => !t.includes(',') && !t.includes('..') && Number.isNaN(reference(t))), (values, bad) => {
        const items = [...values.map(String), bad];
        assert.throws(() => parseNumberList(items.join(',')), (e: unknown) => e instanceof BcnmfError && e.code === 'INVALID_OPTION');
      }),
      { numRuns: 500 },
    );
    assert.throws(() => parseNumberList('0,0x2'), /'0x2' is not a number/);
    assert.throws(() => parseNumberList('1,,2'), /empty item/);
    assert.throws(() => parseNumberList('5..2'), /empty range/);
    assert.throws(() => parseNumberList('1.5..3'), /range of integers/);
    assert.throws(() => parseNumberList('0..20000'), /more than 10000 values/);
    assert.throws(() => parseNumberList('1..3', { ranges: false }), /range is not allowed/);
  });
});
