// Text files written in pieces: the coefficients and model.json of a large fit outgrow one
// JavaScript string (512 MiB), so they are never joined.
import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DenseMatrix, fitBcnmf } from '@bcnmf/core';
import { jsonPieces, writeTextFile } from '../src/text-file.js';
import { coefficientsCsv, coefficientsCsvLines, matrixCsv, matrixCsvLines } from '../src/results.js';
import { planted, tempDir } from './helpers.js';

describe('text written in pieces', () => {
  let dir: string;
  let remove: () => void;
  before(() => ({ dir, remove } = tempDir('text-file')));
  after(() => remove());

  it("jsonPieces joined is JSON.stringify's text: a model with names and two backgrounds, and odd values", async () => {
    const p = planted(3, 12, 10, 6);
    const model = await fitBcnmf(
      DenseMatrix.fromRows(p.target, { rowNames: p.targetNames, columnNames: p.features }),
      [p.background, p.background.slice(0, 7)],
      { k: 2, alpha: [0.5, 0.2], maxIter: 20, seed: 1, onWarning: () => {} },
    );
    const json = model.toJSON();
    assert.equal([...jsonPieces(json)].join(''), JSON.stringify(json));
    const odd = { a: [1, undefined, () => 1, null, [2, [3, 'x"\u00e9\n']], {}], b: undefined, c: { d: [], e: '\u2028', f: -0, g: 1e-7, h: true }, i: [[], [[]]] };
    assert.equal([...jsonPieces(odd)].join(''), JSON.stringify(odd));
    // a row is one piece, not one per number
    assert.equal([...jsonPieces(json.Htarget)].length, 2 * json.Htarget.length + 1);
  });

  it('the CSV lines joined are the CSV text, with and without annotation columns', async () => {
    const p = planted(4, 9, 8, 5);
    const model = await fitBcnmf(p.target, p.background, { k: 2, alpha: 0.5, maxIter: 10, seed: 1, onWarning: () => {} });
    assert.equal([...matrixCsvLines(model.W, 'topic')].join(''), matrixCsv(model.W, 'topic'));
    const annotations = { group: p.groups.slice(0, 9), depth: Array.from({ length: 9 }, (_, i) => (i === 3 ? null : i)), topic_1: new Array(9).fill('x') };
    const text = [...coefficientsCsvLines(model.Htarget, annotations)].join('');
    assert.equal(text, coefficientsCsv(model.Htarget, annotations));
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], 'sample,topic_1,topic_2,group,depth');
    assert.match(lines[4], /,B,$/);
    assert.equal(lines.length, 10);
  });

  it('writes a file larger than a JavaScript string can hold, multi-byte text intact', async () => {
    const piece = `${'é'.repeat(1 << 19)}\n`; // 2^19 + 1 characters, 2^20 + 1 bytes
    const count = Math.ceil(constants.MAX_STRING_LENGTH / piece.length) + 1;
    const path = join(dir, 'large.txt');
    await writeTextFile(path, (function* () {
      for (let i = 0; i < count; i++) yield piece;
    })());
    assert.equal(statSync(path).size, count * ((1 << 20) + 1));
    assert.ok(count * piece.length > constants.MAX_STRING_LENGTH);
    const small = join(dir, 'small.txt');
    await writeTextFile(small, ['a', 'é', '\n', '']);
    assert.equal(readFileSync(small, 'utf8'), 'aé\n');
    await writeTextFile(join(dir, 'empty.txt'), []);
    assert.equal(statSync(join(dir, 'empty.txt')).size, 0);
  });

  it('stops with the signal\'s reason soon after an abort (Ctrl-C during a long write)', async () => {
    const controller = new AbortController();
    const line = `${'x'.repeat(1023)}\n`;
    let produced = 0;
    const lines = (function* () {
      for (;;) {
        produced++;
        // aborted from outside while the write runs, as a signal handler would
        if (produced === 4096) setImmediate(() => controller.abort(new Error('interrupted')));
        yield line;
      }
    })();
    await assert.rejects(writeTextFile(join(dir, 'endless.txt'), lines, { signal: controller.signal }), /^Error: interrupted$/);
    // within two of its 32 MiB turns
    assert.ok(produced <= 3 * 32 * 1024, `${produced} lines written`);
  });
});
