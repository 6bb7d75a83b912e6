// h5wasm's Node build: loading it, and checking a path before HDF5 opens it.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import h5wasm from 'h5wasm/node';
import { BcnmfError } from '@bcnmf/core';
import { findsHdf5Signature, notHdf5 } from './h5-util.js';

let ready: Promise<void> | undefined;

/** Loads h5wasm's wasm once and makes HDF5 errors throw instead of printing. */
export function h5ready(): Promise<void> {
  ready ??= h5wasm.ready.then((module) => {
    module.activate_throwing_error_handler();
  });
  return ready;
}

/** Refuses a path that is missing, not a file, or without the HDF5 signature (at 0, 512, 1024, ...). */
export function checkHdf5File(path: string): void {
  if (!existsSync(path)) throw new BcnmfError('INVALID_DATA', `${path}: no such file`);
  if (!statSync(path).isFile()) throw new BcnmfError('INVALID_DATA', `${path}: not a file`);
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(8);
    if (findsHdf5Signature(size, (offset) => (readSync(fd, buffer, 0, 8, offset) === 8 ? buffer : undefined))) return;
  } finally {
    closeSync(fd);
  }
  throw notHdf5(path);
}
