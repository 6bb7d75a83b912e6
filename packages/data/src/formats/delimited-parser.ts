import { BcnmfError } from '@bcnmf/core';

/** One parsed record: its fields and the 1-based line on which it starts. */
export type RecordHandler = (fields: string[], line: number) => void;

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

function countNewlines(text: string): number {
  let n = 0;
  let p = text.indexOf('\n');
  while (p >= 0) {
    n++;
    p = text.indexOf('\n', p + 1);
  }
  return n;
}

/**
 * An incremental RFC 4180 parser: feed it text chunks with {@link push}, then call
 * {@link end}; it calls `onRecord` once per record. Fields may be quoted (`"a,b"`), with
 * doubled quotes inside (`"say ""hi"""`) and delimiters or line breaks inside quotes.
 * Records end at `\n` or `\r\n` (or a lone `\r`). Blank lines are skipped. Only the
 * unfinished last record of a chunk is kept between chunks.
 *
 * @example
 * const out: string[][] = [];
 * const p = new DelimitedParser(',', 'x.csv', (f) => out.push(f));
 * p.push('a,"b,c"\n1,"say ""hi"""\n'); p.end();
 * out; // [['a', 'b,c'], ['1', 'say "hi"']]
 */
export class DelimitedParser {
  private pending = '';
  private line = 1;
  private readonly delim: number;

  constructor(
    delimiter: string,
    private readonly path: string,
    private readonly onRecord: RecordHandler,
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new BcnmfError('INVALID_OPTION', `delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
    }
    this.delim = delimiter.charCodeAt(0);
  }

  /** Parses every complete record of `chunk` (plus what was left from earlier chunks). */
  push(chunk: string): void {
    // an unfinished record ends only at a line break: without one in the chunk it stays
    // unfinished, so it is kept, not parsed again (a line of millions of fields would be
    // parsed once per chunk otherwise)
    if (this.pending.length > 0 && chunk.indexOf('\n') < 0 && chunk.indexOf('\r') < 0) {
      this.pending += chunk;
      return;
    }
    const text = this.pending.length > 0 ? this.pending + chunk : chunk;
    const used = this.parse(text, false);
    this.pending = used < text.length ? text.slice(used) : '';
  }

  /** Parses what is left; the last record needs no line break. */
  end(): void {
    if (this.pending.length > 0) this.parse(this.pending, true);
    this.pending = '';
  }

  /** Parses records from `text`; returns how many characters were consumed. */
  private parse(text: string, final: boolean): number {
    const n = text.length;
    const delim = this.delim;
    let pos = 0;
    outer: while (pos < n) {
      const recordStart = pos;
      const fields: string[] = [];
      let extraLines = 0;
      let i = pos;
      let quotedAny = false;
      for (;;) {
        // one field starting at i
        if (i < n && text.charCodeAt(i) === QUOTE) {
          quotedAny = true;
          let value = '';
          let j = i + 1;
          for (;;) {
            const q = text.indexOf('"', j);
            if (q < 0 || (q + 1 >= n && !final)) {
              if (!final) return recordStart;
              throw new BcnmfError('INVALID_DATA', `${this.path}: line ${this.line}: a quoted field is never closed`);
            }
            if (q + 1 < n && text.charCodeAt(q + 1) === QUOTE) {
              value += text.slice(j, q + 1);
              j = q + 2;
              continue;
            }
            value += text.slice(j, q);
            i = q + 1;
            break;
          }
          extraLines += countNewlines(value);
          fields.push(value);
          if (i < n) {
            const c = text.charCodeAt(i);
            if (c !== delim && c !== LF && c !== CR) {
              throw new BcnmfError(
                'INVALID_DATA',
                `${this.path}: line ${this.line + extraLines}: unexpected ${JSON.stringify(text[i])} after the closing quote of field ${fields.length}`,
              );
            }
          }
        } else {
          let j = i;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === delim || c === LF || c === CR) break;
            j++;
          }
          if (j >= n && !final) return recordStart;
          fields.push(text.slice(i, j));
          i = j;
        }
        // after a field: delimiter, line break or end of text
        if (i >= n) {
          if (!final) return recordStart;
          this.emit(fields, quotedAny, extraLines);
          pos = n;
          continue outer;
        }
        const c = text.charCodeAt(i);
        if (c === delim) {
          i++;
          if (i >= n && !final) return recordStart;
          continue;
        }
        if (c === CR) {
          if (i + 1 >= n && !final) return recordStart;
          i += i + 1 < n && text.charCodeAt(i + 1) === LF ? 2 : 1;
        } else {
          i++; // LF
        }
        this.emit(fields, quotedAny, extraLines);
        pos = i;
        continue outer;
      }
    }
    return pos;
  }

  private emit(fields: string[], quotedAny: boolean, extraLines: number): void {
    const line = this.line;
    this.line += 1 + extraLines;
    if (fields.length === 1 && fields[0] === '' && !quotedAny) return; // blank line
    this.onRecord(fields, line);
  }
}
