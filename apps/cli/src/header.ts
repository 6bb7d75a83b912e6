import { DelimitedParser, delimiterFromPath, textChunks } from '@bcnmf/data';

/**
 * The header row of a CSV/TSV file (its first record, quotes and a byte-order mark
 * handled as the reader handles them), read without reading the rest; null when the
 * delimiter cannot be told from the name or the file has no record.
 */
export async function readHeader(path: string): Promise<string[] | null> {
  const delimiter = delimiterFromPath(path);
  if (delimiter === undefined) return null;
  let header: string[] | null = null;
  const parser = new DelimitedParser(delimiter, path, (fields) => {
    header ??= fields;
  });
  for await (const chunk of textChunks(path)) {
    parser.push(chunk);
    if (header) return header;
  }
  parser.end();
  return header;
}
