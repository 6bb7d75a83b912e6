import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The backends, registered as the bcnmf package's bin registers them before running the CLI.
import '@bcnmf/backend-cpu';
import '@bcnmf/backend-webgpu';
import '@bcnmf/backend-cuda';
import { main, type CliIO } from '../src/cli.js';

export interface RunResult {
  code: number;
  out: string;
  err: string;
  errLines: string[];
}

/** Runs the command line in-process; stdout and stderr lines are collected. */
export async function run(argv: string[], io: Partial<CliIO> = {}): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), ...io });
  return { code, out: out.join('\n'), err: err.join('\n'), errLines: err };
}

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `bcnmf` in a real child process (node --import tsx), as `pnpm bcnmf` does. */
export function runChild(argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/bcnmf/src/bin.ts', ...argv], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `bcnmf-cli-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a samples x features table as CSV: header `sample,<features>`, one line per sample. */
export function writeTable(path: string, samples: string[], features: string[], rows: number[][], transposed = false): void {
  const lines: string[] = [];
  if (!transposed) {
    lines.push(['sample', ...features].join(','));
    rows.forEach((row, i) => lines.push([samples[i], ...row.map(String)].join(',')));
  } else {
    lines.push(['feature', ...samples].join(','));
    features.forEach((f, j) => lines.push([f, ...rows.map((row) => String(row[j]))].join(',')));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** A small seeded generator (mulberry32), so test data are the same on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A tiny planted problem: background samples mix two shared programs; target samples
 * the same, plus a target-only program on half of them. Values rounded to 3 decimals.
 */
export function planted(seed = 1, nTarget = 16, nBackground = 14, nFeatures = 8): {
  features: string[];
  targetNames: string[];
  backgroundNames: string[];
  target: number[][];
  background: number[][];
  groups: string[];
} {
  const r = random(seed);
  const features = Array.from({ length: nFeatures }, (_, j) => `f${j + 1}`);
  const shared = (j: number, a: number) => (j < nFeatures / 2 ? a : 1 - a) * 4;
  const row = (special: boolean) => {
    const a = r();
    return features.map((_, j) => Math.round((shared(j, a) + r() * 0.5 + (special && j >= nFeatures - 2 ? 5 : 0)) * 1000) / 1000);
  };
  const groups = Array.from({ length: nTarget }, (_, i) => (i % 2 === 0 ? 'A' : 'B'));
  return {
    features,
    targetNames: Array.from({ length: nTarget }, (_, i) => `t${i + 1}`),
    backgroundNames: Array.from({ length: nBackground }, (_, i) => `b${i + 1}`),
    target: groups.map((g) => row(g === 'B')),
    background: Array.from({ length: nBackground }, () => row(false)),
    groups,
  };
}

/** Parses a CSV written by the command line (no quoting needed in these tests). */
export function readCsv(path: string): { header: string[]; names: string[]; values: number[][]; texts: string[][] } {
  const [headerLine, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const rows = lines.map((l) => l.split(','));
  return {
    header: headerLine.split(','),
    names: rows.map((r) => r[0]),
    values: rows.map((r) => r.slice(1).map(Number)),
    texts: rows.map((r) => r.slice(1)),
  };
}

export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Writes a 10x folder (matrix.mtx genes x cells, features.tsv, barcodes.tsv) of a samples
 * x features table; the barcodes are `AAAC<sample>-1`, returned in order.
 */
export function writeTenxFolder(dir: string, samples: string[], features: string[], rows: number[][]): string[] {
  mkdirSync(dir);
  const barcodes = samples.map((n) => `AAAC${n}-1`);
  writeFileSync(join(dir, 'barcodes.tsv'), barcodes.join('\n') + '\n');
  writeFileSync(join(dir, 'features.tsv'), features.map((f) => `ENSG_${f}\t${f}\tGene Expression`).join('\n') + '\n');
  const entries: string[] = [];
  rows.forEach((row, c) => row.forEach((v, g) => v !== 0 && entries.push(`${g + 1} ${c + 1} ${v}`)));
  writeFileSync(join(dir, 'matrix.mtx'), `%%MatrixMarket matrix coordinate real general\n${features.length} ${barcodes.length} ${entries.length}\n${entries.join('\n')}\n`);
  return barcodes;
}
