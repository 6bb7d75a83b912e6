import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consensusSvg, selectionSvg, type ConsensusResult, type Recommendation, type SweepCell } from '../src/index.js';

function cell(k: number, alpha: number, stability: number | null, targetError: number | null): SweepCell {
  const done = stability !== null;
  return {
    k, alpha, status: done ? 'done' : 'failed', message: done ? null : 'failed on purpose',
    stability, targetError, backgroundError: null, score: null, topEnrichment: null,
    minReproducibility: null, meanReproducibility: null, keptTopics: null, totalTopics: 3 * k, restartIterations: null, seconds: 0,
  };
}

/** The polylines of an SVG as lists of [x, y] points. */
function polylines(svg: string): number[][][] {
  return [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
}

describe('selectionSvg', () => {
  const recommendation = { k: 4, alpha: 1, stability: 0.8, targetError: 2 } as Recommendation;

  it('a line per alpha in each panel, broken at a failed cell; the recommended setting ringed in both; the ks as the x ticks', () => {
    const cells = [cell(2, 1, 0.9, 3), cell(3, 1, null, null), cell(4, 1, 0.8, 2), cell(5, 1, 0.7, 1.9), cell(2, 2, 0.95, 4), cell(3, 2, 0.9, 3.5), cell(4, 2, 0.85, 3), cell(5, 2, 0.6, 2.8)];
    const svg = selectionSvg(cells, recommendation, 'a <title>');
    // alpha 1: k 2 alone (a dot, no line), then k 4-5; alpha 2: k 2-5; in each of the two panels
    assert.deepEqual(polylines(svg).map((l) => l.length), [2, 4, 2, 4]);
    const rings = [...svg.matchAll(/<circle class="highlight" cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>recommended: k 4, α 1<\/title>/g)];
    assert.equal(rings.length, 2);
    // each ring sits on alpha 1's point at k 4 (the first point of its line), in its panel
    const lines = polylines(svg);
    assert.deepEqual([Number(rings[0][1]), Number(rings[0][2])], lines[0][0]);
    assert.deepEqual([Number(rings[1][1]), Number(rings[1][2])], lines[2][0]);
    assert.match(svg, />α = 1<\/text>[\s\S]*>α = 2<\/text>/);
    assert.match(svg, /<title>a &lt;title&gt;<\/title>/);
    assert.match(svg, />ringed: the recommended setting, k 4, α 1 \(stability 0\.800\)<\/text>/);
    assert.match(svg, />stability \(silhouette of the topic clustering\)<\/text>/);
    assert.doesNotMatch(svg, /log scale/);
  });

  it('the error panel on a log scale when the errors span more than a factor of 10; no ring and no caption without a recommendation', () => {
    const svg = selectionSvg([cell(2, 0, 0.9, 100), cell(3, 0, 0.8, 50), cell(2, 1, 0.9, 5), cell(3, 1, 0.85, 4)], null);
    assert.match(svg, />target error \(log scale\)<\/text>/);
    assert.doesNotMatch(svg, /class="highlight"/);
    assert.doesNotMatch(svg, /ringed/);
  });
});

describe('consensusSvg', () => {
  // only what the figure reads: densities, the clustering's counts, the topics' reproducibility and silhouette
  const densities = [0.1, 0.12, 0.11, 0.3, 0.9, null];
  const result = {
    stability: 0.75,
    settings: { k: 2, restarts: 3, densityThreshold: 0.5 },
    clustering: { topics: densities.map((density) => ({ density })), total: 6, kept: 4, neighbours: 2 },
    topics: [{ reproducibility: 1, silhouette: 0.8 }, { reproducibility: 2 / 3, silhouette: -0.1 }],
  } as unknown as ConsensusResult;

  it('the density histogram with the threshold dashed, and reproducibility and silhouette bars per topic', () => {
    const svg = consensusSvg(result);
    const bins = [...svg.matchAll(/<rect class="bin"[^>]*><title>[^<]*: (\d+)<\/title>/g)].map((m) => Number(m[1]));
    assert.equal(bins.reduce((a, b) => a + b, 0), 5, 'the five topics with a density (the collapsed one has none)');
    assert.equal((svg.match(/<line class="threshold"/g) ?? []).length, 1);
    assert.equal((svg.match(/<rect class="bar" data-series="reproducibility"/g) ?? []).length, 2);
    assert.equal((svg.match(/<rect class="bar" data-series="silhouette"/g) ?? []).length, 2);
    assert.match(svg, /<title>silhouette · 2: -0\.1<\/title>/);
    assert.match(svg, />bcnmf consensus: k 2, 3 restarts, stability 0\.750<\/text>/);
    assert.match(svg, />2 of 6 topics dropped \(density ≥ 0\.5, dashed\); 2 neighbours<\/text>/);
  });

  it('a threshold beyond the axis draws no line and says so', () => {
    const svg = consensusSvg({ ...result, settings: { ...result.settings, densityThreshold: 2 } } as ConsensusResult);
    assert.doesNotMatch(svg, /class="threshold"/);
    assert.match(svg, /density ≥ 2, beyond the axis: none filtered/);
  });
});
