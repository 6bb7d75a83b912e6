import '@bcnmf/backend-cpu';
import '@bcnmf/backend-webgpu';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cpuAdapter } from '@bcnmf/backend-cpu';
import { defaultBackendChain, plainOps, registerBackend, type ComputeOps } from '@bcnmf/core';
import { webgpuAdapter } from '@bcnmf/backend-webgpu';
import { runReproduce } from '../src/index.js';
import { backendCheckMarkdown } from '../src/report/markdown.js';

const dataDir = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const noData = existsSync(join(dataDir, 'mice-protein')) ? false : `the shared data sets are not in ${dataDir}`;

// 'counting': the cpu backend with every operation counted, to see where the fits ran
let operations = 0;
const counted = Object.fromEntries(
  Object.entries({ ...plainOps, ...(cpuAdapter.ops ?? {}) }).map(([name, op]) => [name, (...args: unknown[]) => {
    operations++;
    return (op as (...a: unknown[]) => unknown)(...args);
  }]),
) as unknown as Partial<ComputeOps>;
registerBackend({ ...cpuAdapter, name: 'counting', description: 'the cpu backend, its operations counted', ops: counted });

// `bcnmf reproduce ... --backend webgpu` (Mesa's llvmpipe here) gives the cpu backend's
// table: NMF and bcNMF run on the named backend, with the same seeds.
const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-backend-'));
after(() => rmSync(root, { recursive: true, force: true }));
const probe = await webgpuAdapter.probe();

