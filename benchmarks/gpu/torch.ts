// PyTorch's side of the run: every case goes to torch_reference.py in one plan (one
// Python start-up, one CUDA context), run before the WebGPU side so the two never share
// the GPU; the results come back by case id.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One case of the plan; the fields of each kind are torch_reference.py's run_<kind>. */
export type TorchCase = { id: string; kind: 'iteration' | 'product' | 'copy' | 'sparse_product' | 'minibatch' } & Record<string, string | number>;

/** What torch_reference.py reports: the device and, per case id, ms or why not. */
export interface TorchRun {
  device: string;
  torch: string;
  cuda: boolean;
  results: Map<string, { ms?: number; error?: string }>;
}

/** torch_reference.py: beside the bundle once packed (.device/extra/), else beside this file. */
export function torchScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'extra', 'torch_reference.py'), join(here, 'torch_reference.py')];
  return candidates.find((path) => existsSync(path)) ?? candidates[1];
}

/** Runs the plan with `python`; a string says why PyTorch did not run. */
export function runTorch(python: string, cases: TorchCase[], repeats: number, timeoutSeconds: number): TorchRun | string {
  if (cases.length === 0) return 'no PyTorch cases in this run';
  const dir = mkdtempSync(join(tmpdir(), 'bcnmf-torch-'));
  try {
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ repeats, cases }));
    const run = spawnSync(python, [torchScript(), plan], { encoding: 'utf8', timeout: Math.round(timeoutSeconds * 1000), maxBuffer: 1 << 24 });
    if (run.error) return `could not run ${python}: ${run.error.message}`;
    if (run.signal) return `${python} was stopped (${run.signal}) after ${timeoutSeconds} s`;
    if (run.status !== 0) return (run.stderr.trim().split('\n').pop() ?? `exit status ${run.status}`).trim();
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      device: string; torch: string; cuda: boolean; results: Array<{ id: string; ms?: number; error?: string }>;
    };
    return { device: out.device, torch: out.torch, cuda: out.cuda, results: new Map(out.results.map((r) => [r.id, r])) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
