import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BcnmfModel, FitDiagnosis } from '@bcnmf/core';
import { evaluateEmbedding } from '@bcnmf/metrics';
import { embeddingCoordinates, escapeXml, heatmapChart, imageGrid, lineChart, scatterChart, squareImageSide, chartGrid } from '@bcnmf/plots';
import { pngRenderer } from '@bcnmf/plots/png';
import { formatEnrichment, formatShort } from './format.js';
import type { Inputs, InputShape } from './input.js';

/** Labels of the target samples for the report's scatter and ARI, with where they came from. */
export interface ReportLabels {
  /** e.g. `--label-column class` or `--labels digits.csv`. */
  source: string;
  target: string[];
}

/** The most samples the report's scatter draws; above it, evenly spaced ones. */
export const SCATTER_MAX_POINTS = 20_000;

/** `count` indices evenly spaced over [0, total) (all of them when total <= count), in order. */
export function evenlySpaced(total: number, count: number): number[] {
  if (total <= count) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * total) / count));
}

/** What the report shows. */
export interface ReportInput {
  model: BcnmfModel;
  inputs: Inputs<InputShape>;
  diagnosis: FitDiagnosis;
  labels?: ReportLabels;
  /** Where the report says labels can come from when it has none (default: --label-column or --labels). */
  labelsHint?: string;
  /** The command line, as typed (for the record). */
  command: string;
  /** The other files of the output folder. */
  files: readonly string[];
}

/** One part of the report: a heading, paragraphs, a table, figures. Rendered as Markdown and as HTML. */
interface Section {
  title: string;
  paragraphs?: string[];
  bullets?: string[];
  table?: { head: string[]; rows: string[][] };
  figures?: { name: string; caption: string }[];
}

/** The topic x feature heatmap's features: each topic's top few, in topic order, without repeats. */
function heatmapFeatures(model: BcnmfModel, perTopic: number, most: number): number[] {
  const seen = new Set<number>();
  for (const t of model.topics({ top: perTopic })) for (const f of t.topFeatures) if (seen.size < most) seen.add(f.index);
  return [...seen];
}

const markdownCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function toMarkdown(title: string, sections: Section[], figureExt: 'svg' | 'png'): string {
  const out: string[] = [`# ${title}`, ''];
  for (const s of sections) {
    out.push(`## ${s.title}`, '');
    for (const p of s.paragraphs ?? []) out.push(p, '');
    if (s.bullets?.length) out.push(...s.bullets.map((b) => `- ${b}`), '');
    if (s.table) {
      out.push(`| ${s.table.head.map(markdownCell).join(' | ')} |`, `|${s.table.head.map(() => '---').join('|')}|`);
      for (const row of s.table.rows) out.push(`| ${row.map(markdownCell).join(' | ')} |`);
      out.push('');
    }
    for (const f of s.figures ?? []) out.push(`![${f.caption}](figures/${f.name}.${figureExt})`, '', `*${f.caption}* (figures/${f.name}.svg, figures/${f.name}.png)`, '');
  }
  return out.join('\n');
}

