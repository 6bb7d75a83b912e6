import { BcnmfError } from '@bcnmf/core';
import { parseMtxIndex, parseMtxValue } from '../formats/mtx-entry.js';

const MTX_HEADER = /^%%MatrixMarket\s+matrix\s+coordinate\s+(integer|real|pattern|double)\s+general\s*$/i;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const PERCENT = 37;
const DOT = 46;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** The size line of a Matrix Market file. */
export interface MtxSize {
  rows: number;
  columns: number;
  entries: number;
  field: 'integer' | 'real' | 'pattern' | 'double';
}


/**
 * An incremental Matrix Market (coordinate, general) parser over bytes, as cellranger and
 * scipy write them: feed Buffers with {@link push}, then call {@link end}. Calls `onSize`
 * once and `onEntry(row, column, value)` (0-based) per entry. Entry lines of plain
 * integers and decimals are parsed from the bytes; anything else goes through a checked
 * slow path that refuses bad lines with BcnmfError('INVALID_DATA') naming the file and
 * line (the same rules and messages as `readTenx`).
 */
export class MtxScanner {
  private carry: Buffer | undefined;
  private line = 0;
  private field: MtxSize['field'] | undefined;
  private size: MtxSize | undefined;
  private want = 3;
  private count = 0;

  constructor(
    private readonly path: string,
    private readonly onSize: (size: MtxSize) => void,
    private readonly onEntry: (row: number, column: number, value: number) => void,
  ) {}

