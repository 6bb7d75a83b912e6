import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BcnmfModel } from '@bcnmf/core';
import { parser } from 'stream-json';
import Assembler from 'stream-json/assembler.js';
import { UsageError } from './errors.js';

/**
 * Files above this many bytes are parsed as a stream: JSON.parse needs the whole text as
 * one string, and a string holds at most 512 MiB (model.json of a fit of a million
 * samples is about that). Below it JSON.parse is faster.
 */
export const STREAM_PARSE_ABOVE = 256 * 1024 * 1024;

/** JSON of a file too large for one string, through stream-json's parser and assembler (the same value JSON.parse gives). */
async function parseJsonStream(file: string): Promise<unknown> {
  const assembler = new Assembler();
  for await (const token of createReadStream(file).pipe(parser.asStream())) assembler.consume(token);
  if (!assembler.done) throw new Error('the file ends inside a JSON value');
  return assembler.current;
}

/**
 * Loads a model.json written by `bcnmf fit` (or the folder that holds it); files over
 * `streamAbove` bytes (default {@link STREAM_PARSE_ABOVE}) are parsed as a stream.
 */
export async function loadModel(path: string, options: { streamAbove?: number } = {}): Promise<{ model: BcnmfModel; path: string }> {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.json') : path;
  if (!existsSync(file)) throw new UsageError(`--model ${file}: no such file`);
  let json: unknown;
  try {
    json = statSync(file).size > (options.streamAbove ?? STREAM_PARSE_ABOVE) ? await parseJsonStream(file) : JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--model ${file} is not JSON: ${(error as Error).message}`);
  }
  try {
    return { model: BcnmfModel.load(json), path: file };
  } catch (error) {
    throw new UsageError(`--model ${file}: ${(error as Error).message}`);
  }
}
