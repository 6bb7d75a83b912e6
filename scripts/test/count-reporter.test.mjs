// The summary tells the truth: scripts/count-reporter.mjs counts a skipped suite (whose
// tests never report) as a skip, with its reason, and scripts/ci-allowed-skips.mjs lets
// only the listed reasons through a CI run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CI_ALLOWED_SKIPS, disallowedSkips } from '../ci-allowed-skips.mjs';

const reporter = fileURLToPath(new URL('../count-reporter.mjs', import.meta.url));

/** Runs `source` as a test file under the count reporter; its JSON. */
function counted(source) {
  const dir = mkdtempSync(join(tmpdir(), 'bcnmf-count-'));
  try {
    writeFileSync(join(dir, 'sample.test.mjs'), source);
    const out = join(dir, 'counts.json');
    // a node --test inside a test run reports to that run unless NODE_TEST_CONTEXT is cleared
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    spawnSync(process.execPath, ['--test', `--test-reporter=${reporter}`, `--test-reporter-destination=${out}`, join(dir, 'sample.test.mjs')], { cwd: dir, env });
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the test summary', () => {
  it('counts a skipped suite once, with its reason, beside skipped, todo, passing and failing tests', () => {
    const counts = counted(`
      import { describe, it, test } from 'node:test';
      describe('browser suite', { skip: 'chromium not found at /x' }, () => { it('a', () => {}); it('b', () => {}); });
      describe('other', () => {
        it('needs sklearn', { skip: 'needs Debian python3-sklearn' }, () => {});
        it('skips at run time', (t) => t.skip('no adapter'));
        it('passes', () => {});
        it('fails', () => { throw new Error('no'); });
      });
      test('unexplained', { skip: true }, () => {});
      test('later', { todo: 'not written yet' }, () => {});
    `);
    assert.equal(counts.passed, 1);
    assert.equal(counts.failed, 1);
    assert.equal(counts.skipped, 5);
    assert.deepEqual(
      counts.skips.map((s) => [s.kind, s.name, s.reason]),
      [
        ['suite', 'browser suite', 'chromium not found at /x'],
        ['test', 'needs sklearn', 'needs Debian python3-sklearn'],
        ['test', 'skips at run time', 'no adapter'],
        ['test', 'unexplained', '(no reason given)'],
        ['test', 'later', 'todo: not written yet'],
      ],
    );
  });

  it('under CI, lets through only the listed skips (the cuda backend), not a missing package, data set or browser', () => {
    const skip = (reason) => ({ file: 'f', name: 'n', kind: 'test', reason });
    const cuda = skip('the cuda backend cannot run here: neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed');
    const refused = [
      skip('needs Debian python3-sklearn for /usr/bin/python3 (apt-get install python3-sklearn)'),
      skip('the shared data sets are not in /work/shared/datasets'),
      { ...skip('chromium not found at /usr/bin/chromium'), kind: 'suite' },
      skip('no WebGPU adapter here: no adapter'),
      skip('(no reason given)'),
    ];
    assert.deepEqual(disallowedSkips([cuda, ...refused]), refused);
    assert.ok(CI_ALLOWED_SKIPS.every((a) => a.why.length > 0));
  });
});
