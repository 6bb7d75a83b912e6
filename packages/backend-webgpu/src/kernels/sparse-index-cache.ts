// Indices derived from sparse data on the GPU (row pointers, a column-major copy), made
// once per index tensor and freed when that tensor's GPU data is freed.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackendLike } from './shared.js';

/** The CSR data of a sparse kernel call, as tfjs hands it to the kernel. */
export interface SparseInputs {
  rowIds: TensorInfo;
  colIds: TensorInfo;
  values: TensorInfo;
}

/** Throws unless the ids are int32 vectors, the values a float32 vector, all of one length, and `shape` two sizes. */
export function checkSparse(kernel: string, inputs: SparseInputs, attrs: NamedAttrMap): [number, number] {
  const { rowIds, colIds, values } = inputs;
  for (const [name, info, dtype] of [['rowIds', rowIds, 'int32'], ['colIds', colIds, 'int32'], ['values', values, 'float32']] as const) {
    if (!info || info.shape.length !== 1 || info.dtype !== dtype) {
      throw new Error(`${kernel}: '${name}' must be a ${dtype} vector, got ${info ? `${info.dtype} [${info.shape}]` : 'nothing'}`);
    }
  }
  if (colIds.shape[0] !== rowIds.shape[0] || values.shape[0] !== rowIds.shape[0]) {
    throw new Error(`${kernel}: ${rowIds.shape[0]} row ids, ${colIds.shape[0]} column ids and ${values.shape[0]} values`);
  }
  const shape = attrs.shape as number[] | undefined;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new Error(`${kernel}: 'shape' must be [rows, columns], got ${JSON.stringify(shape)}`);
  }
  return [shape[0], shape[1]];
}

/** One derived index: the tensors it holds and the data it was made from. */
interface DerivedIndex {
  kind: string;
  /** The dataIds it was made from: it is freed when any of them is. */
  sources: object[];
  tensors: TensorInfo[];
}

interface DisposingBackend extends WebGPUBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
}

const indicesByBackend = new WeakMap<object, DerivedIndex[]>();

/**
 * Wraps the backend's `disposeData` (once) so that freeing a tensor's data also frees
 * the indices made from it. Every disposal goes through it: `dispose()`, `tf.dispose`,
 * the end of a `tidy`, a move to another backend. (A WeakMap alone would not do: the
 * indices' GPU buffers would stay counted as in use until garbage collection.)
 */
function indicesOf(backend: DisposingBackend): DerivedIndex[] {
  let indices = indicesByBackend.get(backend);
  if (indices) return indices;
  const list: DerivedIndex[] = [];
  indicesByBackend.set(backend, list);
  const disposeData = backend.disposeData;
  backend.disposeData = function (this: DisposingBackend, dataId: object, force?: boolean): boolean {
    const freed = disposeData.call(this, dataId, force);
    if (freed) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (!list[i].sources.includes(dataId)) continue;
        const [index] = list.splice(i, 1);
        for (const tensor of index.tensors) disposeData.call(this, tensor.dataId);
      }
    }
    return freed;
  };
  return list;
}

/**
 * The index of `kind` made from the data `sources` (dataIds), built by `build` on the
 * first call and kept until one of the sources is freed. `kind` names everything the
 * index depends on besides the sources (e.g. the number of rows).
 */
export function derivedIndex(backend: WebGPUBackendLike, kind: string, sources: object[], build: () => TensorInfo[]): TensorInfo[] {
  const indices = indicesOf(backend as DisposingBackend);
  const found = indices.find((index) => index.kind === kind && index.sources.length === sources.length && index.sources.every((s, i) => s === sources[i]));
  if (found) return found.tensors;
  const tensors = build();
  indices.push({ kind, sources, tensors });
  return tensors;
}

/** How many derived indices the backend holds (tests check that they go with their data). */
export function derivedIndexCount(backend: object): number {
  return indicesByBackend.get(backend)?.length ?? 0;
}
