import { rampColour, type RampName } from './colours.js';
import { escapeXml, num, shorten, svgDocument } from './svg.js';

/** What {@link imageGrid} draws. */
export interface ImageGridOptions {
  title: string;
  /** One image per entry, `imageWidth * imageHeight` values each, row by row (e.g. a row of W over 28 x 28 pixels). */
  images: readonly ArrayLike<number>[];
  imageWidth: number;
  imageHeight: number;
  /** A name under each image (e.g. the topic). */
  names?: readonly string[];
  /** Images per row of the grid (default: up to 5). */
  columns?: number;
  /** Pixels per image pixel (default: about 112 pixels per image). */
  pixel?: number;
  /** 'each' (default): each image scaled to its own largest value; 'global': one scale for all. */
  scale?: 'each' | 'global';
  /** Default 'greys' (0 white, the largest value black). */
  ramp?: RampName;
  /** A line under the grid. */
  caption?: string;
}

const LEVELS = 32;

/**
 * A grid of small images, e.g. each topic's loadings over the pixels of 28 x 28 digits:
 * values quantized to 32 shades, zero pixels left white, each run of equal shades in an
 * image row drawn as one `<rect>` (so a sparse image is a small file).
 *
 * @example
 * imageGrid({ title: 'W', images: [[0, 1, 1, 0]], imageWidth: 2, imageHeight: 2, names: ['topic_1'] });
 */
export function imageGrid(options: ImageGridOptions): string {
  const { images, imageWidth: w, imageHeight: h } = options;
  if (!(Number.isInteger(w) && w > 0 && Number.isInteger(h) && h > 0)) throw new Error(`imageGrid: image size ${w} x ${h} is not two positive integers`);
  images.forEach((image, i) => {
    if (image.length !== w * h) throw new Error(`imageGrid: image ${i} has ${image.length} values, not ${w} x ${h} = ${w * h}`);
  });
  const ramp = options.ramp ?? 'greys';
  const columns = Math.max(1, Math.min(options.columns ?? 5, images.length || 1));
  const gridRows = Math.ceil(images.length / columns);
  const pixel = options.pixel ?? Math.max(1, Math.round(112 / Math.max(w, h)));
  const cellW = w * pixel;
  const cellH = h * pixel;
  const gap = 14;
  const labelH = 16;
  const top = 30;
  const width = Math.max(240, 10 + columns * (cellW + gap));
  const height = top + gridRows * (cellH + labelH + gap) + (options.caption ? 16 : 0);
  let globalMax = 0;
  if (options.scale === 'global') for (const image of images) globalMax = Math.max(globalMax, maxOf(image));
  let body = `<text x="10" y="20" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>\n`;
  images.forEach((image, i) => {
    const x0 = 10 + (i % columns) * (cellW + gap);
    const y0 = top + Math.floor(i / columns) * (cellH + labelH + gap);
    const max = options.scale === 'global' ? globalMax : maxOf(image);
    const runs: string[] = [];
    for (let r = 0; r < h; r++) {
      let c = 0;
      while (c < w) {
        const level = quantize(image[r * w + c], max);
        let end = c + 1;
        while (end < w && quantize(image[r * w + end], max) === level) end++;
        if (level > 0) {
          runs.push(`<rect x="${num(x0 + c * pixel)}" y="${num(y0 + r * pixel)}" width="${num((end - c) * pixel)}" height="${num(pixel)}" fill="${rampColour(ramp, level / (LEVELS - 1))}"/>`);
        }
        c = end;
      }
    }
    body += `<g class="image" shape-rendering="crispEdges">\n${runs.join('\n')}${runs.length ? '\n' : ''}</g>\n`;
    body += `<rect x="${num(x0)}" y="${num(y0)}" width="${num(cellW)}" height="${num(cellH)}" fill="none" stroke="#999999"/>\n`;
    const name = options.names?.[i];
    if (name !== undefined) body += `<text x="${num(x0 + cellW / 2)}" y="${num(y0 + cellH + 12)}" font-size="11" text-anchor="middle">${escapeXml(shorten(name, 28))}</text>\n`;
  });
  if (options.caption) body += `<text x="10" y="${num(height - 6)}" font-size="10">${escapeXml(options.caption)}</text>\n`;
  return svgDocument(width, height, options.title, body);
}

function maxOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && values[i] > m) m = values[i];
  return m;
}

/** The shade of a value, 0 (white: zero, negative, non-finite) to LEVELS - 1 (the maximum). */
function quantize(v: number, max: number): number {
  if (!(max > 0) || !Number.isFinite(v) || v <= 0) return 0;
  return Math.min(LEVELS - 1, Math.round((v / max) * (LEVELS - 1)));
}

/**
 * The side of square images with `features` pixels named like pixels (`pixel_0`, `px12`,
 * or plain numbers), e.g. 28 for the 784 pixels of a digit; null otherwise.
 */
export function squareImageSide(featureNames: readonly string[]): number | null {
  const side = Math.round(Math.sqrt(featureNames.length));
  if (side < 4 || side * side !== featureNames.length) return null;
  return featureNames.every((n) => /^(?:pixel|px|p)?[_-]?\d+$/i.test(n)) ? side : null;
}
