import { axesMarkup, finiteExtent, legendMarkup, makeAxis, titleMarkup } from './axes.js';
import { categoryColours, OTHER_COLOUR, PALETTE } from './colours.js';
import { escapeXml, num, svgDocument } from './svg.js';

/** What {@link scatterChart} draws. */
export interface ScatterChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** A category per point (a label, a cluster, target or background); null: one colour. */
  groups?: readonly string[] | null;
  /** The legend's heading, e.g. the annotation's name. */
  legendTitle?: string;
  /** A name per point, shown as its tooltip (large scatters: leave out to keep the file small). */
  names?: readonly string[];
  /** Default 460 (plus the legend's width when there are groups). */
  width?: number;
  /** Default 360. */
  height?: number;
  /** Default 3 (2 beyond 2,000 points). */
  radius?: number;
}

/**
 * A scatter: one `<circle>` per point (points with a non-finite coordinate skipped),
 * coloured by group (the colour-blind-safe palette, groups in natural order), axes with
 * nice ticks, and a legend of the groups. Circles are the points only (the legend uses
 * squares), so counting `<circle ` counts the points drawn.
 *
 * @example
 * scatterChart({ title: 't', xLabel: 'x', yLabel: 'y', x: [0, 1], y: [1, 0], groups: ['a', 'b'] });
 */
export function scatterChart(options: ScatterChartOptions): string {
  const { x, y } = options;
  if (x.length !== y.length) throw new Error(`scatterChart: ${x.length} x values but ${y.length} y values`);
  const groups = options.groups ?? null;
  if (groups && groups.length !== x.length) throw new Error(`scatterChart: ${groups.length} groups for ${x.length} points`);
  const colours = groups ? categoryColours(groups) : new Map<string, string>();
  const legendWidth = groups ? 150 : 0;
  const width = (options.width ?? 460) + legendWidth;
  const height = options.height ?? 360;
  const frame = { left: 64, top: 28, width: width - 64 - 14 - legendWidth, height: height - 28 - 44 };
  const xAxis = makeAxis(finiteExtent(x), frame.left, frame.left + frame.width, 'linear');
  const yAxis = makeAxis(finiteExtent(y), frame.top + frame.height, frame.top, 'linear');
  const radius = options.radius ?? (x.length > 2000 ? 2 : 3);
  let body = titleMarkup(frame.left, options.title);
  body += axesMarkup(frame, xAxis, yAxis, options.xLabel, options.yLabel);
  const dots: string[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    const colour = groups ? (colours.get(groups[i]) ?? OTHER_COLOUR) : PALETTE[0];
    const tip = options.names ? `><title>${escapeXml(groups ? `${options.names[i]}: ${groups[i]}` : options.names[i])}</title></circle>` : '/>';
    dots.push(`<circle cx="${num(xAxis.map(x[i]))}" cy="${num(yAxis.map(y[i]))}" r="${radius}" fill="${colour}"${tip}`);
  }
  body += `<g class="points" fill-opacity="0.75">\n${dots.join('\n')}\n</g>\n`;
  if (groups) {
    body += legendMarkup(width - legendWidth + 8, frame.top + 8, [...colours].map(([name, colour]) => ({ name, colour })), { title: options.legendTitle });
  }
  return svgDocument(width, height, options.title, body);
}
