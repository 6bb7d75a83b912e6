// bcnmf fit --h5ad-out, --key, --layer and --use-raw, checked with anndata itself
// (Debian's python3-anndata): what the CLI writes opens in anndata with the shapes, names,
// dtypes and values of the fit; .h5ad inputs that anndata wrote are fitted on the matrix asked for.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planted, readCsv, run, tempDir, writeTable } from './helpers.js';

let dir: string;
let remove: () => void;
before(() => ({ dir, remove } = tempDir('h5ad-out')));
after(() => remove());

function findPython(): { python?: string; skip: string | false } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import anndata, h5py'], { encoding: 'utf8' }).status === 0) return { python, skip: false };
  }
  return { skip: 'needs Debian python3-anndata and python3-h5py (apt-get install python3-anndata python3-h5py)' };
}
const { python, skip } = findPython();

function py(script: string, input: unknown): any {
  const r = spawnSync(python!, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// What anndata reads of an .h5ad: everything a test compares, as JSON (NaN as null).
const READ = `
import json, sys, anndata, numpy as np, scipy.sparse as sp
p = json.load(sys.stdin)
a = anndata.read_h5ad(p['path'])
key = p.get('key', 'bcnmf')
X = a.X.toarray() if sp.issparse(a.X) else a.X
nan = lambda m: np.where(np.isnan(m), None, m).tolist()
def col(s):
    if str(s.dtype) == 'category': return {'dtype': 'category', 'values': [None if v != v else str(v) for v in s.astype(object)]}
    return {'dtype': str(s.dtype), 'values': [None if v != v else v for v in s.tolist()]}
def uns(v):
    if isinstance(v, dict): return {k: uns(x) for k, x in v.items()}
    if isinstance(v, np.ndarray): return v.tolist()
    if isinstance(v, np.bool_): return {'bool': bool(v)}
    if isinstance(v, np.generic): return v.item()
    return v
print(json.dumps({
  'shape': list(a.shape), 'X': X.tolist(), 'obs_names': list(a.obs_names), 'var_names': list(a.var_names),
  'obs': {k: col(a.obs[k]) for k in a.obs.columns},
  'obsm': {k: {'dtype': str(v.dtype), 'values': nan(v)} for k, v in a.obsm.items()},
  'varm': {k: {'dtype': str(v.dtype), 'values': nan(v)} for k, v in a.varm.items()},
  'uns': uns(dict(a.uns)),
}))
`;

const close = (actual: number[][], expected: number[][], what: string) => {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= 1e-6 * Math.max(1, Math.abs(expected[i][j])), `${what}[${i}][${j}]: ${v} vs ${expected[i][j]}`)));
};
const transpose = (m: number[][]) => m[0].map((_, j) => m.map((row) => row[j]));