it('--backend webgpu --check-backend cpu: the simulation on webgpu agrees with the cpu backend, seed by seed, and the report says so', { skip: probe.available ? false : `no WebGPU adapter: ${probe.reason}` }, async () => {
  const overrides = { scale: 0.25, betas: [2], cpcaAlpha: 2, maxIter: 150 };
  const out = join(root, 'webgpu');
  const report = await runReproduce(['simulation', '--seeds', '2', '--backend', 'webgpu', '--check-backend', 'cpu', '--out', out], () => {}, { overrides });
  assert.equal(report.backend, 'webgpu');
  const check = report.experiments[0].backendCheck!;
  assert.deepEqual([check.backend, check.against], ['webgpu', 'cpu']);
  assert.deepEqual(check.cells.map((c) => c.method), ['NMF', 'bcNMF']);
  for (const cell of check.cells) {
    // the table's values are webgpu's
    assert.deepEqual(cell.ari, report.experiments[0].rows.find((r) => r.method === cell.method)!.cells[0].values);
    cell.ari.forEach((v, s) => assert.ok(Math.abs(v - cell.checkAri[s]) < 0.02, `${cell.method}, seed ${s}: webgpu ${v} vs cpu ${cell.checkAri[s]}`));
    assert.ok(cell.embeddingDifference > 0 && cell.embeddingDifference < 1e-2, `${cell.method}: embeddings differ by ${cell.embeddingDifference}`);
    assert.equal(cell.agrees, true);
  }
  const md = readFileSync(join(out, 'simulation.md'), 'utf8');
  assert.match(md, /### Backend check: webgpu against cpu/);
  assert.match(md, /\| bcNMF \| β=2 \| [0-9.]+, [0-9.]+ \| [0-9.]+, [0-9.]+ \| [0-9.]+e-\d \| yes \|/);
  assert.match(md, /Every mean agrees within seed noise\./);
  const reportMd = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(reportMd, /NMF and bcNMF ran on backend webgpu \(.*adapter.*\); PCA and cPCA linear algebra: .*Node v\d+/);
  assert.match(reportMd, /Where an experiment's "Backend check" says so, NMF and bcNMF were fitted again on cpu\./);
  assert.match(md, /NMF and bcNMF ran on backend webgpu/);
  assert.equal(JSON.parse(readFileSync(join(out, 'simulation.json'), 'utf8')).environment.backend, 'webgpu');
});

it('--check-backend: the same backend twice gives the same values, and a planted disagreement is reported as one', async () => {
  const overrides = { scale: 0.1, betas: [1], cpcaAlpha: 2, maxIter: 20 };
  const report = await runReproduce(['simulation', '--seeds', '2', '--backend', 'counting', '--check-backend', 'cpu', '--out', join(root, 'twice')], () => {}, { overrides });
  const result = report.experiments[0];
  for (const cell of result.backendCheck!.cells) {
    assert.deepEqual(cell.checkAri, cell.ari, cell.method);
    assert.equal(cell.embeddingDifference, 0);
    assert.equal(cell.agrees, true);
  }
  // a check whose ARIs are far apart, seed after seed
  const planted = {
    ...result,
    backendCheck: { backend: 'x', against: 'y', cells: [{ method: 'bcNMF', column: 'β=1', ari: [0.9, 0.92, 0.91], checkAri: [0.1, 0.12, 0.11], embeddingDifference: 0.5, agrees: false }] },
  };
  // one seed apart: not judged, and the verdict says so rather than that every mean agrees
  const oneSeed = { ...result, backendCheck: { backend: 'x', against: 'y', cells: [{ method: 'bcNMF', column: 'β=1', ari: [0.77], checkAri: [0.05], embeddingDifference: 1e-6, agrees: null }] } };
  const single = backendCheckMarkdown(oneSeed).join('\n');
  assert.match(single, /\| n\/a \(one seed\) \|/);
  assert.match(single, /1 of 1 cells differ and have one seed, so seed noise cannot be judged there/);
  assert.doesNotMatch(single, /Every mean agrees/);
  const lines = backendCheckMarkdown(planted).join('\n');
  assert.match(lines, /\| bcNMF \| β=1 \| 0\.900, 0\.920, 0\.910 \| 0\.100, 0\.120, 0\.110 \| 5\.0e-1 \| \*\*no\*\* \|/);
  assert.match(lines, /The means of bcNMF \(β=1\) do not agree within seed noise\./);
});

it('--check-backend refuses an unknown name, or the backend the run uses, before any work', async () => {
  await assert.rejects(runReproduce(['simulation', '--check-backend', 'tpu', '--out', join(root, 'y')], () => {}), /--check-backend must be one of .*cpu.*, got 'tpu'/);
  await assert.rejects(runReproduce(['simulation', '--backend', 'cpu', '--check-backend', 'cpu', '--out', join(root, 'y')], () => {}), /--check-backend cpu is the backend the run uses; name another one/);
  // auto picks the cpu backend here when its native kernels are built, else wasm
  const auto = (await defaultBackendChain())[0];
  await assert.rejects(runReproduce(['simulation', '--check-backend', auto, '--out', join(root, 'y')], () => {}), new RegExp(`--check-backend ${auto} is the backend 'auto' picks here`));
  assert.ok(!existsSync(join(root, 'y')));
});

it('--backend refuses an unknown name before any work', async () => {
  await assert.rejects(runReproduce(['simulation', '--backend', 'tpu', '--out', join(root, 'x')], () => {}), /--backend must be one of auto, wasm, cpu, webgpu, cuda(, counting)?, got 'tpu'/);
});

for (const experiment of ['consensus', 'mice-protein', 'mnist-flowers']) {
  it(`${experiment}: every NMF and bcNMF fit runs on the --backend named`, { skip: noData }, async () => {
    operations = 0;
    const perFit: number[] = [];
    await runReproduce([experiment, '--quick', '--seeds', '1', '--backend', 'counting', '--data-dir', dataDir, '--out', join(root, `counting-${experiment}`)], () => {}, {
      overrides: { maxIter: 5, k: 3, umapEpochs: 30, scale: 0.05 },
      onMethodRun: (_, event) => {
        if (/NMF/.test(event.method)) perFit.push(operations);
      },
    });
    assert.ok(operations > 0, `no operation ran on 'counting'`);
    // each NMF or bcNMF row's fit ran some of them (for the table experiments)
    perFit.forEach((count, i) => assert.ok(count > (perFit[i - 1] ?? 0), `fit ${i} ran no operation on 'counting'`));
  });
}

it('consensus: Ctrl-C stops its fits (none runs after the abort) and nothing is written', { skip: noData }, async () => {
  const controller = new AbortController();
  const out = join(root, 'aborted-consensus');
  const after: string[] = [];
  await assert.rejects(
    runReproduce(['consensus', '--quick', '--seeds', '1', '--backend', 'counting', '--data-dir', dataDir, '--out', out], (line) => {
      if (controller.signal.aborted) after.push(line);
      else if (/loading mice-protein/.test(line)) controller.abort();
    }, { overrides: { maxIter: 5, k: 3, umapEpochs: 30, scale: 0.05 }, signal: controller.signal }),
    (e: unknown) => e instanceof Error && e.name === 'AbortError',
  );
  assert.deepEqual(after, [], 'runs finished after the abort');
  assert.ok(!existsSync(out), 'a report folder was written');
});
