import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ReproduceUsageError } from '../errors.js';
import { resultsCsv } from './csv.js';
import { reportJson, resultJson } from './json.js';
import { experimentMarkdown, reportMarkdown } from './markdown.js';
import { pngRenderer } from './png.js';
import { heatmapSvg, imagesSvg, scatterSvg } from './svg.js';
import type { ReproduceReport } from './types.js';

/** Marker in report.json: a folder holding it was written here and may be replaced. */
export const GENERATOR = '@bcnmf/reproduce';

/**
 * Refuses an --out that exists and is not a report folder of ours (not a folder, or not
 * empty and without our report.json): replacing it would delete someone's files.
 */
export function checkOutDir(outDir: string): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new ReproduceUsageError(`--out ${outDir} exists and is not a folder`);
  if (readdirSync(outDir).length === 0) return;
  const marker = join(outDir, 'report.json');
  let ours = false;
  try {
    ours = (JSON.parse(readFileSync(marker, 'utf8')) as { generator?: unknown }).generator === GENERATOR;
  } catch {
    ours = false;
  }
  if (!ours) throw new ReproduceUsageError(`--out ${outDir} exists and is not a reproduce report folder (no report.json of ${GENERATOR}); choose another folder`);
}

/**
 * Writes the report into `outDir`: report.md / report.json / results.csv, per experiment
 * <name>.md / .csv / .json, and figures/*.svg (+ .png where @resvg/resvg-js runs). All is
 * written into a temporary sibling folder first and renamed into place at the end, so a
 * failure leaves no partial output (and an earlier report in `outDir` stays as it was).
 * Returns the files written, relative to `outDir`. When `signal` fires while the files are
 * written, nothing is renamed into place: the temporary folder is removed and the
 * signal's reason thrown.
 */
export async function writeReport(outDir: string, report: ReproduceReport, signal?: AbortSignal): Promise<string[]> {
  checkOutDir(outDir);
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(parent, `.${basename(outDir)}.tmp-${tag}`);
  const files: string[] = [];
  const put = (rel: string, content: string | Buffer) => {
    const path = join(temp, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    files.push(rel);
  };
  try {
    mkdirSync(temp);
    const png = await pngRenderer();
    report.png = png.ok ? { written: true, reason: 'PNG rendered by @resvg/resvg-js' } : { written: false, reason: png.reason };
    const figureFiles: Record<string, string[]> = {};
    for (const result of report.experiments) {
      for (const f of result.figures) {
        const svg = f.kind === 'scatter' ? scatterSvg(f) : f.kind === 'heatmap' ? heatmapSvg(f) : imagesSvg(f);
        const paths = [`figures/${f.id}.svg`];
        put(paths[0], svg);
        if (png.ok) {
          paths.push(`figures/${f.id}.png`);
          put(paths[1], png.render(svg));
        }
        figureFiles[f.id] = paths;
      }
    }
    for (const result of report.experiments) {
      put(`${result.name}.md`, `# bcNMF reproduction\n\n${experimentMarkdown(result, figureFiles)}`);
      put(`${result.name}.csv`, resultsCsv([result]));
      put(`${result.name}.json`, JSON.stringify(resultJson(result, figureFiles), null, 2) + '\n');
    }
    const allFiles = [...files, 'report.md', 'results.csv', 'report.json'];
    report.files = allFiles;
    put('report.md', reportMarkdown(report, figureFiles));
    put('results.csv', resultsCsv(report.experiments));
    const json = JSON.parse(reportJson(report, figureFiles)) as Record<string, unknown>;
    put('report.json', JSON.stringify({ generator: GENERATOR, ...json }, null, 2) + '\n');
    signal?.throwIfAborted();
    // swap into place
    const old = join(parent, `.${basename(outDir)}.old-${tag}`);
    const hadOld = existsSync(outDir);
    if (hadOld) renameSync(outDir, old);
    try {
      renameSync(temp, outDir);
    } catch (e) {
      if (hadOld) renameSync(old, outDir);
      throw e;
    }
    if (hadOld) rmSync(old, { recursive: true, force: true });
    return allFiles;
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}
