import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindSignatures, MissingSymbolsError, prototype, type KoffiLib, type SignatureTable } from '../src/index.js';

// A stand-in for a koffi library: it records the prototypes it was asked for and returns
// for each exported name a function that records its arguments and returns what `results`
// says.
function fakeLibrary(exported: Record<string, unknown>): { lib: KoffiLib; prototypes: string[]; calls: Array<[string, unknown[]]> } {
  const prototypes: string[] = [];
  const calls: Array<[string, unknown[]]> = [];
  const lib: KoffiLib = {
    func(signature) {
      prototypes.push(signature);
      const name = /(\w+)\(/.exec(signature)![1];
      if (!(name in exported)) throw new Error(`Cannot find function '${name}' in shared library`);
      return (...args) => {
        calls.push([name, args]);
        return exported[name];
      };
    },
  };
  return { lib, prototypes, calls };
}

const TABLE = {
  plain: { result: 'int', parameters: '' },
  product: { result: 'int', parameters: 'int n, float *x', threads: true, status: true },
  update: { result: 'int', parameters: 'int k, float *w', status: true },
  counted: { result: 'double', parameters: 'int n', threads: true },
  extra: { result: 'const char *', parameters: '', optional: true },
} as const satisfies SignatureTable;

describe('bindings from a signature table', () => {
  it('writes koffi prototypes with the thread count last', () => {
    assert.equal(prototype('plain', TABLE.plain), 'int plain()');
    assert.equal(prototype('product', TABLE.product), 'int product(int n, float *x, int threads)');
    assert.equal(prototype('update', TABLE.update), 'int update(int k, float *w)');
    assert.equal(prototype('f', { result: 'int', parameters: '', threads: true }), 'int f(int threads)');
  });

  it('passes the thread count, checks statuses and returns plain results', () => {
    const { lib, prototypes, calls } = fakeLibrary({ plain: 7, product: 0, update: 0, counted: 2.5, extra: 'v1' });
    const f = bindSignatures(lib, TABLE, { threads: 3 });
    assert.deepEqual(prototypes, [
      'int plain()',
      'int product(int n, float *x, int threads)',
      'int update(int k, float *w)',
      'double counted(int n, int threads)',
      'const char * extra()',
    ]);
    const x = new Float32Array(2);
    assert.equal(f.plain(), 7);
    assert.equal(f.product(2, x), undefined);
    assert.equal(f.update(1, x), undefined);
    assert.equal(f.counted(5), 2.5);
    assert.equal(f.extra?.(), 'v1');
    assert.deepEqual(calls, [
      ['plain', []],
      ['product', [2, x, 3]],
      ['update', [1, x]],
      ['counted', [5, 3]],
      ['extra', []],
    ]);
  });

  it('throws on a -1 status, naming the function', () => {
    const { lib } = fakeLibrary({ plain: 0, product: -1, update: -1, counted: 0 });
    const f = bindSignatures(lib, TABLE);
    assert.throws(() => f.product(1, new Float32Array(1)), /^Error: product: out of memory for its work buffers$/);
    assert.throws(() => f.update(1, new Float32Array(1)), /^Error: update: out of memory for its work buffers$/);
  });

  it('binds a missing optional function as null', () => {
    const { lib } = fakeLibrary({ plain: 0, product: 0, update: 0, counted: 0 });
    assert.equal(bindSignatures(lib, TABLE).extra, null);
  });

  it('names every missing required function before binding any', () => {
    const { lib, calls } = fakeLibrary({ plain: 0, update: 0 });
    assert.throws(
      () => bindSignatures(lib, TABLE),
      (error: unknown) => {
        assert.ok(error instanceof MissingSymbolsError);
        assert.deepEqual(error.missing, ['product', 'counted']);
        assert.equal(error.required, 4);
        assert.equal(error.message, "no product, counted (Cannot find function 'product' in shared library)");
        return true;
      },
    );
    assert.deepEqual(calls, []);
  });
});
