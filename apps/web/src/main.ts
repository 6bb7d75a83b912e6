// The page: file inputs (with drop zones), settings, the fitting worker, progress and
// results (ARI, score curve, embedding scatter, topic heatmap, downloads). Every error
// ends up in the #error box on the page.
import './style.css';
import { escapeXml } from '@bcnmf/plots';
import type { DenseMatrix } from '@bcnmf/core';
import type { DelimitedTable, FeatureAlignment, Orientation } from '@bcnmf/data/browser';
import type { InputFile, LoadedMatrix } from './inputs.js';
import type { BackendChoice, FitSettings, FromWorker, Loss, MatrixMessage, Preprocessing, ToWorker } from './protocol.js';
import { describeSource, enrichmentText, fitSummary, resultFiles, staleNote, type FitResult, type RunSource } from './results.js';
import { counted } from './words.js';

/** The demo: ALGORITHM.md §8 at half size (1,500 genes, 500 + 500 cells), as the CLI demo fits it. */
export const DEMO = { scale: 0.5, beta: 2, k: 2, alpha: 2, maxIter: 300 };

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

/** A problem the page reports in its own words (settings, missing files). */
class PageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageError';
  }
}

/** The target and background as they go to the worker (same features, same order), the target's labels, and what they are. */
interface Prepared {
  target: MatrixMessage;
  background: MatrixMessage;
  labels: string[] | null;
  source: RunSource;
}

/** The three file inputs. */
type Slot = 'target' | 'background' | 'labels';

const state: {
  target: InputFile | null;
  background: InputFile | null;
  labelsFile: { table: DelimitedTable; name: string } | null;
  worker: Worker | null;
  /** What the running fit runs on (null: nothing runs). */
  running: RunSource | null;
  result: FitResult | null;
  /** The inputs changed since the results shown were fitted (empty: they are of the current inputs). */
  changedSince: string[];
  downloadUrls: string[];
  /** The latest refresh: the inputs ready to run, or the error that stops them. */
  prepared: Promise<Prepared | Error> | null;
} = { target: null, background: null, labelsFile: null, worker: null, running: null, result: null, changedSince: [], downloadUrls: [], prepared: null };

/** True until the user picks from the labels list (and again after each new file). */
let labelChoiceAuto = true;

/**
 * Per file input, the file that could not be read and why: shown (in the error box and
 * the drop zone) until another file is chosen there, whatever else changes meanwhile.
 */
const unreadable: Record<Slot, { name: string; message: string } | null> = { target: null, background: null, labels: null };

/** Shows the problems of the files that could not be read, then `message` (none: only those). */
function showError(message: string | null): void {
  const box = $('error');
  const wasHidden = box.hidden;
  const lines = Object.values(unreadable).flatMap((problem) => (problem ? [problem.message] : []));
  if (message && !lines.includes(message)) lines.push(message);
  box.textContent = lines.join('\n');
  box.hidden = lines.length === 0;
  if (lines.length > 0 && (message || wasHidden)) box.scrollIntoView({ block: 'nearest' });
}

function clearError(): void {
  showError(null);
}

/** The message of an error as the page shows it: the text alone for the data package's and the page's own. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return ['Error', 'BcnmfError', 'PageError'].includes(error.name) ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}

window.addEventListener('error', (event) => showError(`Unexpected error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => showError(`Unexpected error: ${messageOf(event.reason)}`));

function setStatus(text: string): void {
  $('status').textContent = text;
}

// ---------------------------------------------------------------------------------------
// Files

type Inputs = typeof import('./inputs.js');
let loadingInputs: Promise<Inputs> | undefined;

/**
 * The file readers (src/inputs.ts over @bcnmf/data/browser, with @bcnmf/core's matrices),
 * loaded when the first file is chosen: the page's first load stays small (h5wasm, larger
 * still, loads only with the first .h5ad file).
 */
function inputsModule(): Promise<Inputs> {
  loadingInputs ??= import('./inputs.js');
  return loadingInputs;
}

type Figures = typeof import('./figures.js');
let loadingFigures: Promise<Figures> | undefined;

/** The charts (src/figures.ts over @bcnmf/plots and d3-scale), loaded with the first run. */
function chartsModule(): Promise<Figures> {
  loadingFigures ??= import('./figures.js');
  return loadingFigures;
}

