import '@bcnmf/backend-cpu'; // the cpu and wasm backends, as the bcnmf bin registers them
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CSV_HEADER, runReproduce } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-sim-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('simulation at a tiny size: 4 methods x betas, mean ± sd, bcNMF beats NMF at beta 2, three formats written and parsed back', async () => {
  const out = join(root, 'report');
  const lines: string[] = [];
  const report = await runReproduce(['simulation', '--seeds', '2', '--out', out], (l) => lines.push(l), {
    overrides: { scale: 0.25, betas: [0, 2], cpcaAlpha: 2 },
  });
  const [result] = report.experiments;
  assert.equal(result.name, 'simulation');
  assert.deepEqual(result.columns, ['β=0', 'β=2']);
  assert.deepEqual(result.seeds, [0, 1]);
  assert.deepEqual(result.dataset.target, [250, 750]);
  for (const method of ['PCA', 'cPCA', 'NMF', 'bcNMF']) {
    const row = result.rows.find((r) => r.method === method);
    assert.ok(row, `row ${method}`);
    assert.equal(row.cells.length, 2);
    for (const cell of row.cells) {
      assert.equal(cell.n, 2);
      assert.equal(cell.values.length, 2);
      assert.ok(Number.isFinite(cell.mean) && cell.mean <= 1, `${method} mean ${cell.mean}`);
      assert.ok(cell.sd !== null && cell.sd >= 0, `${method} sd ${cell.sd}`);
    }
  }
  const at2 = (m: string) => result.rows.find((r) => r.method === m)!.cells[1].mean;
  assert.ok(at2('bcNMF') > at2('NMF') + 0.2, `bcNMF ${at2('bcNMF')} vs NMF ${at2('NMF')} at beta 2`);
  // every method's settings are stated
  const settings = Object.fromEntries(result.methods.map((m) => [m.label, m.text]));
  assert.match(settings.bcNMF, /K=2, alpha=2, frobenius loss, 300 iterations/);
  assert.match(settings.NMF, /K=2, .*300 iterations/);
  assert.match(settings.cPCA, /alpha=2/);
  assert.match(settings.PCA, /2 components/);
  // the paper's values are carried beside ours
  assert.equal(result.paper.values.find((p) => p.method === 'cPCA' && p.column === 'β=16')?.sd, 0.036);

  // Markdown
  const md = readFileSync(join(out, 'simulation.md'), 'utf8');
  assert.match(md, /\| method \| β=0 \| β=2 \|/);
  assert.match(md, /\| bcNMF \(ours\) \| \d\.\d{3} ± \d\.\d{3} \| \d\.\d{3} ± \d\.\d{3} \|/);
  assert.match(md, /\| bcNMF \(reported: release\) \| 1 \| 0\.999 \|/);
  assert.match(md, /## Settings|### Settings/);
  // CSV
  const csv = readFileSync(join(out, 'simulation.csv'), 'utf8').trimEnd().split('\n');
  assert.equal(csv[0], CSV_HEADER.join(','));
  const rows = csv.slice(1).map((l) => l.split(','));
  const bc2 = rows.find((r) => r[1] === 'bcNMF' && r[2] === 'β=2');
  assert.ok(bc2);
  assert.equal(Number(bc2[3]), result.rows.find((r) => r.method === 'bcNMF')!.cells[1].mean);
  assert.equal(bc2[7], '0.999');
  // JSON
  const json = JSON.parse(readFileSync(join(out, 'simulation.json'), 'utf8'));
  assert.deepEqual(json.columns, result.columns);
  assert.equal(json.rows.length, result.rows.length);
  const report2 = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(report2.generator, '@bcnmf/reproduce');
  assert.ok(existsSync(join(out, 'report.md')) && existsSync(join(out, 'results.csv')));
  assert.ok(existsSync(join(out, 'figures', 'simulation-beta2-bcNMF-scatter.svg')));
  // the table is printed
  assert.ok(lines.some((l) => l.startsWith('| bcNMF (ours) |')));
});
