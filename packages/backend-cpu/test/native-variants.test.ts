import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadNativeKernels, type NativeKernels, type NativeVariant } from '../src/index.js';
import { NATIVE_VARIANTS, requestedVariant } from '../src/native.js';
import { maxRelativeDifference, product, rng, transpose, uniformArray } from './helpers/data.js';

// Every build of the native kernels this CPU runs (avx512, avx2, generic), each loaded by
// name, against float64 loops written here, at shapes that reach each of the AVX-512
// build's column chunks (8 to 48 columns of the thin factor, the 8-row and 4-row kernels,
// the 48-, 24- and 8-wide column loops and their tails). A build this CPU cannot run is
// skipped with the reason.

const builds = new Map<NativeVariant, NativeKernels | string>();
for (const variant of NATIVE_VARIANTS) {
  const loaded = await loadNativeKernels({ variant });
  builds.set(variant, 'reason' in loaded ? loaded.reason : loaded);
  if ('reason' in loaded) console.log(`# skipping the ${variant} build: ${loaded.reason}`);
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 2e-5): void {
  const d = maxRelativeDifference(actual, expected, 1e-3);
  assert.ok(d < tolerance, `${what}: max relative difference ${d}`);
}

/** One data set's fused pass in float64 (native/dense-pass.c's formulas, damping 1 and 0.5). */
function fusedReference(poisson: boolean, n: number, m: number, k: number, x: Float32Array, h: Float32Array, w: Float32Array, eps: number, damping: number) {
  const wT = transpose(w, k, m);
  let hNew: Float64Array;
  if (!poisson) {
    const numerator = product(x, wT, n, m, k);
    const denominator = product(h, product(w, wT, k, m, k), n, k, k);
    hNew = h.map((v, i) => v * (numerator[i] / (denominator[i] + eps)) ** damping) as unknown as Float64Array;
  } else {
    const hw = product(h, w, n, k, m);
    const ratio = hw.map((v, i) => x[i] / (v + eps));
    const numerator = product(ratio, wT, n, m, k);
    const wsum = Array.from({ length: k }, (_, q) => w.subarray(q * m, (q + 1) * m).reduce((s, v) => s + v, 0));
    hNew = Float64Array.from(h, (v, i) => v * (numerator[i] / (wsum[i % k] + eps)) ** damping);
  }
  hNew = Float64Array.from(hNew);
  const hNewT = transpose(hNew, n, k);
  if (!poisson) return { hNew, cross: product(hNewT, x, k, n, m), mass: product(hNewT, hNew, k, n, k) };
  const hw = product(hNew, w, n, k, m);
  const ratio = hw.map((v, i) => x[i] / (v + eps));
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let q = 0; q < k; q++) mass[q] += hNew[i * k + q];
  return { hNew, cross: product(hNewT, ratio, k, n, m), mass };
}

// [n, m, k]: k = 1..61 covers every chunk width (ldt 8 .. 64); n = 12 and 70 are 8-row
// groups with a 4-row rest; m = 47, 97, 130 leave tails after the 48-, 24- and 8-wide loops.
const SHAPES: Array<[number, number, number]> = [
  [12, 47, 1],
  [70, 97, 13],
  [33, 130, 16],
  [70, 97, 20],
  [9, 130, 24],
  [40, 50, 33],
  [12, 97, 40],
  [70, 48, 48],
  [20, 130, 56],
  [17, 99, 61],
];

describe('each build of the native kernels against float64 loops', () => {
  for (const variant of NATIVE_VARIANTS) {
    const build = builds.get(variant)!;
    const skip = typeof build === 'string' ? build : false;
    it(`${variant}: loads the build asked for`, { skip }, () => {
      if (typeof build === 'string') return;
      assert.equal(build.variant, variant);
      assert.match(build.library, new RegExp(`libbcnmf-cpu-${variant}\\.`));
    });
    for (const [n, m, k] of SHAPES) {
      it(`${variant}: products, ratio and fused passes at n=${n}, m=${m}, k=${k}`, { skip }, () => {
        if (typeof build === 'string') return;
        const random = rng(n * 131 + m * 17 + k);
        const x = uniformArray(n * m, random, 0, 4);
        const thin = uniformArray(m * k, random, 0.1, 1);
        const thinT = uniformArray(k * n, random, 0.1, 1);
        const h = uniformArray(n * k, random, 0.1, 1);
        const w = uniformArray(k * m, random, 0.1, 1);

        const out1 = new Float32Array(n * k);
        build.denseTimesThin(n, m, k, x, thin, out1);
        assertClose(out1, product(x, thin, n, m, k), 'denseTimesThin');
        const out2 = new Float32Array(k * m);
        build.thinTransposedTimesDense(n, m, k, thinT, x, out2);
        assertClose(out2, product(thinT, x, k, n, m), 'thinTransposedTimesDense');
        const out3 = new Float32Array(n * m);
        build.poissonRatio(n, m, k, x, h, w, 1e-16, out3);
        assertClose(out3, product(h, w, n, k, m).map((v, i) => x[i] / (v + 1e-16)), 'poissonRatio');

        for (const [poisson, damping] of [[false, 1], [true, 0.5]] as const) {
          const eps = poisson ? 1e-16 : 1e-10;
          const expected = fusedReference(poisson, n, m, k, x, h, w, eps, damping);
          const hNew = new Float32Array(n * k);
          const cross = new Float32Array(k * m);
          const mass = new Float32Array(poisson ? k : k * k);
          build.fusedPass(poisson, n, m, k, x, h, w, eps, damping, hNew, cross, mass);
          const what = poisson ? 'Poisson' : 'Frobenius';
          assertClose(hNew, expected.hNew, `${what} fused pass: new coefficients`, 1e-4);
          assertClose(cross, expected.cross, `${what} fused pass: cross`, 1e-4);
          assertClose(mass, expected.mass, `${what} fused pass: mass`, 1e-4);
        }
      });
    }
  }
});

