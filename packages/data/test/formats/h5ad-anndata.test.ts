// AnnData both ways, checked with anndata itself (Debian's python3-anndata, 0.8 here): a
// file writeH5ad wrote opens in anndata with the shapes, names, dtypes and values written,
// and a file anndata wrote reads back through readH5ad with the values anndata holds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { readH5ad, writeH5ad } from '../../src/formats/h5ad.js';
import { openH5adSource } from '../../src/streaming/h5ad-source.js';
import { categoricalValues } from '../../src/formats/h5ad-read.js';

/** The first python that imports anndata and h5py (Debian's is /usr/bin/python3), or the reason there is none. */
function findPython(): { python?: string; skip: string | false } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import anndata, h5py'], { encoding: 'utf8' });
    if (r.status === 0) return { python, skip: false };
  }
  return { skip: 'needs Debian python3-anndata and python3-h5py (apt-get install python3-anndata python3-h5py)' };
}
const { python, skip } = findPython();

/** Runs a python script with JSON in, JSON out. */
function py(script: string, input: unknown): any {
  const r = spawnSync(python!, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// What anndata sees of a file: shapes, names, dtypes and values, as JSON.
const DESCRIBE = `
import json, sys, anndata, numpy as np, scipy.sparse as sp
a = anndata.read_h5ad(json.load(sys.stdin)['path'])
def col(s):
    if str(s.dtype) == 'category':
        return {'dtype': 'category', 'ordered': bool(s.cat.ordered), 'categories': [str(c) for c in s.cat.categories],
                'values': [None if v != v else str(v) for v in s.astype(object)]}
    return {'dtype': str(s.dtype), 'values': [v.item() if hasattr(v, 'item') else v for v in s]}
def uns(v):
    if isinstance(v, dict): return {k: uns(x) for k, x in v.items()}
    if isinstance(v, np.ndarray): return {'array': str(v.dtype), 'values': v.tolist()}
    if isinstance(v, (bool, np.bool_)): return {'bool': bool(v)}
    if isinstance(v, (np.integer, int)): return {'int': int(v)}
    if isinstance(v, (np.floating, float)): return {'float': float(v)}
    return {'str': str(v)}
X = a.X
print(json.dumps({
  'shape': list(a.shape), 'sparse': sp.issparse(X), 'xdtype': str(X.dtype),
  'X': (X.toarray() if sp.issparse(X) else X).tolist(),
  'obs_names': list(a.obs_names), 'var_names': list(a.var_names),
  'obs': {k: col(a.obs[k]) for k in a.obs.columns}, 'var': {k: col(a.var[k]) for k in a.var.columns},
  'obsm': {k: {'dtype': str(v.dtype), 'values': np.where(np.isnan(v), None, v).tolist()} for k, v in a.obsm.items()},
  'varm': {k: {'dtype': str(v.dtype), 'values': np.where(np.isnan(v), None, v).tolist()} for k, v in a.varm.items()},
  'uns': uns(dict(a.uns)),
}))
`;

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'bcnmf-anndata-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

const dense = (m: DenseMatrix | CsrMatrix) => (m instanceof CsrMatrix ? m.toDense() : m);

const ROWS = [
  [1, 0, 2.5, 0],
  [0, 0, 0, 4],
  [3, 1.25, 0, 0],
];
const OBS_NAMES = ['cell_a', 'cell_b', 'cell_c'];
const VAR_NAMES = ['g1', 'g2', 'g3', 'g4'];

describe('writeH5ad and readH5ad against anndata', { skip }, () => {
  it('anndata opens what writeH5ad wrote (dense float32 X): shapes, names, dtypes and values', async () => {
    const path = join(dir, 'dense.h5ad');
    const X = new DenseMatrix({ data: Float32Array.from(ROWS.flat()), shape: [3, 4], rowNames: OBS_NAMES, columnNames: VAR_NAMES });
    await writeH5ad(path, {
      X,
      obs: {
        group: { kind: 'categorical', codes: Int32Array.of(1, 0, -1), categories: ['background', 'target'], ordered: false },
        stage: { kind: 'categorical', codes: Int32Array.of(0, 1, 2), categories: ['early', 'mid', 'late'], ordered: true },
        donor: ['d1', 'd2', 'd1'],
        depth: [10.5, 20, 30.25],
      },
      var: { symbol: ['A', 'B', 'C', 'D'] },
      obsm: { X_pca: DenseMatrix.fromRows([[1, 2], [3, 4], [5, 6]]) },
      uns: { title: 'a test', count: 3, ratio: 0.5, flag: true, off: false, list: [1, 2.5], names: ['x', 'y'], nested: { depth: 2 } },
      results: {
        embedding: DenseMatrix.fromRows([[0.5, 1], [NaN, NaN], [2, 0]]),
        loadings: DenseMatrix.fromRows([[1, 0], [0, 1], [0.25, 0.75], [NaN, NaN]]),
        settings: { k: 2, alpha: 1.5, loss: 'frobenius', converged: true },
        key: 'contrast',
      },
    });
    const seen = py(DESCRIBE, { path });
    assert.deepEqual(seen.shape, [3, 4]);
    assert.equal(seen.sparse, false);
    assert.equal(seen.xdtype, 'float32');
    assert.deepEqual(seen.X, ROWS);
    assert.deepEqual(seen.obs_names, OBS_NAMES);
    assert.deepEqual(seen.var_names, VAR_NAMES);
    assert.deepEqual(seen.obs.group, { dtype: 'category', ordered: false, categories: ['background', 'target'], values: ['target', 'background', null] });
    assert.deepEqual(seen.obs.stage, { dtype: 'category', ordered: true, categories: ['early', 'mid', 'late'], values: ['early', 'mid', 'late'] });
    assert.deepEqual(seen.obs.donor, { dtype: 'object', values: ['d1', 'd2', 'd1'] });
    assert.deepEqual(seen.obs.depth, { dtype: 'float64', values: [10.5, 20, 30.25] });
    assert.deepEqual(seen.var.symbol, { dtype: 'object', values: ['A', 'B', 'C', 'D'] });
    assert.deepEqual(seen.obsm.X_pca, { dtype: 'float64', values: [[1, 2], [3, 4], [5, 6]] });
    assert.deepEqual(seen.obsm.X_contrast, { dtype: 'float64', values: [[0.5, 1], [null, null], [2, 0]] });
    assert.deepEqual(seen.varm.contrast_W, { dtype: 'float64', values: [[1, 0], [0, 1], [0.25, 0.75], [null, null]] });
    assert.deepEqual(seen.uns, {
      title: { str: 'a test' },
      count: { int: 3 },
      ratio: { float: 0.5 },
      flag: { bool: true },
      off: { bool: false },
      list: { array: 'float64', values: [1, 2.5] },
      names: { array: 'object', values: ['x', 'y'] },
      nested: { depth: { int: 2 } },
      contrast: { k: { int: 2 }, alpha: { float: 1.5 }, loss: { str: 'frobenius' }, converged: { bool: true } },
    });
    // and readH5ad reads its own file back, the ordered flag included
    const back = await readH5ad(path);
    assert.deepEqual(dense(back.X).toArray(), ROWS);
    assert.equal((back.obs.columns.stage as { ordered: boolean }).ordered, true);
    assert.equal((back.obs.columns.group as { ordered: boolean }).ordered, false);
  });

  it('anndata opens a CSR X and a file without annotations', async () => {
    const path = join(dir, 'sparse.h5ad');
    await writeH5ad(path, { X: CsrMatrix.fromDense(DenseMatrix.fromRows(ROWS)) });
    const seen = py(DESCRIBE, { path });
    assert.deepEqual(seen.shape, [3, 4]);
    assert.equal(seen.sparse, true);
    assert.equal(seen.xdtype, 'float64');
    assert.deepEqual(seen.X, ROWS);
    assert.deepEqual(seen.obs_names, ['0', '1', '2']);
    assert.deepEqual(seen.obs, {});
  });

  it('a categorical obs index (pandas CategoricalIndex) is read as its names, loaded and streamed, not numbered 0, 1, ...', async () => {
    const path = join(dir, 'categorical-index.h5ad');
    py(
      `
import json, sys, anndata, numpy as np, pandas as pd
p = json.load(sys.stdin)
a = anndata.AnnData(np.ones((3, 2), dtype=np.float32))
a.obs.index = pd.CategoricalIndex(['x', 'y', 'z'])
a.write_h5ad(p['path'])
print(json.dumps(True))
`,
      { path },
    );
    const { X } = await readH5ad(path);
    assert.deepEqual(X.rowNames, ['x', 'y', 'z']);
    const source = await openH5adSource(path, { rowNames: true });
    assert.deepEqual(source.rowNames, ['x', 'y', 'z']);
    await source.close();
  });

  it('readH5ad reads what anndata wrote: X, a layer, raw, and obs/var annotations, with the same values', async () => {
    const path = join(dir, 'from-anndata.h5ad');
    const written = py(
      `
import json, sys, anndata, numpy as np, pandas as pd, scipy.sparse as sp
p = json.load(sys.stdin)
rng = np.random.default_rng(7)
X = rng.random((5, 6)).astype(np.float32) * (rng.random((5, 6)) > 0.4)
obs = pd.DataFrame({'condition': pd.Categorical(['t', 'c', 't', 'c', 't'], categories=['c', 't'], ordered=True),
                    'score': np.arange(5, dtype=np.float64) / 4, 'barcode': ['AA', 'AC', 'AG', 'AT', 'CA']},
                   index=[f'cell{i}' for i in range(5)])
var = pd.DataFrame({'kind': pd.Categorical(['mt', 'ribo', 'mt', 'other', 'other', 'ribo'])}, index=[f'gene{j}' for j in range(6)])
a = anndata.AnnData(X=sp.csr_matrix(X), obs=obs, var=var)
a.layers['counts'] = np.round(X * 100).astype(np.float64)
full = rng.random((5, 8))
a.raw = anndata.AnnData(X=full, obs=obs, var=pd.DataFrame(index=[f'raw{j}' for j in range(8)]))
a.write_h5ad(p['path'])
b = anndata.read_h5ad(p['path'])  # what anndata holds when it reads the file
print(json.dumps({'X': b.X.toarray().tolist(), 'counts': b.layers['counts'].tolist(), 'raw': b.raw.X.tolist()}))
`,
      { path },
    );
    const data = await readH5ad(path);
    assert.ok(data.X instanceof CsrMatrix);
    assert.equal(data.xEncoding, 'csr_matrix');
    assert.deepEqual(data.X.rowNames, ['cell0', 'cell1', 'cell2', 'cell3', 'cell4']);
    assert.deepEqual(data.X.columnNames, ['gene0', 'gene1', 'gene2', 'gene3', 'gene4', 'gene5']);
    assert.deepEqual(dense(data.X).toArray(), written.X);
    const condition = data.obs.columns.condition;
    assert.equal(condition.kind, 'categorical');
    assert.equal((condition as { ordered: boolean }).ordered, true);
    assert.deepEqual(categoricalValues(condition as Parameters<typeof categoricalValues>[0]), ['t', 'c', 't', 'c', 't']);
    assert.deepEqual(Array.from((data.obs.columns.score as { values: Float64Array }).values), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual((data.obs.columns.barcode as { values: string[] }).values, ['AA', 'AC', 'AG', 'AT', 'CA']);
    assert.deepEqual(categoricalValues(data.var.columns.kind as Parameters<typeof categoricalValues>[0]), ['mt', 'ribo', 'mt', 'other', 'other', 'ribo']);

    const layer = await readH5ad(path, { layer: 'counts' });
    assert.deepEqual(dense(layer.X).toArray(), written.counts);
    assert.deepEqual(layer.X.columnNames, data.X.columnNames);
    const raw = await readH5ad(path, { useRaw: true });
    assert.deepEqual(dense(raw.X).toArray(), written.raw);
    assert.deepEqual(raw.X.columnNames, ['raw0', 'raw1', 'raw2', 'raw3', 'raw4', 'raw5', 'raw6', 'raw7']);
    assert.deepEqual(raw.X.rowNames, data.X.rowNames);

    await assert.rejects(readH5ad(path, { layer: 'spliced' }), /has no layer "spliced"; its layers are "counts"/);
    await assert.rejects(readH5ad(path, { layer: 'counts', useRaw: true }), /a layer and raw exclude each other/);
    await assert.rejects(readH5ad(join(dir, 'sparse.h5ad'), { useRaw: true }), /has no raw \(raw\/X\)/);
  });
});
