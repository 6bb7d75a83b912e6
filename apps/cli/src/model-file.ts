import { constants } from 'node:buffer';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BcnmfModel } from '@bcnmf/core';
import { parser } from 'stream-json';
import Assembler from 'stream-json/assembler.js';
import { UsageError } from './errors.js';

/**
 * Files above this many bytes are parsed as a stream: JSON.parse needs the whole text as
 * one string, and a string holds at most this many characters (512 MiB; a UTF-8 file of
 * at most this many bytes decodes to at most this many). Below it JSON.parse is far
 * faster (2 s against 30 s for 300 to 500 MB).
 */
export const STREAM_PARSE_ABOVE = constants.MAX_STRING_LENGTH;

/** Tokens between two checks of the signal while a stream is parsed. */
const TOKENS_PER_CHECK = 1 << 16;

/** JSON of a file too large for one string, through stream-json's parser and assembler (the same value JSON.parse gives). */
export async function parseJsonStream(file: string, signal?: AbortSignal): Promise<unknown> {
  const assembler = new Assembler();
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  const tokens = input.pipe(parser.asStream({ streamValues: false }));
  // pipe() does not pass on the file's errors (a folder, no permission, a read error)
  input.on('error', (error) => tokens.destroy(error));
  try {
    let count = 0;
    for await (const token of tokens) {
      assembler.consume(token);
      if (++count % TOKENS_PER_CHECK === 0) signal?.throwIfAborted();
    }
  } finally {
    input.destroy();
  }
  signal?.throwIfAborted();
  if (!assembler.done) throw new Error('the file ends inside a JSON value (truncated?)');
  return assembler.current;
}

/** The model file a --model names: the path itself, or the model.json of the folder it names. */
export function modelFilePath(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.json') : path;
}

/**
 * Loads a model.json written by `bcnmf fit` (or the folder that holds it); files over
 * `streamAbove` bytes (default {@link STREAM_PARSE_ABOVE}) are parsed as a stream, which
 * `signal` stops.
 */
export async function loadModel(
  path: string,
  options: { streamAbove?: number; signal?: AbortSignal } = {},
): Promise<{ model: BcnmfModel; path: string }> {
  const file = modelFilePath(path);
  if (!existsSync(file)) throw new UsageError(`--model ${file}: no such file`);
  if (statSync(file).isDirectory()) throw new UsageError(`--model ${file} is a folder, not a model.json`);
  let json: unknown;
  try {
    json = statSync(file).size > (options.streamAbove ?? STREAM_PARSE_ABOVE)
      ? await parseJsonStream(file, options.signal)
      : JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new UsageError(`--model ${file} is not JSON: ${(error as Error).message}`);
  }
  try {
    return { model: BcnmfModel.load(json), path: file };
  } catch (error) {
    throw new UsageError(`--model ${file}: ${(error as Error).message}`);
  }
}
