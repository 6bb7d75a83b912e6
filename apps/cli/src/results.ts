import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsrMatrix, DenseMatrix, diagnoseFit, type BcnmfModel, type CustomInit, type FitDiagnosis } from '@bcnmf/core';
import { addResultsToH5ad, h5adResultsKeyClashes, readDelimited, textLines, type AnnotationValue } from '@bcnmf/data';
import { writeReport, type ReportLabels } from './report.js';
import { checkInterrupted } from './interrupt-check.js';
import { jsonPieces, writeTextFile } from './text-file.js';
import { UsageError } from './errors.js';
import { readingHdf5 } from './h5-errors.js';
import { csvLine, formatFloat32, spreadsheetSafe, spreadsheetText } from './format.js';
import { fitUns } from './h5ad-out.js';
import { columnNamesOf, h5adOutputName, matchNames, rowNamesOf, someNames, type Inputs, type InputShape } from './input.js';

/**
 * The writer's last guard: results are never written with NaN or Infinity in them (the
 * fit's own checks stop a diverging fit first; this catches whatever they would miss).
 * Throws an Error (exit 1) naming the file and the place.
 */
export function assertFinite(values: ArrayLike<number>, columns: number, file: string): void {
  for (let p = 0; p < values.length; p++) {
    if (!Number.isFinite(values[p])) {
      const at = columns > 0 ? `row ${Math.floor(p / columns) + 1}, column ${(p % columns) + 1}` : `value ${p + 1}`;
      throw new Error(`refusing to write ${file}: it would hold ${values[p]} (${at}); nothing was written`);
    }
  }
}

/**
 * A matrix as CSV text: a header `corner,<column names>`, then one line per row, the
 * row's name first, values as the shortest text that reads back as the same float32.
 * Names that a spreadsheet would run as a formula are guarded ({@link spreadsheetSafe}).
 * Refuses non-finite values ({@link assertFinite}); `file` names it in that message.
 */
export function matrixCsv(m: DenseMatrix, corner: string, file = 'the results'): string {
  return [...matrixCsvLines(m, corner, file)].join('');
}

/** {@link matrixCsv} line by line (each with its newline), for {@link writeTextFile}; `extra(i)` appends fields to row i's line. */
export function* matrixCsvLines(m: DenseMatrix, corner: string, file = 'the results', extra?: { header: string; row: (i: number) => string }): Generator<string> {
  assertFinite(m.data, m.columns, file);
  yield csvLine([corner, ...columnNamesOf(m)].map(spreadsheetSafe)) + (extra ? ',' + extra.header : '') + '\n';
  const names = rowNamesOf(m);
  for (let i = 0; i < m.rows; i++) {
    const fields = [csvLine([spreadsheetSafe(names[i])])];
    const row = m.row(i);
    for (let j = 0; j < m.columns; j++) fields.push(formatFloat32(row[j]));
    if (extra) fields.push(extra.row(i));
    yield fields.join(',') + '\n';
  }
}

/**
 * history.csv: iteration, target error, background error (one column per background,
 * background_error_1, ..., when there are several) and tracked score at each score check.
 */
export function historyCsv(model: BcnmfModel): string {
  for (const r of model.history) assertFinite([r.targetError, r.score, ...(r.backgroundErrors ?? [])], 0, `history.csv (iteration ${r.iteration})`);
  const n = model.Hbackgrounds.length;
  if (n > 1) {
    // several backgrounds: one error column per background
    const lines = [['iteration', 'target_error', ...Array.from({ length: n }, (_, b) => `background_error_${b + 1}`), 'score'].join(',')];
    for (const r of model.history) {
      const errors = Array.from({ length: n }, (_, b) => r.backgroundErrors?.[b] ?? '');
      lines.push([r.iteration, r.targetError, ...errors, r.score].map(String).join(','));
    }
    return lines.join('\n') + '\n';
  }
  const lines = ['iteration,target_error,background_error,score'];
  for (const r of model.history) {
    lines.push([r.iteration, r.targetError, r.backgroundError ?? '', r.score].map(String).join(','));
  }
  return lines.join('\n') + '\n';
}

/** The name stem of the results in an .h5ad output: obsm['X_bcnmf'], varm['bcnmf_W'], uns['bcnmf']. */
export const DEFAULT_RESULTS_KEY = 'bcnmf';

/**
 * `--key NAME`: the name stem of the results in the .h5ad outputs; refused unless it is
 * letters, digits, '_' and '-' (it names HDF5 members), and refused, before the fit, when
 * an .h5ad input already holds results under it (as a refit of this tool's output does).
 */
