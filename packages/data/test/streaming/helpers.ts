import assert from 'node:assert/strict';
import { CsrMatrix, DenseMatrix } from '@bcnmf/core';
import type { BatchSource } from '../../src/streaming/batch-source.js';

/** [start, count] of consecutive batches of `size` rows (the last one shorter). */
export function batches(rows: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < rows; s += size) out.push([s, Math.min(size, rows - s)]);
  return out;
}

/** A seeded Fisher–Yates shuffle (copy). */
export function shuffled<T>(values: readonly T[], seed: number): T[] {
  const out = [...values];
  let state = seed * 2654435761 + 1;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Reads every batch of `size` rows in a shuffled order, twice (two epochs, two orders),
 * checks each batch's type, shape and names, and returns the rows put back in place as
 * one dense row-major array (checked equal between the epochs).
 */
export async function readAllShuffled(
  source: BatchSource,
  size: number,
  expect: { kind: 'csr' | 'dense'; dtype?: 'float32' | 'float64' },
): Promise<Float64Array> {
  const epochs: Float64Array[] = [];
  for (const seed of [1, 2]) {
    const out = new Float64Array(source.rows * source.columns).fill(-12345);
    for (const [start, count] of shuffled(batches(source.rows, size), seed)) {
      const batch = await source.readRows(start, count);
      if (expect.kind === 'csr') assert.ok(batch instanceof CsrMatrix, `rows ${start}+${count}: expected a CsrMatrix`);
      else assert.ok(batch instanceof DenseMatrix, `rows ${start}+${count}: expected a DenseMatrix`);
      if (expect.dtype !== undefined) {
        assert.ok(batch.data instanceof (expect.dtype === 'float32' ? Float32Array : Float64Array), `batch values are ${expect.dtype}`);
      }
      assert.deepEqual(batch.shape, [count, source.columns]);
      assert.deepEqual(batch.columnNames, source.columnNames);
      assert.deepEqual(batch.rowNames, source.rowNames?.slice(start, start + count));
      const dense = batch instanceof CsrMatrix ? batch.toDense() : batch;
      out.set(dense.data, start * source.columns);
    }
    epochs.push(out);
  }
  assert.deepEqual(epochs[1], epochs[0]);
  return epochs[0];
}

/** The values of a matrix as a dense float64 row-major array. */
export function denseValues(m: DenseMatrix | CsrMatrix): Float64Array {
  return Float64Array.from((m instanceof CsrMatrix ? m.toDense() : m).data);
}

/** Asserts that `promise` rejects with a BcnmfError of `code` whose message matches `pattern`. */
export async function rejects(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.equal((error as { name?: string }).name, 'BcnmfError', String(error));
    assert.equal((error as { code?: string }).code, code, String(error));
    assert.match((error as Error).message, pattern);
    return true;
  });
}
