import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { BOOL_PLACEHOLDER_DTYPE, boolPlaceholderData, lookup3, patchBoolPlaceholders, patchBoolPlaceholdersInFile } from '../../src/formats/h5-bool.js';

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

  it('patches a file in place a window at a time (files over 2 GiB cannot be read whole): the same bytes as patching it whole', async () => {
    await h5wasm.ready;
    const dir = mkdtempSync(join(tmpdir(), 'bcnmf-h5bool-'));
    try {
      const path = join(dir, 'b.h5');
      const f = new h5wasm.File(path, 'w');
      // data between the placeholders, so that they fall into different windows
      f.create_dataset({ name: 'filler', data: new Float64Array(5000).map((_, i) => i) });
      for (let g = 0; g < 5; g++) f.create_group(`g${g}`).create_attribute('flag', boolPlaceholderData([g % 2 === 0]), [], BOOL_PLACEHOLDER_DTYPE);
      f.create_dataset({ name: 'filler2', data: new Float64Array(3000).map((_, i) => -i) });
      f.create_dataset({ name: 'no', data: boolPlaceholderData([false]), shape: [], dtype: BOOL_PLACEHOLDER_DTYPE });
      f.close();
      const whole = new Uint8Array(readFileSync(path));
      const expected = patchBoolPlaceholders(whole);
      assert.equal(expected, 6);
      // windows of 97 bytes: every placeholder (33 bytes) straddles or starts near a window's edge somewhere
      for (const window of [97, 4096, 1 << 26]) {
        const copy = join(dir, `w${window}.h5`);
        copyFileSync(path, copy);
        assert.equal(patchBoolPlaceholdersInFile(copy, { window }), expected, `window ${window}`);
        assert.deepEqual(new Uint8Array(readFileSync(copy)), whole, `window ${window}: the same bytes`);
        assert.equal(patchBoolPlaceholdersInFile(copy, { window }), 0, 'nothing left to patch');
      }
      const g = new h5wasm.File(join(dir, 'w97.h5'), 'r');
      try {
        assert.deepEqual((g.get('g2') as import('h5wasm/node').Group).attrs.flag.metadata.enum_type?.members, { FALSE: 0, TRUE: 1 });
      } finally {
        g.close();
      }
      // a reach too short to hold the object header is refused, the file left as it was
      const short = join(dir, 'short.h5');
      copyFileSync(path, short);
      const before = readFileSync(short);
      assert.throws(() => patchBoolPlaceholdersInFile(short, { reach: 8 }), /not in an object header with a checksum it can verify/);
      assert.deepEqual(readFileSync(short), before);
      writeFileSync(join(dir, 'empty.h5'), new Uint8Array(0));
      assert.equal(patchBoolPlaceholdersInFile(join(dir, 'empty.h5')), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
