import type { CommandContext } from './context.js';
import { imputeWords, type Inputs, type InputShape } from './input.js';

/** Describes the inputs, and what was decided about them (orientation, features aligned), on stderr before a fit (unless quiet). */
export function describeInputs(ctx: CommandContext, label: string, inputs: Inputs<InputShape>): void {
  const t = inputs.target;
  const several = inputs.backgrounds.length > 1;
  const backgrounds = inputs.backgrounds
    .map((b, i) => `background${several ? ` ${i + 1}` : ''} ${b.rows} x ${b.columns} (${inputs.backgroundSources[i]})`)
    .join(', ');
  ctx.err(`${label}: target ${t.rows} x ${t.columns} (${inputs.targetSource}), ${backgrounds}` +
    (inputs.imputed > 0 ? `; ${inputs.imputed} missing values filled ${imputeWords(inputs.imputeMethod ?? 'mean')}` : ''));
  for (const note of inputs.notes) ctx.err(`${label}: ${note}`);
}
