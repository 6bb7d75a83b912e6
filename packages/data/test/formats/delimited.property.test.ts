// Property-based tests (fast-check) of the delimited reader: random bytes never crash it
// with anything but a BcnmfError, and random valid tables (any names, quoted as RFC 4180
// says; any finite doubles) read back exactly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { BcnmfError } from '@bcnmf/core';
import { readDelimited } from '../../src/formats/delimited.js';

let dir: string;
let counter = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bcnmf-delimited-prop-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(ext: string, content: string | Uint8Array): string {
  const path = join(dir, `t${counter++}${ext}`);
  writeFileSync(path, content);
  return path;
}

/** One field as RFC 4180 writes it: always quoted, quotes doubled. */
function quoted(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
/** Any text of whole code points (no lone surrogates, which UTF-8 cannot hold) but NUL, which the reader refuses as a sign of a binary file. */
const name = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !s.includes('\0'));

describe('readDelimited (property-based)', () => {
  it('random bytes: a table or a BcnmfError naming the file, never another exception', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      // text made of the characters that matter to the parser, so that parsing goes deep
      fc.string({ unit: fc.constantFrom('a', '1', '.', 'e', '-', ',', '\t', '"', '\n', '\r', ' ', 'N', 'A', '\ufeff'), maxLength: 120 })
        .map((text) => new TextEncoder().encode(text)),
    );
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom('.csv', '.tsv'), async (content, ext) => {
        const path = file(ext, content);
        try {
          const table = await readDelimited(path);
          assert.equal(table.matrix.data.length, table.matrix.rows * table.matrix.columns);
        } catch (error) {
          assert.ok(error instanceof BcnmfError, `not a BcnmfError: ${String(error)}`);
          assert.ok(error.message.startsWith(path), `the message names the file: ${error.message}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('random valid tables (any names, finite doubles) read back exactly', async () => {
    const table = fc
      .record({ columns: fc.integer({ min: 1, max: 5 }), rows: fc.integer({ min: 0, max: 6 }) })
      .chain(({ columns, rows }) =>
        fc.record({
          corner: name,
          features: fc.array(name, { minLength: columns, maxLength: columns }),
          samples: fc.array(name, { minLength: rows, maxLength: rows }),
          values: fc.array(fc.array(finiteDouble, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }),
          delimiter: fc.constantFrom(',', '\t'),
          lineEnd: fc.constantFrom('\n', '\r\n'),
        }),
      );
    await fc.assert(
      fc.asyncProperty(table, async ({ corner, features, samples, values, delimiter, lineEnd }) => {
        const lines = [[corner, ...features].map(quoted).join(delimiter)];
        samples.forEach((sample, i) => lines.push([quoted(sample), ...values[i].map(String)].join(delimiter)));
        const path = file(delimiter === ',' ? '.csv' : '.tsv', lines.join(lineEnd) + lineEnd);
        const { matrix, annotations, missingCount } = await readDelimited(path);
        assert.deepEqual(matrix.columnNames, features);
        assert.deepEqual(matrix.rowNames, samples);
        assert.deepEqual([...matrix.data], values.flat());
        assert.equal(missingCount, 0);
        assert.deepEqual(Object.keys(annotations), []);
      }),
      { numRuns: 300 },
    );
  });

  it('annotation columns named like Object.prototype keys are columns like any other', async () => {
    for (const column of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const path = file('.csv', `sample,${column},f0\na,x,1\nb,y,2\n`);
      const { annotations } = await readDelimited(path, { features: ['f0'] });
      assert.deepEqual(Object.keys(annotations), [column]);
      assert.deepEqual(annotations[column], ['x', 'y']);
    }
  });

  it('a number cell outside the decimal grammar is refused, naming line and column', async () => {
    for (const cell of ['0x10', '0b1', '0o7', '1_000']) {
      const path = file('.csv', `sample,f0\na,${cell}\n`);
      await assert.rejects(readDelimited(path), new RegExp(`line 2, column 2 "f0": "${cell}" is not a number`));
    }
  });
});
