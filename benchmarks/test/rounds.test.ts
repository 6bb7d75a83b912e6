import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCell, median, parseRounds, ratioCells, ratioSummary, roundOrder, runRounds } from '../src/rounds.js';

// The pure part of the benchmarks' rounds: per-round ratios, their median and spread, the
// order of each round; checked on cases computed by hand.
describe('benchmarks/src/rounds', () => {
  it('median: the middle value, the mean of the two middle ones for an even count, null for none', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
    assert.equal(median([]), null);
  });

  it('ratioSummary, 5 rounds: the per-round ratios ours / reference, their median and min–max', () => {
    // ratios 12/10 = 1.2, 9/10 = 0.9, 16/20 = 0.8, 10/8 = 1.25, 5/5 = 1; sorted 0.8 0.9 1 1.2 1.25
    const s = ratioSummary([10, 10, 20, 8, 5], [12, 9, 16, 10, 5]);
    assert.deepEqual(s.perRound.map((r) => (r === null ? null : Number(r.toFixed(10)))), [1.2, 0.9, 0.8, 1.25, 1]);
    assert.equal(s.count, 5);
    assert.equal(s.median, 1);
    assert.equal(s.min, 0.8);
    assert.equal(s.max, 1.25);
    assert.deepEqual(ratioCells(s), { median: '1.00', spread: '0.80–1.25' });
  });

  it('ratioSummary, 4 rounds: the median is the mean of the two middle ratios', () => {
    // ratios 0.5, 0.75, 0.6, 1.0; sorted 0.5 0.6 0.75 1.0; median (0.6 + 0.75) / 2 = 0.675
    const s = ratioSummary([2, 4, 5, 3], [1, 3, 3, 3]);
    assert.equal(s.count, 4);
    assert.ok(Math.abs(s.median! - 0.675) < 1e-12, String(s.median));
    assert.equal(s.min, 0.5);
    assert.equal(s.max, 1);
    assert.deepEqual(ratioCells(s), { median: '0.68', spread: '0.50–1.00' });
  });

  it('ratioSummary: a failed round (either side) gives no ratio, the others still count', () => {
    // round 2 ours failed, round 4 the reference failed: ratios 2/4 = 0.5, 9/6 = 1.5, 3/3 = 1
    const s = ratioSummary([4, 5, 6, null, 3], [2, null, 9, 7, 3]);
    assert.deepEqual(s.perRound, [0.5, null, 1.5, null, 1]);
    assert.equal(s.count, 3);
    assert.equal(s.median, 1);
    assert.equal(s.min, 0.5);
    assert.equal(s.max, 1.5);
  });

  it('ratioSummary: a time at or below zero (timing noise of a difference of two fits) gives no ratio', () => {
    const s = ratioSummary([0, -1, 2, 4], [1, 1, -0.5, 2]);
    assert.deepEqual(s.perRound, [null, null, null, 0.5]);
    assert.equal(s.median, 0.5);
  });

  it('ratioSummary: no round with a ratio gives n/a and no spread; mismatched rounds are an error', () => {
    const s = ratioSummary([null, null], [1, 2]);
    assert.equal(s.count, 0);
    assert.equal(s.median, null);
    assert.deepEqual(ratioCells(s), { median: 'n/a', spread: '' });
    assert.throws(() => ratioSummary([1, 2], [1]), /2 reference rounds but 1 of ours/);
  });

  it('roundOrder reverses the order on odd rounds', () => {
    assert.deepEqual(roundOrder(3, 0), [0, 1, 2]);
    assert.deepEqual(roundOrder(3, 1), [2, 1, 0]);
    assert.deepEqual(roundOrder(3, 2), [0, 1, 2]);
    assert.deepEqual(roundOrder(1, 1), [0]);
  });

  it('runRounds runs A B C C B A A B C, records failures and throws per round, and reads the load before and after', async () => {
    const calls: string[] = [];
    const loads = [1.5, 2.25];
    const impl = (name: string, outcome: (round: number) => { ms: number } | { error: string }) => {
      let round = 0;
      return () => {
        calls.push(name);
        return outcome(round++);
      };
    };
    const result = await runRounds(
      [
        impl('A', (r) => ({ ms: 10 + r })),
        impl('B', (r) => (r === 1 ? { error: 'exit 1' } : { ms: 20 + r })),
        async () => {
          calls.push('C');
          if (calls.length === 9) throw new Error('thrown');
          return { ms: 30 };
        },
      ],
      { rounds: 3, loadAverage: () => loads.shift()! },
    );
    assert.deepEqual(calls, ['A', 'B', 'C', 'C', 'B', 'A', 'A', 'B', 'C']);
    assert.deepEqual(result.results, [
      [{ ms: 10 }, { ms: 11 }, { ms: 12 }],
      [{ ms: 20 }, null, { ms: 22 }],
      [{ ms: 30 }, { ms: 30 }, null],
    ]);
    assert.deepEqual(result.errors[1], [undefined, 'exit 1', undefined]);
    assert.deepEqual(result.errors[2], [undefined, undefined, 'thrown']);
    assert.equal(loadCell(result), '1.50 → 2.25');
  });

  it('parseRounds: a whole number of at least 1; at least 5 where results are written, unless quick', () => {
    assert.equal(parseRounds('5', { writes: true, quick: false }), 5);
    assert.equal(parseRounds('2', { writes: false, quick: false }), 2);
    assert.equal(parseRounds('2', { writes: true, quick: true }), 2);
    assert.throws(() => parseRounds('4', { writes: true, quick: false }), /--rounds 4: at least 5 rounds for written results/);
    assert.throws(() => parseRounds('0', { writes: false, quick: false }), /--rounds 0: expected a whole number of at least 1/);
    assert.throws(() => parseRounds('2.5', { writes: false, quick: false }), /expected a whole number/);
    assert.throws(() => parseRounds('x', { writes: false, quick: false }), /expected a whole number/);
  });
});
