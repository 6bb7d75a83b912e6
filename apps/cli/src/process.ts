import { main } from './cli.js';
import { InterruptedError, type StopSignal } from './errors.js';

/** The signals that stop a command: Ctrl-C, a kill, a closed terminal. */
const SIGNALS: StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs the command line in this process (the `bcnmf` bin of the `bcnmf` package, which
 * registers the backends first): arguments from `process.argv`, exit code in
 * `process.exitCode`. The first Ctrl-C (or SIGTERM, or SIGHUP when the terminal closes)
 * aborts the running command, which stops within about a second, removes what it had
 * begun to write and exits 130 (143, 129) with one line on stderr; a second one ends the
 * process at once (a temporary output folder is still removed, at exit).
 */
export async function runCommandLine(argv: string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const listeners = SIGNALS.map((signal) => {
    const listener = (): void => {
      const reason = new InterruptedError(signal);
      if (controller.signal.aborted) process.exit(reason.exitCode);
      controller.abort(reason);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
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
    for (const [signal, listener] of listeners) process.off(signal, listener);
  }
}
