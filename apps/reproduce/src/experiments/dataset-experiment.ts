import { locateDataset, type LoadedDataset } from '@bcnmf/data';
import { describeMethods } from '../runner.js';
import type { EvaluationSpec, Experiment, MethodSpec, PaperTable, RunContext, RunOverrides } from '../types.js';
import { figuresOf, rowsOf, runGrid } from './common.js';

/** What a data-set experiment is made of; {@link datasetExperiment} turns it into an {@link Experiment}. */
export interface DatasetExperimentDefinition {
  name: string;
  title: string;
  /** @bcnmf/data registry name. */
  registry: string;
  description: string;
  load(context: RunContext): Promise<LoadedDataset>;
  methods(quick: boolean, overrides?: RunOverrides): MethodSpec[];
  evaluation: EvaluationSpec;
  paper: PaperTable;
  seeds: { full: number; quick: number };
  quickChanges: string;
  notes: string[];
}

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
 * An experiment on one registered data set: load it, run every method for every seed
 * (seed-independent fits once), one ARI column.
 */
export function datasetExperiment(def: DatasetExperimentDefinition): Experiment {
  const experiment: Experiment = {
    name: def.name,
    title: def.title,
    dataset: { description: def.description, registry: def.registry },
    methods: def.methods,
    evaluation: def.evaluation,
    paper: def.paper,
    seeds: def.seeds,
    quickChanges: def.quickChanges,
    available: (dataDir) => availability(def.registry, dataDir),
    async run(context) {
      const started = performance.now();
      context.print(`  loading ${def.registry} from ${context.dataDir}`);
      const loaded = await def.load(context);
      const specs = def.methods(context.quick, context.overrides);
      const evaluation: EvaluationSpec =
        context.overrides.umapEpochs !== undefined && def.evaluation.protocol === 'umap'
          ? { ...def.evaluation, umap: { ...def.evaluation.umap, nEpochs: context.overrides.umapEpochs } }
          : def.evaluation;
      const data = { target: loaded.target, background: loaded.background, labels: loaded.targetLabels, featureNames: loaded.featureNames };
      const columns = ['ARI'];
      const grid = await runGrid(context, specs, evaluation, columns, async () => ({ key: def.name, data }));
      const info: Record<string, string | number> = {};
      for (const [key, value] of Object.entries(loaded.info)) {
        if (typeof value === 'number' || typeof value === 'string') info[key] = value;
        else if (value.length <= 10) info[key] = value.join(', ');
      }
      const counts = new Map<string, number>();
      for (const l of loaded.targetLabels) counts.set(l, (counts.get(l) ?? 0) + 1);
      info.labels = [...counts].map(([l, n]) => `${l}: ${n}`).join(', ');
      return {
        name: def.name,
        title: def.title,
        dataset: { name: def.registry, description: def.description, target: loaded.target.shape, background: loaded.background.shape, info },
        evaluation,
        methods: describeMethods(specs, evaluation),
        columnHeading: '',
        columns,
        rows: rowsOf(grid, specs),
        paper: def.paper,
        seeds: context.seeds,
        quick: context.quick,
        quickChanges: context.quick ? def.quickChanges : '',
        notes: def.notes,
        seconds: (performance.now() - started) / 1000,
        figures: figuresOf(def.name, grid, specs, 0, loaded.targetLabels, ''),
      };
    },
  };
  return experiment;
}
