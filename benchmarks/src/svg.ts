import { lineChart } from '@bcnmf/plots';

/** One line of the plot: points (samples, ms per iteration). */
export interface Series {
  label: string;
  points: Array<[number, number]>;
  dashed?: boolean;
}

/**
 * Time per iteration against samples on log-log axes, one line per implementation, drawn
 * with @bcnmf/plots (the project's one plotting path); points at or below zero (timing
 * noise) are left out.
 */
export function lineChartSvg(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  return lineChart({
    title,
    xLabel,
    yLabel,
    xScale: 'log',
    yScale: 'log',
    width: 560,
    height: 360,
    markers: true,
    legend: true,
    series: series.map((s) => {
      const points = s.points.filter(([x, y]) => x > 0 && y > 0).sort((a, b) => a[0] - b[0]);
      return { name: s.label, x: points.map((p) => p[0]), y: points.map((p) => p[1]), dashed: s.dashed };
    }),
  });
}
