// A node:test reporter that counts leaf tests and writes, when the run ends, JSON
// {"passed","failed","skipped","skips"}. A skipped suite (a `describe` with `skip`) runs
// none of its tests and reports none of them, so it counts as one skipped entry itself;
// `skips` lists every skipped test or suite with its file and its reason.
import { relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, skips: [] };
  const skipped = (data, kind) => {
    counts.skipped += 1;
    const reason = data.todo ? `todo${typeof data.todo === 'string' ? `: ${data.todo}` : ''}` : typeof data.skip === 'string' ? data.skip : '(no reason given)';
    counts.skips.push({ file: data.file ? relative(root, data.file) : '', name: data.name, kind, reason });
  };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const details = event.data.details ?? {};
    if (details.type === 'suite') {
      // A suite that failed outside its tests (a hook, a load error) still counts.
      if (event.type === 'test:fail' && details.error?.failureType !== 'subtestsFailed') counts.failed += 1;
      else if (event.data.skip || event.data.todo) skipped(event.data, 'suite');
      continue;
    }
    if (event.data.skip || event.data.todo) skipped(event.data, 'test');
    else if (event.type === 'test:pass') counts.passed += 1;
    else counts.failed += 1;
  }
  yield JSON.stringify(counts);
}