  /** Entries seen so far. */
  get entries(): number {
    return this.count;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.carry !== undefined) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const joined = Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]);
      this.carry = undefined;
      this.scan(joined, 0);
      start = nl + 1;
    }
    const used = this.scan(chunk, start);
    if (used < chunk.length) this.carry = Buffer.from(chunk.subarray(used));
  }

  /** Ends the input; checks the header, size line and entry count. */
  end(): MtxSize {
    if (this.carry !== undefined && this.carry.length > 0) {
      const last = Buffer.concat([this.carry, Buffer.from([LF])]);
      this.carry = undefined;
      this.scan(last, 0);
    }
    if (this.field === undefined) throw new BcnmfError('INVALID_DATA', `${this.path}: the file is empty`);
    if (this.size === undefined) throw new BcnmfError('INVALID_DATA', `${this.path}: the size line ("rows columns entries") is missing`);
    if (this.count !== this.size.entries) {
      throw new BcnmfError('INVALID_DATA', `${this.path}: the size line announces ${this.size.entries} entries but the file holds ${this.count}`);
    }
    return this.size;
  }

  /** Scans whole lines of `buf` from `pos`; returns where the first unfinished line starts. */
  private scan(buf: Buffer, pos: number): number {
    const n = buf.length;
    while (pos < n) {
      const lineStart = pos;
      if (this.size === undefined) {
        const nl = buf.indexOf(LF, pos);
        if (nl < 0) return lineStart;
        this.slowLine(buf.toString('utf8', pos, nl));
        pos = nl + 1;
        continue;
      }
      // fast path: "row column [value]" of plain digits
      let p = pos;
      let c = buf[p];
      while (c === SPACE || c === TAB) c = buf[++p];
      let i = 0;
      let di = 0;
      while (c >= 48 && c <= 57) {
        i = i * 10 + (c - 48);
        di++;
        c = buf[++p];
      }
      let ok = di > 0 && di <= 10 && (c === SPACE || c === TAB);
      let j = 0;
      let value = 1;
      if (ok) {
        while (c === SPACE || c === TAB) c = buf[++p];
        let dj = 0;
        while (c >= 48 && c <= 57) {
          j = j * 10 + (c - 48);
          dj++;
          c = buf[++p];
        }
        ok = dj > 0 && dj <= 10;
      }
      if (ok && this.want === 3) {
        ok = c === SPACE || c === TAB;
        while (c === SPACE || c === TAB) c = buf[++p];
        let mant = 0;
        let digits = 0;
        let frac = 0;
        while (c >= 48 && c <= 57) {
          mant = mant * 10 + (c - 48);
          digits++;
          c = buf[++p];
        }
        if (c === DOT && this.field !== 'integer') {
          c = buf[++p];
          while (c >= 48 && c <= 57) {
            mant = mant * 10 + (c - 48);
            digits++;
            frac++;
            c = buf[++p];
          }
        }
        ok = ok && digits > 0 && digits <= 15;
        value = frac === 0 ? mant : mant / POW10[frac];
      }
      if (ok) {
        while (c === SPACE || c === TAB || c === CR) c = buf[++p];
        ok = c === LF;
      }
      if (p >= n) return lineStart; // the line goes on in the next chunk
      if (ok && i >= 1 && i <= this.size.rows && j >= 1 && j <= this.size.columns && this.count < this.size.entries) {
        this.line++;
        this.count++;
        this.onEntry(i - 1, j - 1, value);
        pos = p + 1;
        continue;
      }
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) return lineStart;
      this.slowLine(buf.toString('utf8', pos, nl));
      pos = nl + 1;
    }
    return pos;
  }

  /** One line through the checked path (header, comments, size line, unusual entries). */
  private slowLine(raw: string): void {
    const number = ++this.line;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const path = this.path;
    if (this.field === undefined) {
      const m = MTX_HEADER.exec((number === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line).trim());
      if (!m) {
        throw new BcnmfError(
          'INVALID_DATA',
          `${path}: line 1 must be "%%MatrixMarket matrix coordinate <integer|real|pattern> general", got ${JSON.stringify(line.slice(0, 80))}`,
        );
      }
      this.field = m[1].toLowerCase() as MtxSize['field'];
      this.want = this.field === 'pattern' ? 2 : 3;
      return;
    }
    if (this.size === undefined) {
      if (line.startsWith('%') || line.trim().length === 0) return;
      const parts = line.trim().split(/[ \t]+/);
      const nums = parts.map(parseMtxIndex);
      if (parts.length !== 3 || !nums.every((x) => Number.isInteger(x) && x >= 0)) {
        throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: the size line must be "rows columns entries", got ${JSON.stringify(line)}`);
      }
      if (nums[2] > nums[0] * nums[1]) {
        throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: ${nums[2]} entries cannot fit a ${nums[0]} x ${nums[1]} matrix`);
      }
      if (nums[0] > 2147483647 || nums[1] > 2147483647) {
        throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: matrix dimensions above 2^31 - 1 are not supported`);
      }
      this.size = { rows: nums[0], columns: nums[1], entries: nums[2], field: this.field };
      this.onSize(this.size);
      return;
    }
    const trimmed = line.trim();
    if (trimmed.length === 0 || line.charCodeAt(0) === PERCENT) return;
    const t = trimmed.split(/[ \t]+/);
    if (t.length !== this.want) {
      throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: expected ${this.want} numbers for a ${this.field} entry, got ${JSON.stringify(line)}`);
    }
    if (this.count >= this.size.entries) {
      throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: more entries than the ${this.size.entries} the size line announces`);
    }
    const i = parseMtxIndex(t[0]);
    const j = parseMtxIndex(t[1]);
    if (!(i >= 1 && i <= this.size.rows)) {
      throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: row index ${t[0]} ${Number.isNaN(i) ? 'is not a whole number' : `is outside 1..${this.size.rows}`}`);
    }
    if (!(j >= 1 && j <= this.size.columns)) {
      throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: column index ${t[1]} ${Number.isNaN(j) ? 'is not a whole number' : `is outside 1..${this.size.columns}`}`);
    }
    let value = 1;
    if (this.want === 3) {
      const parsed = parseMtxValue(t[2], this.field);
      if (parsed === null) {
        throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: value ${JSON.stringify(t[2])} is not a number (decimal or exponent notation)`);
      }
      value = parsed;
      if (this.field === 'integer' && Number.isFinite(value) && !Number.isInteger(value)) {
        throw new BcnmfError('INVALID_DATA', `${path}: line ${number}: value ${t[2]} is not an integer in an integer matrix`);
      }
    }
    this.count++;
    this.onEntry(i - 1, j - 1, value);
  }
}
