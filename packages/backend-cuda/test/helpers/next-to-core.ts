// Makes '@bcnmf/backend-cuda', imported by @bcnmf/core's registry, resolve to this
// package, as it does for users who install both side by side. In this pnpm workspace
// core cannot see the package from its own location (core does not depend on it).
import { register } from 'node:module';

const self = new URL('../../src/index.ts', import.meta.url).href;
const hook = `
export async function resolve(specifier, context, next) {
  if (specifier === '@bcnmf/backend-cuda' && context.parentURL && context.parentURL.includes('/packages/core/')) {
    return next(specifier, { ...context, parentURL: ${JSON.stringify(self)} });
  }
  return next(specifier, context);
}`;

let installed = false;

/** From now on, core's `import('@bcnmf/backend-cuda')` finds this package (self-reference). */
export function installNextToCore(): void {
  if (installed) return;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  installed = true;
}
