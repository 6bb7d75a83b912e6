/// <reference lib="webworker" />
// The fitting worker: picks a backend (WebGPU where the browser offers an adapter; else
// tfjs's WebAssembly backend: both registered by the bcnmf package's browser entry),
// preprocesses, runs bcNMF with
// progress messages, scores the embedding against the labels and sends the results.
// Everything runs here, in the browser: no data leave the page.
import { BcnmfError, DenseMatrix, fitBcnmf, useBackend, type BcnmfModel } from 'bcnmf';
import { log1p, normalizeTotal, simulateBetaSeries } from '@bcnmf/data/browser';
import { evaluateEmbedding, kmeans } from '@bcnmf/metrics';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { labelsProblem } from './labels.js';
import type { BackendChoice, FitSettings, FromWorker, MatrixMessage, ToWorker } from './protocol.js';
import { modelFileJson, PREPROCESSING, type FitResult, type RunSource } from './results.js';

declare const self: DedicatedWorkerGlobalScope;

// tfjs-backend-wasm fetches its .wasm next to the page unless told where they are; the
// three files are emitted into the build (assets/) by the ?url imports above.
setWasmPaths({
  'tfjs-backend-wasm.wasm': new URL(wasmPlain, self.location.href).href,
  'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, self.location.href).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreaded, self.location.href).href,
});

