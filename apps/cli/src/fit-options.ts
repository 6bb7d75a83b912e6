import { AUTO_BACKEND, backendNames, LOSS_NAMES, useBackend, type BcnmfOptions, type InitMethod, type Loss } from '@bcnmf/core';
import { UsageError } from './errors.js';
import { choiceOption, optionalNumber } from './options.js';

/** parseArgs option specs of the fit settings (shared by fit and compare). */
export const FIT_SETTING_OPTIONS = {
  k: { type: 'string' },
  alpha: { type: 'string' },
  loss: { type: 'string' },
  'max-iter': { type: 'string' },
  tol: { type: 'string' },
  'score-every': { type: 'string' },
  seed: { type: 'string' },
  'n-starts': { type: 'string' },
  damping: { type: 'string' },
  init: { type: 'string' },
  backend: { type: 'string' },
} as const;

/** Usage text of the fit settings. */
/** The help lines of the fit settings, one per flag (`--k` first), as one command lists them. */
const FIT_SETTING_LINES: readonly [flag: string, text: string][] = [
  ['--k', `  --k N                number of topics`],
  ['--alpha', `  --alpha A            contrastive weight >= 0 (0 = plain NMF of the target)`],
  ['--loss', `  --loss NAME          ${LOSS_NAMES.join(' (default) or ')}`],
  ['--max-iter', `  --max-iter N         most iterations per start (default 200)`],
  ['--tol', `  --tol T              stop when the tracked score changes by at most this fraction
                       between score checks (default 1e-4); 0 runs exactly --max-iter`],
  ['--score-every', `  --score-every N      iterations between score checks and progress updates (default 10)`],
  ['--seed', `  --seed S             seed of the random starts (default 0)`],
  ['--n-starts', `  --n-starts N         random starts; the best final score is kept (default 1)`],
  ['--damping', `  --damping D          exponent in (0, 1] on each multiplicative ratio (default 1, poisson 0.5)`],
  ['--init', `  --init NAME          random (default), nndsvd or nndsvda`],
  ['--backend', `  --backend NAME       auto (default: cpu where its native kernels were built, else wasm),
                       cpu, wasm, webgpu or cuda (bcnmf backends lists what runs here)`],
];

/**
 * The fit settings' help for one command: `omit` leaves out the flags it does not take,
 * `notes` adds lines under a flag (fit's repeatable --alpha).
 */
export function fitSettingsUsage(options: { omit?: readonly string[]; notes?: Readonly<Record<string, string>> } = {}): string {
  return FIT_SETTING_LINES.filter(([flag]) => !options.omit?.includes(flag))
    .map(([flag, text]) => (options.notes?.[flag] ? `${text}\n${' '.repeat(23)}${options.notes[flag]}` : text))
    .join('\n');
}

/** Every fit setting's help, as fit and compare list them. */
export const FIT_SETTINGS_USAGE = fitSettingsUsage();

type SettingFlags = { [K in keyof typeof FIT_SETTING_OPTIONS]?: string };

/** The fitBcnmf options the flags set (k and alpha may be absent: the caller decides). */
export function fitSettings(values: SettingFlags): Omit<BcnmfOptions, 'k' | 'alpha'> & { k?: number; alpha?: number } {
  const init = choiceOption<InitMethod>('--init', values.init, ['random', 'nndsvd', 'nndsvda']);
  const backend = backendOption(values.backend);
  return {
    k: optionalNumber('--k', values.k, { min: 1, integer: true }),
    alpha: optionalNumber('--alpha', values.alpha, { min: 0 }),
    loss: choiceOption<Loss>('--loss', values.loss, LOSS_NAMES, 'frobenius'),
    maxIter: optionalNumber('--max-iter', values['max-iter'], { min: 1, integer: true }),
    tol: optionalNumber('--tol', values.tol, { min: 0 }),
    scoreEvery: optionalNumber('--score-every', values['score-every'], { min: 1, integer: true }),
    seed: optionalNumber('--seed', values.seed, { min: 0, integer: true }),
    nStarts: optionalNumber('--n-starts', values['n-starts'], { min: 1, integer: true }),
    damping: dampingOption(values.damping),
    ...(init !== undefined ? { init } : {}),
    ...(backend !== undefined ? { backend } : {}),
  };
}

/**
 * `--backend NAME`: 'auto' or a backend name core knows (the built-in ones and any a
 * package registered); undefined when absent. Whether it runs here is checked by
 * {@link startBackend}, before any input is read.
 */
export function backendOption(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return choiceOption('--backend', raw, [AUTO_BACKEND, ...backendNames()]);
}

/**
 * Starts the named backend before a command reads its inputs, so that a backend that
 * cannot run here (e.g. cuda without @tensorflow/tfjs-node-gpu) fails at once, with
 * exit 2 and the reason. 'auto' and undefined are left to the fit's default chain.
 */
export async function startBackend(name: string | undefined): Promise<void> {
  if (name === undefined || name === AUTO_BACKEND) return;
  await useBackend(name);
}

function dampingOption(raw: string | undefined): number | undefined {
  const value = optionalNumber('--damping', raw);
  if (value !== undefined && !(value > 0 && value <= 1)) throw new UsageError(`--damping must be in (0, 1], got '${raw}'`);
  return value;
}

/** Drops undefined entries, so that core fills its defaults (it refuses unknown keys, not undefined ones). */
export function defined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}

/** A flag that must be given. */
export function requireNumber(flag: string, value: number | undefined): number {
  if (value === undefined) throw new UsageError(`${flag} is required`);
  return value;
}
