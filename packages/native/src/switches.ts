// The environment switches of bcnmf's native code, read in one place. Each is read when a
// library is loaded (not when this module is imported), so that a process may set them
// first; where there is no `process` (browsers) every switch is unset.

/** Every switch, with what it does (the READMEs list the same). */
export const NATIVE_SWITCHES = {
  BCNMF_NATIVE: 'off: the cpu backend neither loads its native kernels nor (at install time) builds them',
  BCNMF_THREADS: 'n: threads for the native kernels (default: all online CPUs)',
  BCNMF_BLAS: 'off: no BLAS/LAPACK library is loaded (the cpu backend and the baselines run JavaScript instead)',
  BCNMF_BLAS_LIBRARY: 'a file: the BLAS/LAPACK library to load instead of the platform\'s candidates',
} as const;

export type NativeSwitch = keyof typeof NATIVE_SWITCHES;

/** The switch's value, or undefined where it is unset or empty. */
export function switchValue(name: NativeSwitch): string | undefined {
  const value = typeof process === 'object' ? process.env?.[name] : undefined;
  return value === '' ? undefined : value;
}

/** True when switch `name` turns a feature off (off, 0, false, no, none). */
export function switchedOff(name: NativeSwitch): boolean {
  return /^(off|0|false|no|none)$/i.test(switchValue(name) ?? '');
}

/**
 * Threads for the native kernels: `explicit` when given, else `BCNMF_THREADS`; a whole
 * number from 1 (at most 64), or 0 where neither asks for one (the library then uses all
 * online CPUs).
 */
export function requestedThreads(explicit?: number): number {
  const env = switchValue('BCNMF_THREADS');
  const requested = explicit ?? (env ? Number(env) : 0);
  return Number.isInteger(requested) && requested > 0 ? Math.min(requested, 64) : 0;
}
