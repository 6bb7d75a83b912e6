import { resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import { BcnmfError } from '@bcnmf/core';
import { checkHdf5File, h5ready } from './h5-node.js';
import { h5error, isGroup } from './h5-util.js';

/** A results key that can name the three HDF5 members (no slash, not starting with a dot). */
const RESULTS_KEY = /^[^/.][^/]*$/;

/**
 * The entries of an existing `.h5ad` file that a bcNMF fit stored under `key` would clash
 * with (`obsm['X_<key>']`, `varm['<key>_W']`, `uns['<key>']`), as they are named in
 * messages; empty when the key is free. Lets a caller refuse before a fit the copy that
 * {@link addResultsToH5ad} would refuse after it.
 *
 * @example
 * await h5adResultsKeyClashes('pbmc.bcnmf.h5ad', 'bcnmf'); // ["obsm['X_bcnmf']", "varm['bcnmf_W']", "uns['bcnmf']"]
 * await h5adResultsKeyClashes('pbmc.bcnmf.h5ad', 'run2');  // []
 */
export async function h5adResultsKeyClashes(path: string, key = 'bcnmf'): Promise<string[]> {
  if (!RESULTS_KEY.test(key)) throw new BcnmfError('INVALID_OPTION', `results key ${JSON.stringify(key)} cannot name an HDF5 member`);
  await h5ready();
  checkHdf5File(path);
  let file;
  try {
    file = new h5wasm.File(resolve(path), 'r');
  } catch (error) {
    throw h5error(path, 'opening the file', error);
  }
  try {
    const clashes: string[] = [];
    for (const [group, name] of [['obsm', `X_${key}`], ['varm', `${key}_W`], ['uns', key]] as const) {
      const node = file.get(group);
      if (isGroup(node) && node.keys().includes(name)) clashes.push(`${group}['${name}']`);
    }
    return clashes;
  } catch (error) {
    throw h5error(path, 'reading obsm, varm and uns', error);
  } finally {
    file.close();
  }
}
