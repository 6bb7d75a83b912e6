import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heatmapChart, lineChart, scatterChart } from '../src/charts.js';
import { csvField, embeddingCsv, formatNumber, historyCsv, loadingsCsv, resultFiles, scatterCoordinates, topicsCsv, type FitResult } from '../src/results.js';
import { parseDelimited } from '@bcnmf/data/browser';

const result: FitResult = {
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
  settings: { k: 2 },
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
  it('resultFiles lists the five downloads', () => {
    assert.deepEqual(resultFiles(result).map((f) => f.name), ['embedding.csv', 'loadings.csv', 'topics.csv', 'history.csv', 'model.json']);
    assert.equal(resultFiles(result)[4].content, result.modelJson);
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

describe('charts', () => {
  it('draw one mark per point, escape names, colour by group', () => {
    const line = lineChart([0, 10, 20], [3, 2, 1], { title: 'score <x>', xLabel: 'iteration', yLabel: 'score' });
    assert.match(line, /<polyline points="[^"]+"/);
    assert.match(line, /score &lt;x&gt;/);
    const scatter = scatterChart([0, 1, 2], [0, 1, 2], ['a', 'b', 'a'], { title: 't', xLabel: 'x', yLabel: 'y' });
    assert.equal((scatter.match(/r="3"/g) ?? []).length, 3);
    assert.equal((scatter.match(/fill="#1f77b4" fill-opacity/g) ?? []).length, 2);
    const heat = heatmapChart([1, 0, 0, 2], ['topic_1', 'topic_2'], ['g<1>', 'g2'], { title: 'w' });
    assert.equal((heat.match(/<rect /g) ?? []).length, 4);
    assert.match(heat, /g&lt;1&gt;/);
    // row maxima are darkest, zeros white
    assert.match(heat, /fill="rgb\(55,105,255\)"><title>topic_1 · g&lt;1&gt;: 1</);
    assert.match(heat, /fill="rgb\(255,255,255\)"><title>topic_1 · g2: 0</);
  });
});
