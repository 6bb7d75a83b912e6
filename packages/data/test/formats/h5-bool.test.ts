import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { BOOL_PLACEHOLDER_DTYPE, boolPlaceholderData, lookup3, patchBoolPlaceholders } from '../../src/formats/h5-bool.js';

describe('booleans in HDF5 as h5py writes them', () => {
  it("computes HDF5's metadata checksum (Jenkins lookup3 hashlittle, Bob Jenkins' published values)", () => {
    const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
    assert.equal(lookup3(new Uint8Array(0)), 0xdeadbeef);
    assert.equal(lookup3(bytes('Four score and seven years ago')), 0x17770551);
  });

  it('turns a placeholder into an enum { FALSE, TRUE } that h5wasm reads as a boolean, checksums intact', async () => {
    await h5wasm.ready;
    const dir = mkdtempSync(join(tmpdir(), 'bcnmf-h5bool-'));
    try {
      const path = join(dir, 'b.h5');
      const f = new h5wasm.File(path, 'w');
      f.create_group('g').create_attribute('yes', boolPlaceholderData([true]), [], BOOL_PLACEHOLDER_DTYPE);
      f.create_dataset({ name: 'no', data: boolPlaceholderData([false]), shape: [], dtype: BOOL_PLACEHOLDER_DTYPE });
      f.close();
      const bytes = new Uint8Array(readFileSync(path));
      assert.equal(patchBoolPlaceholders(bytes), 2);
      assert.equal(patchBoolPlaceholders(bytes), 0, 'nothing left to patch');
      const patched = join(dir, 'patched.h5');
      (await import('node:fs')).writeFileSync(patched, bytes);
      const g = new h5wasm.File(patched, 'r');
      try {
        const group = g.get('g') as import('h5wasm/node').Group;
        assert.equal(group.attrs.yes.metadata.type, 8, 'an enum');
        assert.deepEqual(group.attrs.yes.metadata.enum_type?.members, { FALSE: 0, TRUE: 1 });
        assert.equal(Number(group.attrs.yes.value), 1);
        assert.equal(Number((g.get('no') as import('h5wasm/node').Dataset).value), 0);
      } finally {
        g.close();
      }
      // a damaged checksum is not papered over
      const again = new h5wasm.File(path, 'w');
      again.create_group('g').create_attribute('yes', boolPlaceholderData([true]), [], BOOL_PLACEHOLDER_DTYPE);
      again.close();
      const damaged = new Uint8Array(readFileSync(path));
      const marker = Buffer.from(damaged).indexOf('bcnmf_bool_');
      damaged[marker - 12] ^= 0xff; // the attribute's name, in the same header chunk
      assert.throws(() => patchBoolPlaceholders(damaged), /not in an object header with a checksum it can verify/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
