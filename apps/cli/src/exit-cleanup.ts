import { rmSync } from 'node:fs';

// Temporary output paths being written, removed if the process exits before they are
// renamed into place or removed: a second Ctrl-C ends the process at once (process.exit),
// past the clean-up of the write that was running.
const pending = new Set<string>();

function removeAll(): void {
  for (const path of pending) rmSync(path, { recursive: true, force: true });
  pending.clear();
}

/** Removes `path` (a file or a folder) if the process exits while it is registered. */
export function removeOnExit(path: string): void {
  if (pending.size === 0) process.on('exit', removeAll);
  pending.add(path);
}

/** Takes `path` off the list (it was renamed into place, or removed). */
export function forgetOnExit(path: string): void {
  pending.delete(path);
  if (pending.size === 0) process.off('exit', removeAll);
}
