import type { TensorInfo } from '@tensorflow/tfjs-core';
import { derivedIndex } from './sparse-index-cache.js';
import { FLAT_WORKGROUP, flatDispatch, type KernelProgram, type WebGPUBackendLike } from './shared.js';

// A column-major (CSC) copy of the index of row-sorted sparse data, so that Hᵀ X can
// add each output column's entries in one place (WGSL has no float atomics to scatter
// with). It is a stable counting sort by column on the GPU, without atomics: the
// entries are cut into blocks, one thread per block counts and then places its own
// entries, so the order within a column is the entries' order (by row) and the
// results are the same on every run.

/** Fewest entries a block gets. */
const MIN_BLOCK_ENTRIES = 256;
/** Most int32s of the blocks x columns table of counts (32 MiB). */
const TABLE_BUDGET = 1 << 23;
const MAX_BLOCKS = 4096;
const SCAN_THREADS = 256;

/** How the entries are cut: `blocks` blocks of `blockEntries` (the last may be shorter). */
export function planColumnBlocks(entries: number, columns: number): { blocks: number; blockEntries: number } {
  const wanted = Math.ceil(entries / MIN_BLOCK_ENTRIES);
  const most = Math.max(1, Math.floor(TABLE_BUDGET / Math.max(columns, 1)));
  const blocks0 = Math.max(1, Math.min(wanted, most, MAX_BLOCKS));
  const blockEntries = Math.max(1, Math.ceil(entries / blocks0));
  return { blocks: Math.max(1, Math.ceil(entries / blockEntries)), blockEntries };
}

const BLOCK_UNIFORMS = 'blocks : i32, blockEntries : i32, columns : i32,';

/** 1. counts[j * blocks + b]: the entries of block b in column j (a thread per block). */
export class ColumnCountsProgram implements KernelProgram {
  variableNames = ['cols'];
  outputShape: number[];
  shaderKey = 'bcnmfColumnCounts';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [FLAT_WORKGROUP, 1, 1];
  uniforms = BLOCK_UNIFORMS;

  constructor(blocks: number, columns: number) {
    this.outputShape = [columns * blocks];
    this.dispatch = flatDispatch(blocks);
  }

  getUserCode(): string {
    return `
      fn main(b : i32) {
        let blocks = uniforms.blocks;
        let m = uniforms.columns;
        if (b >= blocks) { return; }
        for (var j = 0; j < m; j = j + 1) { result[j * blocks + b] = 0; }
        let start = b * uniforms.blockEntries;
        let end = min(start + uniforms.blockEntries, uniforms.colsShape);
        for (var p = start; p < end; p = p + 1) {
          let slot = clamp(cols[p], 0, m - 1) * blocks + b;
          result[slot] = result[slot] + 1;
        }
      }
    `;
  }
}

/**
 * 2. A thread per column turns its counts into each block's first place within the
 * column (an exclusive running sum over the blocks) and writes the column's total
 * after the table: out[columns * blocks + j].
 */
export class ColumnOffsetsProgram implements KernelProgram {
  variableNames = ['counts'];
  outputShape: number[];
  shaderKey = 'bcnmfColumnOffsets';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [FLAT_WORKGROUP, 1, 1];
  uniforms = BLOCK_UNIFORMS;

  constructor(blocks: number, columns: number) {
    this.outputShape = [columns * blocks + columns];
    this.dispatch = flatDispatch(columns);
  }

  getUserCode(): string {
    return `
      fn main(j : i32) {
        let blocks = uniforms.blocks;
        let m = uniforms.columns;
        if (j >= m) { return; }
        var running = 0;
        for (var b = 0; b < blocks; b = b + 1) {
          let count = counts[j * blocks + b];
          result[j * blocks + b] = running;
          running = running + count;
        }
        result[m * blocks + j] = running;
      }
    `;
  }
}

/** 3. The column pointers (columns + 1): an exclusive scan of the totals in one workgroup. */
export class ColumnPointersProgram implements KernelProgram {
  variableNames = ['offsets'];
  outputShape: number[];
  shaderKey = 'bcnmfColumnPointers';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number] = [1, 1, 1];
  workgroupSize: [number, number, number] = [SCAN_THREADS, 1, 1];
  uniforms = BLOCK_UNIFORMS;

  constructor(columns: number) {
    this.outputShape = [columns + 1];
  }

  getUserCode(): string {
    return `
      var<workgroup> sums: array<i32, ${SCAN_THREADS}>;
      fn main(unused : i32) {
        let t = i32(localIndex);
        let m = uniforms.columns;
        let totals = uniforms.blocks * m;
        let per = (m + ${SCAN_THREADS - 1}) / ${SCAN_THREADS};
        let start = min(t * per, m);
        let end = min(start + per, m);
        var sum = 0;
        for (var j = start; j < end; j = j + 1) { sum = sum + offsets[totals + j]; }
        sums[t] = sum;
        workgroupBarrier();
        if (t == 0) {
          var running = 0;
          for (var i = 0; i < ${SCAN_THREADS}; i = i + 1) {
            let s = sums[i];
            sums[i] = running;
            running = running + s;
          }
        }
        workgroupBarrier();
        var running = sums[t];
        for (var j = start; j < end; j = j + 1) {
          result[j] = running;
          running = running + offsets[totals + j];
        }
        if (t == ${SCAN_THREADS - 1}) { result[m] = running; }
      }
    `;
  }
}

