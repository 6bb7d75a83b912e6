// A soak test: 200 fits and 200 transforms through the command line in one process, on
// small data, with flat memory: the tfjs tensor count does not grow at all, and the
// resident set size grows by no more than a bound far below what a leak of the fits'
// matrices or of the output files' buffers would add over 200 rounds.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { planted, run, tempDir, writeTable } from './helpers.js';

const ROUNDS = 200;
const WARM_UP = 20;
/** RSS growth allowed from round WARM_UP to round ROUNDS (allocator and JIT noise). */
const RSS_GROWTH_BOUND_MB = 64;

describe('soak: 200 fits and transforms in one process', { timeout: 600_000 }, () => {
  const { dir, remove } = tempDir('soak');
  after(() => remove());

  it('keeps the tfjs tensor count flat and the resident memory bounded', async () => {
    const p = planted(11, 24, 20, 10);
    const target = join(dir, 'target.csv');
    const background = join(dir, 'background.csv');
    writeTable(target, p.targetNames, p.features, p.target);
    writeTable(background, p.backgroundNames, p.features, p.background);
    const out = join(dir, 'fit');
    let tensors = -1;
    let rss = 0;
    const started = performance.now();
    for (let round = 1; round <= ROUNDS; round++) {
      const fit = await run(['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '1', '--max-iter', '15',
        '--seed', String(round), '--backend', 'cpu', '--out', out, '--overwrite', '--quiet']);
      assert.equal(fit.code, 0, `round ${round} fit: ${fit.err}`);
      const transform = await run(['transform', '--model', out, '--input', target, '--max-iter', '15', '--backend', 'cpu',
        '--out', join(dir, 'H.csv'), '--overwrite', '--quiet']);
      assert.equal(transform.code, 0, `round ${round} transform: ${transform.err}`);
      if (round === WARM_UP) {
        tensors = tf.memory().numTensors;
        rss = process.memoryUsage().rss;
      }
    }
    const grewMb = (process.memoryUsage().rss - rss) / 2 ** 20;
    console.log(`soak: ${ROUNDS} fits + ${ROUNDS} transforms in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `tfjs tensors ${tensors} -> ${tf.memory().numTensors}; RSS +${grewMb.toFixed(1)} MB from round ${WARM_UP} to ${ROUNDS}`);
    // the engine measured is the one the fits ran on (one @tensorflow/tfjs-core in the workspace)
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(tf.memory().numTensors, tensors, 'tfjs tensors after the warm-up rounds');
    assert.ok(grewMb < RSS_GROWTH_BOUND_MB, `RSS grew ${grewMb.toFixed(1)} MB`);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')).sort(), [], 'no temporary files or folders left');
  });
});
