export { main, USAGE } from './cli.js';
export { runDemo } from './commands/demo.js';
export type { DemoRow } from './commands/demo.js';
export { exitCodeOf, UsageError } from './errors.js';
