import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import type { Dataset, Group } from 'h5wasm/node';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { addResultsToH5ad, readH5ad, writeH5ad } from '../../src/formats/h5ad.js';
import { readH5adBytes } from '../../src/formats/h5ad-bytes.js';
import { categoricalValues, toCategorical } from '../../src/formats/h5ad-read.js';
import { writeBadCsr, writeCscX } from './h5ad-fixtures.js';

let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bcnmf-h5ad-'));
  await h5wasm.ready;
});
after(() => rmSync(dir, { recursive: true, force: true }));

function invalid(code: 'INVALID_DATA' | 'INVALID_OPTION', pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof BcnmfError, `expected a BcnmfError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  };
}
function attrValue(node: Group | Dataset, name: string): unknown {
  return node.attrs[name]?.value;
}
/** Only the named files are in the test folder: no temporary file left behind. */
function assertFolderHolds(names: string[]) {
  assert.deepEqual(readdirSync(dir).sort(), [...names].sort());
}

const X_ROWS = [
  [1, 0, 2.5, 0],
  [0, 0, 0, 4],
  [3, 1, 0, 0],
];
const CELLS = ['c1', 'c2', 'c3'];
const GENES = ['g1', 'g2', 'g3', 'g4'];

describe('h5ad', () => {
  it('writes a dense X with categorical obs and results, in the AnnData layout, and reads it back', async () => {
    const path = join(dir, 'dense.h5ad');
    const X = DenseMatrix.fromRows(X_ROWS, { rowNames: CELLS, columnNames: GENES });
    const embedding = DenseMatrix.fromRows([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]);
    const loadings = DenseMatrix.fromRows([[1, 2], [3, 4], [5, 6], [7, 8]]);
    await writeH5ad(path, {
      X,
      obs: { condition: toCategorical(['target', 'background', 'target']), depth: [10, 20, 30], note: ['a', 'b', 'c'] },
      var: { highly_variable: Int8Array.of(1, 0, 1, 1) },
      uns: { source: 'test', nested: { n: 3 } },
      results: { embedding, loadings, settings: { k: 2, alpha: 1.5, backend: 'cpu', standardized: true } },
    });
    assertFolderHolds(['dense.h5ad']);

    // the layout, checked directly through h5wasm against the on-disk spec
    const f = new h5wasm.File(path, 'r');
    try {
      assert.equal(attrValue(f, 'encoding-type'), 'anndata');
      assert.equal(attrValue(f, 'encoding-version'), '0.1.0');
      assert.deepEqual(f.keys().sort(), ['X', 'layers', 'obs', 'obsm', 'obsp', 'uns', 'var', 'varm', 'varp']);
      const x = f.get('X') as Dataset;
      assert.equal(attrValue(x, 'encoding-type'), 'array');
      assert.deepEqual(x.shape, [3, 4]);
      assert.deepEqual(Array.from(x.value as Float64Array), X_ROWS.flat());
      const obs = f.get('obs') as Group;
      assert.equal(attrValue(obs, 'encoding-type'), 'dataframe');
      assert.equal(attrValue(obs, '_index'), '_index');
      assert.deepEqual(attrValue(obs, 'column-order'), ['condition', 'depth', 'note']);
      assert.deepEqual((obs.get('_index') as Dataset).value, CELLS);
      assert.equal(attrValue(obs.get('_index') as Dataset, 'encoding-type'), 'string-array');
      const cat = obs.get('condition') as Group;
      assert.equal(attrValue(cat, 'encoding-type'), 'categorical');
      assert.deepEqual((cat.get('categories') as Dataset).value, ['background', 'target']);
      assert.deepEqual(Array.from((cat.get('codes') as Dataset).value as Int32Array), [1, 0, 1]);
      const obsm = f.get('obsm') as Group;
      assert.equal(attrValue(obsm, 'encoding-type'), 'dict');
      assert.deepEqual((obsm.get('X_bcnmf') as Dataset).shape, [3, 2]);
      assert.deepEqual((f.get('varm/bcnmf_W') as Dataset).shape, [4, 2]);
      const settings = f.get('uns/bcnmf') as Group;
      assert.equal(attrValue(settings, 'encoding-type'), 'dict');
      assert.equal((settings.get('backend') as Dataset).value, 'cpu');
      assert.equal(attrValue(settings.get('backend') as Dataset, 'encoding-type'), 'string');
      assert.equal(Number((settings.get('k') as Dataset).value), 2);
      assert.equal(attrValue(settings.get('k') as Dataset, 'encoding-type'), 'numeric-scalar');
      assert.equal((settings.get('alpha') as Dataset).value, 1.5);
      assert.equal(Number((settings.get('standardized') as Dataset).value), 1);
      assert.equal(Number((f.get('uns/nested/n') as Dataset).value), 3);
    } finally {
      f.close();
    }

    const back = await readH5ad(path);
    assert.equal(back.xEncoding, 'array');
    assert.ok(back.X instanceof DenseMatrix);
    assert.deepEqual(back.X.toArray(), X_ROWS);
    assert.deepEqual(back.X.rowNames, CELLS);
    assert.deepEqual(back.X.columnNames, GENES);
    assert.deepEqual(back.obs.columnOrder, ['condition', 'depth', 'note']);
    const condition = back.obs.columns.condition;
    assert.equal(condition.kind, 'categorical');
    if (condition.kind === 'categorical') assert.deepEqual(categoricalValues(condition), ['target', 'background', 'target']);
    assert.deepEqual(back.obs.columns.depth, { kind: 'numeric', values: Float64Array.of(10, 20, 30) });
    assert.deepEqual(back.obs.columns.note, { kind: 'string', values: ['a', 'b', 'c'] });
    assert.deepEqual(back.var.columns.highly_variable, { kind: 'numeric', values: Int8Array.of(1, 0, 1, 1) });
    assert.deepEqual(back.var.index, GENES);
  });

  it('writes and reads a CSR X (float32 kept)', async () => {
    const path = join(dir, 'csr.h5ad');
    const X = CsrMatrix.fromDense(
      new DenseMatrix({ data: Float32Array.from(X_ROWS.flat()), shape: [3, 4], rowNames: CELLS, columnNames: GENES }),
    );
    await writeH5ad(path, { X, obs: { batch: toCategorical(['b1', 'b1', 'b2']) } });
    const f = new h5wasm.File(path, 'r');
    try {
      const x = f.get('X') as Group;
      assert.equal(attrValue(x, 'encoding-type'), 'csr_matrix');
      assert.deepEqual(Array.from(attrValue(x, 'shape') as BigInt64Array, Number), [3, 4]);
      assert.deepEqual(Array.from((x.get('indptr') as Dataset).value as Int32Array), [0, 2, 3, 5]);
    } finally {
      f.close();
    }
    const back = await readH5ad(path);
    assert.equal(back.xEncoding, 'csr_matrix');
    assert.ok(back.X instanceof CsrMatrix);
    assert.ok(back.X.data instanceof Float32Array);
    assert.deepEqual(back.X.toDense().toArray(), X_ROWS);
    assert.deepEqual(back.X.rowNames, CELLS);
    const batch = back.obs.columns.batch;
    assert.ok(batch.kind === 'categorical' && categoricalValues(batch).join() === 'b1,b1,b2');
    const as64 = await readH5ad(path, { dtype: 'float64' });
    assert.ok(as64.X.data instanceof Float64Array);
  });

  it('reads a file built by hand after the spec: CSC X, int64 indptr, int8 codes, a missing category', async () => {
    // Built with h5wasm's low-level API the way anndata (h5py) lays it out, independent of writeH5ad.
    const path = join(dir, 'handmade.h5ad');
    const f = new h5wasm.File(path, 'w');
    f.create_attribute('encoding-type', 'anndata');
    f.create_attribute('encoding-version', '0.1.0');
    // X = X_ROWS (3 obs x 4 var) in CSC form: per column, row indices and values
    writeCscX(f);
    const obs = f.create_group('obs');
    obs.create_attribute('encoding-type', 'dataframe');
    obs.create_attribute('encoding-version', '0.2.0');
    obs.create_attribute('_index', 'cell_id');
    obs.create_attribute('column-order', ['cell_type', 'n_counts']);
    obs.create_dataset({ name: 'cell_id', data: CELLS }).create_attribute('encoding-type', 'string-array');
    const ct = obs.create_group('cell_type');
    ct.create_attribute('encoding-type', 'categorical');
    ct.create_attribute('encoding-version', '0.2.0');
    ct.create_attribute('ordered', Int8Array.of(0), [], '<b');
    ct.create_dataset({ name: 'codes', data: Int8Array.of(1, -1, 0), dtype: '<b' });
    ct.create_dataset({ name: 'categories', data: ['B cell', 'T cell'] });
    obs.create_dataset({ name: 'n_counts', data: Float32Array.of(3.5, 4, 4), dtype: '<f' }).create_attribute('encoding-type', 'array');
    const vars = f.create_group('var');
    vars.create_attribute('encoding-type', 'dataframe');
    vars.create_attribute('encoding-version', '0.2.0');
    vars.create_attribute('_index', '_index');
    vars.create_attribute('column-order', new Float64Array(0));
    vars.create_dataset({ name: '_index', data: GENES });
    f.close();

    const back = await readH5ad(path);
    assert.equal(back.xEncoding, 'csc_matrix');
    assert.ok(back.X instanceof CsrMatrix);
    assert.deepEqual(back.X.toDense().toArray(), X_ROWS);
    assert.deepEqual(back.X.rowNames, CELLS);
    assert.deepEqual(back.X.columnNames, GENES);
    const cellType = back.obs.columns.cell_type;
    assert.ok(cellType.kind === 'categorical');
    if (cellType.kind === 'categorical') {
      assert.deepEqual(categoricalValues(cellType), ['T cell', null, 'B cell']);
      assert.equal(cellType.ordered, false);
    }
    assert.deepEqual(back.obs.columns.n_counts, { kind: 'numeric', values: Float32Array.of(3.5, 4, 4) });
    assert.deepEqual(back.var.columnOrder, []);

    // the same file with a CSR X whose arrays disagree with its shape is refused
    const bad = join(dir, 'bad-csr.h5ad');
    writeBadCsr(bad);
    await assert.rejects(readH5ad(bad), invalid('INVALID_DATA', /bad-csr\.h5ad: X \(csr_matrix\): CSR column index 5 in row 1 is outside 0\.\.1/));
  });

  it('refuses a file without X, a non-HDF5 file and a missing file', async () => {
    const noX = join(dir, 'nox.h5ad');
    const f = new h5wasm.File(noX, 'w');
    f.create_attribute('encoding-type', 'anndata');
    f.create_group('obs');
    f.close();
    await assert.rejects(readH5ad(noX), invalid('INVALID_DATA', /nox\.h5ad: the file has no X/));
    const text = join(dir, 'text.h5ad');
    writeFileSync(text, 'not hdf5 at all');
    await assert.rejects(readH5ad(text), invalid('INVALID_DATA', /text\.h5ad: not an HDF5 file/));
    await assert.rejects(readH5ad(join(dir, 'absent.h5ad')), invalid('INVALID_DATA', /absent\.h5ad: no such file/));
    await assert.rejects(
      addResultsToH5ad(noX, join(dir, 'nox-out.h5ad'), {
        embedding: DenseMatrix.fromRows([[1]]),
        loadings: DenseMatrix.fromRows([[1]]),
      }),
      invalid('INVALID_DATA', /nox\.h5ad: the file has no X/),
    );
    // obs index shorter than X's rows
    const short = join(dir, 'short-obs.h5ad');
    const g = new h5wasm.File(short, 'w');
    g.create_dataset({ name: 'X', data: Float64Array.of(1, 2, 3, 4), shape: [2, 2] });
    const obs = g.create_group('obs');
    obs.create_attribute('_index', '_index');
    obs.create_attribute('column-order', new Float64Array(0));
    obs.create_dataset({ name: '_index', data: ['only-one'] });
    g.close();
    await assert.rejects(readH5ad(short), invalid('INVALID_DATA', /short-obs\.h5ad: obs\/_index \(the index\) names 1 sample but X has 2 rows \(samples\); the two must agree/));
    rmSync(short);
    rmSync(noX);
    rmSync(text);
    assertFolderHolds(['csr.h5ad', 'dense.h5ad', 'handmade.h5ad', 'bad-csr.h5ad']);
  });

  it('adds results to a copy of an existing file, and leaves nothing behind on failure', async () => {
    const input = join(dir, 'handmade.h5ad');
    const output = join(dir, 'with-results.h5ad');
    const embedding = DenseMatrix.fromRows([[1, 2], [3, 4], [5, 6]]);
    const loadings = DenseMatrix.fromRows([[0.5, 0], [0, 0.5], [1, 1], [2, 2]]);
    await addResultsToH5ad(input, output, { embedding, loadings, settings: { k: 2, seed: 42, loss: 'frobenius' } });
    const f = new h5wasm.File(output, 'r');
    try {
      assert.deepEqual(Array.from((f.get('obsm/X_bcnmf') as Dataset).value as Float64Array), [1, 2, 3, 4, 5, 6]);
      assert.deepEqual((f.get('obsm/X_bcnmf') as Dataset).shape, [3, 2]);
      assert.deepEqual((f.get('varm/bcnmf_W') as Dataset).shape, [4, 2]);
      assert.equal((f.get('uns/bcnmf/loss') as Dataset).value, 'frobenius');
      assert.equal(Number((f.get('uns/bcnmf/seed') as Dataset).value), 42);
      assert.equal(attrValue(f.get('obsm') as Group, 'encoding-type'), 'dict');
    } finally {
      f.close();
    }
    // the copy still reads as before
    const back = await readH5ad(output);
    assert.deepEqual((back.X as CsrMatrix).toDense().toArray(), X_ROWS);
    // the input was not touched
    const input2 = new h5wasm.File(input, 'r');
    assert.equal(input2.get('obsm'), null);
    input2.close();

    // wrong shapes: refused, no output and no temporary file
    const failed = join(dir, 'failed.h5ad');
    await assert.rejects(
      addResultsToH5ad(input, failed, { embedding: DenseMatrix.fromRows([[1, 2]]), loadings }),
      invalid('INVALID_DATA', /handmade\.h5ad: the embedding \(obsm\['X_bcnmf'\]\) has 1 rows but there are 3 samples/),
    );
    // a second fit under the same key: refused; under another key: fine, in place
    await assert.rejects(addResultsToH5ad(output, output, { embedding, loadings }), invalid('INVALID_OPTION', /obsm\['X_bcnmf'\] already exists/));
    await addResultsToH5ad(output, output, { embedding, loadings, key: 'bcnmf_k2' });
    const g = new h5wasm.File(output, 'r');
    assert.deepEqual((g.get('obsm') as Group).keys().sort(), ['X_bcnmf', 'X_bcnmf_k2']);
    g.close();
    assertFolderHolds(['csr.h5ad', 'dense.h5ad', 'handmade.h5ad', 'bad-csr.h5ad', 'with-results.h5ad']);
  });

  it('leaves nothing half-written when writing fails', async () => {
    const path = join(dir, 'never.h5ad');
    const X = DenseMatrix.fromRows(X_ROWS);
    await assert.rejects(writeH5ad(path, { X, obs: { short: ['a', 'b'] } }), invalid('INVALID_DATA', /obs\/short has 2 values but obs has 3 rows/));
    await assert.rejects(
      writeH5ad(path, { X, results: { embedding: DenseMatrix.fromRows([[1], [2], [3]]), loadings: DenseMatrix.fromRows([[1]]) } }),
      invalid('INVALID_DATA', /loadings .* has 1 rows but there are 4 features/),
    );
    assertFolderHolds(['csr.h5ad', 'dense.h5ad', 'handmade.h5ad', 'bad-csr.h5ad', 'with-results.h5ad']);
    // default names are '0', '1', ... as anndata uses
    await writeH5ad(path, { X });
    const back = await readH5ad(path);
    assert.deepEqual(back.X.rowNames, ['0', '1', '2']);
    assert.deepEqual(back.var.index, ['0', '1', '2', '3']);
  });
});
