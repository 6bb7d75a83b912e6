// model.json of a large fit is read as a stream (JSON.parse needs it as one string, which
// holds at most 512 MiB); both ways give the same model, and bad files the same refusals.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadModel, parseJsonStream } from '../src/model-file.js';
import { InterruptedError, UsageError } from '../src/errors.js';
import { planted, run, tempDir, writeTable } from './helpers.js';

describe('loading model.json', () => {
  let dir: string;
  let remove: () => void;
  let model: string;
  before(async () => {
    ({ dir, remove } = tempDir('model-file'));
    const p = planted(8, 30, 25, 6);
    writeTable(join(dir, 't.csv'), p.targetNames, p.features, p.target);
    writeTable(join(dir, 'b.csv'), p.backgroundNames, p.features, p.background);
    const r = await run(['fit', '--target', join(dir, 't.csv'), '--background', join(dir, 'b.csv'), '--k', '2', '--alpha', '0.5', '--max-iter', '30',
      '--quiet', '--no-report', '--out', join(dir, 'fit')]);
    assert.equal(r.code, 0, r.err);
    model = join(dir, 'fit', 'model.json');
  });
  after(() => remove());

  it('parsed as a stream, the same model as through JSON.parse', async () => {
    const whole = await loadModel(model);
    const streamed = await loadModel(model, { streamAbove: 0 });
    assert.deepEqual(streamed.model.toJSON(), whole.model.toJSON());
    assert.deepEqual(JSON.parse(readFileSync(model, 'utf8')), whole.model.toJSON());
  });

  it('a truncated or damaged file is refused the same way either way (exit 2, naming the file)', async () => {
    const text = readFileSync(model, 'utf8');
    const cases: [string, string][] = [['truncated.json', text.slice(0, Math.floor(text.length / 2))], ['garbage.json', text.replace('"W"', 'W')], ['empty.json', '']];
    for (const [name, content] of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      for (const streamAbove of [0, undefined]) {
        await assert.rejects(loadModel(path, { streamAbove }), (error: unknown) => {
          assert.ok(error instanceof UsageError, String(error));
          assert.match(error.message, new RegExp(`^--model .*${name} is not JSON: `));
          return true;
        }, `${name}, streamAbove ${streamAbove}`);
      }
    }
    // valid JSON that is not a model: the model's own check, either way
    writeFileSync(join(dir, 'array.json'), '[1, 2]');
    for (const streamAbove of [0, undefined]) {
      await assert.rejects(loadModel(join(dir, 'array.json'), { streamAbove }), /^UsageError: --model .*array\.json: /);
    }
  });

  it('a read error while parsing a stream rejects (no unhandled error event); Ctrl-C stops the load', async () => {
    const folder = join(dir, 'folder.json');
    mkdirSync(folder);
    await assert.rejects(parseJsonStream(folder), /EISDIR/);
    await assert.rejects(loadModel(join(dir, 'fit'), { streamAbove: 0, signal: AbortSignal.abort(new Error('interrupted')) }), /^Error: interrupted$/);
    mkdirSync(join(dir, 'holder', 'model.json'), { recursive: true });
    await assert.rejects(loadModel(join(dir, 'holder')), /--model .*model\.json is a folder, not a model\.json/);
    const stopped = await run(['topics', '--model', join(dir, 'fit')], { signal: AbortSignal.abort(new InterruptedError('SIGINT')) });
    assert.equal(stopped.code, 130, stopped.err);
    assert.equal(stopped.out, '');
  });
});
