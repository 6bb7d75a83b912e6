export { main, USAGE } from './cli.js';
export type { CliIO } from './cli.js';
export { runCommandLine } from './process.js';
export { runDemo } from './commands/demo.js';
export type { DemoRow } from './commands/demo.js';
export { exitCodeOf, InterruptedError, isAbort, UsageError } from './errors.js';
