import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../src/index.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('bcnmf command line', () => {
  it('demo: bcNMF separates the target groups of the simulation where plain NMF does not', async () => {
    const { code, out, err } = await run(['demo', '--scale', '0.25', '--max-iter', '200', '--json']);
    assert.equal(code, 0, err);
    const result = JSON.parse(out);
    const [contrastive, plain] = result.results;
    assert.equal(contrastive.method, 'bcNMF');
    assert.equal(plain.method, 'NMF');
    assert.ok(contrastive.ari > 0.6, `bcNMF ARI ${contrastive.ari}`);
    assert.ok(plain.ari < 0.1, `NMF ARI ${plain.ari}`);
    assert.ok(contrastive.programGenesInTop >= 15);
    assert.ok(plain.programGenesInTop <= 5);
  });

  it('demo prints a readable table', async () => {
    const { code, out } = await run(['demo', '--scale', '0.1', '--max-iter', '20']);
    assert.equal(code, 0);
    assert.match(out, /^bcnmf demo: simulated target \(100 cells\) and background \(100 cells\) x 300 genes, beta 2/);
    assert.match(out, /\nbcNMF   2      -?\d\.\d{3}/);
    assert.match(out, /\nNMF     0      -?\d\.\d{3}/);
  });

  it('exits 2 with one line for bad usage, 0 for help', async () => {
    const unknown = await run(['fitt']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.err, "bcnmf: unknown command 'fitt'; the commands are fit, consensus, select, compare, transform, topics, demo, backends, datasets, reproduce (bcnmf help)");
    const badFlag = await run(['demo', '--scale', '3']);
    assert.equal(badFlag.code, 2);
    assert.equal(badFlag.err, "bcnmf: --scale must be a number >= 0.01 and <= 1, got '3'");
    const unknownFlag = await run(['demo', '--bogus']);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.err, /^bcnmf: Unknown option '--bogus'/);
    const badBackend = await run(['demo', '--backend', 'tpu', '--scale', '0.1']);
    assert.equal(badBackend.code, 2);
    assert.match(badBackend.err, /^bcnmf: --backend must be 'auto', 'wasm', 'cpu', 'webgpu' or 'cuda', got 'tpu'/);
    assert.ok(!badBackend.err.includes('\n    at '), 'no stack trace without --debug');
    const help = await run(['help', 'demo']);
    assert.equal(help.code, 0);
    assert.match(help.out, /^bcnmf demo \[--beta B\]/);
    assert.equal((await run([])).code, 2);
  });
});
