// Whether the first bytes of a file are what its declared format says, so that a login
// page, an error page or a JSON error is refused before it is accepted as data.

/** How many leading bytes {@link checkFileHead} wants (it works with fewer, for short files). */
export const FORMAT_HEAD_BYTES = 8192;

type Kind = 'gzip' | 'tar' | 'zip' | 'hdf5' | 'text' | 'other';

const GZIP = [0x1f, 0x8b];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
// HDF5 allows a user block before the superblock: the signature is at 0, 512, 1024, 2048, ...
const HDF5_OFFSETS = [0, 512, 1024, 2048, 4096];
const TAR_MAGIC_OFFSET = 257;

const TEXT_FORMATS = new Set(['csv', 'tsv', 'txt', 'text', 'mtx', 'json']);

function kindOf(format: string): Kind {
  const f = format.toLowerCase();
  if (f === 'tar.gz' || f === 'tgz' || f === 'gz' || f.endsWith('.gz')) return 'gzip';
  if (f === 'tar') return 'tar';
  if (f === 'zip') return 'zip';
  if (f === 'h5' || f === 'h5ad' || f === 'hdf5') return 'hdf5';
  if (TEXT_FORMATS.has(f)) return 'text';
  return 'other';
}

const EXPECTED: Record<Kind, (format: string) => string> = {
  gzip: (f) => (f === 'tar.gz' || f === 'tgz' ? 'a gzip-compressed tar archive (.tar.gz)' : `a gzip file (.${f})`),
  tar: () => 'a tar archive',
  zip: () => 'a zip archive',
  hdf5: (f) => `an HDF5 file (.${f})`,
  text: (f) => `a text file (.${f})`,
  other: (f) => `a .${f} file`,
};

function startsWith(head: Uint8Array, signature: number[], offset = 0): boolean {
  if (head.length < offset + signature.length) return false;
  return signature.every((b, i) => head[offset + i] === b);
}

/** The head decoded as UTF-8, or null when it is not valid UTF-8 (a cut last character is fine). */
function asText(head: Uint8Array): string | null {
  if (head.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return null;
  }
}

/** Whether a text looks like an HTML (or XHTML) page rather than data. */
export function looksLikeHtml(text: string): boolean {
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 1024).toLowerCase();
  if (/^<!doctype\s+html/.test(start) || /^<(html|head|body|title|meta)[\s>/]/.test(start)) return true;
  // an XML prolog or a comment before the <html> element
  return (start.startsWith('<?xml') || start.startsWith('<!--')) && /<html[\s>]/.test(start);
}

function quoteStart(text: string): string {
  const line = text.replace(/^\uFEFF/, '').trimStart().split(/\r?\n/)[0] ?? '';
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}...` : line);
}

function hex(head: Uint8Array, n: number): string {
  return Array.from(head.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Checks the first bytes of a file (up to {@link FORMAT_HEAD_BYTES}; `complete` when the
 * head is the whole file) against its declared format: the gzip signature (1f 8b) for
 * .tar.gz and .gz, "ustar" at byte 257 for .tar, the zip signature (PK\x03\x04) for .zip,
 * the HDF5 signature for .h5/.h5ad, valid UTF-8 without NUL bytes for .csv/.tsv/.txt/.mtx.
 * An HTML page is refused for every data format. Returns null when the head fits, else
 * why it does not (a sentence to put after "the server sent" or "the file is").
 *
 * @example
 * checkFileHead(new TextEncoder().encode('<html><body>Please log in</body></html>'), 'tar.gz', true);
 * // 'an HTML page (login or error page?) instead of a gzip-compressed tar archive (.tar.gz): "<html><body>Please log in</body></html>"'
 */
export function checkFileHead(head: Uint8Array, format: string, complete: boolean): string | null {
  const kind = kindOf(format);
  const expected = EXPECTED[kind](format.toLowerCase());
  const text = asText(head);
  if (text !== null && format.toLowerCase() !== 'html' && looksLikeHtml(text)) {
    return `an HTML page (login or error page?) instead of ${expected}: ${quoteStart(text)}`;
  }
  if (head.length === 0) return `an empty file instead of ${expected}`;
  const notIt = (what: string): string =>
    text !== null && text.trim().length > 0
      ? `text instead of ${expected}: ${quoteStart(text)}`
      : `${head.length} byte${head.length === 1 ? '' : 's'} that do not start with ${what} (first bytes: ${hex(head, 8)}), not ${expected}`;
  switch (kind) {
    case 'gzip':
      return startsWith(head, GZIP) ? null : notIt('the gzip signature 1f 8b');
    case 'zip':
      return startsWith(head, ZIP) ? null : notIt('the zip signature 50 4b 03 04 (PK)');
    case 'hdf5':
      return HDF5_OFFSETS.some((o) => startsWith(head, HDF5, o)) ? null : notIt('the HDF5 signature 89 48 44 46 0d 0a 1a 0a');
    case 'tar': {
      const magic = Array.from('ustar', (c) => c.charCodeAt(0));
      if (startsWith(head, magic, TAR_MAGIC_OFFSET)) return null;
      return head.length < TAR_MAGIC_OFFSET + magic.length && complete
        ? `${head.length} bytes, too short for ${expected}`
        : notIt('"ustar" at byte 257');
    }
    case 'text':
      if (text === null) {
        return head.includes(0)
          ? `binary data (NUL bytes in the first ${head.length} bytes; first bytes: ${hex(head, 8)}) instead of ${expected}`
          : `bytes that are not valid UTF-8 (first bytes: ${hex(head, 8)}) instead of ${expected}`;
      }
      return null;
    case 'other':
      return null;
  }
}
