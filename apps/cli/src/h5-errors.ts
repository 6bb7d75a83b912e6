import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { UsageError } from './errors.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function readAt(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const n = readSync(fd, buffer, 0, length, offset);
  return buffer.subarray(0, n);
}

/** An unsigned little-endian integer of 1 to 8 bytes, or null for HDF5's undefined address (all ones). */
function address(bytes: Buffer): number | null {
  if (bytes.every((b) => b === 0xff)) return null;
  let value = 0n;
  for (let k = bytes.length - 1; k >= 0; k--) value = (value << 8n) | BigInt(bytes[k]);
  return Number(value);
}

/**
 * Where an HDF5 file's superblock says the file ends (base address + end-of-file
 * address, HDF5 File Format Specification, superblock versions 0 to 3), or null when the
 * file has no signature or a superblock this does not read.
 */
export function hdf5DeclaredSize(path: string): number | null {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      const head = readAt(fd, at, 32);
      if (head.length < 9 || !SIGNATURE.every((b, k) => head[k] === b)) continue;
      const version = head[8];
      let offsetSize: number;
      let first: number; // where the base address starts, from the signature
      if (version === 0 || version === 1) {
        offsetSize = head[13];
        first = version === 0 ? 24 : 28;
      } else if (version === 2 || version === 3) {
        offsetSize = head[9];
        first = 12;
      } else {
        return null;
      }
      if (![2, 4, 8].includes(offsetSize)) return null;
      const fields = readAt(fd, at + first, 3 * offsetSize);
      if (fields.length < 3 * offsetSize) return null;
      const base = address(fields.subarray(0, offsetSize)) ?? at;
      const end = address(fields.subarray(2 * offsetSize, 3 * offsetSize));
      return end === null ? null : base + end;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Whether an error is HDF5's own (h5wasm's HDF5-DIAG text, as @bcnmf/data passes it on). */
function isHdf5Failure(error: unknown): boolean {
  return error instanceof Error && /HDF5 error|HDF5-DIAG/.test(error.message);
}

/**
 * Runs an HDF5 read of `path` and turns HDF5's own failures into one line that says what
 * is wrong with the file (truncated, with its size and the size its superblock declares;
 * or damaged), with HDF5's text kept as the cause (printed under --debug). Other errors
 * (no such file, not HDF5, a missing X, ...) pass unchanged.
 */
export async function readingHdf5<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isHdf5Failure(error)) throw error;
    let why = 'it is damaged or is not an HDF5 file that HDF5 can read';
    try {
      const declared = hdf5DeclaredSize(path);
      const size = statSync(path).size;
      if (declared !== null && size < declared) {
        why = `it is truncated: ${size.toLocaleString('en-US')} bytes of the ${declared.toLocaleString('en-US')} its HDF5 header declares (an interrupted download or copy?)`;
      }
    } catch {
      // the diagnosis is best effort; the generic reason stands
    }
    throw new UsageError(`${path}: cannot read this .h5ad file: ${why} (--debug shows HDF5's message)`, { cause: error });
  }
}
