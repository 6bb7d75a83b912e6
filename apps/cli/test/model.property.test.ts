// Property-based tests (fast-check) of the model loader that transform and topics use
// (BcnmfModel.load behind loadModel): random mutations of a valid model.json either are
// refused with one line naming a field (exit 2), or load as a model with no NaN or
// Infinity anywhere, whose topics are finite and which saves and loads back the same.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { BcnmfError, BcnmfModel, DenseMatrix, fitBcnmf } from '@bcnmf/core';
import { UsageError } from '../src/errors.js';
import { loadModel } from '../src/model-file.js';
import { planted, run, tempDir } from './helpers.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

let valid: Json;
const { dir, remove } = tempDir('model-prop');
before(async () => {
  const p = planted(2, 10, 9, 6);
  const target = DenseMatrix.fromRows(p.target, { rowNames: p.targetNames, columnNames: p.features });
  const background = DenseMatrix.fromRows(p.background, { rowNames: p.backgroundNames, columnNames: p.features });
  const model = await fitBcnmf(target, background, { k: 2, alpha: 1, maxIter: 10, onWarning: () => {} });
  valid = JSON.parse(JSON.stringify(model.toJSON())) as Json;
});
after(() => remove());

/** Every path into a JSON value (object keys and array indices), the root excluded. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((v, i) => { out.push([...prefix, i]); paths(v, [...prefix, i], out); });
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) { out.push([...prefix, k]); paths(v, [...prefix, k], out); }
  return out;
}

type Mutation = { path: number; kind: 'replace'; value: Json } | { path: number; kind: 'delete' };

function mutate(original: Json, mutation: Mutation): Json {
  const copy = JSON.parse(JSON.stringify(original)) as Json;
  const all = paths(copy);
  const path = all[mutation.path % all.length];
  let parent = copy as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = mutation.value;
  }
  // through text, as a file is: what JSON cannot hold (NaN, Infinity) becomes null
  return JSON.parse(JSON.stringify(copy)) as Json;
}

/** Values a hand edit or a corruption puts in: wrong types, out-of-range and overflowing numbers, text that looks like numbers. */
const hostile: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(0, -1, -0, 1e39, -1e39, 3.5e38, 1e-46, 1e308, 0.5, 1, 2, 1.5, 100000, 'NaN', 'Infinity', 'abc', '', '1', 'evil',
    'frobenius', 'poisson', true, false, null, [], {}, [[]], [[1e39]], [['x']]),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 6 }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ path: fc.nat(), kind: fc.constant('replace' as const), value: hostile }),
  fc.record({ path: fc.nat(), kind: fc.constant('delete' as const) }),
);

function allFinite(values: ArrayLike<number>): boolean {
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) return false;
  return true;
}

/** Everything numeric a loaded model holds, and what topics derives from it, is finite. */
function assertSound(model: BcnmfModel): void {
  assert.ok(allFinite(model.W.data), 'W finite');
  assert.ok(allFinite(model.Htarget.data), 'Htarget finite');
  for (const H of model.Hbackgrounds) assert.ok(allFinite(H.data), 'Hbackground finite');
  for (const r of model.history) assert.ok(allFinite([r.targetError, r.score, ...(r.backgroundErrors ?? [])]), 'history finite');
  for (const [key, value] of Object.entries(model.settings)) {
    if (typeof value === 'number') assert.ok(Number.isFinite(value), `settings.${key} finite`);
  }
  assert.ok(model.settings.damping > 0 && model.settings.damping <= 1, 'damping in (0, 1]');
  assert.ok(model.settings.eps > 0, 'eps > 0');
  for (const t of model.topics({ top: 3 })) {
    assert.ok(allFinite([t.targetMean, t.backgroundMean ?? 0, t.enrichment ?? 0, ...t.topFeatures.map((f) => f.share)]), `topic ${t.topic} finite`);
  }
  const again = BcnmfModel.load(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(again.W.toArray(), model.W.toArray(), 'saves and loads back the same');
}

describe('model loader (property-based)', () => {
  it('a valid model loads and is sound', () => {
    assertSound(BcnmfModel.load(valid));
  });

  it('random mutations of a valid model are refused (INVALID_MODEL, one line) or load sound: never a model with NaN inside', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const json = mutations.reduce(mutate, valid);
        let model: BcnmfModel;
        try {
          model = BcnmfModel.load(json);
        } catch (error) {
          assert.ok(error instanceof BcnmfError && error.code === 'INVALID_MODEL', `not INVALID_MODEL: ${String(error)}`);
          assert.ok(!error.message.includes('\n'), 'one line');
          refused++;
          return;
        }
        assertSound(model);
      }),
      { numRuns: 1500 },
    );
    assert.ok(refused > 500, `most random mutations are refused (${refused} of 1500)`);
  });

  it('through the CLI: a mutated model.json is exit 2 with one line naming the file and the field, for topics and transform', async () => {
    const samples = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 2 }), { numRuns: 400, seed: 17 });
    let checked = 0;
    for (const [n, mutations] of samples.entries()) {
      const json = mutations.reduce(mutate, valid);
      const path = join(dir, `mutated-${n}.json`);
      writeFileSync(path, JSON.stringify(json));
      let error: unknown;
      try {
        await loadModel(path);
        continue;
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, new RegExp(`^--model ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\S`));
      if (checked < 3) {
        // a few through the whole command line
        const topics = await run(['topics', '--model', path]);
        assert.equal(topics.code, 2, topics.err);
        assert.equal(topics.errLines.length, 1);
        const transform = await run(['transform', '--model', path, '--input', path, '--out', join(dir, `out-${n}.csv`)]);
        assert.equal(transform.code, 2, transform.err);
        assert.equal(transform.errLines.length, 1);
      }
      checked++;
    }
    assert.ok(checked > 100, `${checked} refused through loadModel`);
  });
});
