import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, parse } from 'node:path';
import { filesUnder, isWithin, realPathOrResolved } from '@bcnmf/data';
import { environmentLine } from '../environment.js';
import { ReproduceUsageError } from '../errors.js';
import { resultsCsv } from './csv.js';
import { reportJson, resultJson } from './json.js';
import { experimentMarkdown, reportMarkdown } from './markdown.js';
import { pngRenderer } from './png.js';
import { heatmapSvg, imagesSvg, scatterSvg } from './svg.js';
import type { ReproduceReport } from './types.js';

/** Marker in report.json: a folder holding it was written here and may be replaced. */
export const GENERATOR = '@bcnmf/reproduce';

function someNames(names: readonly string[], n = 5): string {
  const shown = names.slice(0, n).map((s) => `'${s}'`).join(', ');
  return names.length > n ? `${shown} and ${names.length - n} more` : shown;
}

/** The files an earlier report lists in its report.json (ours: {@link GENERATOR}), or null when it is not one. */
function reportFiles(outDir: string): string[] | null {
  try {
    const json = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as { generator?: unknown; files?: unknown };
    if (json.generator !== GENERATOR || !Array.isArray(json.files) || json.files.some((f) => typeof f !== 'string')) return null;
    return json.files as string[];
  } catch {
    return null;
  }
}

/**
 * Refuses an --out whose replacement would delete what is not ours: the current folder,
 * the home folder, the root or a folder above one; a folder that is or holds an input
 * (`inputs`: the data folder); something that is not a folder; and a non-empty folder
 * that is not an earlier report (no report.json of {@link GENERATOR} listing its files)
 * or holds files that report.json does not list, naming them. The whole folder is
 * replaced at the end, so anything else in it would be lost.
 */
export function checkOutDir(outDir: string, inputs: readonly string[] = []): void {
  const real = realPathOrResolved(outDir);
  for (const [place, path] of [['the current folder', process.cwd()], ['your home folder', homedir()]] as const) {
    const placeReal = realPathOrResolved(path);
    if (isWithin(placeReal, real)) {
      throw new ReproduceUsageError(`--out ${outDir} is ${placeReal === real ? place : `a folder above ${place}`}; give a folder for the report alone`);
    }
  }
  if (real === parse(real).root) throw new ReproduceUsageError(`--out ${outDir} is the root folder; give a folder for the report alone`);
  for (const input of inputs) {
    const inputReal = realPathOrResolved(input);
    if (isWithin(inputReal, real)) {
      throw new ReproduceUsageError(`--out ${outDir} ${inputReal === real ? 'is' : 'holds'} the data folder ${input}; the report replaces --out as a whole, so it would delete the data: choose another folder`);
    }
  }
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new ReproduceUsageError(`--out ${outDir} exists and is not a folder`);
  const files = filesUnder(outDir);
  if (files.length === 0) return;
  const listed = reportFiles(outDir);
  if (!listed) {
    throw new ReproduceUsageError(
      `--out ${outDir} is not a reproduce report folder (no report.json of ${GENERATOR}); replacing it would delete ` +
        `${files.length} file${files.length === 1 ? '' : 's'} (${someNames(files)}): choose another folder`,
    );
  }
  const known = new Set(listed);
  const foreign = files.filter((f) => !known.has(f));
  if (foreign.length > 0) {
    throw new ReproduceUsageError(
      `--out ${outDir} holds ${foreign.length} file${foreign.length === 1 ? '' : 's'} that reproduce did not write (${someNames(foreign)}); ` +
        'replacing the report would delete them: move them away or choose another folder',
    );
  }
}

/**
 * Writes the report into `outDir`: report.md / report.json / results.csv, per experiment
 * <name>.md / .csv / .json, and figures/*.svg (+ .png where @resvg/resvg-js runs). All is
 * written into a temporary sibling folder first and renamed into place at the end, so a
 * failure leaves no partial output (and an earlier report in `outDir` stays as it was).
 * `outDir` is checked ({@link checkOutDir}, with the run's `inputs`) first and again just
 * before the swap. Returns the files written, relative to `outDir`. When `signal` fires
 * while the files are written, nothing is renamed into place: the temporary folder is
 * removed and the signal's reason thrown.
 */
export async function writeReport(outDir: string, report: ReproduceReport, signal?: AbortSignal, inputs: readonly string[] = []): Promise<string[]> {
  checkOutDir(outDir, inputs);
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
      for (const figure of result.figures) {
        // a quick run's figure says so on itself: it travels without its table
        const f = result.quick ? { ...figure, title: `${figure.title} (quick run)` } : figure;
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
      const ranOn = report.environment ? `${environmentLine(report.environment)}\n\n` : '';
      put(`${result.name}.md`, `# bcNMF reproduction\n\n${ranOn}${experimentMarkdown(result, figureFiles)}`);
      put(`${result.name}.csv`, resultsCsv([result]));
      const json = { ...(resultJson(result, figureFiles) as object), ...(report.environment ? { environment: report.environment } : {}) };
      put(`${result.name}.json`, JSON.stringify(json, null, 2) + '\n');
    }
    const allFiles = [...files, 'report.md', 'results.csv', 'report.json'];
    report.files = allFiles;
    put('report.md', reportMarkdown(report, figureFiles));
    put('results.csv', resultsCsv(report.experiments));
    const json = JSON.parse(reportJson(report, figureFiles)) as Record<string, unknown>;
    put('report.json', JSON.stringify({ generator: GENERATOR, ...json }, null, 2) + '\n');
    signal?.throwIfAborted();
    // again: files put into --out during the run would go with the old report
    checkOutDir(outDir, inputs);
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