function post(message: FromWorker): void {
  self.postMessage(message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The backend to run on, and a note on why (shown on the page). */
async function chooseBackend(choice: BackendChoice): Promise<{ name: 'webgpu' | 'wasm' | 'cpu'; note: string }> {
  if (choice === 'wasm' || choice === 'cpu') {
    await useBackend(choice);
    return { name: choice, note: 'as chosen' };
  }
  const gpu = (self.navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  let reason: string | undefined;
  if (!gpu) {
    reason = 'this browser has no WebGPU';
  } else {
    type AdapterLike = { info?: { isFallbackAdapter?: boolean; architecture?: string; description?: string }; isFallbackAdapter?: boolean };
    let adapter = null as AdapterLike | null;
    try {
      adapter = (await gpu.requestAdapter()) as AdapterLike | null;
    } catch (error) {
      reason = `WebGPU adapter request failed: ${describe(error)}`;
    }
    const info = adapter?.info ?? {};
    const software =
      adapter !== null && (info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || /swiftshader|llvmpipe|software/i.test(`${info.architecture ?? ''} ${info.description ?? ''}`));
    if (!adapter) {
      reason ??= 'WebGPU gives no adapter here (no usable GPU)';
    } else if (software && choice === 'auto') {
      // a CPU rasterizer posing as a GPU (e.g. SwiftShader with the GPU disabled) runs
      // bcNMF far slower than WebAssembly; WebGPU can still be chosen explicitly
      reason = `WebGPU here is a software fallback (${info.architecture || 'no GPU'}), slower than WebAssembly; choose WebGPU under backend to use it anyway`;
    } else {
      try {
        await useBackend('webgpu');
        return { name: 'webgpu', note: `WebGPU${info.architecture ? ` on ${info.architecture}` : ''}${software ? ', a software fallback' : ''}` };
      } catch (error) {
        reason = /needs the package/.test(describe(error))
          ? 'the WebGPU backend (@bcnmf/backend-webgpu) is not part of this build'
          : `the WebGPU backend failed: ${describe(error).split(' (available here')[0]}`;
      }
    }
  }
  if (choice === 'webgpu') throw new BcnmfError('BACKEND_UNAVAILABLE', `WebGPU was asked for, but ${reason!}`);
  await useBackend('wasm');
  return { name: 'wasm', note: `WebAssembly, because ${reason!}` };
}

function preprocess(m: MatrixMessage, settings: FitSettings): DenseMatrix {
  const dense = new DenseMatrix({ data: m.data, shape: m.shape, rowNames: m.sampleNames, columnNames: m.featureNames });
  return settings.preprocessing === 'log1p-cp10k' ? log1p(normalizeTotal(dense)) : dense;
}

function resultOf(
  model: BcnmfModel,
  labels: string[] | null,
  settings: FitSettings,
  backend: string,
  source: RunSource,
  sampleNames: string[],
  featureNames: string[],
): FitResult {
  const H = model.Htarget;
  let clusters: number[];
  let ari: number | null = null;
  if (labels) {
    // the page checks the labels before the fit (the same rule); this guards the worker's own callers
    const problem = labelsProblem(labels, source.labels ?? undefined);
    if (problem) throw new BcnmfError('INVALID_DATA', problem);
    const evaluation = evaluateEmbedding(H, labels, { protocol: 'raw', nInit: 20, seed: settings.seed });
    clusters = evaluation.clusterLabels.map(Number);
    ari = evaluation.ari;
  } else {
    clusters = H.rows >= 2 ? kmeans(H, 2, { nInit: 20, seed: settings.seed }).labels : H.rows === 1 ? [0] : [];
  }
  return {
    source,
    Htarget: { data: H.data, shape: [H.rows, H.columns] },
    W: { data: model.W.data, shape: [model.W.rows, model.W.columns] },
    sampleNames,
    featureNames,
    history: model.history.map((h) => ({ iteration: h.iteration, score: h.score, targetError: h.targetError, backgroundError: h.backgroundError })),
    topics: model.topics({ top: 10 }).map((t) => ({
      topic: t.topic,
      targetMean: t.targetMean,
      backgroundMean: t.backgroundMean,
      enrichment: t.enrichment,
      topFeatures: t.topFeatures.map((f) => ({ index: f.index, name: f.name, weight: f.weight })),
    })),
    labels,
    clusters,
    ari,
    settings: {
      k: settings.k,
      alpha: settings.alpha,
      loss: settings.loss,
      maxIter: settings.maxIter,
      tol: settings.tol,
      seed: settings.seed,
      preprocessing: settings.preprocessing,
      backend,
    },
    scoreDirection: model.scoreDirection,
    backend,
    iterations: model.iterations,
    wallTimeMs: model.wallTimeMs,
    warnings: [...model.warnings],
    modelJson: modelFileJson(model.toJSON(), settings.preprocessing),
  };
}

/** Fits target against background; the page has matched their features already (@bcnmf/data's alignment rule). */
async function run(target: MatrixMessage, background: MatrixMessage, labels: string[] | null, settings: FitSettings, source: RunSource): Promise<void> {
  const X = preprocess(target, settings);
  const Y = preprocess(background, settings);
  post({
    type: 'data',
    targetShape: [X.rows, X.columns],
    backgroundShape: [Y.rows, Y.columns],
    description: `preprocessing ${PREPROCESSING[settings.preprocessing].name}`,
  });
  post({ type: 'status', text: 'starting the backend' });
  const backend = await chooseBackend(settings.backend);
  post({ type: 'backend', name: backend.name, note: backend.note });
  post({ type: 'status', text: 'fitting' });
  const model = await fitBcnmf(X, Y, {
    k: settings.k,
    alpha: settings.alpha,
    loss: settings.loss,
    maxIter: settings.maxIter,
    tol: settings.tol,
    seed: settings.seed,
    backend: backend.name,
    scoreEvery: 10,
    onWarning: (text) => post({ type: 'status', text: `warning: ${text}` }),
    onProgress: (event) =>
      post({
        type: 'progress',
        iteration: event.iteration,
        maxIter: settings.maxIter,
        score: event.score,
        targetError: event.targetError,
        backgroundError: event.backgroundError,
        elapsedMs: event.elapsedMs,
      }),
  });
  post({ type: 'status', text: 'scoring the embedding' });
  const result = resultOf(model, labels, settings, backend.name, source, target.sampleNames, target.featureNames);
  post({ type: 'result', result });
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  try {
    if (message.type === 'demo') {
      post({ type: 'status', text: `simulating (ALGORITHM.md §8 at scale ${message.demo.scale})` });
      const sim = simulateBetaSeries({ beta: message.demo.beta, seed: message.settings.seed, scale: message.demo.scale });
      const asNamed = (m: DenseMatrix): MatrixMessage => ({
        data: Float32Array.from(m.data),
        shape: [m.rows, m.columns],
        sampleNames: m.rowNames ? [...m.rowNames] : [],
        featureNames: m.columnNames ? [...m.columnNames] : [],
      });
      const labels = Array.from(sim.targetLabels, (l) => `program ${l}`);
      const source: RunSource = {
        kind: 'demo',
        target: `${sim.target.rows} simulated target cells`,
        background: `${sim.background.rows} background cells`,
        labels: 'the simulated target-only programs',
        reading: null,
      };
      await run(asNamed(sim.target), asNamed(sim.background), labels, message.settings, source);
    } else {
      await run(message.target, message.background, message.labels, message.settings, message.source);
    }
  } catch (error) {
    post({ type: 'error', message: describe(error) });
  }
};
