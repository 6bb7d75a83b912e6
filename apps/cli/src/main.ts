#!/usr/bin/env node
import { main } from './cli.js';

// Ctrl-C aborts the running command (a fit between iterations, a download at once): it
// removes its temporary output and rejects with this AbortError, which exits 130 with
// one line. A second Ctrl-C ends the process at once (a download's .part file is removed
// on exit all the same).
const controller = new AbortController();
process.once('SIGINT', () => {
  controller.abort(new DOMException('interrupted', 'AbortError'));
  process.once('SIGINT', () => process.exit(130));
});

process.exitCode = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  isTTY: process.stderr.isTTY === true,
  errStream: process.stderr,
  signal: controller.signal,
});
// the SIGINT listener must not keep the process alive
process.removeAllListeners('SIGINT');
