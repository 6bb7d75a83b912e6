// AnnData .h5ad files in the browser: h5wasm's browser build (HDF5 in WebAssembly, its
// wasm embedded in the module) on its in-memory file system. Loaded only when an .h5ad
// file is dropped. Reads X (dense, CSR or CSC, densified), obs_names, var_names and the
// obs columns (as text, for labels).
import { FileFormatError, type LoadedMatrix } from './csv.js';

type H5 = typeof import('h5wasm');
type H5Module = H5['default'];
type Node = ReturnType<InstanceType<H5Module['File']>['get']>;

let loading: Promise<H5Module> | undefined;

async function h5(): Promise<H5Module> {
  loading ??= import('h5wasm').then(async (module) => {
    const h5wasm = module.default;
    const Module = await h5wasm.ready;
    (Module as unknown as { activate_throwing_error_handler?: () => void }).activate_throwing_error_handler?.();
    return h5wasm;
  });
  return loading;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes carry the HDF5 signature at 0, 512, 1024, 2048, ... */
export function hasHdf5Signature(bytes: Uint8Array): boolean {
  for (let offset = 0; offset + 8 <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (SIGNATURE.every((b, k) => bytes[offset + k] === b)) return true;
  }
  return false;
}

function attrValue(node: unknown, name: string): unknown {
  const attrs = (node as { attrs?: Record<string, { value: unknown }> }).attrs;
  return attrs?.[name]?.value;
}

function toStrings(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((x) => String(x));
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, (x) => String(x));
  return [];
}

function toNumbers(value: unknown, where: string, fileName: string): Float64Array {
  if (!ArrayBuffer.isView(value) && !Array.isArray(value)) {
    throw new FileFormatError(`${fileName}: ${where} is not numeric`);
  }
  return Float64Array.from(value as ArrayLike<number | bigint>, (x) => Number(x));
}

let counter = 0;

/**
 * Reads an .h5ad file's bytes into a samples (obs) x features (var) matrix. Sparse X is
 * densified (the page fits dense data). Refused with a readable message: not HDF5, no X,
 * X of an unknown encoding or with arrays that disagree with its shape.
 */