describe('the AVX-512 and AVX2 builds', () => {
  const wide = builds.get('avx512');
  const narrow = builds.get('avx2');
  const skip = typeof wide === 'string' ? wide : typeof narrow === 'string' ? narrow : false;
  it('agree bit for bit (each sum runs in the same order; only the vector width differs)', { skip }, () => {
    if (typeof wide === 'string' || typeof narrow === 'string' || !wide || !narrow) return;
    const [n, m, k] = [70, 301, 20];
    const random = rng(4242);
    const x = uniformArray(n * m, random, 0, 4);
    const h = uniformArray(n * k, random, 0.1, 1);
    const w = uniformArray(k * m, random, 0.1, 1);
    for (const poisson of [false, true]) {
      const outputs: Float32Array[][] = [wide, narrow].map((build) => {
        const hNew = new Float32Array(n * k);
        const cross = new Float32Array(k * m);
        const mass = new Float32Array(poisson ? k : k * k);
        build.fusedPass(poisson, n, m, k, x, h, w, poisson ? 1e-16 : 1e-10, poisson ? 0.5 : 1, hNew, cross, mass);
        return [hNew, cross, mass];
      });
      for (let i = 0; i < 3; i++) assert.deepEqual(outputs[0][i], outputs[1][i], `${poisson ? 'Poisson' : 'Frobenius'} output ${i}`);
    }
  });
});

describe('BCNMF_NATIVE_VARIANT', () => {
  it('a build this CPU cannot run, asked for by name, is refused with the fix of unsetting the choice (not a rebuild)', async () => {
    // the generic library stands in for "another build": asking it for avx512 by file
    const generic = builds.get('generic');
    if (typeof generic === 'string' || !generic) return;
    const result = await loadNativeKernels({ library: generic.library, variant: 'avx512' });
    assert.ok('reason' in result);
    assert.match(result.reason, /the generic build, not the avx512 one asked for\); unset BCNMF_NATIVE_VARIANT/);
    assert.doesNotMatch(result.reason, /rebuild/);
    assert.match(result.fix ?? '', /^unset BCNMF_NATIVE_VARIANT/);
  });

  it('names a build, or the loader says which names it takes', async () => {
    assert.equal(requestedVariant('avx2'), 'avx2');
    const before = process.env.BCNMF_NATIVE_VARIANT;
    process.env.BCNMF_NATIVE_VARIANT = 'AVX512 ';
    try {
      assert.equal(requestedVariant(), 'avx512');
      process.env.BCNMF_NATIVE_VARIANT = 'sse9';
      assert.throws(() => requestedVariant(), /BCNMF_NATIVE_VARIANT must be one of avx512, avx2, generic \(got "sse9"\)/);
      const refused = await loadNativeKernels();
      assert.ok('reason' in refused && /must be one of avx512, avx2, generic/.test(refused.reason), JSON.stringify(refused));
      // with a fix, so that the first fit says why it runs without the kernels
      assert.ok('reason' in refused && refused.fix === 'unset BCNMF_NATIVE_VARIANT or set it to one of avx512, avx2, generic', JSON.stringify(refused));
    } finally {
      if (before === undefined) delete process.env.BCNMF_NATIVE_VARIANT;
      else process.env.BCNMF_NATIVE_VARIANT = before;
    }
  });

  it('refuses a build that was not made here, naming the ones that were', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'bcnmf-variant-'));
    try {
      writeFileSync(join(dir, 'status.json'), JSON.stringify({ built: true, compiler: 'cc', libraries: { generic: 'libbcnmf-cpu-generic.so', avx2: 'libbcnmf-cpu-avx2.so' }, skipped: ['avx512: cc: error: unrecognized option'] }));
      const result = await loadNativeKernels({ buildDir: dir, variant: 'avx512' });
      assert.ok('reason' in result);
      assert.match(result.reason, /the avx512 build of the native kernels was not built here \(built: avx2, generic; skipped: avx512: cc: error.*\); unset BCNMF_NATIVE_VARIANT/);
      assert.match(result.fix ?? '', /^unset BCNMF_NATIVE_VARIANT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
