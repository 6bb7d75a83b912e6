// --out is replaced as a whole: what the replacement would delete that is not the report's
// own (a user's files, the input data) is refused before any work, and an experiment named
// alone without its data is an error, not an empty success.
import '@bcnmf/backend-cpu'; // the cpu and wasm backends, as the bcnmf bin registers them
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { ReproduceUsageError, runReproduce } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'bcnmf-reproduce-out-'));
after(() => rmSync(root, { recursive: true, force: true }));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
/** A simulation small enough for a second (one beta, 1/10 of the genes, no worker processes). */
const tiny = { betas: [2], maxIter: 10, cpcaAlphas: 4, scale: 0.1, workers: 0 };
const sim = ['simulation', '--quick', '--seeds', '1'];

/** An earlier report, written by a run like the one being checked. */
const earlier = join(root, 'earlier');
before(async () => {
  await runReproduce([...sim, '--out', earlier], () => {}, { overrides: tiny });
});

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { name: string; parentPath?: string; path?: string; isFile(): boolean }[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path ?? '', e.name).slice(dir.length + 1))
    .sort();
}

async function refused(argv: string[], pattern: RegExp): Promise<void> {
  await assert.rejects(runReproduce(argv, () => {}, { overrides: tiny }), (e: unknown) => {
    assert.ok(e instanceof ReproduceUsageError, String(e));
    assert.equal(e.exitCode, 2);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), e.message);
    return true;
  });
}

/** `bcnmf reproduce ARGS` in a child process, as a user runs it. */
function bcnmf(argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/bcnmf/src/bin.ts', 'reproduce', ...argv], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('an earlier report that holds only its own files is replaced (atomically, no sibling left)', async () => {
  const out = join(root, 'again');
  cpSync(earlier, out, { recursive: true });
  const listed = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { files: string[] }).files;
  assert.deepEqual([...listed].sort(), tree(out));
  const before = readFileSync(join(out, 'report.json'), 'utf8');
  await runReproduce([...sim, '--out', out], () => {}, { overrides: tiny });
  assert.notEqual(readFileSync(join(out, 'report.json'), 'utf8'), before);
  assert.deepEqual(tree(out), tree(earlier));
  assert.deepEqual(readdirSync(root).filter((n) => n.startsWith('.')), []);
});

test('an earlier report with files of the user in it is refused, naming them; nothing is deleted or written', async () => {
  // the old check looked only at report.json's generator, and the swap deleted these
  const out = join(root, 'with-notes');
  cpSync(earlier, out, { recursive: true });
  writeFileSync(join(out, 'my_notes.md'), 'my notes');
  mkdirSync(join(out, 'mydata'));
  writeFileSync(join(out, 'mydata', 'x.csv'), 'a,b\n1,2\n');
  const files = tree(out);
  const report = readFileSync(join(out, 'report.json'), 'utf8');
  await refused([...sim, '--out', out], /holds 2 files that reproduce did not write \('my_notes\.md', 'mydata\/x\.csv'\); .*move them away or choose another folder/);
  assert.deepEqual(tree(out), files);
  assert.equal(readFileSync(join(out, 'my_notes.md'), 'utf8'), 'my notes');
  assert.equal(readFileSync(join(out, 'report.json'), 'utf8'), report);

  // a report.json that lists no files cannot vouch for any: the folder is not taken as a report
  const unlisted = join(root, 'unlisted');
  mkdirSync(unlisted);
  writeFileSync(join(unlisted, 'report.json'), JSON.stringify({ generator: '@bcnmf/reproduce' }));
  writeFileSync(join(unlisted, 'thesis.tex'), 'keep');
  await refused([...sim, '--out', unlisted], /is not a reproduce report folder .*would delete 2 files \('report\.json', 'thesis\.tex'\)/);
  assert.equal(readFileSync(join(unlisted, 'thesis.tex'), 'utf8'), 'keep');

  // through the command line: exit 2, the message on stderr, before any work
  const cli = bcnmf([...sim, '--out', out]);
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stderr, /^bcnmf: --out .* holds 2 files that reproduce did not write/);
  assert.doesNotMatch(cli.stdout, /seeds 0/);
  assert.deepEqual(tree(out), files);
});

test('an --out that is or holds the --data-dir is refused before any work; the data stay', async () => {
  // the review's case: the data set inside an old report folder, --data-dir rep3/data --out rep3
  const rep3 = join(root, 'rep3');
  cpSync(earlier, rep3, { recursive: true });
  const data = join(rep3, 'data');
  const file = join(data, 'mice-protein', 'Data_Cortex_Nuclear.csv');
  mkdirSync(join(data, 'mice-protein'), { recursive: true });
  writeFileSync(file, 'MouseID,DYRK1A_N,class\nm1,0.5,c-CS-m\n');
  await refused(['mice-protein', '--quick', '--seeds', '1', '--data-dir', data, '--out', rep3], /--out .*rep3 holds the data folder .*rep3\/data; .*would delete the data/);
  // the data folder itself, and a folder above it that is not a report at all
  await refused(['mice-protein', '--data-dir', data, '--out', data], /--out .* is the data folder/);
  const fresh = join(root, 'fresh');
  mkdirSync(join(fresh, 'data'), { recursive: true });
  await refused(['simulation', '--data-dir', join(fresh, 'data'), '--out', fresh], /holds the data folder/);
  // through a link to the folder that holds the data
  const link = join(root, 'link-to-rep3');
  symlinkSync(rep3, link);
  await refused(['mice-protein', '--data-dir', data, '--out', link], /holds the data folder/);
  assert.ok(existsSync(file));
  assert.ok(existsSync(join(rep3, 'report.json')));

  const cli = bcnmf(['mice-protein', '--quick', '--seeds', '1', '--settings', 'notebook', '--data-dir', data, '--out', rep3]);
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stderr, /holds the data folder/);
  assert.equal(readFileSync(file, 'utf8'), 'MouseID,DYRK1A_N,class\nm1,0.5,c-CS-m\n');
});

test('--out the current folder or a folder above it is refused', async () => {
  await refused([...sim, '--out', process.cwd()], /is the current folder/);
  await refused([...sim, '--out', join(process.cwd(), '..')], /is a folder above the current folder/);
  await refused([...sim, '--out', '/'], /folder above|root folder/);
});

test('an experiment named alone without its data: exit 2 after saying where to get them, nothing written', async () => {
  // `reproduce leukemia` printed "nothing run" and exited 0: a script could not tell that
  // nothing had been reproduced. `all` still skips what is absent (large.test.ts).
  const empty = join(root, 'empty');
  mkdirSync(empty);
  const out = join(root, 'absent');
  const lines: string[] = [];
  await assert.rejects(runReproduce(['leukemia', '--quick', '--data-dir', empty, '--out', out], (l) => lines.push(l)), (e: unknown) => {
    assert.ok(e instanceof ReproduceUsageError);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /^leukemia: its data are not in .*empty \(where to get them: above\); nothing run, nothing written/);
    return true;
  });
  assert.match(lines.join('\n'), /leukemia: not run, its data are not present\.\n {2}data set "zheng2017-leukemia" is not in/);
  assert.ok(!existsSync(out));

  const cli = bcnmf(['leukemia', '--quick', '--data-dir', empty, '--out', out]);
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stdout, /10xgenomics\.com/);
  assert.match(cli.stderr, /^bcnmf: leukemia: its data are not in /);
  assert.ok(!existsSync(out));
});
