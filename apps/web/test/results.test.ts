import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { categoryColours, rampColour } from '@bcnmf/plots';
import { resultCharts } from '../src/figures.js';
import {
  csvField,
  describeSource,
  embeddingCsv,
  enrichmentText,
  fitSummary,
  formatNumber,
  historyCsv,
  loadingsCsv,
  modelFileJson,
  resultFiles,
  scatterCoordinates,
  settingsJson,
  staleNote,
  topicsCsv,
  type FitResult,
} from '../src/results.js';
import { parseDelimited } from '@bcnmf/data/browser';
import { BcnmfModel, DenseMatrix, fitBcnmf } from '@bcnmf/core';

const result: FitResult = {
  source: { kind: 'files', target: 't.csv', background: 'b.csv', labels: 'column "group" of t.csv', reading: 'samples in rows' },
  Htarget: { data: Float32Array.of(1, 0.5, 0, 2, 0.25, 0.125), shape: [3, 2] },
  W: { data: Float32Array.of(1, 0, 2, 0.5, 3, 0), shape: [2, 3] },
  sampleNames: ['c1', 'c,2', 'c3'],
  featureNames: ['g1', 'g2', 'g"3'],
  history: [
    { iteration: 0, score: 1.5, targetError: 2, backgroundError: 0.5 },
    { iteration: 10, score: 1.25, targetError: 1.75, backgroundError: 0.5 },
  ],
  topics: [
    { topic: 'topic_1', targetMean: 0.5, backgroundMean: 0.25, enrichment: 1, topFeatures: [{ index: 2, name: 'g"3', weight: 2 }, { index: 0, name: 'g1', weight: 1 }] },
    { topic: 'topic_2', targetMean: 1, backgroundMean: null, enrichment: null, topFeatures: [{ index: 1, name: 'g2', weight: 3 }] },
  ],
  labels: ['T', 'B', 'T'],
  clusters: [0, 1, 0],
  ari: 1,
  settings: { k: 2, alpha: 1, loss: 'frobenius', maxIter: 10, tol: 1e-4, seed: 0, preprocessing: 'log1p-cp10k', backend: 'wasm' },
  scoreDirection: 'minimize',
  backend: 'wasm',
  iterations: 10,
  wallTimeMs: 1,
  warnings: [],
  modelJson: '{"name":"bcNMF"}',
};

describe('result files', () => {
  it('numbers: integers as they are, others to float32 precision', () => {
    assert.equal(formatNumber(3), '3');
    assert.equal(formatNumber(Math.fround(0.1)), '0.1');
    assert.equal(formatNumber(1 / 3), '0.3333333');
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "x"'), '"say ""x"""');
  });
  it('embedding.csv: samples x topics with cluster and label, quoted names', () => {
    assert.equal(embeddingCsv(result), 'sample,topic_1,topic_2,cluster,label\nc1,1,0.5,0,T\n"c,2",0,2,1,B\nc3,0.25,0.125,0,T\n');
    assert.equal(embeddingCsv({ ...result, labels: null }).split('\n')[0], 'sample,topic_1,topic_2,cluster');
  });
  it('loadings.csv: W transposed to features x topics, and it parses back (with the data package\'s reader)', async () => {
    const text = loadingsCsv(result);
    assert.equal(text, 'feature,topic_1,topic_2\ng1,1,0.5\ng2,0,3\n"g""3",2,0\n');
    const back = await parseDelimited(text, { name: 'loadings.csv' });
    assert.deepEqual(back.matrix.rowNames, ['g1', 'g2', 'g"3']);
    assert.deepEqual(back.matrix.toArray(), [[1, 0.5], [0, 3], [2, 0]]);
  });
  it('topics.csv and history.csv', () => {
    assert.equal(topicsCsv(result), 'topic,target_mean,background_mean,log2_enrichment,top_features\ntopic_1,0.5,0.25,1,"g""3;g1"\ntopic_2,1,,,g2\n');
    assert.equal(historyCsv(result), 'iteration,score,target_error,background_error\n0,1.5,2,0.5\n10,1.25,1.75,0.5\n');
  });
  it('resultFiles lists the six downloads', () => {
    assert.deepEqual(resultFiles(result).map((f) => f.name), ['embedding.csv', 'loadings.csv', 'topics.csv', 'history.csv', 'model.json', 'settings.json']);
    assert.equal(resultFiles(result)[4].content, result.modelJson);
  });
  it('settings.json: the inputs, the settings and the preprocessing of the fit', () => {
    const settings = JSON.parse(settingsJson(result));
    assert.equal(settings.inputs.description, 'target t.csv, background b.csv, labels from column "group" of t.csv; samples in rows');
    assert.equal(settings.settings.k, 2);
    assert.equal(settings.preprocessing.method, 'log1p-cp10k');
    assert.match(settings.preprocessing.description, /counts|10,000/);
    assert.equal(settings.ari, 1);
  });
  it('model.json records the preprocessing, and BcnmfModel.load still reads it', async () => {
    const X = DenseMatrix.fromRows([[1, 2, 0], [0, 1, 3], [2, 0, 1]]);
    const Y = DenseMatrix.fromRows([[1, 1, 1], [2, 1, 0]]);
    const model = await fitBcnmf(X, Y, { k: 2, alpha: 1, maxIter: 5, seed: 0, backend: 'cpu' });
    for (const preprocessing of ['none', 'log1p-cp10k'] as const) {
      const json = JSON.parse(modelFileJson(model.toJSON(), preprocessing));
      assert.equal(json.preprocessing.method, preprocessing);
      const back = BcnmfModel.load(json);
      assert.deepEqual(back.W.toArray(), model.W.toArray());
    }
  });
  it('the summary says which preprocessing ran', () => {
    assert.equal(fitSummary(result), 'k = 2, alpha = 1, frobenius loss, preprocessing log1p(counts per 10,000), 10 iterations, backend wasm, 0.0 s fitting');
    assert.match(fitSummary({ ...result, settings: { ...result.settings, preprocessing: 'none' } }), /preprocessing none \(values as given\)/);
    assert.match(fitSummary({ ...result, iterations: 1 }), /, 1 iteration, /);
  });
  it('results name their inputs; after a change, as of the earlier inputs', () => {
    assert.equal(describeSource({ ...result.source, labels: null, reading: null }), 'target t.csv, background b.csv, no labels');
    assert.equal(
      staleNote(result.source, 'the target file'),
      'These results are of the earlier inputs (target t.csv, background b.csv, labels from column "group" of t.csv; samples in rows); the target file changed since. Run again for results of the current inputs.',
    );
  });
});