export async function resultsKeyOption(raw: string | undefined, inputPaths: readonly (string | undefined)[]): Promise<string> {
  const key = raw ?? DEFAULT_RESULTS_KEY;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/.test(key)) {
    throw new UsageError(`--key must be 1 to 64 letters, digits, '_' or '-' (not starting with '-'), got '${key}'`);
  }
  for (const path of inputPaths) {
    if (path === undefined || !/\.h5ad$/i.test(path) || !existsSync(path)) continue;
    const clashes = await readingHdf5(path, () => h5adResultsKeyClashes(path, key));
    if (clashes.length > 0) {
      throw new UsageError(
        `${path} already holds results under the key '${key}' (${clashes.join(', ')}); ` +
          `pass --key NAME to add these under another name${raw === undefined ? ' (e.g. --key bcnmf_2)' : ''}`,
      );
    }
  }
  return key;
}

/** The files `bcnmf fit` writes into its output folder (with one background; the report's besides, unless --no-report). */
export const FIT_FILES = ['W.csv', 'H_target.csv', 'H_background.csv', 'topics.csv', 'model.json', 'history.csv'] as const;

/** How W.csv lies: a row per feature (default; any number of features fits a spreadsheet) or a row per topic. */
export type WLayout = 'features-as-rows' | 'topics-as-rows';

/** Top features per topic in topics.csv. */
export const TOPICS_CSV_TOP = 50;

/**
 * topics.csv: long format, `topic,rank,feature,weight`, each topic's top features by
 * weight; feature names guarded against spreadsheets ({@link spreadsheetSafe}).
 */
export function topicsCsv(model: BcnmfModel, top = TOPICS_CSV_TOP): string {
  const lines = ['topic,rank,feature,weight'];
  for (const t of model.topics({ top })) {
    assertFinite(t.topFeatures.map((f) => f.weight), 0, 'topics.csv');
    t.topFeatures.forEach((f, r) => lines.push(csvLine([spreadsheetSafe(t.topic), String(r + 1), spreadsheetSafe(f.name), formatFloat32(f.weight)])));
  }
  return lines.join('\n') + '\n';
}

/**
 * A coefficients CSV (`sample,topic_1..topic_k`) with the samples' annotation columns after
 * the topics (CSV annotation columns, .h5ad obs columns), so that H can be read with them.
 * Annotation names and text are guarded against spreadsheets like the sample names.
 */
export function coefficientsCsv(H: DenseMatrix, annotations: Record<string, AnnotationValue[]> = {}, file = 'the coefficients'): string {
  return [...coefficientsCsvLines(H, annotations, file)].join('');
}

/** {@link coefficientsCsv} line by line, for {@link writeTextFile}. */
export function coefficientsCsvLines(H: DenseMatrix, annotations: Record<string, AnnotationValue[]> = {}, file = 'the coefficients'): Generator<string> {
  const names = Object.keys(annotations).filter((n) => !/^topic_\d+$/.test(n) && n !== 'sample');
  if (names.length === 0) return matrixCsvLines(H, 'sample', file);
  const text = (v: AnnotationValue) => (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? '' : spreadsheetSafe(String(v)));
  return matrixCsvLines(H, 'sample', file, {
    header: csvLine(names.map(spreadsheetSafe)),
    row: (i) => csvLine(names.map((n) => text(annotations[n][i]))),
  });
}

/**
 * The background coefficient files of a fit: `H_background.csv` for one background,
 * `H_background_1.csv`, `H_background_2.csv`, ... for several.
 */
export function backgroundFiles(count: number): string[] {
  return count === 1 ? ['H_background.csv'] : Array.from({ length: count }, (_, b) => `H_background_${b + 1}.csv`);
}

/**
 * Writes a fit's results into `dir`: W.csv, H_target.csv, H_background.csv (or
 * H_background_1.csv, H_background_2.csv, ... with several backgrounds), model.json,
 * history.csv, and for each .h5ad input a copy with the results added under `key`
 * (obsm['X_<key>'], varm['<key>_W'], uns['<key>']). Returns the names of the files written.
 */
