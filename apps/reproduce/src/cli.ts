import { resolve } from 'node:path';
import { AUTO_BACKEND, backendNames, defaultBackendChain, useBackend } from '@bcnmf/core';
import { parseArgs } from 'node:util';
import { defaultDataDir } from './datadir.js';
import { ReproduceUsageError } from './errors.js';
import { EXPERIMENT_NAMES, EXPERIMENTS, getExperiment } from './registry.js';
import { backendCheckMarkdown, tableMarkdown } from './report/markdown.js';
import type { ReproduceReport } from './report/types.js';
import { checkOutDir, writeReport } from './report/write.js';
import { SETTINGS_NAMES, type Availability, type Experiment, type MethodRunEvent, type RunOverrides, type SettingsName } from './types.js';
import { nativeLinalgStatus } from '@bcnmf/baselines';
import { runEnvironment } from './environment.js';

/** Default output folder, relative to the working directory. */
export const DEFAULT_OUT_DIR = 'bcnmf-report';

/** `text` in lines of at most `width` characters, each indented by `indent` spaces (help text). */
function wrapHelp(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l).join('\n');
}

export const REPRODUCE_USAGE = `bcnmf reproduce NAME [--settings notebook|table|both] [--out DIR] [--seeds N] [--quick] [--data-dir DIR] [--backend NAME] [--check-backend NAME]

Regenerates a table of the bcNMF paper (ALGORITHM.md §7-8): every method of the
experiment, mean ± sd of the ARI over seeds, beside reference values that each name
their source (paper, reference notebook, or untraced). Writes Markdown, CSV and JSON
tables and SVG (and PNG) figures into --out.

NAME: ${EXPERIMENT_NAMES.join(', ')},
or all (every experiment whose data are present; the others are listed as not run).
An experiment named alone whose data are absent is refused (exit 2), saying where to
get them.

  --settings S    notebook: the reference notebook's protocol (default); table: the settings
                  of ALGORITHM.md's experiments table; both: one column each. Default:
                  notebook, both for mice-protein; where the two are the same, one run
  --out DIR       output folder (default ./${DEFAULT_OUT_DIR}); replaced as a whole, written
                  to a temporary sibling first. Refused before any work (exit 2): a folder
                  that is or holds --data-dir; the current or home folder, or one above;
                  an existing folder that is not empty and not an earlier report, or that
                  holds files its report.json does not list (they are named, never deleted)
  --seeds N       number of seeds 0..N-1 (default per experiment, with --quick in brackets:
${wrapHelp(EXPERIMENTS.map((e) => `${e.name} ${e.seeds.full} (${e.seeds.quick})`).join(', ') + ')', 18, 92)}
  --quick         for tests: fewer seeds, and per experiment fewer cells (simulation: 250 + 250
                  of 1,000 + 1,000, genes and planted programs unchanged), iterations or
                  restarts; every table it prints says what was cut
  --data-dir DIR  data sets folder (default $BCNMF_DATA_DIR, else ../shared/datasets from the
                  repository root when it exists, else ~/.cache/bcnmf/datasets)
  --backend NAME  where NMF and bcNMF run: auto (default), cpu, wasm, webgpu, cuda (bcnmf backends);
                  PCA and cPCA run in float64 on the host
  --check-backend NAME
                  fit NMF and bcNMF again on backend NAME from the same seeds, and report
                  per cell the ARIs on both, how far the embeddings are apart, and whether
                  the means agree within seed noise (e.g. --backend webgpu --check-backend cpu)`;

/**
 * How long the full simulation takes without OpenBLAS/LAPACK: one cPCA fit took 145 s of
 * CPU in JavaScript here (2,000 x 3,000, automatic alpha), 18 of them on 2 worker processes.
 */
const SIMULATION_MINUTES_WITHOUT_LAPACK = '25 minutes';

/** Internal options of {@link runReproduce} (tests and benchmarks): sizes the command line does not offer. */
export interface ReproduceOptions {
  overrides?: RunOverrides;
  /** Receives each method run of each experiment (see {@link RunContext.onMethodRun}); for tests. */
  onMethodRun?: (experiment: string, event: MethodRunEvent) => void;
  /**
   * Ctrl-C: stops the running experiment within about an iteration of a fit; the run then
   * rejects with the signal's reason and writes nothing (no report folder, no partial one).
   */
  signal?: AbortSignal;
}

