import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { webgpuAdapter } from '@bcnmf/backend-webgpu';
import { CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { maxRelativeDifference } from '@bcnmf/core/testing';
import { writeH5ad } from '@bcnmf/data';
import { planted, readCsv, readJson, run, runChild, tempDir, writeTable } from './helpers.js';

// Every backend from the command line: `bcnmf backends` says which run here and why not;
// `--backend` reaches each, and one that cannot run fails before any work, with exit 2.
const webgpu = await webgpuAdapter.probe();
const noWebgpu = webgpu.available ? false : `no WebGPU adapter here: ${webgpu.reason}`;

/** The fits in dir/webgpu and dir/cpu agree to float32 rounding (2e-3 relative, values below 1e-3 absolute). */
function assertSameFit(dir: string): void {
  for (const file of ['W.csv', 'H_target.csv', 'H_background.csv']) {
    const a = readCsv(join(dir, 'webgpu', file)).values.flat();
    const b = readCsv(join(dir, 'cpu', file)).values.flat();
    const difference = maxRelativeDifference(a, b, 1e-3);
    assert.ok(difference < 2e-3, `${file}: webgpu and cpu differ by ${difference} (relative)`);
  }
}

function inputs(dir: string): string[] {
  const p = planted(3, 20, 16, 10);
  writeTable(join(dir, 'target.csv'), p.targetNames, p.features, p.target);
  writeTable(join(dir, 'background.csv'), p.backgroundNames, p.features, p.background);
  return ['--target', join(dir, 'target.csv'), '--background', join(dir, 'background.csv')];
}

describe('bcnmf backends', () => {
  it('lists wasm, cpu, webgpu and cuda with availability, reasons, what each found, and the default', async () => {
    const result = await run(['backends']);
    assert.equal(result.code, 0, result.err);
    for (const name of ['wasm', 'cpu', 'webgpu', 'cuda']) assert.match(result.out, new RegExp(`^${name} +(available|not available)`, 'm'));
    assert.match(result.out, /^cpu +available/m);
    assert.match(result.out, /native kernels: (built|not used: .+)/);
    assert.match(result.out, /BLAS: (.+ \(\d+ threads\)|not used: .+)/);
    assert.match(result.out, /^cuda +not available +@bcnmf\/backend-cuda$/m);
    assert.match(result.out, /why: neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed: .*CUDA 11\.2 and cuDNN 8\.1/);
    if (webgpu.available) assert.match(result.out, /^webgpu +available/m);
    else assert.match(result.out, /^webgpu +not available/m);
    assert.match(result.out, /A fit that names no backend runs on '(cpu|wasm)'\./);
  });

  it('--json gives the same list as data', async () => {
    const result = await run(['backends', '--json']);
    assert.equal(result.code, 0, result.err);
    const list = JSON.parse(result.out) as { name: string; available: boolean; isDefault: boolean; reason?: string; details?: Record<string, string> }[];
    assert.deepEqual(list.slice(0, 4).map((b) => b.name), ['wasm', 'cpu', 'webgpu', 'cuda']);
    assert.equal(list.filter((b) => b.isDefault).length, 1);
    assert.ok(list.find((b) => b.name === 'cpu')!.details!['native kernels']);
    assert.equal(list.find((b) => b.name === 'cuda')!.available, false);
  });
});

describe('--backend from the command line', () => {
  it('cuda without @tensorflow/tfjs-node-gpu: exit 2 before any work, naming the package and what it needs', async () => {
    const { dir, remove } = tempDir('cuda');
    try {
      const out = join(dir, 'out');
      const result = await run(['fit', ...inputs(dir), '--k', '2', '--alpha', '1', '--out', out, '--backend', 'cuda']);
      assert.equal(result.code, 2);
      assert.equal(result.errLines.length, 1, result.err);
      assert.match(result.err, /^bcnmf: backend 'cuda' cannot run here: .*@tensorflow\/tfjs-node-gpu@4\.22\.0 \(NVIDIA GPUs on Linux x64; needs CUDA 11\.2 and cuDNN 8\.1\)/);
      assert.equal(existsSync(out), false, 'no output folder');
    } finally {
      remove();
    }
  });

  it('an unknown backend name is refused as bad usage, listing the names', async () => {
    const result = await run(['demo', '--backend', 'tpu']);
    assert.equal(result.code, 2);
    assert.match(result.err, /^bcnmf: --backend must be 'auto', 'wasm', 'cpu', 'webgpu' or 'cuda', got 'tpu'/);
  });

  it('fit on webgpu (llvmpipe here) matches the fit on cpu', { skip: noWebgpu }, async () => {
    const { dir, remove } = tempDir('webgpu');
    try {
      const files = inputs(dir);
      const settings = ['--k', '2', '--alpha', '1', '--max-iter', '40', '--tol', '0', '--seed', '3', '--quiet'];
      const cpu = await run(['fit', ...files, ...settings, '--backend', 'cpu', '--out', join(dir, 'cpu')]);
      assert.equal(cpu.code, 0, cpu.err);
      const gpu = await run(['fit', ...files, ...settings, '--backend', 'webgpu', '--out', join(dir, 'webgpu')]);
      assert.equal(gpu.code, 0, gpu.err);
      assertSameFit(dir);
    } finally {
      remove();
    }
  });

  it('fit --batch-size: minibatches on webgpu (llvmpipe here) match them on cpu, and the full-batch fit up to rounding', { skip: noWebgpu }, async () => {
    const { dir, remove } = tempDir('minibatch');
    try {
      const files = inputs(dir);
      const settings = ['--k', '2', '--alpha', '1', '--max-iter', '40', '--tol', '0', '--seed', '3', '--quiet'];
      const fit = async (name: string, extra: string[]) => {
        const result = await run(['fit', ...files, ...settings, ...extra, '--json', '--out', join(dir, name)]);
        assert.equal(result.code, 0, result.err);
        return JSON.parse(result.out);
      };
      const gpu = await fit('webgpu', ['--batch-size', '6', '--backend', 'webgpu']);
      const cpu = await fit('cpu', ['--batch-size', '6', '--backend', 'cpu']);
      const full = await fit('full', ['--backend', 'cpu']);
      assert.equal(gpu.batchSize, 6);
      assert.equal(full.batchSize, null);
      assert.equal(gpu.iterations, 40);
      for (const [name, other, tolerance] of [['cpu minibatches', 'cpu', 2e-3], ['the full-batch fit', 'full', 2e-3]] as const) {
        for (const file of ['W.csv', 'H_target.csv']) {
          const a = readCsv(join(dir, 'webgpu', file)).values.flat();
          const b = readCsv(join(dir, other, file)).values.flat();
          const difference = maxRelativeDifference(a, b, 1e-3);
          assert.ok(difference < tolerance, `${file}: webgpu minibatches and ${name} differ by ${difference} (relative)`);
        }
      }
      assert.equal(readJson(join(dir, 'webgpu', 'model.json')).settings.batchSize, 6);
    } finally {
      remove();
    }
  });

  it('fit --stream: batches read from an .h5ad file through webgpu (llvmpipe here) match them through cpu', { skip: noWebgpu }, async () => {
    const { dir, remove } = tempDir('stream');
    try {
      const p = planted(4, 40, 30, 8);
      const write = (name: string, rows: number[][], names: string[]) =>
        writeH5ad(join(dir, name), { X: CsrMatrix.fromDense(DenseMatrix.fromRows(rows, { rowNames: names, columnNames: p.features })) });
      await write('target.h5ad', p.target, p.targetNames);
      await write('background.h5ad', p.background, p.backgroundNames);
      const settings = ['--k', '2', '--alpha', '1', '--max-iter', '30', '--tol', '0', '--seed', '3', '--batch-size', '7', '--stream', '--quiet'];
      const fit = async (backend: string) => {
        const result = await run(['fit', '--target', join(dir, 'target.h5ad'), '--background', join(dir, 'background.h5ad'), ...settings,
          '--backend', backend, '--json', '--out', join(dir, backend)]);
        assert.equal(result.code, 0, result.err);
        return JSON.parse(result.out);
      };
      const gpu = await fit('webgpu');
      await fit('cpu');
      assert.equal(gpu.stream, true);
      assertSameFit(dir);
    } finally {
      remove();
    }
  });

  it('fit --batch-size: a bad size, an --init that needs the whole target, or --alpha auto is refused before any work', async () => {
    const { dir, remove } = tempDir('minibatch-usage');
    try {
      const files = inputs(dir);
      for (const [extra, message] of [
        [['--batch-size', '0'], /--batch-size must be/],
        [['--batch-size', '2.5'], /--batch-size must be/],
        [['--batch-size', '9007199254740993'], /--batch-size must be/],
        [['--batch-size', '8', '--init', 'bogus'], /--init must be 'random', 'nndsvd' or 'nndsvda', got 'bogus'/],
        [['--batch-size', '8', '--init', 'nndsvd'], /--init nndsvd needs the whole target at once; with --batch-size start random \(the default\) or from --init-from/],
      ] as const) {
        const result = await run(['fit', ...files, '--k', '2', '--alpha', '1', ...extra, '--out', join(dir, 'out')]);
        assert.equal(result.code, 2, result.err);
        assert.match(result.err, message);
      }
      const auto = await run(['fit', ...files, '--k', '2', '--alpha', 'auto', '--batch-size', '8', '--out', join(dir, 'out')]);
      assert.equal(auto.code, 2, auto.err);
      assert.match(auto.err, /--batch-size does not go with --alpha auto/);
      assert.ok(!existsSync(join(dir, 'out')), 'nothing written');
    } finally {
      remove();
    }
  });

  it('`bcnmf demo --backend webgpu` runs as a real process and finds the target groups', { skip: noWebgpu }, () => {
    const result = runChild(['demo', '--backend', 'webgpu', '--scale', '0.3', '--max-iter', '150']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /backend webgpu/);
    assert.match(result.stdout, /^bcNMF +2 +\d\.\d{3}/m);
  });
});