function toMessage(inputs: Inputs, m: DenseMatrix): MatrixMessage {
  // a float32 copy, so that the loaded file stays usable for the next run
  return { data: Float32Array.from(m.data), shape: [m.rows, m.columns], sampleNames: inputs.sampleNamesOf(m), featureNames: inputs.featureNamesOf(m) };
}

/** The chosen labels of the target's samples: the labels, where they come from (`source`), and how they matched. */
function currentLabels(inputs: Inputs, target: LoadedMatrix): { labels: string[]; source: string; how: string } | null {
  const choice = ($('label-column') as HTMLSelectElement).value;
  if (choice === '@file' && state.labelsFile) {
    return { ...inputs.labelsFromFile(state.labelsFile.table, state.labelsFile.name, inputs.sampleNamesOf(target.matrix)), source: state.labelsFile.name };
  }
  if (choice.startsWith('col:')) {
    const name = choice.slice(4);
    const values = target.annotations[name];
    const source = `column "${name}" of ${target.fileName}`;
    if (values) return { labels: values, source, how: source };
  }
  return null;
}

/**
 * The labels list: none, the labels file, the target's label columns (with their number
 * of distinct values). Until the user picks, the labels file, else the column
 * inputs.defaultLabelColumn picks (named like a label, else text; never one value per sample).
 */
function refreshLabelChoices(target: LoadedMatrix | null, inputs: Inputs | null): void {
  const select = $('label-column') as HTMLSelectElement;
  const previous = select.value;
  const options: Array<[string, string]> = [['', 'none']];
  if (state.labelsFile) options.push(['@file', `labels file: ${state.labelsFile.name}`]);
  if (target) {
    for (const [name, values] of Object.entries(target.annotations)) {
      options.push([`col:${name}`, `column "${name}" of the target file (${counted(new Set(values).size, 'distinct value')})`]);
    }
  }
  select.replaceChildren(
    ...options.map(([value, text]) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = text;
      return option;
    }),
  );
  const values = options.map(([v]) => v);
  // the user's choice stands until a file changes; then the labels file, else the default column
  const column = target && inputs ? inputs.defaultLabelColumn(target.annotations) : null;
  select.value = !labelChoiceAuto && values.includes(previous) ? previous : state.labelsFile ? '@file' : column !== null ? `col:${column}` : '';
}

/** The message of Run without both files: which is missing, or could not be read. */
function missingFilesMessage(): string {
  const missing = (['target', 'background'] as const).filter((slot) => !state[slot]);
  const unread = missing.filter((slot) => unreadable[slot]);
  if (unread.length > 0) {
    const which = unread.map((slot) => `the ${slot} file (${unreadable[slot]!.name})`).join(' and ');
    return `Run needs files that can be read: ${which} could not be read, as said above. Choose another ${unread.join(' and ')} file.`;
  }
  return `Choose ${missing.map((slot) => `a ${slot}`).join(' and ')} file first (or run the built-in demo).`;
}

/**
 * Reads the chosen files in the chosen orientation, matches their features by the chosen
 * rule and the labels to the target's samples (and checks that they make groups), and
 * shows what it found, or the first problem (after those of files that could not be
 * read). Returns the inputs ready to run, or the problem. A later refresh supersedes an
 * earlier one, which then shows nothing.
 */
