// The page: file inputs (with drop zones), settings, the fitting worker, progress and
// results (ARI, score curve, embedding scatter, topic heatmap, downloads). Every error
// ends up in the #error box on the page.
import './style.css';
import { heatmapChart, lineChart, scatterChart, escapeXml } from './charts.js';
import {
  FileFormatError,
  guessOrientation,
  readDelimitedTable,
  readLabelsFile,
  tableToMatrix,
  type DelimitedTable,
  type LoadedMatrix,
  type Orientation,
} from './csv.js';
import type { BackendChoice, FitSettings, FromWorker, Loss, MatrixMessage, Preprocessing, ToWorker } from './protocol.js';
import { resultFiles, scatterCoordinates, type FitResult } from './results.js';

/** The demo: ALGORITHM.md §8 at half size (1,500 genes, 500 + 500 cells), as the CLI demo fits it. */
export const DEMO = { scale: 0.5, beta: 2, k: 2, alpha: 2, maxIter: 300 };

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

type Source = { kind: 'table'; table: DelimitedTable } | { kind: 'matrix'; matrix: LoadedMatrix };

const state: {
  target: Source | null;
  background: Source | null;
  labelsFile: { text: string; name: string } | null;
  worker: Worker | null;
  result: FitResult | null;
  downloadUrls: string[];
} = { target: null, background: null, labelsFile: null, worker: null, result: null, downloadUrls: [] };

/** True until the user picks from the labels list (and again after each new file). */
let labelChoiceAuto = true;

