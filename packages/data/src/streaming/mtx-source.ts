import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BcnmfError, CsrMatrix } from '@bcnmf/core';
import { locateTenxFolder } from '../formats/tenx.js';
import { textLines } from '../formats/text-stream.js';
import type { BatchSource } from './batch-source.js';
import { checkRowRange, rebasedIndptr, ROW_NAMES_LIMIT, sliceNames } from './batch-source.js';
import { byteChunks } from './byte-stream.js';
import { MtxScanner } from './mtx-scanner.js';
import type { MtxSize } from './mtx-scanner.js';
import { createTempDir, removeTempDir } from './temp-files.js';

/** Options of {@link openMtxSource}. */
export interface MtxSourceOptions {
  /** Which feature label names the columns: `'names'` (gene symbols, default) or `'ids'` (Ensembl ids). */
  columnNames?: 'names' | 'ids';
  /** A prefix of the three file names, as in GEO downloads (`GSM123_matrix.mtx.gz`). Default: `''`. */
  prefix?: string;
  /** Value type of the batches. Default: `'float32'`. */
  dtype?: 'float32' | 'float64';
  /** Keep the barcodes as `rowNames` (and name each batch's rows). Default: only for at most 100,000 cells. */
  rowNames?: boolean;
  /** Folder for the source's temporary files (about 2 x 12 bytes per entry while indexing, 8 after). Default: the OS temp folder. */
  tempDir?: string;
  /** Entries sorted in memory at a time while indexing (bounds the memory used). Default: 2^20. */
  sortEntries?: number;
  /** Stops the indexing (with the signal's reason, nothing left behind) when it aborts. */
  signal?: AbortSignal;
}

