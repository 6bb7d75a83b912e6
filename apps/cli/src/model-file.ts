import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BcnmfModel } from '@bcnmf/core';
import { UsageError } from './errors.js';

/** Loads a model.json written by `bcnmf fit` (or the folder that holds it). */
export function loadModel(path: string): { model: BcnmfModel; path: string } {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.json') : path;
  if (!existsSync(file)) throw new UsageError(`--model ${file}: no such file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--model ${file} is not JSON: ${(error as Error).message}`);
  }
  try {
    return { model: BcnmfModel.load(json), path: file };
  } catch (error) {
    throw new UsageError(`--model ${file}: ${(error as Error).message}`);
  }
}