/** A self-contained page: the figures inlined as SVG, no script, no outside resource, so it opens offline. */
function toHtml(title: string, sections: Section[], svgs: Map<string, string>): string {
  const body: string[] = [`<h1>${escapeXml(title)}</h1>`];
  for (const s of sections) {
    body.push(`<section><h2>${escapeXml(s.title)}</h2>`);
    for (const p of s.paragraphs ?? []) body.push(`<p>${escapeXml(p).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`);
    if (s.bullets?.length) body.push(`<ul>${s.bullets.map((b) => `<li>${escapeXml(b)}</li>`).join('')}</ul>`);
    if (s.table) {
      body.push('<table><thead><tr>' + s.table.head.map((h) => `<th>${escapeXml(h)}</th>`).join('') + '</tr></thead><tbody>');
      for (const row of s.table.rows) body.push('<tr>' + row.map((c) => `<td>${escapeXml(c)}</td>`).join('') + '</tr>');
      body.push('</tbody></table>');
    }
    for (const f of s.figures ?? []) {
      // the SVG's own XML header-free markup is valid inline HTML
      body.push(`<figure>${svgs.get(f.name) ?? ''}<figcaption>${escapeXml(f.caption)}</figcaption></figure>`);
    }
    body.push('</section>');
  }
  const style = 'body{font-family:DejaVu Sans,Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}' +
    'table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}' +
    'figure{margin:1em 0}figcaption{font-size:13px;color:#555}code{background:#f3f3f3;padding:0 3px}svg{max-width:100%;height:auto}';
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>${style}</style></head>\n<body>\n${body.join('\n')}\n</body></html>\n`;
}

/**
 * Writes the report of a fit into `dir`: report.md, report.html (self-contained: figures
 * inline as SVG) and figures/*.svg and *.png (PNG through @bcnmf/plots/png; where it
 * cannot render here the report says why and only the SVGs are written). Returns the
 * files written, relative to `dir`.
 */
export async function writeReport(dir: string, input: ReportInput): Promise<string[]> {
  const { model, inputs, diagnosis, labels } = input;
  const k = model.settings.k;
  const topicNames = model.W.rowNames ?? Array.from({ length: k }, (_, t) => `topic_${t + 1}`);
  const featureNames = model.W.columnNames ?? Array.from({ length: model.W.columns }, (_, j) => String(j + 1));
  const svgs = new Map<string, string>();

  // score curves
  const iterations = model.history.map((r) => r.iteration);
  const several = model.Hbackgrounds.length > 1;
  const errors = lineChart({
    title: 'Reconstruction errors',
    xLabel: 'iteration',
    yLabel: model.settings.loss === 'frobenius' ? 'mean squared error' : 'mean KL divergence',
    yScale: 'log',
    series: [
      { name: 'target', x: iterations, y: model.history.map((r) => r.targetError) },
      ...model.Hbackgrounds.map((_, b) => ({ name: several ? `background ${b + 1}` : 'background', x: iterations, y: model.history.map((r) => r.backgroundErrors?.[b] ?? Number.NaN) })),
    ],
  });
  const score = lineChart({ title: 'Tracked score', xLabel: 'iteration', yLabel: 'score', series: [{ name: 'score', x: iterations, y: model.history.map((r) => r.score) }] });
  svgs.set('scores', chartGrid({ charts: [errors, score], columns: 2, title: 'Score curves' }));

  // heatmap of the top features
  const columns = heatmapFeatures(model, 8, 60);
  svgs.set('heatmap', heatmapChart({
    title: 'Topics x top features (W)',
    rowNames: topicNames,
    columnNames: columns.map((j) => featureNames[j]),
    values: topicNames.map((_, t) => columns.map((j) => model.W.get(t, j))),
    caption: `each topic's 8 largest weights (${columns.length} features); each row scaled to its largest weight`,
  }));

  // scatter of the coefficients
  const coordinates = embeddingCoordinates(model.Htarget, topicNames);
  const backgrounds = model.Hbackgrounds.map((H) => coordinates.project(H));
  const targetGroups = labels ? labels.target : model.Htarget.rowNames?.map(() => 'target') ?? new Array<string>(model.Htarget.rows).fill('target');
  const groups = [...targetGroups, ...backgrounds.flatMap((b, i) => new Array<string>(b.x.length).fill(several ? `background ${i + 1}` : 'background'))];
  const allX = [...coordinates.x, ...backgrounds.flatMap((b) => [...b.x])];
  const allY = [...coordinates.y, ...backgrounds.flatMap((b) => [...b.y])];
  // a large fit (fit --stream) would make figures of hundreds of MB: every n-th sample is drawn
  const shown = evenlySpaced(allX.length, SCATTER_MAX_POINTS);
  svgs.set('embedding', scatterChart({
    title: labels ? `Coefficients, target coloured by ${labels.source}` : 'Coefficients of target and background',
    xLabel: coordinates.xLabel,
    yLabel: coordinates.yLabel,
    x: shown.map((i) => allX[i]),
    y: shown.map((i) => allY[i]),
    groups: shown.map((i) => groups[i]),
    legendTitle: labels ? 'label' : 'samples',
  }));
  const sampled = shown.length < allX.length ? ` (${shown.length.toLocaleString('en-US')} of the ${allX.length.toLocaleString('en-US')} samples, evenly spaced)` : '';

  // images of the topics where the features are the pixels of square images
  const side = squareImageSide(featureNames);
  if (side !== null) {
    svgs.set('topic-images', imageGrid({ title: 'Topics as images (W)', images: topicNames.map((_, t) => model.W.row(t)), imageWidth: side, imageHeight: side, names: topicNames }));
  }

  // ARI of k-means on the target embedding, with labels
  let ariText: string | undefined;
  if (labels) {
    const distinct = new Set(labels.target).size;
    if (distinct >= 2) {
      const rows = Array.from({ length: model.Htarget.rows }, (_, i) => Array.from(model.Htarget.row(i)));
      const result = evaluateEmbedding(rows, labels.target, { protocol: 'raw', k: distinct, seed: model.settings.seed });
      ariText = `k-means (${distinct} clusters, one per label) on the target coefficients against ${labels.source}: ARI ${formatShort(result.ari)}, NMI ${formatShort(result.nmi)}.`;
    } else {
      ariText = `The labels (${labels.source}) have one value only: no ARI.`;
    }
  }

  const last = model.history[model.history.length - 1];
  const settings = Object.entries(model.settings).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v));
  const topics = model.topics({ top: 5 });
  const sections: Section[] = [
    {
      title: 'Inputs',
      bullets: [
        `target: ${inputs.target.rows} samples x ${inputs.target.columns} features (${inputs.targetSource})`,
        ...inputs.backgrounds.map((b, i) => `background${several ? ` ${i + 1}` : ''}: ${b.rows} samples (${inputs.backgroundSources[i]})`),
        ...(inputs.imputed > 0 ? [`${inputs.imputed} missing values filled with column means`] : []),
        ...inputs.notes,
      ],
      paragraphs: [`Command: \`${input.command}\``],
    },
    { title: 'Settings', table: { head: ['setting', 'value'], rows: [...settings.map(([name, v]) => [name, String(v)]), ['alphas', model.settings.alphas.join(', ')]] } },
    {
      title: 'Convergence',
      paragraphs: [
        model.converged
          ? `Converged after ${model.iterations} iterations.`
          : diagnosis.converged
            ? `${model.iterations} iterations (tol 0: a fixed count).`
            : `Not converged: stopped at the limit of ${model.iterations} iterations.`,
        `Final score ${formatShort(model.finalScore)}; target error ${formatShort(last.targetError)}` +
          (diagnosis.zeroModelError !== null ? ` (the all-zero model's: ${formatShort(diagnosis.zeroModelError)})` : '') +
          `; background error${several ? 's' : ''} ${(last.backgroundErrors ?? []).map((e) => formatShort(e)).join(', ')}.`,
        ...(diagnosis.warnings.length === 0 ? ['No warnings: the fit converged and is not degenerate.'] : []),
      ],
      bullets: diagnosis.warnings.map((w) => `Warning: ${w}`),
      figures: [{ name: 'scores', caption: 'Target and background errors (log scale) and the tracked score at each score check' }],
    },
    {
      title: 'Topics',
      paragraphs: ['Enrichment is log2 of the mean target coefficient over the mean background coefficient: above 0, the topic is used more in the target; "target only" where the background does not use it at all.'],
      table: {
        head: ['topic', 'target mean', 'background mean', 'enrichment (log2)', 'top features (weight)'],
        rows: topics.map((t) => [t.topic, formatShort(t.targetMean), formatShort(t.backgroundMean), formatEnrichment(t), t.topFeatures.length === 0 ? '(no feature has weight)' : t.topFeatures.map((f) => `${f.name} (${formatShort(f.weight)})`).join(', ')]),
      },
      figures: [
        { name: 'heatmap', caption: 'Weights of each topic on the features that lead any topic' },
        ...(side !== null ? [{ name: 'topic-images', caption: `Each topic's weights over the ${side} x ${side} pixels` }] : []),
      ],
    },
    {
      title: 'Samples',
      paragraphs: [
        k > 2 ? 'The first two principal components of the target coefficients; the background projected onto them.' : 'The coefficients of each sample.',
        ...(ariText ? [ariText] : [`No labels: give ${input.labelsHint ?? '--label-column NAME (a split --input) or --labels FILE'} to colour the target by them and score the embedding.`]),
      ],
      figures: [{ name: 'embedding', caption: (labels ? `Target samples coloured by ${labels.source}, background in its own colour` : 'Target and background samples') + sampled }],
    },
    { title: 'Files', bullets: [...input.files, 'report.md, report.html, figures/'] },
  ];

  mkdirSync(join(dir, 'figures'));
  const written: string[] = [];
  const png = await pngRenderer();
  for (const [name, svg] of svgs) {
    writeFileSync(join(dir, 'figures', `${name}.svg`), svg);
    written.push(`figures/${name}.svg`);
    if (png.ok) {
      writeFileSync(join(dir, 'figures', `${name}.png`), png.render(svg));
      written.push(`figures/${name}.png`);
    }
  }
  if (!png.ok) sections[sections.length - 1].paragraphs = [`No PNG copies of the figures: ${png.reason}.`];
  const title = 'bcnmf fit report';
  writeFileSync(join(dir, 'report.md'), toMarkdown(title, sections, 'svg'));
  writeFileSync(join(dir, 'report.html'), toHtml(title, sections, svgs));
  return ['report.md', 'report.html', ...written];
}
