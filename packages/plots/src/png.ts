// PNG copies of the charts (Node only): @resvg/resvg-js renders SVG text with prebuilt
// native binaries from npm, so no browser or canvas library is needed.

/** Renders SVG text to PNG bytes, or says why it cannot here. */
export type PngRenderer = { ok: true; render: (svg: string) => Buffer } | { ok: false; reason: string };

let cached: Promise<PngRenderer> | undefined;

/**
 * The PNG renderer, loaded once: `{ ok: true, render }`, or `{ ok: false, reason }` where
 * @resvg/resvg-js has no binary for this platform (the SVG figures are written anyway).
 * Text uses the system's fonts (DejaVu Sans on Debian).
 *
 * @example
 * const png = await pngRenderer();
 * if (png.ok) writeFileSync('scores.png', png.render(svg));
 */
export function pngRenderer(): Promise<PngRenderer> {
  cached ??= (async (): Promise<PngRenderer> => {
    try {
      const { Resvg } = await import('@resvg/resvg-js');
      const render = (svg: string) => Buffer.from(new Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: true } }).render().asPng());
      render('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><rect width="2" height="2"/></svg>');
      return { ok: true, render };
    } catch (e) {
      return { ok: false, reason: `@resvg/resvg-js did not load here: ${(e as Error).message.split('\n')[0]}` };
    }
  })();
  return cached;
}
