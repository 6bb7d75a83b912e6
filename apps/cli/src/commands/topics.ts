import type { TopicSummary } from '@bcnmf/core';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { formatEnrichment, formatShort } from '../format.js';
import { choiceOption, numberOption, parseCommand } from '../options.js';
import { checkInterrupted } from '../interrupt-check.js';
import { loadModel } from '../model-file.js';

export const TOPICS_USAGE = `bcnmf topics --model DIR/model.json [--top N] [--sort topic|enrichment] [--json]

For each topic of a saved model: its mean loading in the target and in the background,
their log2 ratio (enrichment: > 0 means the topic is used more in the target; "target
only" where the background does not use it at all) and its top features by weight (with
each one's share of the topic's total weight; only features of positive weight).

  --model FILE      model.json written by bcnmf fit (or its folder)
  --top N           features per topic (default 10)
  --sort ORDER      topic (default) or enrichment (most target-specific first)
  --json            print the topics as JSON`;

const OPTIONS = {
  model: { type: 'string' },
  top: { type: 'string' },
  sort: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function runTopics(argv: string[], ctx: CommandContext): Promise<TopicSummary[]> {
  const values = parseCommand(argv, OPTIONS, 'topics');
  if (values.model === undefined) throw new UsageError('--model is required (bcnmf help topics)');
  const top = numberOption('--top', values.top, 10, { min: 1, integer: true });
  const sort = choiceOption('--sort', values.sort, ['topic', 'enrichment'] as const, 'topic');
  const { model } = await loadModel(values.model, { signal: ctx.signal });
  // a Ctrl-C during a long load: no topics
  await checkInterrupted(ctx.signal);
  const topics = model.topics({ top });
  if (sort === 'enrichment') topics.sort((a, b) => (b.enrichment ?? -Infinity) - (a.enrichment ?? -Infinity) || a.index - b.index);
  if (values.json) {
    ctx.print(JSON.stringify(topics, null, 2));
    return topics;
  }
  const header = ['topic', 'target mean', 'background mean', 'enrichment'];
  const rows = topics.map((t) => [t.topic, formatShort(t.targetMean), formatShort(t.backgroundMean), formatEnrichment(t)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  ctx.print(`${line(header)}  top features (share of the topic's weight)`);
  topics.forEach((t, i) => {
    const features = t.topFeatures.length === 0 ? '(no feature has weight: an unused topic)' : t.topFeatures.map((f) => `${f.name} (${formatShort(f.share)})`).join(', ');
    ctx.print(`${line(rows[i])}  ${features}`);
  });
  return topics;
}
