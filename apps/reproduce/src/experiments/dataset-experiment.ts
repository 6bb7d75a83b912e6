import { locateDataset, type LoadedDataset } from '@bcnmf/data';
import { describeMethods } from '../runner.js';
import type {
  EvaluationSpec,
  Experiment,
  ExperimentResult,
  MethodSpec,
  PreparedData,
  ReferenceTable,
  RunContext,
  RunOverrides,
  SettingsDescription,
  SettingsName,
  SettingsRun,
} from '../types.js';
import { backendCheckOf, figuresOf, rowsOf, runGrid, seedsChange, withBackendCheck, type FeatureLayout } from './common.js';

/** What a data-set experiment is made of; {@link datasetExperiment} turns it into an {@link Experiment}. */
export interface DatasetExperimentDefinition {
  name: string;
  title: string;
  /** @bcnmf/data registry name. */
  registry: string;
  description: string;
  /** Loads the data as the named settings prepare them. */
  load(context: RunContext, settings: SettingsName): Promise<LoadedDataset>;
  methods(quick: boolean, overrides: RunOverrides, settings: SettingsName): MethodSpec[];
  evaluation: EvaluationSpec;
  settings: Record<SettingsName, SettingsDescription>;
  /** What a run without --settings runs (default: the notebook's). */
  defaultSettings?: readonly SettingsName[];
  /**
   * The reference values. Their column is the settings name ('notebook', 'table') where
   * the two differ, else {@link SAME_SETTINGS_COLUMN}.
   */
  reference: ReferenceTable;
  seeds: { full: number; quick: number };
  /** What --quick changes besides the seeds, in words (the seeds are said from those that ran). */
  quickChanges: string;
  notes: string[];
  /** Pixel data: W is drawn as images too. */
  layout?: FeatureLayout;
}

/** The one column of an experiment whose two settings are the same. */
export const SAME_SETTINGS_COLUMN = 'ARI';

/** The message for absent data: @bcnmf/data's (it names the files, the folder and where to get them). */
export async function availability(registry: string, dataDir: string): Promise<{ present: true } | { present: false; message: string }> {
  try {
    await locateDataset(registry, { dataDir, verify: false });
    return { present: true };
  } catch (e) {
    return { present: false, message: (e as Error).message };
  }
}

/**
 * The settings a run asks for, without repeats: a set that is the other's (`sameAs`) runs
 * once, under the first name asked for.
 */
export function distinctSettings(settings: Record<SettingsName, SettingsDescription>, asked: readonly SettingsName[]): SettingsName[] {
  const out: SettingsName[] = [];
  for (const name of asked) {
    const same = settings[name].sameAs;
    if (out.includes(name) || (same !== undefined && out.includes(same))) continue;
    out.push(name);
  }
  return out;
}

/**
 * An experiment on one registered data set: for each settings asked for, load the data as
 * they prepare it and run every method for every seed (seed-independent fits once); one
 * ARI column per settings.
 */
export function datasetExperiment(def: DatasetExperimentDefinition): Experiment {
  const identical = def.settings.table.sameAs === 'notebook' || def.settings.notebook.sameAs === 'table';
  const experiment: Experiment = {
    name: def.name,
    title: def.title,
    dataset: { description: def.description, registry: def.registry },
    methods: (quick, overrides = {}, settings = 'notebook') => def.methods(quick, overrides, settings),
    evaluation: def.evaluation,
    settings: def.settings,
    defaultSettings: def.defaultSettings ?? ['notebook'],
    reference: def.reference,
    seeds: def.seeds,
    quickChanges: (seeds) => `${seedsChange(seeds, def.seeds.full)}, ${def.quickChanges}`,
    available: (dataDir) => availability(def.registry, dataDir),
    async run(context): Promise<ExperimentResult> {
      const started = performance.now();
      const runs = distinctSettings(def.settings, context.settings);
      const evaluation: EvaluationSpec =
        context.overrides.umapEpochs !== undefined && def.evaluation.protocol === 'umap'
          ? { ...def.evaluation, umap: { ...def.evaluation.umap, nEpochs: context.overrides.umapEpochs } }
          : def.evaluation;
      const columns = identical ? [SAME_SETTINGS_COLUMN] : runs;
      const data: PreparedData[] = [];
      const loaded: LoadedDataset[] = [];
      const settingsRuns: SettingsRun[] = [];
      for (const [c, name] of runs.entries()) {
        context.print(`  loading ${def.registry} from ${context.dataDir} (${name} settings)`);
        const d = await def.load(context, name);
        loaded.push(d);
        data.push({ target: d.target, background: d.background, labels: d.targetLabels, featureNames: d.featureNames });
        const specs = def.methods(context.quick, context.overrides, name);
        settingsRuns.push({ name, summary: def.settings[name].summary, ...(identical ? { sameAs: name === 'notebook' ? 'table' : 'notebook' } : {}), columns: [columns[c]], methods: describeMethods(specs, evaluation) });
      }
      // every settings has the same method labels (their options differ); one grid, one column per settings
      const specsOf = (c: number) => def.methods(context.quick, context.overrides, runs[c]);
      const grid = await runGrid(context, specsOf, evaluation, columns, async (c) => ({ key: `${def.name}/${runs[c]}`, data: data[c] }));
      const first = loaded[0];
      const info: Record<string, string | number> = {};
      for (const [key, value] of Object.entries(first.info)) {
        if (typeof value === 'number' || typeof value === 'string') info[key] = value;
        else if (value.length <= 10) info[key] = value.join(', ');
      }
      loaded.slice(1).forEach((d, i) => {
        for (const [key, value] of Object.entries(d.info)) {
          if ((typeof value === 'number' || typeof value === 'string') && info[key] !== value) info[`${key} (${runs[i + 1]})`] = value;
        }
      });
      const counts = new Map<string, number>();
      for (const l of first.targetLabels) counts.set(l, (counts.get(l) ?? 0) + 1);
      info.labels = [...counts].map(([l, n]) => `${l}: ${n}`).join(', ');
      return {
        name: def.name,
        title: def.title,
        dataset: { name: def.registry, description: def.description, target: first.target.shape, background: first.background.shape, info },
        evaluation,
        settings: settingsRuns,
        columnHeading: identical ? '' : 'settings',
        columns,
        rows: rowsOf(grid, specsOf(0)),
        reference: def.reference,
        seeds: context.seeds,
        quick: context.quick,
        quickChanges: context.quick ? experiment.quickChanges(context.seeds.length) : '',
        notes: def.notes,
        seconds: (performance.now() - started) / 1000,
        figures: runs.flatMap((name, c) => figuresOf(def.name, grid, specsOf(c), c, loaded[c].targetLabels, runs.length > 1 ? name : '', def.layout)),
        ...withBackendCheck(backendCheckOf(grid, specsOf(0), columns, context)),
      };
    },
  };
  return experiment;
}