function parse(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        seeds: { type: 'string' },
        quick: { type: 'boolean' },
        settings: { type: 'string' },
        'data-dir': { type: 'string' },
        backend: { type: 'string' },
        'check-backend': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (e) {
    throw new ReproduceUsageError(`${(e as Error).message.split('\n')[0]} (bcnmf reproduce --help)`);
  }
  const { values, positionals } = parsed;
  // a flag given twice would keep its last value silently (--seeds 1 --seeds 2 ran 2)
  const given = new Map<string, number>();
  for (const token of parsed.tokens) {
    if (token.kind === 'option' && token.value !== undefined) given.set(token.name, (given.get(token.name) ?? 0) + 1);
  }
  const twice = [...given].find(([, count]) => count > 1);
  if (twice) throw new ReproduceUsageError(`--${twice[0]} is given ${twice[1]} times; reproduce takes one (bcnmf reproduce --help)`);
  if (values.help) return { help: true as const };
  if (positionals.length === 0) throw new ReproduceUsageError(`no experiment named; known: ${EXPERIMENT_NAMES.join(', ')}, all`);
  if (positionals.length > 1) throw new ReproduceUsageError(`one experiment at a time, got ${positionals.join(' ')} (use all for every one)`);
  let seeds: number | undefined;
  if (values.seeds !== undefined) {
    if (!/^\d+$/.test(values.seeds) || Number(values.seeds) < 1 || Number(values.seeds) > 1000) {
      throw new ReproduceUsageError(`--seeds must be a whole number from 1 to 1000, got '${values.seeds}'`);
    }
    seeds = Number(values.seeds);
  }
  for (const flag of ['out', 'data-dir'] as const) {
    if (values[flag] !== undefined && values[flag].trim() === '') throw new ReproduceUsageError(`--${flag} needs a folder`);
  }
  let settings: SettingsName[] | undefined;
  if (values.settings !== undefined) {
    if (values.settings === 'both') settings = [...SETTINGS_NAMES];
    else if ((SETTINGS_NAMES as readonly string[]).includes(values.settings)) settings = [values.settings as SettingsName];
    else throw new ReproduceUsageError(`--settings must be notebook, table or both, got '${values.settings}'`);
  }
  const backends = [AUTO_BACKEND, ...backendNames()];
  if (values.backend !== undefined && !backends.includes(values.backend)) {
    throw new ReproduceUsageError(`--backend must be one of ${backends.join(', ')}, got '${values.backend}'`);
  }
  const check = values['check-backend'];
  if (check !== undefined) {
    if (!backendNames().includes(check)) throw new ReproduceUsageError(`--check-backend must be one of ${backendNames().join(', ')}, got '${check}'`);
    if (check === (values.backend ?? AUTO_BACKEND)) throw new ReproduceUsageError(`--check-backend ${check} is the backend the run uses; name another one`);
  }
  const name = positionals[0];
  const experiments = name === 'all' ? [...EXPERIMENTS] : [getExperiment(name)];
  return {
    help: false as const,
    name,
    experiments,
    seeds,
    settings,
    quick: values.quick === true,
    outDir: resolve(values.out ?? DEFAULT_OUT_DIR),
    dataDir: defaultDataDir(values['data-dir']),
    backend: values.backend,
    checkBackend: check,
  };
}

function seedsFor(experiment: Experiment, quick: boolean, n: number | undefined): number[] {
  const count = n ?? (quick ? experiment.seeds.quick : experiment.seeds.full);
  return Array.from({ length: count }, (_, i) => i);
}

/**
 * `bcnmf reproduce NAME [--settings S] [--out DIR] [--seeds N] [--quick] [--data-dir DIR] [--backend NAME]`: runs the
 * experiment (or every one whose data are present, for `all`), prints progress and the
 * table, and writes the report into --out. Under `all`, experiments whose data are absent
 * are reported (with where to get the data) and skipped, not an error; an experiment named
 * alone whose data are absent is an error. Bad usage, absent data of a named experiment
 * and an --out that is not ours to replace (see {@link checkOutDir}) throw
 * {@link ReproduceUsageError} (`exitCode` 2) before any work.
 */