describe('scatterCoordinates', () => {
  it('k = 2: the two topics; k = 1: index against the topic', () => {
    const c = scatterCoordinates(result.Htarget);
    assert.deepEqual(Array.from(c.x), [1, 0, 0.25]);
    assert.deepEqual(Array.from(c.y), [0.5, 2, 0.125]);
    const one = scatterCoordinates({ data: Float32Array.of(3, 4), shape: [2, 1] });
    assert.deepEqual([Array.from(one.x), Array.from(one.y)], [[0, 1], [3, 4]]);
  });
  it('k > 2: the first principal component carries the largest variance', () => {
    // points on a line along (1, 1, 0) plus small noise on the third topic
    const rows = [[0, 0, 0.1], [1, 1, 0], [2, 2, 0.1], [3, 3, 0], [4, 4, 0.1]];
    const c = scatterCoordinates({ data: Float64Array.from(rows.flat()), shape: [5, 3] });
    const variance = (v: Float64Array) => v.reduce((s, x) => s + x * x, 0) - v.reduce((s, x) => s + x, 0) ** 2 / v.length;
    assert.ok(Math.abs(variance(c.x) - 20) < 1e-9, `PC1 variance ${variance(c.x)}`); // 2 x 10
    assert.ok(variance(c.y) < 0.1);
    assert.equal(c.xLabel, 'PC1 of the embedding');
  });
});

describe('charts (resultCharts, drawn with @bcnmf/plots)', () => {
  it('the score curve through every check, a dot per target sample coloured by label, a heatmap cell per topic and top feature', () => {
    const charts = resultCharts(result);
    const line = /<polyline points="([^"]+)"/.exec(charts.score)![1].split(' ');
    assert.equal(line.length, result.history.length);
    assert.match(charts.score, /Tracked score \(lower is better\)/);
    // one circle per target sample (the legend uses squares), coloured by its label
    const colours = categoryColours(result.labels!);
    const fills = [...charts.scatter.matchAll(/<circle\b[^>]*fill="(#[0-9a-fA-F]{6})"/g)].map((m) => m[1]);
    assert.deepEqual(fills, result.labels!.map((l) => colours.get(l)));
    assert.match(charts.scatter, /<g class="legend">[\s\S]*>B<\/text>[\s\S]*>T<\/text>/);
    // without labels: coloured by k-means cluster
    assert.match(resultCharts({ ...result, labels: null }).scatter, />cluster 1<\/text>[\s\S]*>cluster 2<\/text>/);
    // heatmap: topics x the union of their top features (g"3, g1, g2), names escaped, each row scaled to its largest
    const cells = /<g class="cells"[^>]*>([\s\S]*?)<\/g>/.exec(charts.heatmap)![1];
    const titled = [...cells.matchAll(/fill="(#[0-9a-f]{6})"><title>([^<]+)<\/title>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(titled, [
      [rampColour('blues', 1), 'topic_1 · g&quot;3: 2'],
      [rampColour('blues', 0.5), 'topic_1 · g1: 1'],
      [rampColour('blues', 0), 'topic_1 · g2: 0'],
      [rampColour('blues', 0), 'topic_2 · g&quot;3: 0'],
      [rampColour('blues', 0.5 / 3), 'topic_2 · g1: 0.5'],
      [rampColour('blues', 1), 'topic_2 · g2: 3'],
    ]);
    assert.match(charts.heatmap, /<g class="column-names">[\s\S]*>g&quot;3<\/text>/);
  });
});

describe('enrichmentText', () => {
  it('says where a topic is used alone instead of the guarded ratio', () => {
    assert.equal(enrichmentText({ targetMean: 1, backgroundMean: 0, enrichment: 29.9 }), 'target only');
    assert.equal(enrichmentText({ targetMean: 0, backgroundMean: 2, enrichment: -29.9 }), 'background only');
    assert.equal(enrichmentText({ targetMean: 0, backgroundMean: 0, enrichment: 0 }), 'unused');
    assert.equal(enrichmentText({ targetMean: 1, backgroundMean: 5e-31, enrichment: 29.9 }), 'target only');
    assert.equal(enrichmentText({ targetMean: 2, backgroundMean: 1, enrichment: 1 }), '1.00');
    assert.equal(enrichmentText({ targetMean: 2, backgroundMean: null, enrichment: null }), '–');
  });
});
