// checkInterrupted sees a Ctrl-C that arrived during synchronous work, also when that
// work ran in an I/O callback (where one setImmediate resolves before the loop reads the
// signal): in a real process, with a real SIGINT.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const module = fileURLToPath(new URL('../src/interrupt-check.ts', import.meta.url));

function runScript(script: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    timeout: 60_000,
  });
}

it('a SIGINT during synchronous work in an I/O callback is seen by the next check', () => {
  const script = `
    import { readFile } from 'node:fs';
    const { checkInterrupted } = await import(${JSON.stringify(module)});
    const controller = new AbortController();
    process.on('SIGINT', () => controller.abort(new Error('interrupted')));
    readFile(${JSON.stringify(module)}, () => {
      process.kill(process.pid, 'SIGINT');
      const until = Date.now() + 100;
      while (Date.now() < until); // the write: the signal waits in libuv's pipe
      checkInterrupted(controller.signal).then(() => console.log('missed'), (e) => console.log('seen: ' + e.message));
    });`;
  for (let run = 0; run < 3; run++) {
    const child = runScript(script);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), 'seen: interrupted');
  }
});
