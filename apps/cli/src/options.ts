import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDecimal, parseNumberList } from '@bcnmf/data';
import { UsageError } from './errors.js';

/**
 * Parses a numeric command-line value, or throws a UsageError naming the flag. The
 * syntax is @bcnmf/data's parseDecimal, the one the CSV reader uses: decimal or exponent
 * notation only (`0x2`, `0b1`, `1_000` and `Infinity` are refused).
 */
export function numberOption(
  flag: string,
  raw: string | undefined,
  fallback: number,
  limits: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (raw === undefined) return fallback;
  const value = parseDecimal(raw);
  const { min = -Infinity, max = Infinity, integer = false } = limits;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const range = [min > -Infinity ? `>= ${min}` : '', max < Infinity ? `<= ${max}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got '${raw}'`);
  }
  return value;
}

/** Like {@link numberOption} for a flag without a default: undefined when absent. */
export function optionalNumber(
  flag: string,
  raw: string | undefined,
  limits: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  return raw === undefined ? undefined : numberOption(flag, raw, 0, limits);
}

/** A value that must be one of `choices`, or a UsageError listing them. */
export function choiceOption<T extends string>(flag: string, raw: string | undefined, choices: readonly T[], fallback: T): T;
export function choiceOption<T extends string>(flag: string, raw: string | undefined, choices: readonly T[]): T | undefined;
export function choiceOption<T extends string>(flag: string, raw: string | undefined, choices: readonly T[], fallback?: T): T | undefined {
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`${flag} must be ${choices.map((c) => `'${c}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')}, got '${raw}'`);
  }
  return raw as T;
}

/**
 * A comma-separated list of numbers (@bcnmf/data's parseNumberList: decimal or exponent
 * notation, `A..B` for the integers from A to B), each within `limits`; undefined when
 * the flag is absent.
 */
export function numberListOption(
  flag: string,
  raw: string | undefined,
  limits: { min?: number; max?: number; integer?: boolean; ranges?: boolean } = {},
): number[] | undefined {
  if (raw === undefined) return undefined;
  let values: number[];
  try {
    values = parseNumberList(raw, { ranges: limits.ranges ?? true });
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
  return values.map((v) => numberOption(flag, String(v), 0, limits));
}

/** A comma-separated list (empty items dropped), or undefined when the flag is absent. */
export function listOption(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** The value of a required flag, or a UsageError saying it is missing. */
export function required<T>(flag: string, value: T | undefined, usage?: string): T {
  if (value === undefined) throw new UsageError(`${flag} is required${usage ? ` (${usage})` : ''}`);
  return value;
}

/** A regular expression given on the command line, or a UsageError. */
export function patternOption(flag: string, raw: string | undefined): RegExp | undefined {
  if (raw === undefined) return undefined;
  try {
    return new RegExp(raw);
  } catch (error) {
    throw new UsageError(`${flag} is not a valid regular expression: ${(error as Error).message}`);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type StrictConfig<O extends Options> = { args: string[]; options: O; strict: true; allowPositionals: false };
/** The parsed flags of a command: one property per option, typed by the option's spec. */
export type ParsedFlags<O extends Options> = ReturnType<typeof parseArgs<StrictConfig<O>>>['values'];

/**
 * Refuses a flag that takes one value and is given twice: parseArgs keeps the last one
 * silently (`compare --background a.csv --background b.csv` compared against b.csv
 * alone). Repeatable flags (`multiple`) and switches are left alone. Call it on arguments
 * parseArgs has accepted.
 */
export function refuseRepeatedFlags(argv: string[], options: Options, command: string): void {
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const given = new Map<string, string[]>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (!spec || spec.multiple || spec.type === 'boolean') continue;
    given.set(token.name, [...(given.get(token.name) ?? []), token.value ?? '']);
  }
  for (const [name, list] of given) {
    if (list.length > 1) {
      throw new UsageError(`--${name} is given ${list.length} times (${list.join(', ')}); ${command} takes one (bcnmf help ${command})`);
    }
  }
}

/**
 * node:util parseArgs, strict, no positionals; its errors (unknown flags, a flag without
 * its value) become UsageErrors, which exit with code 2, as does a single-valued flag given
 * twice ({@link refuseRepeatedFlags}).
 */
export function parseCommand<O extends Options>(argv: string[], options: O, command: string): ParsedFlags<O> {
  try {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    refuseRepeatedFlags(argv, options, command);
    return values as ParsedFlags<O>;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = (error as Error).message;
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
    if (ambiguous) {
      throw new UsageError(`${ambiguous[1]} needs a value; a value that starts with '-' goes as ${ambiguous[1]}=-VALUE`);
    }
    throw new UsageError(`${message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '')} (bcnmf help ${command})`);
  }
}
