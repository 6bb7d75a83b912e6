import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { BcnmfError } from '@bcnmf/core';

/** Bytes read per chunk from disk. */
const CHUNK_BYTES = 1 << 20;

/** True when the path names a gzip file (`.gz`, any case). */
export function isGzipPath(path: string): boolean {
  return /\.gz$/i.test(path);
}

/** A BcnmfError('INVALID_DATA') for a failure while reading `path`. */
export function streamError(path: string, error: unknown): BcnmfError {
  if (error instanceof BcnmfError) return error;
  const e = error as NodeJS.ErrnoException;
  if (e && e.code === 'ENOENT') return new BcnmfError('INVALID_DATA', `${path}: no such file`);
  if (e && e.code === 'EISDIR') return new BcnmfError('INVALID_DATA', `${path}: is a folder, not a file`);
  if (e && typeof e.code === 'string' && e.code.startsWith('Z_')) {
    const what = e.code === 'Z_BUF_ERROR' ? 'gzip data is truncated (unexpected end of file)' : `gzip data is damaged (${e.message})`;
    return new BcnmfError('INVALID_DATA', `${path}: ${what}`);
  }
  return new BcnmfError('INVALID_DATA', `${path}: cannot be read (${e && e.message ? e.message : String(error)})`);
}

/**
 * The text of a UTF-8 file as a stream of string chunks (about 1 MiB of bytes each),
 * gunzipped first when the name ends in `.gz`. A leading byte-order mark is dropped.
 * Never holds more than one chunk; a truncated or damaged gzip stream, a missing file
 * or a read error ends the iteration with BcnmfError('INVALID_DATA') naming the file.
 */
export async function* textChunks(path: string): AsyncGenerator<string, void, undefined> {
  const source = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  let stream: NodeJS.ReadableStream = source;
  if (isGzipPath(path)) {
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    source.on('error', (error) => gunzip.destroy(error));
    stream = source.pipe(gunzip);
  }
  const decoder = new StringDecoder('utf8');
  let first = true;
  try {
    for await (const chunk of stream) {
      let text = decoder.write(chunk as Buffer);
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      if (text.length > 0) yield text;
    }
    const rest = decoder.end();
    if (rest.length > 0) yield rest;
  } catch (error) {
    throw streamError(path, error);
  } finally {
    source.destroy();
  }
}

/**
 * The lines of a text file (plain or `.gz`), without their `\n` / `\r\n` endings, with
 * their 1-based line numbers. A final empty line after the last newline is not reported.
 */
export async function* textLines(path: string): AsyncGenerator<[line: string, lineNumber: number], void, undefined> {
  let pending = '';
  let lineNumber = 0;
  for await (const chunk of textChunks(path)) {
    let start = 0;
    const text = pending.length > 0 ? pending + chunk : chunk;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield [text.slice(start, end), ++lineNumber];
      start = nl + 1;
    }
    pending = text.slice(start);
  }
  if (pending.length > 0) {
    yield [pending.endsWith('\r') ? pending.slice(0, -1) : pending, ++lineNumber];
  }
}

/**
 * Calls `onLine(line, lineNumber)` for every line of a text file (plain or `.gz`), like
 * {@link textLines} but without an async step per line: several times faster on files of
 * millions of short lines (Matrix Market entries).
 */
export async function forEachLine(path: string, onLine: (line: string, lineNumber: number) => void): Promise<void> {
  let pending = '';
  let lineNumber = 0;
  for await (const chunk of textChunks(path)) {
    let start = 0;
    const text = pending.length > 0 ? pending + chunk : chunk;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      onLine(text.slice(start, end), ++lineNumber);
      start = nl + 1;
    }
    pending = text.slice(start);
  }
  if (pending.length > 0) onLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending, ++lineNumber);
}
