// .h5ad files built with h5wasm's low-level API the way anndata (h5py) lays them out,
// independent of writeH5ad: shared by the file and the bytes readers' tests.
import h5wasm from 'h5wasm/node';

type H5File = InstanceType<typeof h5wasm.File>;

/** X of 3 obs x 4 var ([[1, 0, 2.5, 0], [0, 0, 0, 4], [3, 1, 0, 0]]) in CSC form, int64 indptr. */
export function writeCscX(f: H5File): void {
  const x = f.create_group('X');
  x.create_attribute('encoding-type', 'csc_matrix');
  x.create_attribute('encoding-version', '0.1.0');
  x.create_attribute('shape', BigInt64Array.of(3n, 4n));
  x.create_dataset({ name: 'data', data: Float64Array.of(1, 3, 1, 2.5, 4), dtype: '<d' });
  x.create_dataset({ name: 'indices', data: Int32Array.of(0, 2, 2, 0, 1), dtype: '<i' });
  x.create_dataset({ name: 'indptr', data: BigInt64Array.of(0n, 2n, 3n, 4n, 5n), dtype: '<q' });
}

/** A file whose CSR X has a column index (5) outside its 2 x 2 shape. */
export function writeBadCsr(path: string): void {
  const g = new h5wasm.File(path, 'w');
  const bx = g.create_group('X');
  bx.create_attribute('encoding-type', 'csr_matrix');
  bx.create_attribute('shape', BigInt64Array.of(2n, 2n));
  bx.create_dataset({ name: 'data', data: Float64Array.of(1, 2) });
  bx.create_dataset({ name: 'indices', data: Int32Array.of(0, 5) });
  bx.create_dataset({ name: 'indptr', data: Int32Array.of(0, 1, 2) });
  g.close();
}