export async function runReproduce(argv: string[], print: (line: string) => void, options: ReproduceOptions = {}): Promise<ReproduceReport> {
  const started = performance.now();
  const args = parse(argv);
  const report: ReproduceReport = {
    request: args.help ? 'help' : args.name,
    outDir: args.help ? '' : args.outDir,
    experiments: [],
    skipped: [],
    files: [],
    png: { written: false, reason: 'nothing written' },
    seconds: 0,
    date: new Date().toISOString(),
    backend: (!args.help && args.backend) || 'auto',
    ...(!args.help && args.checkBackend !== undefined ? { checkBackend: args.checkBackend } : {}),
  };
  if (args.help) {
    print(REPRODUCE_USAGE);
    return report;
  }
  // --out must not hold the data: the report replaces it as a whole
  const inputs = [args.dataDir];
  checkOutDir(args.outDir, inputs);
  // which data are present, before any work: an experiment named alone needs its data (all skips what is absent)
  const availability = new Map<string, Availability>();
  for (const experiment of args.experiments) availability.set(experiment.name, await experiment.available(args.dataDir));
  if (args.name !== 'all') {
    const found = availability.get(args.name)!;
    if (!found.present) {
      print(`${args.name}: not run, its data are not present.`);
      for (const line of found.message.split('\n')) print(`  ${line}`);
      throw new ReproduceUsageError(`${args.name}: its data are not in ${args.dataDir} (where to get them: above); nothing run, nothing written (give --data-dir, or run all to skip what is absent)`);
    }
  }
  // a backend that cannot run here fails before any work (BACKEND_UNAVAILABLE: exit 2)
  // what 'auto' picks here, to name it in a backend check
  let autoPick: string | undefined;
  if (args.checkBackend !== undefined) {
    if ((args.backend ?? AUTO_BACKEND) === AUTO_BACKEND) {
      autoPick = (await defaultBackendChain())[0];
      if (autoPick === args.checkBackend) {
        throw new ReproduceUsageError(`--check-backend ${args.checkBackend} is the backend 'auto' picks here; name another one, or the run's with --backend`);
      }
    }
    await useBackend(args.checkBackend);
  }
  if (args.backend !== undefined && args.backend !== AUTO_BACKEND) await useBackend(args.backend);
  report.environment = await runEnvironment(args.backend ?? AUTO_BACKEND);
  const overrides = {
    ...(options.overrides ?? {}),
    ...(args.backend !== undefined ? { backend: args.backend } : {}),
    ...(args.checkBackend !== undefined ? { checkBackend: args.checkBackend } : {}),
  };
  const { signal } = options;
  for (const experiment of args.experiments) {
    signal?.throwIfAborted();
    const found = availability.get(experiment.name)!;
    if (!found.present) {
      print(`${experiment.name}: not run, its data are not present.`);
      for (const line of found.message.split('\n')) print(`  ${line}`);
      report.skipped.push({ name: experiment.name, message: found.message });
      continue;
    }
    const seeds = seedsFor(experiment, args.quick, args.seeds);
    const settings = args.settings ?? [...experiment.defaultSettings];
    // the seeds that run (--seeds or the quick default), not the quick default's count
    print(`${experiment.name}: ${experiment.title}; settings ${settings.join(', ')}; seeds ${seeds.join(', ')}${args.quick ? `; quick: ${experiment.quickChanges(seeds.length)}` : ''}`);
    if (experiment.name === 'simulation' && !args.quick && options.overrides === undefined) {
      const linalg = await nativeLinalgStatus();
      if (linalg.path === 'js') {
        print(
          `  note: PCA and cPCA run in JavaScript here (${linalg.reason}); the full simulation then takes about ${SIMULATION_MINUTES_WITHOUT_LAPACK} on 2 cores ` +
            'instead of about 1.5 minutes. Install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0) for the native path, or run with --quick.',
        );
      }
    }
    const observe = options.onMethodRun;
    const result = await experiment.run({
      seeds,
      quick: args.quick,
      settings,
      dataDir: args.dataDir,
      print,
      overrides,
      signal,
      ...(observe ? { onMethodRun: (event: MethodRunEvent) => observe(experiment.name, event) } : {}),
    });
    signal?.throwIfAborted();
    if (result.backendCheck?.backend === AUTO_BACKEND && autoPick !== undefined) result.backendCheck.backend = `${AUTO_BACKEND} (${autoPick})`;
    report.experiments.push(result);
    print('');
    print(`${experiment.name}: mean ± sd over ${seeds.length} seed(s) of the ARI (or of the measure a row names), settings ${result.settings.map((s) => s.name).join(', ')}; each reference row names its source (${result.seconds.toFixed(1)} s)`);
    for (const line of tableMarkdown(result).split('\n')) print(line);
    if (result.backendCheck) for (const line of backendCheckMarkdown(result).slice(2)) print(line);
    print('');
  }
  report.seconds = (performance.now() - started) / 1000;
  if (report.experiments.length === 0) {
    print(`nothing run (no data present for ${args.experiments.map((e) => e.name).join(', ')}); nothing written to ${args.outDir}`);
    return report;
  }
  await writeReport(args.outDir, report, signal, inputs);
  print(`wrote ${report.files.length} files to ${args.outDir} (report.md, results.csv, report.json, per experiment .md/.csv/.json, figures/; ${report.png.reason})`);
  return report;
}