export async function writeFitOutputs(
  dir: string,
  model: BcnmfModel,
  inputs: Inputs<InputShape>,
  options: {
    key?: string;
    diagnosis?: FitDiagnosis;
    wLayout?: WLayout;
    report?: { command: string; labels?: ReportLabels; labelsHint?: string } | null;
    /** Checked while the large files are written (Ctrl-C). */
    signal?: AbortSignal;
  } = {},
): Promise<string[]> {
  const key = options.key ?? DEFAULT_RESULTS_KEY;
  const wLayout = options.wLayout ?? 'features-as-rows';
  if (model.Hbackgrounds.length === 0) throw new Error('a bcNMF fit of the command line always has a background');
  const hFiles = backgroundFiles(model.Hbackgrounds.length);
  // line by line: the coefficients of a large fit (fit --stream) outgrow one string
  const signal = options.signal;
  await writeTextFile(join(dir, 'W.csv'), wLayout === 'features-as-rows' ? matrixCsvLines(model.W.transpose(), 'feature', 'W.csv') : matrixCsvLines(model.W, 'topic', 'W.csv'), { signal });
  await writeTextFile(join(dir, 'H_target.csv'), coefficientsCsvLines(model.Htarget, inputs.targetAnnotations, 'H_target.csv'), { signal });
  for (const [b, H] of model.Hbackgrounds.entries()) {
    await writeTextFile(join(dir, hFiles[b]), coefficientsCsvLines(H, inputs.backgroundAnnotations[b], hFiles[b]), { signal });
  }
  writeFileSync(join(dir, 'topics.csv'), topicsCsv(model));
  await writeTextFile(join(dir, 'model.json'), (function* () {
    yield* jsonPieces(model.toJSON());
    yield '\n';
  })(), { signal });
  writeFileSync(join(dir, 'history.csv'), historyCsv(model));
  const written: string[] = ['W.csv', 'H_target.csv', ...hFiles, 'topics.csv', 'model.json', 'history.csv'];
  const taken = new Set<string>();
  const k = model.settings.k;
  for (const source of inputs.h5adSources) {
    // rows and features that are not part of the fit are NaN
    const embedding = new Float32Array(source.nObs * k).fill(NaN);
    for (const part of source.parts) {
      const H = part.role === 'target' ? model.Htarget : model.Hbackgrounds[part.index ?? 0];
      part.rows.forEach((fileRow, i) => embedding.set(H.row(i), fileRow * k));
    }
    const name = h5adOutputName(source, taken);
    const settings = fitUns(model, options.diagnosis, { role: source.parts.map((p) => p.role).join('+') });
    const embeddingMatrix = new DenseMatrix({ data: embedding, shape: [source.nObs, k] });
    if (source.useRaw) {
      // fitted on raw.X: its features are raw.var's, not the file's var, so W goes to uns
      await readingHdf5(source.path, () => addResultsToH5ad(source.path, join(dir, name), {
        embedding: embeddingMatrix,
        loadings: model.W.transpose(),
        loadingsIn: 'uns',
        featureNames: columnNamesOf(model.W),
        settings: { ...settings, matrix: 'raw' },
        key,
      }));
    } else {
      const loadings = new Float32Array(source.nVar * k).fill(NaN);
      source.featureIndices.forEach((fileColumn, j) => {
        for (let t = 0; t < k; t++) loadings[fileColumn * k + t] = model.W.get(t, j);
      });
      await readingHdf5(source.path, () => addResultsToH5ad(source.path, join(dir, name), {
        embedding: embeddingMatrix,
        loadings: new DenseMatrix({ data: loadings, shape: [source.nVar, k] }),
        settings,
        key,
      }));
    }
    written.push(name);
    await checkInterrupted(signal);
  }
  if (options.report) {
    const target = inputs.target;
    if (options.diagnosis === undefined && !(target instanceof DenseMatrix || target instanceof CsrMatrix)) {
      throw new Error('writeFitOutputs: a fit of streamed inputs passes its diagnosis (diagnoseFit of the target\'s summary)');
    }
    const diagnosis = options.diagnosis ?? diagnoseFit(model, target as DenseMatrix | CsrMatrix);
    written.push(...(await writeReport(dir, { model, inputs, diagnosis, ...options.report, files: [...written] })));
  }
  return written;
}

async function readFactor(dir: string, file: string, features?: RegExp): Promise<DenseMatrix> {
  const path = join(dir, file);
  if (!existsSync(path)) throw new UsageError(`--init-from ${dir}: there is no ${file} (it needs W.csv, H_target.csv and H_background.csv, or H_background_1.csv, ... for several backgrounds, of an earlier fit)`);
  const m = (await readDelimited(path, { orientation: 'samples-in-rows', ...(features ? { features } : {}) })).matrix;
  // names were guarded against spreadsheets when written: read them back as they were
  return m.withNames({ rowNames: m.rowNames?.map(spreadsheetText), columnNames: m.columnNames?.map(spreadsheetText) });
}

