function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sparse data with about `density` of the entries stored (uniform (0, 1] values at random
 * places), as CSR arrays, and its dense copy on demand.
 */
export function sparseData(rows: number, columns: number, density: number, seed: number) {
  const random = generator(seed);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      if (random() < density) {
        indices.push(j);
        values.push(1 - random());
      }
    }
    indptr[i + 1] = indices.length;
  }
  const csr = { indptr, indices: Int32Array.from(indices), data: Float32Array.from(values), shape: [rows, columns] as [number, number] };
  return {
    csr,
    toDense() {
      const data = new Float32Array(rows * columns);
      for (let i = 0; i < rows; i++) for (let p = indptr[i]; p < indptr[i + 1]; p++) data[i * columns + csr.indices[p]] = csr.data[p];
      return { data, shape: [rows, columns] as [number, number] };
    },
  };
}

/** Uniform [0, 1) float32 data, rows x columns, from a small seeded generator (fast at 200 M values). */
export function uniformData(rows: number, columns: number, seed: number): { data: Float32Array; shape: [number, number] } {
  const data = new Float32Array(rows * columns);
  let a = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return { data, shape: [rows, columns] };
}