function showError(message: string): void {
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

function clearError(): void {
  const box = $('error');
  box.textContent = '';
  box.hidden = true;
}

function messageOf(error: unknown): string {
  if (error instanceof FileFormatError) return error.message;
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}

window.addEventListener('error', (event) => showError(`Unexpected error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => showError(`Unexpected error: ${messageOf(event.reason)}`));

function setStatus(text: string): void {
  $('status').textContent = text;
}

// ---------------------------------------------------------------------------------------
// Files

async function readSource(file: File): Promise<Source> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const isHdf5 = head.length === 8 && head[0] === 0x89 && head[1] === 0x48 && head[2] === 0x44 && head[3] === 0x46;
  if (file.name.toLowerCase().endsWith('.h5ad') || isHdf5) {
    setStatus(`reading ${file.name} (HDF5)`);
    const { readH5adBytes } = await import('./h5ad.js');
    return { kind: 'matrix', matrix: await readH5adBytes(new Uint8Array(await file.arrayBuffer()), file.name) };
  }
  if (file.size === 0) throw new FileFormatError(`${file.name} is empty`);
  const text = await file.text();
  if (text.includes('\u0000')) {
    throw new FileFormatError(`${file.name} is a binary file, not CSV/TSV text (nor HDF5): choose a .csv, .tsv or .h5ad file`);
  }
  return { kind: 'table', table: readDelimitedTable(text, file.name) };
}

function chosenOrientation(): { orientation: Orientation; note: string } {
  const choice = ($('orientation') as HTMLSelectElement).value as 'auto' | Orientation;
  const tables = [state.target, state.background].filter((s): s is { kind: 'table'; table: DelimitedTable } => s?.kind === 'table');
  if (choice !== 'auto') return { orientation: choice, note: 'as chosen' };
  if (tables.length === 0) return { orientation: 'samples-in-rows', note: '' };
  const target = state.target?.kind === 'table' ? state.target.table : tables[0].table;
  const background = state.background?.kind === 'table' && state.target?.kind === 'table' ? state.background.table : null;
  const guess = guessOrientation(target, background);
  const label = guess.orientation === 'features-in-rows' ? 'features in rows' : 'samples in rows';
  return { orientation: guess.orientation, note: `detected: ${label}, because ${guess.reason}` };
}

function matrixOf(source: Source, orientation: Orientation): LoadedMatrix {
  return source.kind === 'matrix' ? source.matrix : tableToMatrix(source.table, orientation);
}

/** The target and background as matrices under the current orientation, or null (with the error shown). */
function currentMatrices(): { target: LoadedMatrix | null; background: LoadedMatrix | null } {
  const { orientation, note } = chosenOrientation();
  $('orientation-note').textContent = note;
  const target = state.target ? matrixOf(state.target, orientation) : null;
  const background = state.background ? matrixOf(state.background, orientation) : null;
  return { target, background };
}

function describeMatrix(m: LoadedMatrix): string {
  return `${m.rows.toLocaleString('en')} samples x ${m.columns.toLocaleString('en')} features` + (m.missingCount ? `, ${m.missingCount} missing values` : '');
}

/** Recomputes the matrices, the label choices and the data summary after any input change. */
function refreshData(): void {
  clearError();
  const select = $('label-column') as HTMLSelectElement;
  const previous = select.value;
  let target: LoadedMatrix | null = null;
  let background: LoadedMatrix | null = null;
  try {
    ({ target, background } = currentMatrices());
  } catch (error) {
    showError(messageOf(error));
  }
  const options: Array<[string, string]> = [['', 'none']];
  if (state.labelsFile) options.push(['@file', `labels file: ${state.labelsFile.name}`]);
  if (target) for (const name of Object.keys(target.annotations)) options.push([`col:${name}`, `column "${name}" of the target file`]);
  select.replaceChildren(
    ...options.map(([value, text]) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = text;
      return option;
    }),
  );
  const values = options.map(([v]) => v);
  // the user's choice stands until a file changes; then the labels file, else the first label column
  select.value = !labelChoiceAuto && values.includes(previous) ? previous : state.labelsFile ? '@file' : (values[1] ?? '');
  const summary: string[] = [];
  if (target) summary.push(`target (${target.fileName}): ${describeMatrix(target)}`);
  if (background) summary.push(`background (${background.fileName}): ${describeMatrix(background)}`);
  $('data-summary').textContent = summary.join('; ');
  refreshLabelsNote(target);
}

function refreshLabelsNote(target: LoadedMatrix | null): void {
  const note = $('labels-note');
  note.textContent = '';
  if (!target) return;
  try {
    const labels = currentLabels(target);
    if (labels) note.textContent = `${labels.how}; ${new Set(labels.labels).size} groups`;
  } catch (error) {
    showError(messageOf(error));
  }
}

function currentLabels(target: LoadedMatrix): { labels: string[]; how: string } | null {
  const choice = ($('label-column') as HTMLSelectElement).value;
  if (choice === '@file' && state.labelsFile) return readLabelsFile(state.labelsFile.text, state.labelsFile.name, target.sampleNames);
  if (choice.startsWith('col:')) {
    const name = choice.slice(4);
    const values = target.annotations[name];
    if (values) return { labels: values, how: `column "${name}" of ${target.fileName}` };
  }
  return null;
}

function wireFileInput(inputId: string, dropId: string, nameId: string, onFile: (file: File) => Promise<void>): void {
  const input = $(inputId) as HTMLInputElement;
  const drop = $(dropId);
  const handle = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    $(nameId).textContent = `${file.name} (${(file.size / 1024).toFixed(0)} KiB)`;
    drop.classList.remove('loaded');
    labelChoiceAuto = true;
    clearError();
    try {
      await onFile(file);
      drop.classList.add('loaded');
      setStatus(`loaded ${file.name}`);
    } catch (error) {
      showError(messageOf(error));
      setStatus(`could not load ${file.name}`);
    }
    refreshDataKeepingError();
  };
  input.addEventListener('change', () => void handle(input.files?.[0]));
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    void handle(event.dataTransfer?.files?.[0]);
  });
}

/** refreshData, but a file error shown just before stays visible. */
function refreshDataKeepingError(): void {
  const box = $('error');
  const shown = box.hidden ? null : box.textContent;
  refreshData();
  if (shown && box.hidden) showError(shown);
}

wireFileInput('target-file', 'target-drop', 'target-name', async (file) => {
  state.target = null;
  state.target = await readSource(file);
});
wireFileInput('background-file', 'background-drop', 'background-name', async (file) => {
  state.background = null;
  state.background = await readSource(file);
});
wireFileInput('labels-file', 'labels-drop', 'labels-name', async (file) => {
  state.labelsFile = null;
  const text = await file.text();
  if (text.trim() === '') throw new FileFormatError(`${file.name} is empty`);
  state.labelsFile = { text, name: file.name };
});
$('orientation').addEventListener('change', refreshData);
$('label-column').addEventListener('change', () => {
  labelChoiceAuto = false;
  refreshData();
});

// ---------------------------------------------------------------------------------------
// Settings and running

function numberField(id: string, name: string, { min, integer }: { min: number; integer: boolean }): number {
  const text = ($(id) as HTMLInputElement).value.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new FileFormatError(`${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min} (got ${JSON.stringify(text)})`);
  }
  return value;
}

function readSettings(): FitSettings {
  return {
    k: numberField('k', 'k', { min: 1, integer: true }),
    alpha: numberField('alpha', 'alpha', { min: 0, integer: false }),
    loss: ($('loss') as HTMLSelectElement).value as Loss,
    maxIter: numberField('max-iter', 'iterations', { min: 1, integer: true }),
    seed: numberField('seed', 'seed', { min: 0, integer: true }),
    tol: 1e-4,
    preprocessing: ($('preprocessing') as HTMLSelectElement).value as Preprocessing,
    backend: ($('backend') as HTMLSelectElement).value as BackendChoice,
  };
}

function setRunning(running: boolean): void {
  ($('run') as HTMLButtonElement).disabled = running;
  ($('run-demo') as HTMLButtonElement).disabled = running;
  ($('stop') as HTMLButtonElement).disabled = !running;
  document.body.dataset.state = running ? 'running' : 'idle';
}

function startWorker(message: ToWorker, transfer: Transferable[]): void {
  state.worker?.terminate();
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  state.worker = worker;
  const progress = $('progress') as HTMLProgressElement;
  progress.value = 0;
  progress.max = message.settings.maxIter;
  $('backend-used').textContent = '';
  setRunning(true);
  const started = performance.now();
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const m = event.data;
    switch (m.type) {
      case 'status':
        setStatus(m.text);
        break;
      case 'data':
        $('data-summary').textContent = `fitting target ${m.targetShape[0]} x ${m.targetShape[1]} against background ${m.backgroundShape[0]} x ${m.backgroundShape[1]} (${m.description})`;
        break;
      case 'backend':
        $('backend-used').textContent = `backend: ${m.name} (${m.note})`;
        document.body.dataset.backend = m.name;
        break;
      case 'progress':
        progress.value = m.iteration;
        setStatus(`iteration ${m.iteration} of at most ${m.maxIter}: score ${m.score.toPrecision(5)} (${(m.elapsedMs / 1000).toFixed(1)} s)`);
        break;
      case 'result':
        progress.value = progress.max;
        setStatus(`done: ${m.result.iterations} iterations in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        finish(worker);
        showResult(m.result);
        break;
      case 'error':
        finish(worker);
        setStatus('failed');
        showError(m.message);
        break;
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    finish(worker);
    setStatus('failed');
    showError(`The computation stopped: ${event.message || 'the worker failed to load'}`);
  };
  worker.postMessage(message, transfer);
}

function finish(worker: Worker): void {
  worker.terminate();
  if (state.worker === worker) state.worker = null;
  setRunning(false);
}

function toMessage(m: LoadedMatrix): MatrixMessage {
  // a copy, so that the loaded file stays usable for the next run
  return { data: m.data.slice(), shape: [m.rows, m.columns], sampleNames: m.sampleNames, featureNames: m.featureNames };
}

$('run').addEventListener('click', () => {
  clearError();
  try {
    if (!state.target || !state.background) {
      throw new FileFormatError(`Choose ${!state.target ? 'a target' : ''}${!state.target && !state.background ? ' and ' : ''}${!state.background ? 'a background' : ''} file first (or run the built-in demo).`);
    }
    const settings = readSettings();
    const { target, background } = currentMatrices();
    const labels = currentLabels(target!);
    const t = toMessage(target!);
    const b = toMessage(background!);
    $('results').hidden = true;
    startWorker({ type: 'fit', target: t, background: b, labels: labels?.labels ?? null, settings }, [t.data.buffer, b.data.buffer]);
  } catch (error) {
    showError(messageOf(error));
  }
});

$('run-demo').addEventListener('click', () => {
  clearError();
  try {
    const seed = numberField('seed', 'seed', { min: 0, integer: true });
    const backend = ($('backend') as HTMLSelectElement).value as BackendChoice;
    $('results').hidden = true;
    startWorker(
      {
        type: 'demo',
        demo: { scale: DEMO.scale, beta: DEMO.beta },
        settings: { k: DEMO.k, alpha: DEMO.alpha, loss: 'frobenius', maxIter: DEMO.maxIter, tol: 0, seed, preprocessing: 'log1p-cp10k', backend },
      },
      [],
    );
  } catch (error) {
    showError(messageOf(error));
  }
});

$('stop').addEventListener('click', () => {
  if (state.worker) {
    finish(state.worker);
    setStatus('stopped');
  }
});

$('demo-note').textContent =
  `The demo simulates the paper's count model (ALGORITHM.md §8) at scale ${DEMO.scale}: ${1500} genes, 500 target and 500 background cells, ` +
  `five programs shared with the background (beta = ${DEMO.beta}) and two target-only programs that split the target cells in two groups; ` +
  `log1p(counts per 10,000), k = ${DEMO.k}, alpha = ${DEMO.alpha}, ${DEMO.maxIter} iterations, seed from the settings.`;

// ---------------------------------------------------------------------------------------
// Results

function showResult(result: FitResult): void {
  state.result = result;
  $('results').hidden = false;
  const ari = $('ari');
  if (result.ari === null) {
    ari.textContent = 'no labels';
    delete ari.dataset.value;
  } else {
    ari.textContent = result.ari.toFixed(3);
    ari.dataset.value = String(result.ari);
  }
  const s = result.settings;
  $('fit-summary').textContent =
    `k = ${s.k}, alpha = ${s.alpha}, ${s.loss}, ${result.iterations} iterations, backend ${result.backend}, ` +
    `${(result.wallTimeMs / 1000).toFixed(1)} s fitting` + (result.warnings.length ? `; warnings: ${result.warnings.join('; ')}` : '');

  $('score-chart').innerHTML = lineChart(
    result.history.map((h) => h.iteration),
    result.history.map((h) => h.score),
    { title: `Tracked score (${result.scoreDirection === 'minimize' ? 'lower' : 'higher'} is better)`, xLabel: 'iteration', yLabel: 'score' },
  );
  const coords = scatterCoordinates(result.Htarget);
  $('scatter').innerHTML = scatterChart(coords.x, coords.y, result.labels ?? result.clusters.map((c) => `cluster ${c + 1}`), {
    title: result.labels ? 'Target embedding, coloured by label' : 'Target embedding, coloured by k-means cluster (no labels)',
    xLabel: coords.xLabel,
    yLabel: coords.yLabel,
  });

  // heatmap: topics x the union of each topic's top features
  const [k, m] = result.W.shape;
  const columns: number[] = [];
  for (const topic of result.topics) for (const f of topic.topFeatures) if (!columns.includes(f.index)) columns.push(f.index);
  const values = new Float64Array(k * columns.length);
  for (let t = 0; t < k; t++) for (let c = 0; c < columns.length; c++) values[t * columns.length + c] = result.W.data[t * m + columns[c]];
  $('heatmap').innerHTML = heatmapChart(
    values,
    result.topics.map((t) => t.topic),
    columns.map((j) => result.featureNames[j] ?? String(j)),
    { title: 'Topic x feature weights' },
  );
  $('heatmap').insertAdjacentHTML('afterbegin', '<h3>Topic x feature weights: the top 10 features of each topic, each row scaled to its maximum</h3>');

  const rows = result.topics.map(
    (t) =>
      `<tr><td>${escapeXml(t.topic)}</td><td>${t.enrichment === null ? '–' : t.enrichment.toFixed(2)}</td>` +
      `<td>${t.targetMean.toPrecision(3)}</td><td>${t.backgroundMean === null ? '–' : t.backgroundMean.toPrecision(3)}</td>` +
      `<td>${t.topFeatures.map((f) => escapeXml(f.name)).join(', ')}</td></tr>`,
  );
  $('topics').innerHTML =
    '<thead><tr><th>topic</th><th>log2 enrichment (target / background)</th><th>mean in target</th><th>mean in background</th><th>top features</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody>`;

  for (const url of state.downloadUrls) URL.revokeObjectURL(url);
  state.downloadUrls = [];
  const list = $('downloads');
  list.replaceChildren(
    ...resultFiles(result).map((file) => {
      const url = URL.createObjectURL(new Blob([file.content], { type: file.type }));
      state.downloadUrls.push(url);
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = url;
      link.download = file.name;
      link.textContent = file.name;
      link.dataset.file = file.name;
      item.append(link, ` (${(file.content.length / 1024).toFixed(1)} KiB)`);
      return item;
    }),
  );
  document.body.dataset.state = 'done';
}

// Offline: the service worker (sw.js, written by the build) caches every file of the page.
if (import.meta.env.PROD && 'serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker
    .register('./sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then(() => {
      $('offline').textContent = 'This page is stored in the browser and works offline.';
      document.body.dataset.offline = 'ready';
    })
    .catch((error: unknown) => {
      $('offline').textContent = `Offline storage unavailable (${messageOf(error)}); the page works while this tab stays open.`;
    });
}

refreshData();
document.body.dataset.ready = 'true';
