#!/usr/bin/env node
import { main } from './cli.js';

// Ctrl-C aborts a running fit between iterations: the command then removes its
// temporary output and exits 1. A second Ctrl-C ends the process at once.
const controller = new AbortController();
process.once('SIGINT', () => {
  controller.abort(new Error('interrupted'));
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
