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

/** A name a spreadsheet would run as a formula, with any quotes the guard added before it. */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const GUARDED = /^'+[=+\-@\t\r]/;

/**
 * A name (sample, feature, topic) made safe for spreadsheets, after the OWASP rule for
 * CSV injection: text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
 * (or such text already preceded by single quotes) gets one more single quote in front,
 * so that Excel, LibreOffice and Google Sheets show it as text instead of running it.
 * {@link spreadsheetText} undoes it exactly, so this tool reads its files back unchanged.
 *
 * @example
 * spreadsheetSafe('=HYPERLINK("http://x")'); // '\'=HYPERLINK("http://x")'
 * spreadsheetSafe('CD4');                    // 'CD4'
 */
export function spreadsheetSafe(name: string): string {
  return FORMULA_START.test(name) ? `'${name}` : name;
}

/** The name {@link spreadsheetSafe} was given: one guard quote removed where it added one. */
export function spreadsheetText(field: string): string {
  return GUARDED.test(field) ? field.slice(1) : field;
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

/**
 * A topic's enrichment (log2 target/background mean loading) for a table: where one of the
 * means is 0 the guarded ratio (about ±30) says nothing but "only there", so say that.
 */
export function formatEnrichment(topic: { targetMean: number; backgroundMean: number | null; enrichment: number | null }): string {
  const { targetMean, backgroundMean } = topic;
  if (backgroundMean === null) return formatShort(topic.enrichment);
  if (targetMean === 0 && backgroundMean === 0) return 'unused';
  // below the guard (1e-9 of the larger mean) a mean counts as 0: the ratio is the guard's
  if (backgroundMean <= 1e-9 * targetMean) return 'target only';
  if (targetMean <= 1e-9 * backgroundMean) return 'background only';
  return formatShort(topic.enrichment);
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