const TOPIC_NAME = /^topic_\d+$/;

/**
 * The topic columns (topic_1, ...) of an H file, read without the annotation columns fit
 * writes after them (text such as a genotype, which is no number to read).
 */
async function readCoefficients(dir: string, file: string): Promise<DenseMatrix> {
  const path = join(dir, file);
  // a start of one's own may name its columns as it likes: then every column is a topic
  const header = existsSync(path) ? await firstLineFields(path) : [];
  return readFactor(dir, file, header.some((name) => TOPIC_NAME.test(name)) ? TOPIC_NAME : undefined);
}

/** The fields of a CSV file's first line (the header), unquoted, as far as the topic check needs them. */
async function firstLineFields(path: string): Promise<string[]> {
  for await (const line of textLines(path)) return line[0].split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
  return [];
}

/**
 * W of an earlier run, topics x features, whichever way its W.csv lies: features as rows
 * (columns topic_1..topic_k, the default) or topics as rows (rows topic_1..topic_k,
 * --w-layout topics-as-rows), told apart by which side holds the topic names.
 */
function basisOf(m: DenseMatrix, dir: string): DenseMatrix {
  const columns = (m.columnNames ?? []).length > 0 && (m.columnNames ?? []).every((n) => TOPIC_NAME.test(n));
  const rows = (m.rowNames ?? []).length > 0 && (m.rowNames ?? []).every((n) => TOPIC_NAME.test(n));
  if (columns && !rows) return m.transpose();
  if (rows && !columns) return m;
  throw new UsageError(`--init-from ${dir}: W.csv names its topics topic_1, topic_2, ... neither in its header (a row per feature) nor in its first column (a row per topic)`);
}

function reorderRows(m: DenseMatrix, wanted: readonly string[], file: string, what: string, dir: string): DenseMatrix {
  const match = matchNames(rowNamesOf(m), wanted);
  if (!match.indices || match.extra.length > 0) {
    const parts = [
      match.absent.length > 0 ? `it lacks ${match.absent.length} of the ${what} (${someNames(match.absent)})` : '',
      match.extra.length > 0 ? `it has ${match.extra.length} ${what} not in the data (${someNames(match.extra)})` : '',
      match.duplicates.length > 0 ? `names repeat (${someNames(match.duplicates)})` : '',
    ];
    throw new UsageError(`--init-from ${dir}: ${file} does not match the data: ${parts.filter(Boolean).join('; ')}`);
  }
  const data = new Float64Array(wanted.length * m.columns);
  match.indices.forEach((r, i) => data.set(m.row(r), i * m.columns));
  return new DenseMatrix({ data, shape: [wanted.length, m.columns], rowNames: [...wanted], columnNames: m.columnNames });
}

/**
 * The start of a fit from the W.csv, H_target.csv and H_background.csv (H_background_1.csv,
 * ... for several backgrounds) of an earlier run: W's columns matched to the data's
 * features by name, H's rows to the samples by name. Refuses files that do not match,
 * saying what differs.
 */
export async function readInitFrom(dir: string, inputs: Inputs, k: number | undefined): Promise<CustomInit & { k: number }> {
  const W = basisOf(await readFactor(dir, 'W.csv'), dir);
  const Htarget = await readCoefficients(dir, 'H_target.csv');
  const hFiles = backgroundFiles(inputs.backgrounds.length);
  const Hbackgrounds: DenseMatrix[] = [];
  for (const file of hFiles) Hbackgrounds.push(await readCoefficients(dir, file));
  if (k !== undefined && W.rows !== k) throw new UsageError(`--k is ${k} but ${join(dir, 'W.csv')} has ${W.rows} topics`);
  for (const [m, file] of [[Htarget, 'H_target.csv'] as const, ...Hbackgrounds.map((H, b) => [H, hFiles[b]] as const)]) {
    if (m.columns !== W.rows) throw new UsageError(`--init-from ${dir}: ${file} has ${m.columns} topic columns but W.csv has ${W.rows} topics`);
  }
  const Wt = reorderRows(W.transpose(), inputs.featureNames, 'W.csv', 'features', dir).transpose();
  const aligned = Hbackgrounds.map((H, b) => reorderRows(H, rowNamesOf(inputs.backgrounds[b]), hFiles[b], 'background samples', dir));
  return {
    k: W.rows,
    W: Wt,
    Htarget: reorderRows(Htarget, rowNamesOf(inputs.target), 'H_target.csv', 'target samples', dir),
    Hbackground: aligned.length === 1 ? aligned[0] : aligned,
  };
}
