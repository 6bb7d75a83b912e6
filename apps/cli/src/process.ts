import { main } from './cli.js';
import { InterruptedError } from './errors.js';

/**
 * Runs the command line in this process (the `bcnmf` bin of the `bcnmf` package, which
 * registers the backends first): arguments from `process.argv`, exit code in
 * `process.exitCode`. The first Ctrl-C (or SIGTERM) aborts the running command, which
 * stops within about a second, removes what it had begun to write and exits 130 (143)
 * with one line on stderr; a second one ends the process at once.
 */
export async function runCommandLine(argv: string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const stop = (signal: 'SIGINT' | 'SIGTERM') => (): void => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    controller.abort(new InterruptedError(signal));
  };
  const onInt = stop('SIGINT');
  const onTerm = stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    process.exitCode = await main(argv, {
      out: (line) => process.stdout.write(line + '\n'),
      err: (line) => process.stderr.write(line + '\n'),
      isTTY: process.stderr.isTTY === true,
      errStream: process.stderr,
      signal: controller.signal,
    });
  } finally {
    // the listeners must not keep the process alive
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
