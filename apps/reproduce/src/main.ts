#!/usr/bin/env node
// Standalone entry: node --conditions=source --import tsx apps/reproduce/src/main.ts simulation --quick
import { runReproduce } from './cli.js';

try {
  await runReproduce(process.argv.slice(2).filter((a) => a !== '--debug'), (line) => process.stdout.write(line + '\n'));
} catch (error) {
  const e = error as Error & { exitCode?: number };
  process.stderr.write(`bcnmf reproduce: ${e?.message ?? String(error)}\n`);
  if (process.argv.includes('--debug') && e?.stack) process.stderr.write(e.stack + '\n');
  process.exitCode = typeof e?.exitCode === 'number' ? e.exitCode : 1;
}
