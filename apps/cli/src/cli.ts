import { DEMO_USAGE, runDemo } from './commands/demo.js';
import { exitCodeOf, UsageError } from './errors.js';

export const USAGE = `bcnmf: background-contrastive non-negative matrix factorization

Usage: bcnmf <command> [options]

Commands:
  demo      fit bcNMF and plain NMF to simulated data and compare what they find
  help      show this help, or a command's: bcnmf help demo

Options for every command: --debug (print stack traces)`;

const COMMANDS: Record<string, { usage: string; run: (argv: string[], print: (line: string) => void) => Promise<unknown> }> = {
  demo: { usage: DEMO_USAGE, run: runDemo },
};

/**
 * Runs the command line and returns the exit code: 0 on success, 2 for bad usage or
 * input, 1 for other failures. Errors are one line on stderr, with a stack trace only
 * under --debug.
 */
export async function main(
  argv: string[],
  io: { out: (line: string) => void; err: (line: string) => void } = {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
  },
): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      const topic = rest[0];
      io.out(topic && COMMANDS[topic] ? COMMANDS[topic].usage : USAGE);
      return command === undefined ? 2 : 0;
    }
    const entry = COMMANDS[command];
    if (!entry) throw new UsageError(`unknown command '${command}'; the commands are ${Object.keys(COMMANDS).join(', ')} (bcnmf help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(entry.usage);
      return 0;
    }
    await entry.run(rest, io.out);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(`bcnmf: ${message}`);
    if (debug && error instanceof Error && error.stack) io.err(error.stack);
    return exitCodeOf(error);
  }
}
