// The report's figures (the Figure records of the experiments) drawn with @bcnmf/plots,
// the charting path `bcnmf fit`'s report and the web page share.
import { heatmapChart, imageGrid, scatterChart } from '@bcnmf/plots';
import type { HeatmapFigure, ImagesFigure, ScatterFigure } from '../types.js';

/** Most feature columns a heatmap labels by name (the 77 mouse proteins are labelled; 3,000 genes are not). */
export const HEATMAP_LABEL_MAX = 100;

/** A scatter of 2-D points, one `<circle>` per point, coloured by label, with axes and a legend (headed by `figure.legend`). */
export function scatterSvg(figure: ScatterFigure): string {
  return scatterChart({
    title: figure.title,
    xLabel: figure.xLabel,
    yLabel: figure.yLabel,
    x: figure.points.map((p) => p[0]),
    y: figure.points.map((p) => p[1]),
    groups: figure.labels,
    legendTitle: figure.legend,
  });
}

/**
 * A heatmap, one `<rect>` per cell inside `<g class="cells">` (rows = topics, columns =
 * features), each row scaled to its own maximum, with row names, and feature names under
 * the columns (`<g class="column-names">`) when there are at most {@link HEATMAP_LABEL_MAX};
 * the figure's caption (what was kept) under it.
 */
export function heatmapSvg(figure: HeatmapFigure): string {
  return heatmapChart({
    title: figure.title,
    rowNames: figure.rowNames,
    columnNames: figure.columnNames,
    values: figure.values,
    scale: 'row',
    columnLabels: figure.columnNames.length <= HEATMAP_LABEL_MAX ? 'all' : 'none',
    caption: `${figure.caption}; each row scaled to its largest loading (white = 0)`,
  });
}

/**
 * Pixel data's W as images, one per topic (`<g class="image">` each, a `<rect>` per run of
 * equal shades in a pixel row, zero pixels white), each scaled to its own maximum, named
 * below.
 */
export function imagesSvg(figure: ImagesFigure): string {
  return imageGrid({
    title: figure.title,
    images: figure.images,
    imageWidth: figure.width,
    imageHeight: figure.height,
    names: figure.names,
    // as large as before the move to @bcnmf/plots: about 224 pixels per image side
    pixel: Math.max(2, Math.min(8, Math.floor(224 / Math.max(figure.width, figure.height)))),
    scale: 'each',
    caption: figure.caption,
  });
}
