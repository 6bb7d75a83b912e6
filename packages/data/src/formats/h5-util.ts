// HDF5 helpers that work with either build of h5wasm (its Node build, which reads host
// paths, and its browser build, which reads an in-memory file system): nothing here
// imports h5wasm or a Node module, so the browser entry can use them.
import type { Dataset, Group } from 'h5wasm';
import { BcnmfError } from '@bcnmf/core';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * True when `read(offset)` finds the HDF5 signature at 0, 512, 1024, 2048, ... (where the
 * format allows a user block before it), below `size`.
 */
export function findsHdf5Signature(size: number, read: (offset: number) => ArrayLike<number> | undefined): boolean {
  for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
    const bytes = read(offset);
    if (bytes && bytes.length >= 8 && HDF5_SIGNATURE.every((b, k) => bytes[k] === b)) return true;
  }
  return false;
}

/** True when the bytes hold the HDF5 signature (at 0, 512, 1024, ...). */
export function hasHdf5Signature(bytes: Uint8Array): boolean {
  return findsHdf5Signature(bytes.length, (offset) => bytes.subarray(offset, offset + 8));
}

/** The refusal of a file without the HDF5 signature. */
export function notHdf5(path: string): BcnmfError {
  return new BcnmfError('INVALID_DATA', `${path}: not an HDF5 file (no HDF5 signature)`);
}

/** An HDF5 failure as BcnmfError('INVALID_DATA') naming the file and what was being done. */
export function h5error(path: string, where: string, error: unknown): BcnmfError {
  if (error instanceof BcnmfError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n');
  // HDF5's error stack: the last entry is the deepest cause ("#006: ... in H5F__super_read(): truncated file: ...", "minor: File has been truncated")
  const detail = lines.map((l) => /^\s*#\d+:.* in [\w.]+\(\): (.*)$/.exec(l)?.[1]).filter(Boolean).pop();
  const minor = lines.map((l) => /^\s*minor: (.*)$/.exec(l)?.[1]).filter(Boolean).pop();
  const text = detail !== undefined && minor !== undefined ? `${minor}: ${detail}` : (lines.find((l) => /minor|error/i.test(l)) ?? lines[0]);
  return new BcnmfError('INVALID_DATA', `${path}: ${where}: HDF5 error (${text.trim()})`);
}

// By h5wasm's own type tag rather than instanceof: the Node and the browser builds have
// classes of their own.
export function isGroup(node: unknown): node is Group {
  return node !== null && typeof node === 'object' && (node as { type?: unknown }).type === 'Group';
}

export function isDataset(node: unknown): node is Dataset {
  return node !== null && typeof node === 'object' && (node as { type?: unknown }).type === 'Dataset';
}

export function attr(node: Group | Dataset, name: string): unknown {
  const a = node.attrs[name];
  return a === undefined ? undefined : a.value;
}

export function toNumbers(value: unknown): number[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return [Number(value)];
  if (ArrayBuffer.isView(value) || Array.isArray(value)) return Array.from(value as ArrayLike<number | bigint>, (x) => Number(x));
  return [];
}

export function toStrings(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((x) => String(x));
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, (x) => String(x));
  return [];
}

/** Numbers of a typed array as float32 / float64 (no copy when already of that kind). */
export function toFloat(values: unknown, kind: 'float32' | 'float64', path: string, where: string): Float32Array | Float64Array {
  if (kind === 'float32' && values instanceof Float32Array) return values;
  if (kind === 'float64' && values instanceof Float64Array) return values;
  if (!ArrayBuffer.isView(values)) throw new BcnmfError('INVALID_DATA', `${path}: ${where} is not numeric`);
  const src = values as unknown as ArrayLike<number | bigint>;
  const out = kind === 'float32' ? new Float32Array(src.length) : new Float64Array(src.length);
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    for (let k = 0; k < src.length; k++) out[k] = Number(src[k]);
  } else {
    out.set(src as ArrayLike<number>);
  }
  return out;
}

/** Integers of a typed array as Int32Array; refuses values outside 32 bits. */
export function toInt32(values: unknown, path: string, where: string): Int32Array {
  if (values instanceof Int32Array) return values;
  if (!ArrayBuffer.isView(values)) throw new BcnmfError('INVALID_DATA', `${path}: ${where} is not an integer array`);
  const src = values as unknown as ArrayLike<number | bigint>;
  const out = new Int32Array(src.length);
  for (let k = 0; k < src.length; k++) {
    const v = Number(src[k]);
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new BcnmfError('INVALID_DATA', `${path}: ${where}[${k}] = ${v} does not fit a 32-bit index`);
    }
    out[k] = v;
  }
  return out;
}

/** The name of the index dataset of a dataframe group (its `_index` attribute, else '_index'). */
export function indexName(group: Group): string {
  const key = attr(group, '_index');
  return typeof key === 'string' ? key : '_index';
}

/** HDF5 filters h5wasm's build applies: deflate (gzip), shuffle, fletcher32, n-bit, scale-offset. */
const BUILT_IN_FILTERS = new Set([1, 2, 3, 5, 6]);

/**
 * Refuses a dataset this HDF5 build cannot read, naming why: a plugin filter (anndata's
 * lzf, blosc, ...) or a float16 type would end in HDF5's own error (or an abort) that says
 * nothing of the cause.
 */
export function checkReadable(d: Dataset, path: string, where: string): void {
  const foreign = (d.filters ?? []).filter((f) => !BUILT_IN_FILTERS.has(f.id));
  if (foreign.length > 0) {
    const names = foreign.map((f) => `${f.name || 'filter'} (id ${f.id})`).join(', ');
    throw new BcnmfError(
      'INVALID_DATA',
      `${path}: ${where} is compressed with ${names}, an HDF5 plugin filter this reader lacks (it reads gzip and uncompressed data); ` +
        "rewrite the file with gzip or no compression (anndata: adata.write_h5ad(path, compression='gzip'))",
    );
  }
  const meta = d.metadata;
  if (meta && meta.type === 1 && meta.size === 2) {
    throw new BcnmfError('INVALID_DATA', `${path}: ${where} is stored as float16, which this reader does not read; rewrite it as float32 (anndata: adata.X = adata.X.astype('float32'))`);
  }
}
