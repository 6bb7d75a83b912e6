import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BcnmfError, CsrMatrix, DenseMatrix } from '@bcnmf/core';

/**
 * The folder at or below `root` (depth-first, names sorted) that holds a 10x matrix
 * (`matrix.mtx` or `matrix.mtx.gz`), e.g. `filtered_matrices_mex/hg19` inside an unpacked
 * cellranger 1.1 archive. Refuses with INVALID_DATA when there is none.
 */
export function findTenxFolder(root: string, what: string): string {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new BcnmfError('INVALID_DATA', `${what}: ${root} is not a folder (unpack the archive into it)`);
  }
  const walk = (dir: string, depth: number): string | undefined => {
    const names = readdirSync(dir).sort();
    if (names.includes('matrix.mtx') || names.includes('matrix.mtx.gz')) return dir;
    if (depth >= 4) return undefined;
    for (const name of names) {
      const p = join(dir, name);
      if (!name.startsWith('.') && statSync(p).isDirectory()) {
        const found = walk(p, depth + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  const found = walk(root, 0);
  if (found === undefined) throw new BcnmfError('INVALID_DATA', `${what}: no 10x matrix (matrix.mtx[.gz]) in ${root} or below`);
  return found;
}

/** The rows of several CSR matrices with the same columns, one after the other (row names joined). */
export function stackRows(parts: readonly CsrMatrix[]): CsrMatrix {
  const columns = parts[0].columns;
  for (const p of parts) {
    if (p.columns !== columns) throw new BcnmfError('INVALID_DATA', `cannot stack matrices of ${p.columns} and ${columns} columns`);
  }
  const rows = parts.reduce((a, p) => a + p.rows, 0);
  const nnz = parts.reduce((a, p) => a + p.nnz, 0);
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nnz);
  const data = parts.every((p) => p.data instanceof Float32Array) ? new Float32Array(nnz) : new Float64Array(nnz);
  let r = 0;
  let offset = 0;
  for (const p of parts) {
    indices.set(p.indices, offset);
    data.set(p.data, offset);
    for (let i = 0; i < p.rows; i++) indptr[r + i + 1] = offset + p.indptr[i + 1];
    r += p.rows;
    offset += p.nnz;
  }
  const named = parts.every((p) => p.rowNames !== undefined);
  return new CsrMatrix({
    indptr,
    indices,
    data,
    shape: [rows, columns],
    rowNames: named ? parts.flatMap((p) => [...p.rowNames!]) : undefined,
    columnNames: parts[0].columnNames,
  });
}

/** Rows `[start, end)` of a CSR matrix as a dense matrix. */
export function denseRows(m: CsrMatrix, start: number, end: number): DenseMatrix {
  return m.selectRows(Array.from({ length: end - start }, (_, k) => start + k)).toDense();
}

/** Refuses a matrix with negative or non-finite values (counts expected). */
export function checkCounts(m: CsrMatrix | DenseMatrix, what: string): void {
  for (const x of m.data) {
    if (!(x >= 0) || !Number.isFinite(x)) throw new BcnmfError('INVALID_DATA', `${what}: counts must be finite and >= 0, found ${x}`);
  }
}
