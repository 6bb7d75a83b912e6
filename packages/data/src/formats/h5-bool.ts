import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

// Booleans in HDF5 as h5py (and so anndata) writes them: an enum of int8 with the members
// FALSE = 0 and TRUE = 1. h5wasm reads such enums but cannot create them, and anndata 0.8
// refuses a categorical whose 'ordered' attribute is an int8 ("'ordered' must either be
// 'True' or 'False'"). So a boolean is written as a one-member compound of int8 whose
// encoded datatype has exactly the length of the enum's, and the finished file's bytes are
// rewritten: each such datatype becomes the enum, and the checksum of the object-header
// chunk that holds it is recomputed (HDF5's Jenkins lookup3). The data byte is the same.

/** The member name of the placeholder compound: 11 bytes, so that both encodings are 33 bytes long. */
const MARKER = 'bcnmf_bool_';

/** h5wasm dtype of a boolean placeholder (an attribute or dataset value). */
export const BOOL_PLACEHOLDER_DTYPE: [string, string][] = [[MARKER, '<b']];

/** h5wasm data of a boolean placeholder. */
export function boolPlaceholderData(values: readonly boolean[]): Map<string, number[]> {
  return new Map([[MARKER, values.map((v) => (v ? 1 : 0))]]);
}

const INT8 = [0x10, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00]; // signed 8-bit, little-endian
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
/** Datatype message (version 3) of the compound { bcnmf_bool_: int8 } of size 1, as HDF5 encodes it. */
const COMPOUND = Uint8Array.from([0x36, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, ...ascii(MARKER), 0x00, 0x00, ...INT8]);
/** Datatype message (version 3) of h5py's boolean: enum of int8 { FALSE: 0, TRUE: 1 }. */
const BOOL_ENUM = Uint8Array.from([0x38, 0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, ...INT8, ...ascii('FALSE'), 0, ...ascii('TRUE'), 0, 0x00, 0x01]);
if (COMPOUND.length !== BOOL_ENUM.length) throw new Error('h5-bool: the two encodings must be equally long');

/** HDF5's checksum of metadata: Bob Jenkins' lookup3 hashlittle, byte-wise, initial value 0. */
export function lookup3(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const rot = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  let length = end - start;
  let a = (0xdeadbeef + length) >>> 0;
  let b = a;
  let c = a;
  let p = start;
  while (length > 12) {
    a = (a + (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24))) >>> 0;
    b = (b + (bytes[p + 4] | (bytes[p + 5] << 8) | (bytes[p + 6] << 16) | (bytes[p + 7] << 24))) >>> 0;
    c = (c + (bytes[p + 8] | (bytes[p + 9] << 8) | (bytes[p + 10] << 16) | (bytes[p + 11] << 24))) >>> 0;
    // mix
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    length -= 12;
    p += 12;
  }
  if (length === 0) return c;
  const tail = new Uint8Array(12);
  tail.set(bytes.subarray(p, p + length));
  a = (a + (tail[0] | (tail[1] << 8) | (tail[2] << 16) | (tail[3] << 24))) >>> 0;
  b = (b + (tail[4] | (tail[5] << 8) | (tail[6] << 16) | (tail[7] << 24))) >>> 0;
  c = (c + (tail[8] | (tail[9] << 8) | (tail[10] << 16) | (tail[11] << 24))) >>> 0;
  // final
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return c;
}

function indexOf(bytes: Uint8Array, pattern: Uint8Array, from: number): number {
  const first = pattern[0];
  for (let i = bytes.indexOf(first, from); i >= 0 && i + pattern.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    let j = 1;
    while (j < pattern.length && bytes[i + j] === pattern[j]) j++;
    if (j === pattern.length) return i;
  }
  return -1;
}

function lastSignature(bytes: Uint8Array, before: number): { at: number; kind: 'OHDR' | 'OCHK' } | null {
  for (let i = before - 4; i >= 0; i--) {
    if (bytes[i] === 0x4f && ((bytes[i + 1] === 0x48 && bytes[i + 2] === 0x44 && bytes[i + 3] === 0x52) ||
      (bytes[i + 1] === 0x43 && bytes[i + 2] === 0x48 && bytes[i + 3] === 0x4b))) {
      return { at: i, kind: bytes[i + 1] === 0x48 ? 'OHDR' : 'OCHK' };
    }
  }
  return null;
}

