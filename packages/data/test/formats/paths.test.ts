import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { filesUnder, isWithin, realPathOrResolved } from '../../src/index.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'bcnmf-paths-')));
after(() => rmSync(root, { recursive: true, force: true }));

describe('the path checks of commands that write', () => {
  it('realPathOrResolved: one place, however spelt, before and after it exists', () => {
    mkdirSync(join(root, 'real', 'inner'), { recursive: true });
    symlinkSync(join(root, 'real'), join(root, 'link'));
    assert.equal(realPathOrResolved(join(root, 'link', 'inner')), join(root, 'real', 'inner'));
    // not there yet, two levels below a link: resolved through the nearest existing parent
    assert.equal(realPathOrResolved(join(root, 'link', 'new', 'deeper')), join(root, 'real', 'new', 'deeper'));
    assert.equal(realPathOrResolved(join(root, 'link', 'inner', '..', 'x')), join(root, 'real', 'x'));
  });

  it('isWithin: the folder itself and what lies under it, not a sibling sharing a prefix', () => {
    assert.equal(isWithin('/a/b', '/a/b'), true);
    assert.equal(isWithin('/a/b/c', '/a/b'), true);
    assert.equal(isWithin('/a/bc', '/a/b'), false);
    assert.equal(isWithin('/a', '/a/b'), false);
    assert.equal(isWithin('/a/b', '/'), true);
  });

  it('filesUnder: every non-folder, relative and /-separated, up to a limit', () => {
    const dir = join(root, 'tree');
    mkdirSync(join(dir, 'sub', 'empty'), { recursive: true });
    writeFileSync(join(dir, 'a.txt'), '');
    writeFileSync(join(dir, 'sub', 'b.txt'), '');
    symlinkSync(join(dir, 'a.txt'), join(dir, 'sub', 'link'));
    assert.deepEqual(filesUnder(dir).sort(), ['a.txt', 'sub/b.txt', 'sub/link']);
    assert.equal(filesUnder(dir, 2).length, 2);
    assert.deepEqual(filesUnder(join(dir, 'sub', 'empty')), []);
  });
});
