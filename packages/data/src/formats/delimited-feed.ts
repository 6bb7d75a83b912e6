import { BcnmfError } from '@bcnmf/core';
import { delimiterFromPath, sniffDelimiter } from './cells.js';
import { DelimitedParser, type RecordHandler } from './delimited-parser.js';
import type { TextSource } from './text-input.js';

/**
 * Parses every record of a delimited text into `onRecord`, in one pass. The delimiter is
 * the one given, else the one the name implies (`.csv`, `.tsv`, `.tab`, `.txt`), else the
 * most frequent of comma, tab and semicolon in the first line; returns it. Refuses text
 * with a NUL character (a binary file, not a table). Stops with `signal`'s reason when it
 * aborts.
 */
export async function feedRecords(source: TextSource, name: string, delimiter: string | undefined, onRecord: RecordHandler, signal?: AbortSignal): Promise<string> {
  let chosen = delimiter ?? delimiterFromPath(name);
  let parser = chosen === undefined ? undefined : new DelimitedParser(chosen, name, onRecord);
  for await (const chunk of source.chunks()) {
    signal?.throwIfAborted();
    if (chunk.indexOf('\u0000') >= 0) {
      throw new BcnmfError('INVALID_DATA', `${name}: not CSV/TSV text (it holds a NUL character: a binary file?)`);
    }
    if (parser === undefined) {
      if (chosen === undefined) {
        const newline = chunk.search(/[\r\n]/);
        chosen = sniffDelimiter(newline < 0 ? chunk : chunk.slice(0, newline));
        if (chosen === undefined) {
          throw new BcnmfError('INVALID_OPTION', `${name}: cannot tell the delimiter (the name does not say, and the first line has no comma, tab or semicolon); pass the delimiter option`);
        }
      }
      parser = new DelimitedParser(chosen, name, onRecord);
    }
    parser.push(chunk);
  }
  parser?.end();
  return chosen ?? ',';
}
