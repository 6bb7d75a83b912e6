// Runs the example of README.md against the sources and compares what it prints with
// its `// →` comments.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const indexUrl = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;

describe('README example', () => {
  it('runs and prints what its comments say', () => {
    const block = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'README.md has a ts block under "## Example"');
    const code = block[1];
    const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]);
    assert.ok(expected.length >= 5);
    const dir = mkdtempSync(join(tmpdir(), 'bcnmf-metrics-readme-'));
    try {
      const file = join(dir, 'example.ts');
      writeFileSync(file, code.replace("from '@bcnmf/metrics'", `from '${indexUrl}'`));
      const run = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(run.stdout.trimEnd().split('\n'), expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
