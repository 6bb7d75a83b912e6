import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DenseMatrix, fitBcnmf, matrixBatchSource, registerBackend, type BatchSource } from '../src/index.js';
import { standIn } from './helpers/stand-in.js';
import { planted, quiet } from '../src/testing/suites/minibatch.js';

// A backend whose ops say when a batch is staged on the device and when queued work is
// submitted (what a GPU backend does with them), on tfjs-backend-cpu.
const events: string[] = [];
const staged: tf.Tensor[][] = [];
const { adapter } = standIn('queueing', 'bcnmf-test-queueing');
registerBackend({
  ...adapter,
  ops: {
    stage(tensors: readonly tf.Tensor[]) {
      events.push('stage');
      staged.push([...tensors]);
    },
    submit() {
      events.push('submit');
    },
  },
});

/** A source that logs its reads and checks, at each, whether the previous batch is still on the device. */
function loggingSource(name: string, matrix: DenseMatrix, onRead?: (start: number) => void): BatchSource & { overlapped: boolean[] } {
  const inner = matrixBatchSource(matrix);
  const source = {
    rows: inner.rows,
    columns: inner.columns,
    overlapped: [] as boolean[],
    async readRows(start: number, count: number) {
      events.push(`read ${name} ${start}`);
      const previous = staged.at(-1);
      source.overlapped.push(previous !== undefined && previous.every((t) => !t.isDisposed));
      onRead?.(start);
      return inner.readRows(start, count);
    },
  };
  return source;
}

const target = DenseMatrix.fromRows(planted.target);
const background = DenseMatrix.fromRows(planted.background);

describe('minibatch double buffering', () => {
  it('reads and stages batch b + 1 after submitting batch b, while batch b is still on the device', async () => {
    events.length = 0;
    staged.length = 0;
    const before = tf.memory().numTensors;
    const t = loggingSource('target', target);
    const b = loggingSource('background', background);
    const options = { k: 2, alpha: 0.5, maxIter: 2, tol: 0, batchSize: 40, shuffle: false, backend: 'queueing', ...quiet };
    const model = await fitBcnmf(t, b, options);
    // 90 target rows and 70 background rows in batches of 40: 3 + 2 batches per epoch
    const epoch = [
      'read target 0', 'stage', 'submit', 'read target 40', 'stage', 'submit', 'read target 80', 'stage', 'submit',
      'read background 0', 'stage', 'submit', 'read background 40', 'stage', 'submit',
    ];
    assert.deepEqual(events, [...epoch, ...epoch]);
    // every read but an epoch's first happens while the batch before it is on the device
    // (an epoch's order is drawn when it starts: its first batch is not read ahead)
    assert.deepEqual(t.overlapped, [false, true, true, false, true, true]);
    assert.deepEqual(b.overlapped, [true, true, true, true]);
    assert.ok(staged.flat().every((tensor) => tensor.isDisposed), 'every staged batch is freed');
    assert.equal(tf.memory().numTensors, before);
    // the same fit as on core's default backend (no stage or submit)
    const { backend: _queueing, ...withoutBackend } = options;
    const plain = await fitBcnmf(target, background, withoutBackend);
    assert.deepEqual(Array.from(model.W.data), Array.from(plain.W.data));
    assert.deepEqual(Array.from(model.Htarget.data), Array.from(plain.Htarget.data));
  });

  it('a batch that fails to read while the one before computes: that error, and nothing left on the device', async () => {
    const before = tf.memory().numTensors;
    const failing = loggingSource('target', target, (start) => {
      if (start === 80) throw new Error('disk read failed at row 80');
    });
    await assert.rejects(
      fitBcnmf(failing, background, { k: 2, maxIter: 3, batchSize: 40, shuffle: false, backend: 'queueing', ...quiet }),
      /disk read failed at row 80/,
    );
    assert.equal(tf.memory().numTensors, before);
  });

  it('Ctrl-C (abort) while the next batch is read ahead: an AbortError, and the batch read ahead is freed', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const source = loggingSource('target', target, (start) => {
      if (start === 40) controller.abort();
    });
    await assert.rejects(
      fitBcnmf(source, background, { k: 2, maxIter: 3, batchSize: 40, shuffle: false, backend: 'queueing', signal: controller.signal, ...quiet }),
      (e: unknown) => e instanceof Error && e.name === 'AbortError',
    );
    assert.equal(tf.memory().numTensors, before);
  });
});