/**
 * 4. A thread per block places its entries, in order: entry p of column j goes to
 * pointers[j] + (its block's place in the column) + (the block's earlier entries in the
 * column). out[0, nnz) is the entry at each column-major place; out[nnz, ...) holds the
 * threads' cursors (a copy of the offsets: inputs are read-only).
 */
export class ColumnPlacementProgram implements KernelProgram {
  variableNames = ['cols', 'offsets', 'pointers'];
  outputShape: number[];
  shaderKey = 'bcnmfColumnPlacement';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [FLAT_WORKGROUP, 1, 1];
  uniforms = BLOCK_UNIFORMS;

  constructor(entries: number, blocks: number, columns: number) {
    this.outputShape = [entries + columns * blocks];
    this.dispatch = flatDispatch(blocks);
  }

  getUserCode(): string {
    return `
      fn main(b : i32) {
        let blocks = uniforms.blocks;
        let m = uniforms.columns;
        let nnz = uniforms.colsShape;
        if (b >= blocks) { return; }
        for (var j = 0; j < m; j = j + 1) { result[nnz + j * blocks + b] = offsets[j * blocks + b]; }
        let start = b * uniforms.blockEntries;
        let end = min(start + uniforms.blockEntries, nnz);
        for (var p = start; p < end; p = p + 1) {
          let j = clamp(cols[p], 0, m - 1);
          let slot = nnz + j * blocks + b;
          let place = result[slot];
          result[slot] = place + 1;
          result[pointers[j] + place] = p;
        }
      }
    `;
  }
}

/** 5. The column-major entries as (row id, entry) pairs: out[2q] = rows[e], out[2q + 1] = e for e = placement[q]. */
export class ColumnEntriesProgram implements KernelProgram {
  variableNames = ['placement', 'rows'];
  outputShape: number[];
  shaderKey = 'bcnmfColumnEntries';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [FLAT_WORKGROUP, 1, 1];

  constructor(entries: number) {
    this.outputShape = [2 * entries];
    this.dispatch = flatDispatch(entries);
  }

  getUserCode(): string {
    return `
      fn main(q : i32) {
        if (q >= uniforms.rowsShape) { return; }
        let e = placement[q];
        result[2 * q] = rows[e];
        result[2 * q + 1] = e;
      }
    `;
  }
}

/** The column-major index of sparse data: pointers (columns + 1) and the (row id, entry) pairs (2 nnz), int32. */
export interface SparseColumnIndex {
  pointers: TensorInfo;
  entries: TensorInfo;
}

/** Builds the column-major index (5 dispatches; the counts and cursors are freed at once). */
function buildColumnIndex(backend: WebGPUBackendLike, rowIds: TensorInfo, colIds: TensorInfo, columns: number): TensorInfo[] {
  const entries = colIds.shape[0];
  const { blocks, blockEntries } = planColumnBlocks(entries, columns);
  // one entry per field: a longer one would be laid out as a vector
  const uniforms = [blocks, blockEntries, columns].map((value) => ({ type: 'int32' as const, data: [value] }));
  const counts = backend.runWebGPUProgram(new ColumnCountsProgram(blocks, columns), [colIds], 'int32', uniforms);
  const offsets = backend.runWebGPUProgram(new ColumnOffsetsProgram(blocks, columns), [counts], 'int32', uniforms);
  backend.disposeData(counts.dataId);
  const pointers = backend.runWebGPUProgram(new ColumnPointersProgram(columns), [offsets], 'int32', uniforms);
  const placement = backend.runWebGPUProgram(new ColumnPlacementProgram(entries, blocks, columns), [colIds, offsets, pointers], 'int32', uniforms);
  backend.disposeData(offsets.dataId);
  const pairs = backend.runWebGPUProgram(new ColumnEntriesProgram(entries), [placement, rowIds], 'int32');
  backend.disposeData(placement.dataId);
  return [pointers, pairs];
}

/** The column-major index of the sparse data with these ids (at least one entry), made once per pair of id tensors. */
export function sparseColumnIndex(backend: WebGPUBackendLike, rowIds: TensorInfo, colIds: TensorInfo, columns: number): SparseColumnIndex {
  const [pointers, entries] = derivedIndex(backend, `columnIndex ${columns}`, [rowIds.dataId, colIds.dataId], () =>
    buildColumnIndex(backend, rowIds, colIds, columns),
  );
  return { pointers, entries };
}
