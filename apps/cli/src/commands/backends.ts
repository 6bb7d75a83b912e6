import { listBackends, type BackendStatus } from '@bcnmf/core';
import type { CommandContext } from '../context.js';
import { parseCommand } from '../options.js';

export const BACKENDS_USAGE = `bcnmf backends [--json]

Lists every backend bcnmf knows: whether it can run on this machine and, if not, why
(and what would fix it); what it found (native kernels built or why not, BLAS, the GPU
adapter, TensorFlow for CUDA); and which one a fit that names none uses (--backend auto).

Options:
  --json   the list as JSON`;

const OPTIONS = { json: { type: 'boolean' } } as const;

/** `bcnmf backends`: where bcnmf can run here. */
export async function runBackends(argv: string[], ctx: CommandContext): Promise<BackendStatus[]> {
  const values = parseCommand(argv, OPTIONS, 'backends');
  const list = await listBackends();
  if (values.json) {
    ctx.print(JSON.stringify(list, null, 2));
    return list;
  }
  const width = Math.max(...list.map((b) => b.name.length));
  for (const b of list) {
    const state = b.available ? (b.isDefault ? 'available (default)' : 'available') : 'not available';
    ctx.print(`${b.name.padEnd(width)}  ${state}  ${b.packageName}`);
    if (b.description) ctx.print(`${' '.repeat(width)}  ${b.description}`);
    if (b.reason) ctx.print(`${' '.repeat(width)}  why: ${b.reason}`);
    for (const [what, value] of Object.entries(b.details ?? {})) ctx.print(`${' '.repeat(width)}  ${what}: ${value}`);
  }
  const chosen = list.find((b) => b.isDefault);
  ctx.print('');
  ctx.print(chosen ? `A fit that names no backend runs on '${chosen.name}'.` : 'No backend can run here.');
  return list;
}
