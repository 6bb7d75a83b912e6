import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { webgpuAdapter } from '../../packages/backend-webgpu/src/index.js';

// The GPU benchmark (benchmarks/gpu, issue 19) is measured only on a GPU machine; here its
// dry run goes through every section at tiny sizes on whatever WebGPU adapter there is
// (llvmpipe), and its output must have every table and field the GPU run reports. Times
// are not checked. torch_reference.py is checked with NumPy standing in for PyTorch.
const root = fileURLToPath(new URL('../..', import.meta.url));
const number = String.raw`-?\d+(?:\.\d+)?(?:e[-+]?\d+)?`;

function rowsOf(text: string, heading: string): string[][] {
  const section = text.split(`## ${heading}\n`)[1];
  assert.ok(section !== undefined, `no section '## ${heading}' in:\n${text}`);
  const body = section.split('\n## ')[0];
  return body
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('|---'))
    .slice(1) // the header row
    .map((l) => l.slice(2, -2).split(' | '));
}

describe('benchmarks/gpu', () => {
  it('bench.ts --dry-run prints every section with its fields and writes RESULTS.md', async (t) => {
    const probe = await webgpuAdapter.probe();
    if (!probe.available) return t.skip(`no WebGPU adapter here: ${probe.reason}`);
    const out = mkdtempSync(join(tmpdir(), 'bcnmf-gpu-bench-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      const results = join(out, 'RESULTS.md');
      const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'benchmarks/gpu/bench.ts', '--dry-run', '--out', results], {
        cwd: root, encoding: 'utf8', env, timeout: 240_000,
      });
      assert.equal(run.status, 0, run.stderr.slice(-4000));
      const stdout = run.stdout;
      const written = readFileSync(results, 'utf8');
      assert.match(written, /^# GPU results: @bcnmf\/backend-webgpu against PyTorch/);
      assert.match(written, /\(\*\*dry run\*\*: tiny sizes, the figures mean nothing\)/);
      assert.doesNotMatch(written, /\*\*Partial/);
      assert.match(written, /- WebGPU: .+ via Dawn .+tfjs-backend-webgpu \d/);
      assert.match(stdout, /^WebGPU adapter: /m);

      // PyTorch: absent here (the run says why and has no ratios), present on the GPU machine
      const torchRan = /^PyTorch \S+ on /m.test(stdout);
      if (!torchRan) {
        assert.match(stdout, /^PyTorch did not run: .+/m);
        assert.match(written, /PyTorch did not run \(.+\): no ratios to PyTorch/);
      }
      const torchCell = torchRan ? new RegExp(`^${number}$`) : /^n\/a$/;

      const copy = rowsOf(written, 'Copy bandwidth');
      assert.equal(copy.length, 2);
      assert.match(copy[0][0], /WGSL copy kernel/);
      assert.match(copy[0][1], new RegExp(`^${number}$`)); // ms
      assert.ok(Number(copy[0][2]) > 0, `copy GB/s: ${copy[0][2]}`);
      assert.match(copy[1][1], torchCell);

      // seven products, each with ms, GB/s, share of the copy rate, PyTorch's figure and the ratio
      const products = rowsOf(written, 'Large products alone');
      assert.equal(products.length, 7, written);
      for (const [name, ms, rate, ofCopy, torchMs, , toTorch] of products) {
        assert.match(ms, new RegExp(`^${number}$`), name);
        assert.ok(Number(rate) > 0, `${name}: GB/s ${rate}`);
        assert.match(ofCopy, /^\d+%$/, name);
        assert.match(torchMs, torchCell, name);
        assert.match(toTorch, torchRan ? new RegExp(`^${number}$`) : /^n\/a$/, name);
      }

      // both losses at three k's (3, 5, 30 in the dry run: one above the fused step's limit) and two more feature counts
      const iterations = rowsOf(written, 'ms per iteration');
      assert.equal(iterations.length, 10, written);
      const seen = new Set(iterations.map(([loss, features, k]) => `${loss} ${features} ${k}`));
      for (const loss of ['frobenius', 'poisson']) {
        for (const k of [3, 5, 30]) assert.ok(seen.has(`${loss} 96 ${k}`), `${loss} k = ${k}`);
        for (const m of [40, 130]) assert.ok(seen.has(`${loss} ${m} 5`), `${loss} ${m} features`);
      }
      for (const [loss, , k, path, ms, dispatches, torchMs] of iterations) {
        assert.equal(path, Number(k) > 24 ? 'kernels composed by core' : 'fused step', `${loss} k = ${k}`);
        assert.match(ms, new RegExp(`^${number}$`));
        assert.ok(Number(dispatches) > 0);
        assert.match(torchMs, torchCell);
      }

      const variants = rowsOf(written, 'The same iteration without the fused step');
      assert.equal(variants.length, 4);
      for (const row of variants) assert.match(row[2], new RegExp(`^${number}$`));

      // CSR fits at each density for both losses, then the three products alone
      assert.equal(rowsOf(written, 'Sparse (CSR) data').length, 4 + 1 + 3, written); // fits, the products' header, products
      assert.match(written, /\| frobenius \| 0\.05 \| \d+ \| -?[\d.]+ \| \d+ \| -?[\d.]+ \| -?[\d.]+ \|/);
      assert.match(written, /\| poisson \| 0\.3 \| \d+ \| -?[\d.]+ \| \d+ \| -?[\d.]+ \| -?[\d.]+ \|/);
      // the products run the package's sparse kernels (a row says '(plain tfjs ops)' where core's would run)
      for (const [name] of rowsOf(written, 'Sparse (CSR) data').slice(-3)) assert.doesNotMatch(name, /plain tfjs ops/, name);

      // minibatch: webgpu double buffered and in turn, PyTorch's transcription of the reference, the cpu backend, in epochs per second
      const minibatch = rowsOf(written, 'Minibatches');
      assert.equal(minibatch.length, 4, written);
      assert.match(minibatch[0][0], /^bcnmf webgpu \(CSR batches, double buffered\)/);
      assert.match(minibatch[1][0], /^bcnmf webgpu \(CSR batches, without submit/);
      assert.match(minibatch[2][0], /^PyTorch, reference minibatch Poisson/);
      assert.match(minibatch[3][0], /^bcnmf cpu /);
      // a dry run's epochs are tiny: on a loaded machine the time of one may be timing noise, said as such
      for (const row of [minibatch[0], minibatch[1], minibatch[3]]) assert.ok(Number(row[3]) > 0 || row[3] === 'below timing noise', `epochs / s: ${row.join(' | ')}`);
      assert.match(written, /webgpu processes samples [\d.]+x as fast as the cpu backend|webgpu against the cpu backend: not compared, an epoch's time was below timing noise/);

      const targets = rowsOf(written, 'Against the targets');
      assert.equal(targets.length, 9);
      assert.deepEqual(targets.slice(0, 2).map((r) => [r[0], r[2]]), [['ms per iteration, frobenius', '1.0'], ['ms per iteration, poisson', '0.6']]);
      if (!torchRan) for (const row of targets) assert.equal(row[3], 'not measured');

      assert.match(written, /Run time: \d+ s \(budget 270 s\)/);
      assert.match(stdout, new RegExp(`wrote ${results.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('torch_reference.py compiles, and its transcriptions match the reference (NumPy standing in for PyTorch)', (t) => {
    const script = join(root, 'benchmarks/gpu/torch_reference.py');
    const compiled = spawnSync('python3', ['-c', 'import sys; compile(open(sys.argv[1], encoding="utf8").read(), sys.argv[1], "exec")', script], { encoding: 'utf8' });
    if (compiled.error) return t.skip(`python3 cannot run here: ${compiled.error.message}`);
    assert.equal(compiled.status, 0, compiled.stderr);
    const check = spawnSync('python3', [join(root, 'benchmarks/gpu/check_torch_reference.py')], { encoding: 'utf8', timeout: 60_000 });
    if (check.status === 77) return t.skip(`NumPy is not available to python3: ${check.stderr.trim()}`);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /minibatch epoch 2: W: max relative difference/);
    assert.match(check.stdout, /main\(\): 11 cases, each with a time/);
  });
});
