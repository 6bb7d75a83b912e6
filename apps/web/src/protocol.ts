// Messages between the page and its fitting worker.
import type { FitResult, RunSource } from './results.js';

export type Loss = 'frobenius' | 'poisson';
export type Preprocessing = 'none' | 'log1p-cp10k';
export type BackendChoice = 'auto' | 'webgpu' | 'wasm' | 'cpu';

/** A samples x features matrix crossing to the worker (its buffer is transferred). */
export interface MatrixMessage {
  data: Float32Array;
  shape: [number, number];
  sampleNames: string[];
  featureNames: string[];
}

export interface FitSettings {
  k: number;
  alpha: number;
  loss: Loss;
  maxIter: number;
  seed: number;
  tol: number;
  preprocessing: Preprocessing;
  backend: BackendChoice;
}

/** The built-in demo: the simulation of ALGORITHM.md §8 at `scale`, made in the worker. */
export interface DemoSettings {
  scale: number;
  beta: number;
}

export type ToWorker =
  | { type: 'fit'; target: MatrixMessage; background: MatrixMessage; labels: string[] | null; settings: FitSettings; source: RunSource }
  | { type: 'demo'; demo: DemoSettings; settings: FitSettings };

export type FromWorker =
  | { type: 'status'; text: string }
  | { type: 'backend'; name: string; note: string }
  | { type: 'data'; targetShape: [number, number]; backgroundShape: [number, number]; description: string }
  | { type: 'progress'; iteration: number; maxIter: number; score: number; targetError: number; backgroundError: number | null; elapsedMs: number }
  | { type: 'result'; result: FitResult }
  | { type: 'error'; message: string };