/** Buffer view of a typed array's bytes (no copy). */
function bytes(a: Int32Array | Float32Array | Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function writeAll(fd: number, a: Int32Array | Float32Array | Float64Array, position: number): void {
  const b = bytes(a);
  let done = 0;
  while (done < b.length) done += writeSync(fd, b, done, b.length - done, position + done);
}

function readAll(fd: number, a: Int32Array | Float32Array | Float64Array, position: number): void {
  const b = bytes(a);
  let done = 0;
  while (done < b.length) {
    const got = readSync(fd, b, done, b.length - done, position + done);
    if (got === 0) throw new Error(`unexpected end of a temporary file at ${position + done}`);
    done += got;
  }
}

async function readAllAsync(fh: FileHandle, a: Int32Array | Float32Array | Float64Array, position: number): Promise<void> {
  const b = bytes(a);
  let done = 0;
  while (done < b.length) {
    const { bytesRead } = await fh.read(b, done, b.length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of a temporary file at ${position + done}`);
    done += bytesRead;
  }
}

/**
 * Opens a 10x Genomics Matrix Market folder (`matrix.mtx[.gz]`, `features.tsv[.gz]` or
 * `genes.tsv[.gz]`, `barcodes.tsv[.gz]`; the same files as `readTenx`) as a
 * {@link BatchSource} of cells x genes, without loading the matrix.
 *
 * The .mtx is genes x cells with entries in any order, so a batch of cells is scattered
 * through the file. Opening indexes it: pass 1 reads the file once, checking every line
 * and counting the entries of each cell; pass 2 reads it again and appends each entry to
 * the temporary-file region of its group of cells; pass 3 sorts each group in memory
 * (`sortEntries` at a time) by cell and gene and writes the gene indices and values,
 * cell by cell, to a temporary binary file. Each batch is then two positioned reads. In
 * memory: O(cells) numbers (per-cell offsets), the barcodes when kept, and bounded
 * buffers, whatever the number of entries. The temporary folder is removed by `close()`,
 * and at process exit (or SIGINT / SIGTERM / SIGHUP) for sources still open.
 *
 * Refused with BcnmfError('INVALID_DATA') as `readTenx` refuses (a missing file, a bad
 * header or size line, an index outside the size, an entry count differing from the size
 * line, a value that is not a number, a repeated entry, sizes that disagree with the
 * features or barcodes, a damaged gzip file), before the source is returned; nothing is
 * left behind.
 *
 * @example
 * const source = await openMtxSource('filtered_feature_bc_matrix');
 * source.rows;                          // cells
 * const batch = await source.readRows(0, 1000); // CsrMatrix 1000 x genes
 * await source.close();                 // removes the index
 */
/** A 10x folder as a {@link BatchSource}, with each feature's type where the folder says it. */
export type MtxSource = BatchSource & {
  /** Feature types (third column of a cellranger v3 features.tsv, e.g. 'Gene Expression', 'Antibody Capture'); undefined for v2 folders. */
  featureTypes?: string[];
};

export async function openMtxSource(dir: string, options: MtxSourceOptions = {}): Promise<MtxSource> {
  const sortEntries = options.sortEntries ?? 1 << 20;
  if (!Number.isInteger(sortEntries) || sortEntries < 1) {
    throw new BcnmfError('INVALID_OPTION', `sortEntries must be a positive integer, got ${String(options.sortEntries)}`);
  }
  const { kind, columnNames: naming, matrixPath, featuresPath, barcodesPath, layout } = locateTenxFolder(dir, options);

  const ids: string[] = [];
  const names: string[] = [];
  const types: string[] = [];
  for await (const [line, number] of textLines(featuresPath)) {
    if (line.length === 0) continue;
    const f = line.split('\t');
    if (layout === 'v3' && f.length < 3) {
      throw new BcnmfError('INVALID_DATA', `${featuresPath}: line ${number} has ${f.length} field(s); a cellranger v3 features file has id, name, type`);
    }
    ids.push(f[0]);
    names.push(f.length > 1 ? f[1] : f[0]);
    if (layout === 'v3') types.push(f[2]);
  }
  const columnNames = naming === 'ids' ? ids : names;
  let barcodes: string[] | undefined = [];
  let cells = 0;
  for await (const [line] of textLines(barcodesPath)) {
    if (line.length === 0) continue;
    cells++;
    if (barcodes !== undefined) {
      barcodes.push(line.split('\t')[0]);
      if (options.rowNames === undefined && cells > ROW_NAMES_LIMIT) barcodes = undefined;
      else if (options.rowNames === false) barcodes = undefined;
    }
  }

  const temp = createTempDir(options.tempDir);
  try {
    const index = await buildIndex(matrixPath, featuresPath, barcodesPath, ids.length, cells, kind, sortEntries, temp, options.signal);
    const source = await serve(index, matrixPath, kind, columnNames, barcodes, temp);
    return layout === 'v3' ? Object.assign(source, { featureTypes: types }) : source;
  } catch (error) {
    removeTempDir(temp);
    throw error;
  }
}

interface MtxIndex {
  genes: number;
  cells: number;
  nnz: number;
  /** cells + 1 entry offsets of each cell in the sorted file. */
  offsets: Float64Array;
  /** The sorted file: nnz int32 gene indices, then nnz values. */
  file: string;
}

async function scanFile(path: string, scanner: MtxScanner, signal: AbortSignal | undefined): Promise<MtxSize> {
  for await (const chunk of byteChunks(path)) {
    signal?.throwIfAborted();
    scanner.push(chunk);
  }
  return scanner.end();
}

async function buildIndex(
  matrixPath: string,
  featuresPath: string,
  barcodesPath: string,
  genes: number,
  cells: number,
  kind: 'float32' | 'float64',
  sortEntries: number,
  temp: string,
  signal: AbortSignal | undefined,
): Promise<MtxIndex> {
  // pass 1: check every line, count the entries of each cell
  let counts = new Int32Array(0);
  const checkSize = (size: MtxSize): void => {
    if (size.rows !== genes) {
      throw new BcnmfError('INVALID_DATA', `${matrixPath}: the size line says ${size.rows} genes (rows) but ${featuresPath} lists ${genes}`);
    }
    if (size.columns !== cells) {
      throw new BcnmfError('INVALID_DATA', `${matrixPath}: the size line says ${size.columns} cells (columns) but ${barcodesPath} lists ${cells}`);
    }
    counts = new Int32Array(cells);
  };
  const size = await scanFile(matrixPath, new MtxScanner(matrixPath, checkSize, (_gene, cell) => counts[cell]++), signal);
  const nnz = size.entries;
  const offsets = new Float64Array(cells + 1);
  for (let c = 0; c < cells; c++) offsets[c + 1] = offsets[c] + counts[c];
  counts = new Int32Array(0);

  // groups of consecutive cells holding at most sortEntries entries (or one cell)
  const groupOf = new Int32Array(cells);
  const groupStarts: number[] = [0];
  for (let c = 0; c < cells; c++) {
    const g = groupStarts.length - 1;
    if (c > groupStarts[g] && offsets[c + 1] - offsets[groupStarts[g]] > sortEntries) groupStarts.push(c);
    groupOf[c] = groupStarts.length - 1;
  }
  groupStarts.push(cells);
  const groups = groupStarts.length - 1;
  const valueBytes = kind === 'float32' ? 4 : 8;
  const makeValues = (n: number): Float32Array | Float64Array => (kind === 'float32' ? new Float32Array(n) : new Float64Array(n));

  // pass 2: append each entry (cell, gene, value) to its group's region of the unsorted file
  const unsortedPath = join(temp, 'unsorted.bin');
  const sortedPath = join(temp, 'sorted.bin');
  const capacity = Math.max(1024, Math.floor((1 << 21) / Math.max(1, groups)));
  const fill = new Int32Array(groups);
  const written = new Float64Array(groups);
  const bufCells: Int32Array[] = [];
  const bufGenes: Int32Array[] = [];
  const bufValues: (Float32Array | Float64Array)[] = [];
  const fd = openSync(unsortedPath, 'w+');
  try {
    const flush = (g: number): void => {
      const n = fill[g];
      if (n === 0) return;
      const at = offsets[groupStarts[g]] + written[g];
      if (written[g] + n > offsets[groupStarts[g + 1]] - offsets[groupStarts[g]]) {
        throw new BcnmfError('INVALID_DATA', `${matrixPath}: the file changed while it was being indexed`);
      }
      writeAll(fd, bufCells[g].subarray(0, n), 4 * at);
      writeAll(fd, bufGenes[g].subarray(0, n), 4 * nnz + 4 * at);
      writeAll(fd, bufValues[g].subarray(0, n), 8 * nnz + valueBytes * at);
      written[g] += n;
      fill[g] = 0;
    };
    const onEntry = (gene: number, cell: number, value: number): void => {
      const g = groupOf[cell];
      if (bufCells[g] === undefined) {
        bufCells[g] = new Int32Array(capacity);
        bufGenes[g] = new Int32Array(capacity);
        bufValues[g] = makeValues(capacity);
      }
      const k = fill[g]++;
      bufCells[g][k] = cell;
      bufGenes[g][k] = gene;
      bufValues[g][k] = value;
      if (k + 1 === capacity) flush(g);
    };
    const again = await scanFile(matrixPath, new MtxScanner(matrixPath, () => undefined, onEntry), signal);
    if (again.entries !== nnz) throw new BcnmfError('INVALID_DATA', `${matrixPath}: the file changed while it was being indexed`);
    for (let g = 0; g < groups; g++) flush(g);
    bufCells.length = 0;
    bufGenes.length = 0;
    bufValues.length = 0;

    // pass 3: sort each group by (cell, gene) with two counting sorts; refuse repeats
    const out = openSync(sortedPath, 'w');
    try {
      const geneCounts = new Int32Array(genes + 1);
      for (let g = 0; g < groups; g++) {
        const c0 = groupStarts[g];
        const c1 = groupStarts[g + 1];
        const e0 = offsets[c0];
        const len = offsets[c1] - e0;
        if (len === 0) continue;
        const cellsIn = new Int32Array(len);
        const genesIn = new Int32Array(len);
        const valuesIn = makeValues(len);
        readAll(fd, cellsIn, 4 * e0);
        readAll(fd, genesIn, 4 * nnz + 4 * e0);
        readAll(fd, valuesIn, 8 * nnz + valueBytes * e0);
        // by gene (stable) ...
        geneCounts.fill(0);
        for (let k = 0; k < len; k++) geneCounts[genesIn[k] + 1]++;
        for (let q = 0; q < genes; q++) geneCounts[q + 1] += geneCounts[q];
        const order = new Int32Array(len);
        for (let k = 0; k < len; k++) order[geneCounts[genesIn[k]]++] = k;
        // ... then by cell (stable), so each cell's genes come out increasing
        const next = new Float64Array(c1 - c0);
        for (let c = c0; c < c1; c++) next[c - c0] = offsets[c] - e0;
        const genesOut = new Int32Array(len);
        const valuesOut = makeValues(len);
        for (let q = 0; q < len; q++) {
          const k = order[q];
          const p = next[cellsIn[k] - c0]++;
          genesOut[p] = genesIn[k];
          valuesOut[p] = valuesIn[k];
        }
        for (let c = c0; c < c1; c++) {
          for (let p = offsets[c] - e0 + 1; p < offsets[c + 1] - e0; p++) {
            if (genesOut[p] === genesOut[p - 1]) {
              throw new BcnmfError('INVALID_DATA', `${matrixPath}: an entry is given more than once: gene ${genesOut[p] + 1}, cell ${c + 1} (1-based)`);
            }
          }
        }
        writeAll(out, genesOut, 4 * e0);
        writeAll(out, valuesOut, 4 * nnz + valueBytes * e0);
      }
    } finally {
      closeSync(out);
    }
  } finally {
    closeSync(fd);
    rmSync(unsortedPath, { force: true });
  }
  return { genes, cells, nnz, offsets, file: sortedPath };
}

async function serve(
  index: MtxIndex,
  matrixPath: string,
  kind: 'float32' | 'float64',
  columnNames: string[],
  barcodes: string[] | undefined,
  temp: string,
): Promise<BatchSource> {
  const fh = await open(index.file, 'r');
  const { offsets, nnz, cells, genes } = index;
  const valueBytes = kind === 'float32' ? 4 : 8;
  let closed = false;
  return {
    rows: cells,
    columns: genes,
    columnNames,
    ...(barcodes !== undefined ? { rowNames: barcodes } : {}),
    async readRows(start: number, count: number): Promise<CsrMatrix> {
      checkRowRange(matrixPath, cells, start, count, closed);
      const a = offsets[start];
      const n = offsets[start + count] - a;
      const indices = new Int32Array(n);
      const data = kind === 'float32' ? new Float32Array(n) : new Float64Array(n);
      if (n > 0) {
        await readAllAsync(fh, indices, 4 * a);
        await readAllAsync(fh, data, 4 * nnz + valueBytes * a);
      }
      return new CsrMatrix({
        indptr: rebasedIndptr(offsets, start, count),
        indices,
        data,
        shape: [count, genes],
        rowNames: sliceNames(barcodes, start, count),
        columnNames,
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await fh.close();
      removeTempDir(temp);
    },
  };
}
