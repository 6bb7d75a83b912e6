// AnnData (.h5ad) from bytes, for browsers (a dropped File's bytes) and anywhere else
// without a file system: h5wasm's browser build (HDF5 in WebAssembly, its wasm embedded
// in the module) on its in-memory file system. h5wasm is imported on the first call only,
// so a page that never reads an .h5ad file never loads its 4.8 MB.
import type { File as H5File } from 'h5wasm';
import { BcnmfError } from '@bcnmf/core';
import { readH5adFile, type H5adData, type ReadH5adOptions } from './h5ad-read.js';
import { h5error, hasHdf5Signature, notHdf5 } from './h5-util.js';

type H5Module = typeof import('h5wasm')['default'];

let loading: Promise<H5Module> | undefined;

function loadH5wasm(): Promise<H5Module> {
  loading ??= import('h5wasm').then(async (module) => {
    const h5wasm = module.default;
    const Module = await h5wasm.ready;
    Module.activate_throwing_error_handler();
    return h5wasm;
  });
  return loading;
}

/** Options of {@link readH5adBytes}. */
export interface ReadH5adBytesOptions extends ReadH5adOptions {
  /** Names the file in messages. Default: `'input.h5ad'`. */
  name?: string;
}

let counter = 0;

/**
 * Reads an AnnData `.h5ad` file from its bytes: the same reader as `readH5ad` (files,
 * Node), with the same result (`X` dense or CSR, named by obs_names and var_names; the
 * obs and var tables) and the same refusals (`BcnmfError('INVALID_DATA')` naming
 * `options.name`: not HDF5, no X, arrays that disagree with X's shape, ...). The bytes are
 * copied into h5wasm's in-memory file system for the read and removed after it.
 *
 * @example
 * const file = input.files[0];                       // a File from <input type="file">
 * const { X, obs } = await readH5adBytes(new Uint8Array(await file.arrayBuffer()), { name: file.name });
 * X.shape;                                           // [cells, genes]
 */
export async function readH5adBytes(bytes: Uint8Array | ArrayBuffer, options: ReadH5adBytesOptions = {}): Promise<H5adData> {
  const name = options.name ?? 'input.h5ad';
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (!hasHdf5Signature(data)) throw notHdf5(name);
  const h5wasm = await loadH5wasm();
  const FS = (await h5wasm.ready).FS;
  const path = `/bcnmf-read-${++counter}.h5ad`;
  FS.writeFile(path, data);
  let file: H5File | undefined;
  try {
    try {
      file = new h5wasm.File(path, 'r');
    } catch (error) {
      throw h5error(name, 'opening the file', error);
    }
    return readH5adFile(file, name, options);
  } catch (error) {
    throw error instanceof BcnmfError ? error : h5error(name, 'reading', error);
  } finally {
    file?.close();
    try {
      FS.unlink(path);
    } catch {
      // already gone
    }
  }
}