let refreshes = 0;
async function refreshData(id: number): Promise<Prepared | Error> {
  document.body.dataset.inputs = 'reading';
  const orientationChoice = ($('orientation') as HTMLSelectElement).value as 'auto' | Orientation;
  const align = ($('align') as HTMLSelectElement).value as FeatureAlignment;
  let orientationNote = '';
  let alignNote = '';
  let labelsNote = '';
  const summary: string[] = [];
  const reading: string[] = [];
  let target: LoadedMatrix | null = null;
  let failure: Error | null = null;
  let prepared: Prepared | null = null;
  try {
    if (state.target || state.background || state.labelsFile) {
      const inputs = await inputsModule();
      const { orientation, note, ambiguous } = inputs.chooseOrientation(orientationChoice, state.target, state.background);
      orientationNote = note;
      if (ambiguous) throw new PageError(ambiguous);
      if ([state.target, state.background].some((file) => file?.kind === 'table')) reading.push(orientation === 'features-in-rows' ? 'features in rows' : 'samples in rows');
      if (align !== 'exact') reading.push(`features matched by ${align}`);
      let background: LoadedMatrix | null = null;
      [target, background] = await Promise.all([
        state.target && inputs.matrixOf(state.target, orientation),
        state.background && inputs.matrixOf(state.background, orientation),
      ]);
      if (target) summary.push(`target (${target.fileName}): ${inputs.describeMatrix(target)}`);
      if (background) summary.push(`background (${background.fileName}): ${inputs.describeMatrix(background)}`);
      if (id !== refreshes) return new PageError('superseded');
      refreshLabelChoices(target, inputs);
      // features first: a file read the wrong way round also fails its labels
      const aligned = target && background ? inputs.alignInputs(target, background, align) : null;
      alignNote = aligned?.note ?? '';
      const labels = target ? currentLabels(inputs, target) : null;
      if (labels) {
        // checked now, not after the fit: the same rule as the ARI's (inputs.labelsProblem)
        const problem = inputs.labelsProblem(labels.labels, labels.source);
        labelsNote = problem ?? `${labels.how}; ${counted(new Set(labels.labels).size, 'group')}`;
        if (problem) throw new PageError(problem.charAt(0).toUpperCase() + problem.slice(1));
      } else if (target && ($('label-column') as HTMLSelectElement).value === '' && labelChoiceAuto && Object.keys(target.annotations).length > 0) {
        labelsNote = 'none picked: no column of the target file holds groups (2 to 50 of them, fewer than the samples; choose one by hand)';
      }
      if (aligned && state.target && state.background) {
        const source: RunSource = { kind: 'files', target: state.target.name, background: state.background.name, labels: labels?.source ?? null, reading: reading.join('; ') || null };
        prepared = { target: toMessage(inputs, aligned.target), background: toMessage(inputs, aligned.background), labels: labels?.labels ?? null, source };
      }
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  if (id !== refreshes) return new PageError('superseded');
  if (!target) refreshLabelChoices(null, null);
  $('orientation-note').textContent = orientationNote;
  $('align-note').textContent = alignNote;
  $('labels-note').textContent = labelsNote;
  $('data-summary').textContent = summary.join('; ');
  showError(failure ? messageOf(failure) : null);
  document.body.dataset.inputs = 'ready';
  return failure ?? prepared ?? new PageError(missingFilesMessage());
}

/** Refreshes after an input change; the run button waits for the latest refresh. */
function refresh(): Promise<void> {
  clearError();
  const running = refreshData(++refreshes);
  state.prepared = running;
  return running.then(() => undefined);
}

/**
 * An input changed (`what`: `the target file`, `the labels choice`, ...): a fit of the
 * files still running is stopped, since its results would be of the earlier inputs, and
 * results of the files on the page are marked as of the earlier inputs, naming them (they
 * stay, with their downloads, until the next run). The demo's results name the demo: no
 * file change touches them.
 */
function inputsChanged(what: string): void {
  if (state.worker && state.running?.kind === 'files') {
    const source = state.running;
    finish(state.worker);
    $('run-note').textContent = `The fit of ${describeSource(source)} was stopped: ${what} changed during it. Run again for the current inputs.`;
    setStatus('stopped: an input changed');
    document.body.dataset.stopped = 'input changed';
  }
  if (state.result?.source.kind === 'files' && !$('results').hidden) {
    if (!state.changedSince.includes(what)) state.changedSince.push(what);
    const note = $('results-stale');
    note.textContent = staleNote(state.result.source, state.changedSince.join(' and '));
    note.hidden = false;
    $('results').dataset.stale = 'true';
  }
}

/** Files being read now (each resolves to its error message, or null). */
const readingFiles = new Set<Promise<string | null>>();

/** Waits until no file is being read and the latest refresh is done; returns its outcome. */
async function inputsSettled(): Promise<Prepared | Error> {
  for (;;) {
    await Promise.all([...readingFiles]);
    const current = state.prepared;
    const outcome = current ? await current : new PageError(missingFilesMessage());
    if (readingFiles.size === 0 && current === state.prepared) return outcome;
  }
}

/** Per file input, how many files were chosen there: a read that a later choice replaced is dropped. */
const chosen: Record<Slot, number> = { target: 0, background: 0, labels: 0 };

/**
 * A file input and its drop zone: `read` reads the chosen file, `keep` holds it (null
 * while reading, and for a file that could not be read, whose drop zone says so). An
 * input emptied (no file chosen) removes its file.
 */
function wireFileInput<T>(slot: Slot, read: (file: File) => Promise<T>, keep: (value: T | null) => void): void {
  const input = $(`${slot}-file`) as HTMLInputElement;
  const drop = $(`${slot}-drop`);
  const name = $(`${slot}-name`);
  const placeholder = name.textContent;
  let current: string | null = null;
  const remove = (): void => {
    if (current === null) return;
    ++chosen[slot];
    inputsChanged(`the ${slot} file`);
    keep(null);
    unreadable[slot] = null;
    setStatus(`removed the ${slot} file ${current}`);
    current = null;
    name.textContent = placeholder;
    drop.classList.remove('loaded', 'failed');
    labelChoiceAuto = true;
    void refresh();
  };
  const handle = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    const choice = ++chosen[slot];
    current = file.name;
    const size = `${(file.size / 1024).toFixed(0)} KiB`;
    inputsChanged(`the ${slot} file`);
    keep(null);
    unreadable[slot] = null;
    name.textContent = `${file.name} (${size})`;
    drop.classList.remove('loaded', 'failed');
    labelChoiceAuto = true;
    clearError();
    setStatus(`reading ${file.name}`);
    const reading = read(file).then(
      (value) => {
        if (choice === chosen[slot]) keep(value);
        return null;
      },
      (error: unknown) => messageOf(error),
    );
    readingFiles.add(reading);
    const problem = await reading;
    readingFiles.delete(reading);
    if (choice !== chosen[slot]) return; // another file replaced this one meanwhile
    if (problem) {
      unreadable[slot] = { name: file.name, message: problem };
      name.textContent = `${file.name} (${size}): could not be read, not loaded (see the message above)`;
      drop.classList.add('failed');
    }
    await refresh();
    await inputsSettled();
    if (choice !== chosen[slot]) return;
    if (problem) {
      setStatus(`could not load ${file.name}`);
    } else {
      drop.classList.add('loaded');
      setStatus(`loaded ${file.name}`);
    }
  };
  input.addEventListener('change', () => (input.files?.length ? void handle(input.files[0]) : remove()));
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

wireFileInput(
  'target',
  async (file) => (await inputsModule()).readInputFile(file, file.name),
  (input) => (state.target = input),
);
wireFileInput(
  'background',
  async (file) => (await inputsModule()).readInputFile(file, file.name),
  (input) => (state.background = input),
);
wireFileInput(
  'labels',
  async (file) => ({ table: await (await inputsModule()).readLabelsTable(file, file.name), name: file.name }),
  (labels) => (state.labelsFile = labels),
);
$('orientation').addEventListener('change', () => {
  inputsChanged('the orientation');
  void refresh();
});
$('align').addEventListener('change', () => {
  inputsChanged('the feature matching');
  void refresh();
});
$('label-column').addEventListener('change', () => {
  labelChoiceAuto = false;
  inputsChanged('the labels choice');
  void refresh();
});

// ---------------------------------------------------------------------------------------
// Settings and running

function numberField(id: string, name: string, { min, integer }: { min: number; integer: boolean }): number {
  const text = ($(id) as HTMLInputElement).value.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new PageError(`${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min} (got ${JSON.stringify(text)})`);
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

/** Starts a fit of `source` in a new worker (the results section is hidden until it ends). */
function startWorker(message: ToWorker, transfer: Transferable[], source: RunSource): void {
  chartsModule().catch(() => {}); // loads while the fit runs; a failure is reported with the result
  state.worker?.terminate();
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  state.worker = worker;
  state.running = source;
  $('results').hidden = true;
  $('run-note').textContent = '';
  delete document.body.dataset.stopped;
  const progress = $('progress') as HTMLProgressElement;
  progress.value = 0;
  progress.max = message.settings.maxIter;
  $('backend-used').textContent = '';
  setRunning(true);
  const started = performance.now();
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    if (state.worker !== worker) return; // stopped (e.g. its input changed): its last messages are of no use
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
        setStatus(`done: ${counted(m.result.iterations, 'iteration')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        // the charts' module, loading since the run began, draws the results; the run ends with them
        chartsModule().then(
          (charts) => {
            if (state.worker !== worker) return; // stopped, or another run began, meanwhile
            finish(worker);
            showResult(m.result, charts);
          },
          (error: unknown) => {
            if (state.worker !== worker) return;
            finish(worker);
            setStatus('failed');
            showError(`The charts could not be loaded: ${messageOf(error)}`);
          },
        );
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
    if (state.worker !== worker) return;
    finish(worker);
    setStatus('failed');
    showError(`The computation stopped: ${event.message || 'the worker failed to load'}`);
  };
  worker.postMessage(message, transfer);
}

function finish(worker: Worker): void {
  worker.terminate();
  if (state.worker === worker) {
    state.worker = null;
    state.running = null;
  }
  setRunning(false);
}

$('run').addEventListener('click', () => {
  clearError();
  void (async () => {
    try {
      const settings = readSettings();
      const prepared = await inputsSettled();
      if (!state.target || !state.background) throw new PageError(missingFilesMessage());
      if (prepared instanceof Error) throw prepared;
      // copies, so that the prepared inputs stay usable for the next run
      const t = { ...prepared.target, data: prepared.target.data.slice() };
      const b = { ...prepared.background, data: prepared.background.data.slice() };
      startWorker({ type: 'fit', target: t, background: b, labels: prepared.labels, settings, source: prepared.source }, [t.data.buffer, b.data.buffer], prepared.source);
    } catch (error) {
      showError(messageOf(error));
    }
  })();
});

$('run-demo').addEventListener('click', () => {
  clearError();
  try {
    const seed = numberField('seed', 'seed', { min: 0, integer: true });
    const backend = ($('backend') as HTMLSelectElement).value as BackendChoice;
    startWorker(
      {
        type: 'demo',
        demo: { scale: DEMO.scale, beta: DEMO.beta },
        settings: { k: DEMO.k, alpha: DEMO.alpha, loss: 'frobenius', maxIter: DEMO.maxIter, tol: 0, seed, preprocessing: 'log1p-cp10k', backend },
      },
      [],
      { kind: 'demo', target: 'simulated target', background: 'simulated background', labels: 'the simulated programs', reading: null },
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

function showResult(result: FitResult, figures: Figures): void {
  state.result = result;
  state.changedSince = [];
  $('results').hidden = false;
  delete $('results').dataset.stale;
  $('results-stale').hidden = true;
  $('results-source').textContent = `Inputs: ${describeSource(result.source)}.`;
  const ari = $('ari');
  if (result.ari === null) {
    ari.textContent = 'no labels';
    delete ari.dataset.value;
  } else {
    ari.textContent = result.ari.toFixed(3);
    ari.dataset.value = String(result.ari);
  }
  $('fit-summary').textContent = fitSummary(result);

  const charts = figures.resultCharts(result);
  $('score-chart').innerHTML = charts.score;
  $('scatter').innerHTML = charts.scatter;
  $('heatmap').innerHTML = charts.heatmap;
  $('heatmap').insertAdjacentHTML('afterbegin', '<h3>Topic x feature weights: the top 10 features of each topic, each row scaled to its maximum</h3>');

  const rows = result.topics.map(
    (t) =>
      `<tr><td>${escapeXml(t.topic)}</td><td>${enrichmentText(t)}</td>` +
      `<td>${t.targetMean.toPrecision(3)}</td><td>${t.backgroundMean === null ? '–' : t.backgroundMean.toPrecision(3)}</td>` +
      `<td>${t.topFeatures.length === 0 ? '(no feature has weight)' : t.topFeatures.map((f) => escapeXml(f.name)).join(', ')}</td></tr>`,
  );
  $('topics').innerHTML =
    '<caption>Topics: log2 enrichment of each topic in the target against the background, its mean coefficient in each, and its top 10 features</caption>' +
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

void refresh().then(() => {
  document.body.dataset.ready = 'true';
});
