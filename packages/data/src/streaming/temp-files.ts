import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Temporary folders of open sources, removed on close(), and on process exit or on
// SIGINT / SIGTERM / SIGHUP for those still open.
const live = new Set<string>();
let installed = false;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  uninstall();
  // nobody else handles it: end the process as the signal would have
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', removeAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', removeAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** A new private folder for a source's temporary files (under `base`, default the OS temp folder). */
export function createTempDir(base?: string): string {
  const dir = mkdtempSync(join(base ?? tmpdir(), 'bcnmf-stream-'));
  live.add(dir);
  install();
  return dir;
}

/** Removes a folder made by {@link createTempDir}. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
  if (live.size === 0) uninstall();
}

/** The temporary folders not yet removed (for tests). */
export function liveTempDirs(): string[] {
  return [...live];
}
