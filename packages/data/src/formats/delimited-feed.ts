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
      throw new BcnmfError('INVALID_DATA', `${name}: not CSV/TSV text (it holds a NUL character: ${binaryKind(chunk)})`);
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

/** What a text with NUL characters probably is, from its first characters (bytes read as UTF-8), with what to do. */
function binaryKind(text: string): string {
  if (text.startsWith('\u001f\ufffd')) return 'it is gzip-compressed; name it .csv.gz or .tsv.gz';
  if (text.slice(0, 1100).includes('HDF\r\n\u001a\n')) return 'it is an HDF5 file; if it is an AnnData file, name it .h5ad';
  if (text.startsWith('PK\u0003\u0004')) return 'it is a zip archive (an .xlsx workbook?); save the sheet as CSV';
  // UTF-16 of Latin text: a NUL after nearly every character, never two in a row
  const sample = text.slice(0, 400);
  let nuls = 0;
  let doubles = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== '\u0000') continue;
    nuls++;
    if (sample[i - 1] === '\u0000') doubles++;
  }
  if (sample.length >= 8 && nuls >= 0.3 * sample.length && doubles <= 0.05 * nuls) return 'it looks like UTF-16 text; save it as UTF-8';
  return 'a binary file?';
}
