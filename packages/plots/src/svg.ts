// SVG text: escaping, numbers in attributes, and the document every chart is wrapped in.

/** Text escaped for SVG (and HTML) content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A coordinate for an attribute: at most 2 decimals, no trailing zeros; non-finite as 0. */
export function num(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '0';
}

/** A value for a label or a tooltip: 3 significant digits, an exponent when very large or small. */
export function formatValue(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(3)));
}

/** A name shortened to `max` characters with an ellipsis. */
export function shorten(name: string, max: number): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

/** The font every chart names (DejaVu Sans is what resvg finds on Debian; browsers fall back). */
export const FONT_FAMILY = 'DejaVu Sans, Arial, Helvetica, sans-serif';

/**
 * The root element of a chart: size, viewBox, an accessible name, a `<title>` and a white
 * background, then `body`.
 */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `font-family="${FONT_FAMILY}" role="img" aria-label="${escapeXml(title)}">\n` +
    `<title>${escapeXml(title)}</title>\n<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>\n` +
    body +
    '</svg>\n'
  );
}

/** The width and height attributes of a chart's root element. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0) || !(height > 0)) throw new Error('not a chart of @bcnmf/plots: its <svg> has no width and height');
  return { width, height };
}
