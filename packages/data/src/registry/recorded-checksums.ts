import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BcnmfError } from '@bcnmf/core';

/** Name of the file, in a set's folder, that keeps the sha256 recorded by `trustFirstDownload`. */
export const RECORDED_CHECKSUMS_FILE = 'checksums.json';

/** A sha256 recorded on purpose (`trustFirstDownload`) for a file the manifest has no hash for. */
export interface RecordedChecksum {
  sha256: string;
  /** Bytes of the file recorded. */
  size: number;
  /** Where it was downloaded from. */
  url: string;
  /** When (ISO 8601). */
  recordedAt: string;
  /** How it came to be trusted: the user asked for the first download to be trusted. */
  recordedBy: 'trust-first-download';
}

/** What a set's `checksums.json` holds. */
export interface RecordedChecksums {
  /** Entries recorded on purpose, by manifest path: checked like a pinned sha256. */
  trusted: Record<string, RecordedChecksum>;
  /**
   * Bare `"path": "sha256"` entries, which earlier versions wrote at every first download
   * without being asked (an HTML login page could end up there): not trusted.
   */
  untrusted: Record<string, string>;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Reads `<dir>/checksums.json`; an absent file is empty, a damaged one is refused (INVALID_DATA). */
export function readRecordedChecksums(dir: string): RecordedChecksums {
  const path = join(dir, RECORDED_CHECKSUMS_FILE);
  const result: RecordedChecksums = { trusted: {}, untrusted: {} };
  if (!existsSync(path)) return result;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new BcnmfError('INVALID_DATA', `${path} is not valid JSON; delete it (the recorded checksums are lost) and download the set again`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BcnmfError('INVALID_DATA', `${path} is not a JSON object of recorded checksums; delete it and download the set again`);
  }
  for (const [file, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value === 'string' && HEX64.test(value)) {
      result.untrusted[file] = value;
    } else if (value !== null && typeof value === 'object' && typeof (value as RecordedChecksum).sha256 === 'string' && HEX64.test((value as RecordedChecksum).sha256)) {
      result.trusted[file] = value as RecordedChecksum;
    } else {
      throw new BcnmfError('INVALID_DATA', `${path}: the entry for "${file}" is not a recorded sha256; delete it and download the set again`);
    }
  }
  return result;
}

/** Adds entries to `<dir>/checksums.json` (others kept), written to a temporary file and renamed. */
export function addRecordedChecksums(dir: string, entries: Record<string, RecordedChecksum>): string {
  const path = join(dir, RECORDED_CHECKSUMS_FILE);
  const existing = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  try {
    writeFileSync(temp, JSON.stringify({ ...existing, ...entries }, null, 2) + '\n');
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  return path;
}
