import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REPRODUCE_USAGE } from '@bcnmf/reproduce';
import { run } from './helpers.js';

describe('bcnmf reproduce (@bcnmf/reproduce)', () => {
  it('is listed in the usage and prints its own with --help', async () => {
    const usage = await run(['help']);
    assert.match(usage.out, /\n  reproduce  regenerate a table of the paper/);
    assert.match(usage.out, /\n  datasets   the paper's data sets/);
    const r = await run(['reproduce', '--help']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, REPRODUCE_USAGE);
    assert.match(r.out, /^bcnmf reproduce NAME/);
    assert.equal((await run(['help', 'reproduce'])).out, REPRODUCE_USAGE);
  });

  it('an unknown experiment exits 2 with one line', async () => {
    const r = await run(['reproduce', 'no-such-experiment']);
    assert.equal(r.code, 2);
    assert.equal(r.errLines.length, 1);
    assert.match(r.err, /^bcnmf: .*no-such-experiment/);
    assert.equal(r.out, '');
    const flag = await run(['reproduce', 'simulation', '--no-such-flag']);
    assert.equal(flag.code, 2);
  });
});
