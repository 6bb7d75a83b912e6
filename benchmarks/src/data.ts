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
