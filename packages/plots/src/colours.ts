import { interpolateBlues, interpolateGreys, schemeTableau10 } from 'd3-scale-chromatic';

/**
 * Colours of categories: Okabe and Ito's eight colour-blind-safe colours first, then
 * d3's Tableau 10 for a ninth and later category (the figures rarely have more), then grey.
 */
export const PALETTE: readonly string[] = [
  '#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000',
  ...schemeTableau10,
];

/** Grey, for categories past the palette and for missing values. */
export const OTHER_COLOUR = '#999999';

/**
 * The categories of `values` in display order: numbers numerically, then text
 * alphabetically ('2' before '10').
 */
export function categoryOrder(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** A colour per category, in {@link categoryOrder}. */
export function categoryColours(values: readonly string[]): Map<string, string> {
  return new Map(categoryOrder(values).map((c, i) => [c, PALETTE[i] ?? OTHER_COLOUR]));
}

/** Sequential ramps of the heatmaps and image grids, from 0 (white) to 1 (darkest). */
export const RAMPS = {
  blues: interpolateBlues,
  greys: interpolateGreys,
} as const;

/** A ramp's name. */
export type RampName = keyof typeof RAMPS;

/** The colour of `t` in [0, 1] (clamped; non-finite as 0) on a ramp, as #rrggbb. */
export function rampColour(ramp: RampName, t: number): string {
  const u = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  return toHex(RAMPS[ramp](u));
}

function toHex(colour: string): string {
  const m = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(colour);
  if (!m) return colour;
  return `#${[m[1], m[2], m[3]].map((v) => Number(v).toString(16).padStart(2, '0')).join('')}`;
}
