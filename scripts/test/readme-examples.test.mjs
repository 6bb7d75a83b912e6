// Every package and app README's example is runnable: the ```ts block under
// "## Example" is run from inside the package (so `import ... from '@bcnmf/x'` resolves
// to the package itself and its dependencies) and must exit 0; where it marks lines
// with `// → text`, the lines it prints must be exactly those texts, in order.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readmes = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((dir) => existsSync(join(dir, 'README.md')));

describe('README examples run and print what they say', () => {
  it('every package has a README with an example', () => {
    for (const group of ['packages']) {
      for (const name of readdirSync(join(root, group))) {
        const readme = join(root, group, name, 'README.md');
        assert.ok(existsSync(readme), `${group}/${name} has no README.md`);
        assert.match(readFileSync(readme, 'utf8'), /## Example\s+```ts\n/, `${group}/${name}/README.md has no "## Example" ts block`);
      }
    }
  });
  for (const dir of readmes) {
    const block = /## Example\s+```ts\n([\s\S]*?)```/.exec(readFileSync(join(dir, 'README.md'), 'utf8'));
    if (!block) continue;
    it(dir.slice(root.length), () => {
      const code = block[1];
      const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]);
      const file = join(dir, `.readme-example-${process.pid}.ts`);
      writeFileSync(file, code);
      try {
        const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', file], { cwd: dir, encoding: 'utf8' });
        assert.equal(run.status, 0, run.stderr);
        if (expected.length > 0) assert.deepEqual(run.stdout.trimEnd().split('\n'), expected);
      } finally {
        rmSync(file, { force: true });
      }
    });
  }
});
