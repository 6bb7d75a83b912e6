/**
 * Number and CSV formatting for the files the commands write.
 */

/**
 * The shortest decimal text that reads back (through `Math.fround(Number(text))`) as the
 * same float32 value: the fewest significant digits, 1 to 9, whose correctly rounded
 * decimal maps back to `value`'s float32. Nine digits always suffice for float32, so
 * every finite value round-trips. NaN is written as `NaN`, infinities as `Infinity` /
 * `-Infinity` (CSV readers, @bcnmf/data's included, read these back).
 *
 * @example
 * formatFloat32(Math.fround(0.1)); // '0.1'   (String(Math.fround(0.1)) is '0.10000000149011612')
 * formatFloat32(1 / 3);            // '0.33333334'
 */
export function formatFloat32(value: number): string {
  const x = Math.fround(value);
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  for (let digits = 1; digits < 9; digits++) {
    const text = x.toPrecision(digits);
    // Number(text) is exact enough: a decimal of <= 9 digits is the double nearest it,
    // and String() of that double gives the same digits in JavaScript's usual form.
    if (Math.fround(Number(text)) === x) return String(Number(text));
  }
  return String(Number(x.toPrecision(9)));
}

/** One CSV field: quoted (with doubled quotes) when it holds a comma, quote or line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line ending) from fields. */
export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/** A number for a table printed on the terminal: 4 significant digits, or an exponent. */
export function formatShort(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e6) return String(Number(value.toPrecision(4)));
  return value.toExponential(3);
}

/** Seconds as a short human duration: '0.4 s', '12 s', '3 min 05 s'. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return `${minutes} min ${String(rest).padStart(2, '0')} s`;
}