export async function readH5adBytes(bytes: Uint8Array, fileName: string): Promise<LoadedMatrix> {
  if (!hasHdf5Signature(bytes)) {
    throw new FileFormatError(`${fileName} is not an HDF5 file (an .h5ad file starts with the HDF5 signature)`);
  }
  const h5wasm = await h5();
  const FS = (await h5wasm.ready).FS;
  const path = `/upload-${++counter}.h5ad`;
  FS.writeFile(path, bytes);
  let file: InstanceType<H5Module['File']> | undefined;
  try {
    try {
      file = new h5wasm.File(path, 'r');
    } catch (error) {
      throw new FileFormatError(`${fileName}: HDF5 could not open it (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
    const isGroup = (n: Node): n is InstanceType<H5Module['Group']> => n instanceof h5wasm.Group;
    const isDataset = (n: Node): n is InstanceType<H5Module['Dataset']> => n instanceof h5wasm.Dataset;
    const x = file.get('X');
    if (!x) throw new FileFormatError(`${fileName} has no X (the AnnData data matrix)`);
    let rows: number;
    let columns: number;
    let data: Float32Array;
    if (isDataset(x)) {
      const shape = x.shape ?? [];
      if (shape.length !== 2) throw new FileFormatError(`${fileName}: X has ${shape.length} dimension(s); expected 2`);
      [rows, columns] = shape as [number, number];
      data = Float32Array.from(x.value as ArrayLike<number>, Number);
    } else if (isGroup(x)) {
      let encoding = attrValue(x, 'encoding-type');
      let shapeAttr = attrValue(x, 'shape');
      if (encoding === undefined) {
        const legacy = attrValue(x, 'h5sparse_format');
        if (legacy === 'csr' || legacy === 'csc') encoding = `${legacy}_matrix`;
        shapeAttr = attrValue(x, 'h5sparse_shape');
      }
      if (encoding !== 'csr_matrix' && encoding !== 'csc_matrix') {
        throw new FileFormatError(`${fileName}: X is a group of encoding ${JSON.stringify(encoding)}; expected csr_matrix or csc_matrix`);
      }
      const shape = toNumbers(shapeAttr, 'the shape of X', fileName);
      if (shape.length !== 2) throw new FileFormatError(`${fileName}: X (${encoding}) has no 2-element shape`);
      [rows, columns] = [shape[0], shape[1]];
      const part = (name: string): unknown => {
        const d = x.get(name);
        if (!d || !isDataset(d)) throw new FileFormatError(`${fileName}: X (${encoding}) has no ${name}`);
        return d.value;
      };
      const values = toNumbers(part('data'), 'X/data', fileName);
      const indices = toNumbers(part('indices'), 'X/indices', fileName);
      const indptr = toNumbers(part('indptr'), 'X/indptr', fileName);
      const csr = encoding === 'csr_matrix';
      const outer = csr ? rows : columns;
      const inner = csr ? columns : rows;
      if (indptr.length !== outer + 1 || indptr[outer] !== values.length || indices.length !== values.length) {
        throw new FileFormatError(`${fileName}: X (${encoding}) arrays disagree with its shape ${rows} x ${columns}`);
      }
      data = new Float32Array(rows * columns);
      for (let o = 0; o < outer; o++) {
        for (let p = indptr[o]; p < indptr[o + 1]; p++) {
          const i = indices[p];
          if (!(i >= 0 && i < inner)) throw new FileFormatError(`${fileName}: X/indices[${p}] = ${i} is outside 0..${inner - 1}`);
          if (csr) data[o * columns + i] = values[p];
          else data[i * columns + o] = values[p];
        }
      }
    } else {
      throw new FileFormatError(`${fileName}: X is neither a dataset nor a group`);
    }
    const frameIndex = (name: 'obs' | 'var', length: number): { index: string[]; group: InstanceType<H5Module['Group']> | null } => {
      const node = file!.get(name);
      const fallback = Array.from({ length }, (_, k) => `${name === 'obs' ? 'sample' : 'feature'}_${k + 1}`);
      if (!node || !isGroup(node)) return { index: fallback, group: null };
      const key = attrValue(node, '_index');
      const indexNode = node.get(typeof key === 'string' ? key : '_index');
      const index = indexNode && isDataset(indexNode) ? toStrings(indexNode.value) : fallback;
      if (index.length !== length) {
        throw new FileFormatError(`${fileName}: ${name} has ${index.length} names but X has ${length} ${name === 'obs' ? 'rows' : 'columns'}`);
      }
      return { index, group: node };
    };
    const obs = frameIndex('obs', rows);
    const vars = frameIndex('var', columns);
    const annotations: Record<string, string[]> = {};
    if (obs.group) {
      const indexKey = attrValue(obs.group, '_index');
      for (const key of obs.group.keys()) {
        if (key === indexKey || key === '_index' || key === '__categories') continue;
        const node = obs.group.get(key);
        let values: string[] | null = null;
        if (node && isGroup(node) && attrValue(node, 'encoding-type') === 'categorical') {
          const codes = node.get('codes');
          const categories = node.get('categories');
          if (codes && categories && isDataset(codes) && isDataset(categories)) {
            const names = toStrings(categories.value);
            values = Array.from(toNumbers(codes.value, `obs/${key}/codes`, fileName), (c) => (c >= 0 ? names[c] : ''));
          }
        } else if (node && isDataset(node) && (node.shape ?? []).length === 1) {
          values = toStrings(node.value);
        }
        if (values && values.length === rows) annotations[key] = values;
      }
    }
    return {
      fileName,
      data,
      rows,
      columns,
      sampleNames: obs.index,
      featureNames: vars.index,
      annotations,
      missingCount: data.reduce((n, v) => (Number.isNaN(v) ? n + 1 : n), 0),
    };
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    throw new FileFormatError(`${fileName}: could not read it as .h5ad (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  } finally {
    file?.close();
    try {
      FS.unlink(path);
    } catch {
      // already gone
    }
  }
}
