// Code blocks of the docs that the tests run, so that the docs cannot drift from the
// code: a block marked `<!-- tested: PATH -->` (the test that runs it) on the line before
// its opening ```ts fence.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The ```ts block of `doc` (a path from the repository root) marked as tested by `test`. */
export function testedBlock(doc: string, test: string): string {
  const text = readFileSync(join(root, doc), 'utf8');
  const marker = `<!-- tested: ${test} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${doc} has no block marked ${marker}`);
  const block = /^\s*```ts\n([\s\S]*?)```/.exec(text.slice(at + marker.length));
  if (!block) throw new Error(`${doc}: no \`\`\`ts block right after ${marker}`);
  return block[1];
}

/**
 * Writes the tested block of `doc` to `file` (a path from the repository root, where its
 * imports resolve), imports it, and removes the file again.
 */
export async function importTestedBlock<T>(doc: string, test: string, file: string): Promise<T> {
  const path = join(root, file);
  writeFileSync(path, `// generated from ${doc} by ${test}; do not edit\n${testedBlock(doc, test)}`);
  try {
    return (await import(path)) as T;
  } finally {
    rmSync(path, { force: true });
  }
}
