import seedrandom from 'seedrandom';

/** A seeded generator of uniform numbers in [0, 1). */
export type Uniform = () => number;

/**
 * The generator of random start `start` for `seed` (seedrandom's Alea: fast, and the
 * same sequence on every JavaScript engine).
 */
export function startGenerator(seed: number, start: number, purpose = 'init'): Uniform {
  return seedrandom.alea(`bcnmf:${purpose}:${seed}:${start}`);
}

/** `length` uniform values in [0, 1). */
export function uniformArray(random: Uniform, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = random();
  return out;
}

/** `length` standard normal values (Box–Muller). */
export function normalArray(random: Uniform, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i += 2) {
    const u = 1 - random(); // (0, 1]: log(u) is finite
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}