const readU32 = (bytes: Uint8Array, at: number) => (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;

/**
 * Where the checksum of the object-header chunk starting at `start` lies: computed from a
 * version 2 header's prefix ('OHDR'), found by trying each end for a continuation chunk
 * ('OCHK', which does not record its own length). Null when no checksum matches.
 */
function checksumOffset(bytes: Uint8Array, start: number, kind: 'OHDR' | 'OCHK', after: number): number | null {
  if (kind === 'OHDR') {
    const flags = bytes[start + 5];
    let at = start + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 0x03);
    let size = 0;
    for (let k = width - 1; k >= 0; k--) size = size * 256 + bytes[at + k];
    at += width + size;
    return at + 4 <= bytes.length && lookup3(bytes, start, at) === readU32(bytes, at) ? at : null;
  }
  for (let at = after; at + 4 <= bytes.length && at < after + 65536; at++) {
    if (lookup3(bytes, start, at) === readU32(bytes, at)) return at;
  }
  return null;
}

/**
 * Turns the placeholder whose datatype starts at byte `at` into h5py's boolean enum and
 * fixes the checksum of its object-header chunk. Throws where the placeholder is not
 * inside a chunk whose checksum it can verify (nothing is guessed).
 */
function patchAt(bytes: Uint8Array, at: number, where: number): void {
  const chunk = lastSignature(bytes, at);
  const checksumAt = chunk === null ? null : checksumOffset(bytes, chunk.at, chunk.kind, at + COMPOUND.length);
  if (chunk === null || checksumAt === null) {
    throw new Error(`writing a boolean: the datatype at byte ${where} is not in an object header with a checksum it can verify`);
  }
  bytes.set(BOOL_ENUM, at);
  const sum = lookup3(bytes, chunk.at, checksumAt);
  bytes.set([sum & 0xff, (sum >>> 8) & 0xff, (sum >>> 16) & 0xff, sum >>> 24], checksumAt);
}

/**
 * Turns every boolean placeholder of a finished HDF5 file (its bytes) into h5py's boolean
 * enum, fixing the checksums. Returns how many it changed. Throws where a placeholder is
 * not inside an object-header chunk whose checksum it can verify (nothing is guessed).
 */
export function patchBoolPlaceholders(bytes: Uint8Array): number {
  let count = 0;
  for (let at = indexOf(bytes, COMPOUND, 0); at >= 0; at = indexOf(bytes, COMPOUND, at + COMPOUND.length)) {
    patchAt(bytes, at, at);
    count++;
  }
  return count;
}

/** Bytes read at a time while looking for placeholders in a file. */
const SCAN_WINDOW = 64 * 1024 * 1024;
/**
 * Bytes around a placeholder read to patch it: its object-header chunk (an attribute's or
 * a small dataset's, a few hundred bytes; a continuation chunk's checksum is searched
 * within 64 KiB) must lie within this on each side.
 */
const PATCH_REACH = 1024 * 1024;

function readAt(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * {@link patchBoolPlaceholders} on a file, in place, reading it a window at a time: files
 * of any size (a copy of a multi-GB .h5ad with results added), where reading the whole
 * file into memory fails above 2 GiB. `window` and `reach` are for tests.
 */
export function patchBoolPlaceholdersInFile(path: string, options: { window?: number; reach?: number } = {}): number {
  const window = options.window ?? SCAN_WINDOW;
  const reach = options.reach ?? PATCH_REACH;
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    // where the placeholders start: windows that overlap by the pattern's length less one
    const starts: number[] = [];
    const buffer = new Uint8Array(Math.min(size, window + COMPOUND.length - 1));
    for (let from = 0; from < size; from += window) {
      const view = buffer.subarray(0, readAt(fd, buffer.subarray(0, Math.min(buffer.length, size - from)), from));
      for (let at = indexOf(view, COMPOUND, 0); at >= 0 && at < window; at = indexOf(view, COMPOUND, at + COMPOUND.length)) starts.push(from + at);
    }
    for (const start of starts) {
      const from = Math.max(0, start - reach);
      const region = new Uint8Array(Math.min(size, start + COMPOUND.length + reach) - from);
      readAt(fd, region, from);
      patchAt(region, start - from, start);
      writeSync(fd, region, 0, region.length, from);
    }
    return starts.length;
  } finally {
    closeSync(fd);
  }
}