describe('bcnmf fit --h5ad-out', { skip }, () => {
  const p = planted(5);
  let target: string;
  let background: string;
  before(() => {
    target = join(dir, 'target.csv');
    background = join(dir, 'background.csv');
    writeTable(target, p.targetNames, p.features, p.target);
    writeTable(background, p.backgroundNames, p.features, p.background);
  });
  const fitArgs = () => ['fit', '--target', target, '--background', background, '--k', '2', '--alpha', '0.5', '--max-iter', '30', '--seed', '2', '--quiet'];

  it('writes an .h5ad of a CSV fit that anndata opens: X, obs with the role, var, obsm, varm and uns under --key', async () => {
    const out = join(dir, 'csv-fit');
    const h5ad = join(dir, 'csv-fit.h5ad');
    const r = await run([...fitArgs(), '--out', out, '--h5ad-out', h5ad, '--key', 'contrast', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).h5adOut, h5ad);
    const seen = py(READ, { path: h5ad, key: 'contrast' });
    const n = p.target.length + p.background.length;
    assert.deepEqual(seen.shape, [n, p.features.length]);
    assert.deepEqual(seen.obs_names, [...p.targetNames, ...p.backgroundNames]);
    assert.deepEqual(seen.var_names, p.features);
    close(seen.X, [...p.target, ...p.background], 'X');
    assert.deepEqual(seen.obs.contrast_role, {
      dtype: 'category',
      values: [...p.targetNames.map(() => 'target'), ...p.backgroundNames.map(() => 'background')],
    });
    // the coefficients and loadings are the CSVs' (float32 there, float64 here)
    const H = [...readCsv(join(out, 'H_target.csv')).values, ...readCsv(join(out, 'H_background.csv')).values];
    assert.equal(seen.obsm.X_contrast.dtype, 'float64');
    close(seen.obsm.X_contrast.values, H, 'obsm X_contrast');
    close(seen.varm.contrast_W.values, readCsv(join(out, 'W.csv')).values, 'varm contrast_W (W.csv has a row per feature)');
    const uns = seen.uns.contrast;
    assert.equal(uns.k, 2);
    assert.equal(uns.alpha, 0.5);
    assert.equal(uns.loss, 'frobenius');
    assert.deepEqual(uns.converged, { bool: false });
    assert.deepEqual(uns.degenerate, { bool: false });
    assert.equal(uns.iterations, 30);
    assert.deepEqual(uns.sources, [target, background]);
    assert.match(uns.warnings[0], /^not converged/);
    assert.deepEqual(Object.keys(seen.obsm), ['X_contrast']);
  });

  it('refuses an existing --h5ad-out without --overwrite, a bad --key, --layer on a CSV and --h5ad-out with --alpha auto (exit 2, nothing written)', async () => {
    const existing = join(dir, 'exists.h5ad');
    writeFileSync(existing, 'keep');
    const cases: [string[], RegExp][] = [
      [['--out', join(dir, 'r1'), '--h5ad-out', existing], /--h5ad-out .*exists\.h5ad exists; pass --overwrite to replace it/],
      [['--out', join(dir, 'r2'), '--h5ad-out', join(dir, 'no-such-folder', 'x.h5ad')], /--h5ad-out .*: its parent folder does not exist/],
      [['--out', join(dir, 'r3'), '--h5ad-out', join(dir, 'x.csv')], /--h5ad-out .*x\.csv: give a file name ending in \.h5ad/],
      [['--out', join(dir, 'r4'), '--key', 'a/b'], /--key must be 1 to 64 letters, digits/],
      [['--out', join(dir, 'r5'), '--layer', 'counts'], /--layer chooses a matrix of an \.h5ad input, not of .*target\.csv/],
      [['--out', join(dir, 'r6'), '--use-raw'], /--use-raw chooses the raw matrix of an \.h5ad input/],
      [['--out', join(dir, 'r9'), '--h5ad-out', join(dir, 'r9', 'x.h5ad')], /--h5ad-out .*x\.h5ad is inside --out/],
      // through a link to the --out folder: inside it as well
      [['--out', join(dir, 'r10'), '--h5ad-out', join(dir, 'link10', 'x.h5ad')], /--h5ad-out .*x\.h5ad is inside --out/],
    ];
    mkdirSync(join(dir, 'r9'));
    mkdirSync(join(dir, 'r10'));
    symlinkSync(join(dir, 'r10'), join(dir, 'link10'));
    for (const [extra, message] of cases) {
      const r = await run([...fitArgs(), ...extra]);
      assert.equal(r.code, 2, `${extra.join(' ')}: ${r.err}`);
      assert.match(r.err, message);
    }
    const auto = await run(['fit', '--target', target, '--background', background, '--k', '2', '--alpha', 'auto', '--out', join(dir, 'r7'), '--h5ad-out', join(dir, 'auto.h5ad')]);
    assert.equal(auto.code, 2);
    assert.match(auto.err, /--h5ad-out writes one fit; --alpha auto chooses several/);
    for (const name of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'auto.h5ad', 'x.csv', 'r9/x.h5ad', 'r10/x.h5ad']) assert.equal(existsSync(join(dir, name)), false, name);
    // an annotation column the .h5ad cannot name: refused before the fit, not after it
    const slashed = join(dir, 'slashed.csv');
    writeFileSync(slashed, ['sample,' + p.features.join(',') + ',CD4/CD8,group', ...p.target.map((row, i) => [p.targetNames[i], ...row, 'x', i < 8 ? 'treated' : 'control'].join(','))].join('\n') + '\n');
    const annotated = await run(['fit', '--input', slashed, '--features', '^f', '--split-by', 'group', '--target-values', 'treated', '--background-values', 'control',
      '--k', '2', '--alpha', '1', '--out', join(dir, 'r11'), '--h5ad-out', join(dir, 'r11.h5ad')]);
    assert.equal(annotated.code, 2, annotated.err);
    assert.match(annotated.err, /--h5ad-out: the annotation column "CD4\/CD8" cannot be an obs column of the \.h5ad \(it holds '\/', which HDF5 reads as a path separator\); rename it in the input/);
    assert.doesNotMatch(annotated.err, /iteration/);
    assert.equal(existsSync(join(dir, 'r11')) || existsSync(join(dir, 'r11.h5ad')), false);
    assert.equal((await import('node:fs')).readFileSync(existing, 'utf8'), 'keep');
    // with --overwrite it is replaced by the fit
    const r = await run([...fitArgs(), '--out', join(dir, 'r8'), '--h5ad-out', existing, '--overwrite']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(py(READ, { path: existing }).shape, [p.target.length + p.background.length, p.features.length]);
    assert.ok(readdirSync(dir).every((f) => !f.includes('.tmp')), 'no temporary file left');
  });

  it('an .h5ad it cannot read says why: anndata\'s lzf compression, a float16 matrix (exit 2, what to do)', { skip }, async () => {
    const lzf = join(dir, 'lzf.h5ad');
    const half = join(dir, 'half.h5ad');
    const names = join(dir, 'lzf-names.h5ad');
    const r = spawnSync(python!, ['-c', `
import sys, numpy as np, anndata, h5py
a = anndata.AnnData(np.arange(1, 31, dtype='float32').reshape(6, 5))
a.write_h5ad(sys.argv[1], compression='lzf')
a.write_h5ad(sys.argv[2])
with h5py.File(sys.argv[2], 'a') as f:
    v = f['X'][()].astype(np.float16); del f['X']; f.create_dataset('X', data=v)
a.write_h5ad(sys.argv[3])
with h5py.File(sys.argv[3], 'a') as f:
    names = f['obs/_index'][()]; attrs = dict(f['obs/_index'].attrs); del f['obs/_index']
    d = f['obs'].create_dataset('_index', data=names, compression='lzf')
    for k, v in attrs.items(): d.attrs[k] = v
`, lzf, half, names], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const stream of [[], ['--stream', '--batch-size', '3']]) {
      const compressed = await run(['fit', '--target', lzf, '--background', lzf, '--k', '2', '--alpha', '1', ...stream, '--out', join(dir, 'never-lzf')]);
      assert.equal(compressed.code, 2, compressed.err);
      assert.match(compressed.err, /lzf\.h5ad: X is compressed with lzf \(id 32000\), an HDF5 plugin filter this reader lacks .*compression='gzip'/);
      const float16 = await run(['fit', '--target', half, '--background', half, '--k', '2', '--alpha', '1', ...stream, '--out', join(dir, 'never-half')]);
      assert.equal(float16.code, 2, float16.err);
      assert.match(float16.err, /half\.h5ad: X is stored as float16, which this reader does not read; rewrite it as float32/);
      // the sample names compressed with lzf (X plain): named too, loaded and streamed
      const lzfNames = await run(['fit', '--target', names, '--background', names, '--k', '2', '--alpha', '1', ...stream, '--out', join(dir, 'never-names')]);
      assert.equal(lzfNames.code, 2, lzfNames.err);
      assert.match(lzfNames.err, /lzf-names\.h5ad: obs\/_index is compressed with lzf \(id 32000\)/);
    }
  });

  const dataDir = new URL('../../../../shared/datasets', import.meta.url).pathname;
  const mice = join(dataDir, 'mice-protein', 'Data_Cortex_Nuclear.csv');
  it('carries the annotations of a split CSV into obs', { skip: existsSync(mice) ? false : `the shared data sets are not in ${dataDir}` }, async () => {
    const h5ad = join(dir, 'mice.h5ad');
    const r = await run(['fit', '--input', mice, '--features', '_N$', '--split-by', 'class', '--target-values', 'c-SC-s,t-SC-s', '--background-values', 'c-CS-s',
      '--impute', 'mean', '--k', '2', '--alpha', '1', '--max-iter', '20', '--out', join(dir, 'mice'), '--h5ad-out', h5ad, '--quiet']);
    assert.equal(r.code, 0, r.err);
    const seen = py(READ, { path: h5ad });
    assert.deepEqual(seen.shape, [405, 77]);
    const roles = seen.obs.bcnmf_role.values as string[];
    assert.equal(roles.filter((v) => v === 'target').length, 270);
    const classes = seen.obs.class.values as string[];
    assert.ok(classes.slice(0, 270).every((c) => c === 'c-SC-s' || c === 't-SC-s'));
    assert.ok(classes.slice(270).every((c) => c === 'c-CS-s'));
    for (const column of ['Genotype', 'Treatment', 'Behavior']) assert.ok(column in seen.obs, `obs has ${column}`);
    assert.deepEqual(seen.obs_names.slice(0, 1), readCsv(join(dir, 'mice', 'H_target.csv')).names.slice(0, 1));
  });

  describe('on an .h5ad that anndata wrote, with a layer and raw', () => {
    let input: string;
    let made: { X: number[][]; counts: number[][]; raw: number[][]; rawNames: string[] };
    before(() => {
      input = join(dir, 'cells.h5ad');
      made = py(`
import json, sys, anndata, numpy as np, pandas as pd
p = json.load(sys.stdin)
rng = np.random.default_rng(3)
n, m = 40, 6
cond = np.array(['treated' if i % 2 else 'control' for i in range(n)])
X = rng.random((n, m)) + (cond == 'treated')[:, None] * np.array([0, 0, 0, 0, 2, 2])
obs = pd.DataFrame({'condition': pd.Categorical(cond), 'batch': pd.Categorical([f'b{i % 3}' for i in range(n)]), 'depth': np.arange(n, dtype=float)},
                   index=[f'cell{i}' for i in range(n)])
a = anndata.AnnData(X=X.astype(np.float32), obs=obs, var=pd.DataFrame(index=[f'g{j}' for j in range(m)]))
a.layers['counts'] = np.round(X * 10)
full = rng.random((n, 9))
a.raw = anndata.AnnData(X=full, obs=obs, var=pd.DataFrame(index=[f'r{j}' for j in range(9)]))
a.write_h5ad(p['path'])
b = anndata.read_h5ad(p['path'])
print(json.dumps({'X': b.X.tolist(), 'counts': b.layers['counts'].tolist(), 'raw': b.raw.X.tolist(), 'rawNames': list(b.raw.var_names)}))
`, { path: input });
    });
    const split = () => ['fit', '--input', input, '--split-by', 'condition', '--target-values', 'treated', '--background-values', 'control',
      '--k', '2', '--alpha', '1', '--max-iter', '20', '--quiet'];
    const rowsOf = (m: number[][], parity: number) => m.filter((_, i) => i % 2 === parity);

    it('--layer fits the layer: the .h5ad copy gets varm, --h5ad-out holds the layer as X and the obs annotations', async () => {
      const out = join(dir, 'layer');
      const h5ad = join(dir, 'layer.h5ad');
      const r = await run([...split(), '--layer', 'counts', '--out', out, '--h5ad-out', h5ad]);
      assert.equal(r.code, 0, r.err);
      const seen = py(READ, { path: h5ad });
      close(seen.X, [...rowsOf(made.counts, 1), ...rowsOf(made.counts, 0)], 'X = the counts layer, target rows first');
      assert.deepEqual(seen.obs.batch.values.slice(0, 3), ['b1', 'b0', 'b2']);
      assert.deepEqual(seen.obs.depth.values.slice(0, 3), [1, 3, 5]);
      const copy = py(READ, { path: join(out, 'cells.bcnmf.h5ad') });
      assert.deepEqual(copy.shape, [40, 6]);
      close(copy.varm.bcnmf_W.values, readCsv(join(out, 'W.csv')).values, 'the copy\'s varm');
      assert.equal(copy.obsm.X_bcnmf.values.length, 40);
    });

    it('--use-raw fits raw.X with raw.var: the copy keeps W in uns (its var differs), --h5ad-out has raw.var as var', async () => {
      const out = join(dir, 'raw');
      const h5ad = join(dir, 'raw.h5ad');
      const r = await run([...split(), '--use-raw', '--out', out, '--h5ad-out', h5ad]);
      assert.equal(r.code, 0, r.err);
      const seen = py(READ, { path: h5ad });
      assert.deepEqual(seen.var_names, made.rawNames);
      close(seen.X, [...rowsOf(made.raw, 1), ...rowsOf(made.raw, 0)], 'X = raw.X');
      const copy = py(READ, { path: join(out, 'cells.bcnmf.h5ad') });
      assert.deepEqual(copy.shape, [40, 6]);
      assert.deepEqual(Object.keys(copy.varm), []);
      assert.deepEqual(copy.uns.bcnmf.features, made.rawNames);
      close(copy.uns.bcnmf.W, readCsv(join(out, 'W.csv')).values, 'uns W');
      assert.equal(copy.uns.bcnmf.matrix, 'raw');
    });

    it('refuses a layer the file lacks, naming the ones it has (exit 2)', async () => {
      const r = await run([...split(), '--layer', 'spliced', '--out', join(dir, 'no-layer')]);
      assert.equal(r.code, 2);
      assert.match(r.err, /has no layer "spliced"; its layers are "counts"/);
    });
  });
});
