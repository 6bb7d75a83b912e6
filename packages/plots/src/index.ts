// Public API of @bcnmf/plots (browser-safe; PNG is @bcnmf/plots/png): explicit named re-exports only.
export { lineChart } from './line.js';
export type { LineChartOptions, LineSeries } from './line.js';
export { scatterChart } from './scatter.js';
export type { ScatterChartOptions } from './scatter.js';
export { heatmapChart } from './heatmap.js';
export type { HeatmapChartOptions } from './heatmap.js';
export { imageGrid, squareImageSide } from './image-grid.js';
export type { ImageGridOptions } from './image-grid.js';
export { chartGrid } from './grid.js';
export type { ChartGridOptions } from './grid.js';
export { embeddingCoordinates } from './embedding.js';
export type { EmbeddingCoordinates, RowMajor } from './embedding.js';
export { categoryColours, categoryOrder, OTHER_COLOUR, PALETTE, rampColour } from './colours.js';
export type { RampName } from './colours.js';
export { escapeXml, formatValue, svgSize } from './svg.js';
export type { AxisScale } from './axes.js';
