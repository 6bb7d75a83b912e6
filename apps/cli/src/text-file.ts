import { closeSync, openSync, writeSync } from 'node:fs';
import { checkInterrupted } from './interrupt-check.js';

/** Text gathered before each write: large enough to keep the writes few, far below a string's limit. */
const WRITE_CHUNK = 1 << 20;

/** Bytes written between two turns of the event loop, where a Ctrl-C is seen (a few ms of writing). */
const TURN_BYTES = 4 << 20;

/**
 * Writes text given in pieces (lines, say) to a new file, a chunk at a time, so that files
 * larger than one JavaScript string can hold (512 MiB: the coefficients of a million
 * samples, model.json) are written without ever joining them. Every 4 MiB it lets the
 * event loop run and stops with the signal's reason when it has aborted (Ctrl-C); the
 * caller removes the partial file (it writes into a temporary folder).
 */
export async function writeTextFile(path: string, pieces: Iterable<string>, options: { signal?: AbortSignal } = {}): Promise<void> {
  const fd = openSync(path, 'w');
  try {
    let pending: string[] = [];
    let length = 0;
    let sinceTurn = 0;
    const flush = (): void => {
      const bytes = Buffer.from(pending.join(''), 'utf8');
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
      pending = [];
      length = 0;
      sinceTurn += bytes.length;
    };
    for (const piece of pieces) {
      pending.push(piece);
      length += piece.length;
      if (length >= WRITE_CHUNK) flush();
      if (sinceTurn >= TURN_BYTES) {
        sinceTurn = 0;
        await checkInterrupted(options.signal);
      }
    }
    if (length > 0) flush();
  } finally {
    closeSync(fd);
  }
}

/**
 * `JSON.stringify(value)` in pieces: arrays element by element (an array of numbers or
 * strings, such as a row, in one piece), everything else whole. Joined, the pieces are
 * exactly `JSON.stringify(value)` for the plain data of a model's JSON form (objects,
 * arrays, strings, finite numbers, booleans, null).
 */
export function* jsonPieces(value: unknown): Generator<string> {
  if (Array.isArray(value)) {
    if (!value.some((v) => Array.isArray(v) || (typeof v === 'object' && v !== null))) {
      yield JSON.stringify(value);
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      // as JSON.stringify writes them in arrays
      if (value[i] === undefined || typeof value[i] === 'function') yield 'null';
      else yield* jsonPieces(value[i]);
    }
    yield ']';
    return;
  }
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
    yield '{';
    for (let i = 0; i < entries.length; i++) {
      yield `${i > 0 ? ',' : ''}${JSON.stringify(entries[i][0])}:`;
      yield* jsonPieces(entries[i][1]);
    }
    yield '}';
    return;
  }
  yield JSON.stringify(value);
}
