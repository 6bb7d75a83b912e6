import { CsrMatrix, DenseMatrix, describeRepeats, distinctNames, repeatedNames } from '@bcnmf/core';
import { UsageError } from './errors.js';

type AnyMatrix = DenseMatrix | CsrMatrix;

function withColumnNames(m: AnyMatrix, columnNames: string[]): AnyMatrix {
  return m.withNames({ rowNames: m.rowNames, columnNames });
}

function withRowNames(m: AnyMatrix, rowNames: string[]): AnyMatrix {
  return m.withNames({ rowNames, columnNames: m.columnNames });
}

/** How repeated feature names are handled: refused, or renamed with a warning. */
export interface FeatureNameRule {
  makeUnique: boolean;
  warn: (message: string) => void;
}

/**
 * Feature names without repeats: the names as they are, or (with `makeUnique`, warned
 * about) the repeats renamed ({@link distinctNames}); refused otherwise. `source` names
 * the file in the messages.
 */
export function uniqueFeatureNames(names: readonly string[], source: string, options: FeatureNameRule): readonly string[] {
  const repeats = repeatedNames(names);
  if (repeats.length === 0) return names;
  if (!options.makeUnique) {
    throw new UsageError(
      `${source}: feature names repeat (${describeRepeats(repeats)}); give each feature its own name, ` +
        "or pass --make-features-unique to rename the repeats (name_2, name_3, ...)",
    );
  }
  options.warn(`${source}: feature names repeat (${describeRepeats(repeats)}); the repeats were renamed name_2, name_3, ... (--make-features-unique)`);
  return distinctNames(names);
}

/**
 * Refuses repeated feature names (the model's features are matched by name later, and
 * transform would refuse the model), or with `makeUnique` renames the repeats
 * ({@link distinctNames}) and warns.
 */
export function uniqueFeatures(m: AnyMatrix, source: string, options: FeatureNameRule): AnyMatrix {
  if (!m.columnNames) return m;
  const names = uniqueFeatureNames(m.columnNames, source, options);
  return names === m.columnNames ? m : withColumnNames(m, [...names]);
}

/**
 * Sample names with every repeat made distinct ({@link distinctNames}), warned about; the
 * names as they are when none repeats.
 */
export function distinctSampleNames(names: readonly string[], source: string, warn: (message: string) => void): readonly string[] {
  const repeats = repeatedNames(names);
  if (repeats.length === 0) return names;
  warn(`${source}: sample names repeat (${describeRepeats(repeats)}); each row is kept, the repeats named name_2, name_3, ... in the results`);
  return distinctNames(names);
}

/**
 * Repeated sample names are kept, as rows of their own: warned about, and made distinct
 * ({@link distinctNames}) so that each row has its own line in the results and an
 * `--init-from` of them matches row for row.
 */
export function distinctSamples(m: AnyMatrix, source: string, warn: (message: string) => void): AnyMatrix {
  if (!m.rowNames) return m;
  const names = distinctSampleNames(m.rowNames, source, warn);
  return names === m.rowNames ? m : withRowNames(m, [...names]);
}
