// One rule for matching the features of a target and its backgrounds, used by the CLI and
// the web page alike: equal names in equal order pass; anything else is refused with one
// message that says what differs and what to choose, unless the caller chose to match by
// name or by position.
import { BcnmfError, type CsrMatrix, type DenseMatrix } from '@bcnmf/core';
import { someNames } from '../names.js';
import { selectColumns } from './subset.js';

/**
 * How target and background features are matched:
 * - `'exact'`: the same names in the same order (or, without names, the same count);
 *   anything else is refused, saying what differs and what to choose.
 * - `'name'`: by name: the features every data set has, in the target's order (a
 *   reordering, or an intersection that drops the others, said in `note`).
 * - `'position'`: the same count of features, taken as the same features in file order
 *   (names may differ; the target's are kept).
 */
export type FeatureAlignment = 'exact' | 'name' | 'position';

/** The choices of {@link FeatureAlignment}, default first. */
export const FEATURE_ALIGNMENTS: readonly FeatureAlignment[] = ['exact', 'name', 'position'];

/** The features of a data set as a matrix carries them (a DenseMatrix or CsrMatrix is one). */
export interface FeatureList {
  readonly columns: number;
  readonly columnNames?: readonly string[] | undefined;
}

/** Options of {@link planFeatureAlignment} and {@link alignFeatures}. */
export interface AlignFeaturesOptions {
  /** Default: `'exact'`. */
  align?: FeatureAlignment;
  /** The target in messages, e.g. its file name. Default: `'target'`. */
  targetName?: string;
  /** Each background in messages. Default: `'background'` (`'background 1'`, ... for several). */
  backgroundNames?: readonly string[];
  /**
   * How the caller's user chooses `'name'` and `'position'`, as the refusal says it, e.g.
   * `{ name: '--align name', position: '--align position' }`. Default: `align: 'name'` and
   * `align: 'position'`.
   */
  choices?: AlignChoices;
}

/** How a caller's user chooses what a refusal of {@link planFeatureAlignment} suggests. */
export interface AlignChoices {
  name: string;
  position: string;
  /**
   * What the refusal says where the files share no feature name at all; the caller that
   * can tell whether the files lie the other way says which flag reads them right.
   * Default: `is one of them oriented the other way (features in rows)?`.
   */
  noSharedNames?: string;
}

const NO_SHARED_NAMES = 'is one of them oriented the other way (features in rows)?';

/** Which columns of each data set to keep, in which order: what {@link planFeatureAlignment} returns. */
export interface FeatureAlignmentPlan {
  align: FeatureAlignment;
  /** The features kept, in their order (undefined when no data set names its features). */
  featureNames: string[] | undefined;
  /** Columns of the target to keep, in order. */
  targetColumns: number[];
  /** Columns of each background to keep, in order (the same features as `targetColumns`). */
  backgroundColumns: number[][];
  /** Target features dropped (`'name'` only), in the target's order. */
  droppedFromTarget: string[];
  /** Features dropped from each background (`'name'` only), in its order. */
  droppedFromBackgrounds: string[][];
  /** What was done, as a sentence for the user; null when the features matched as they were. */
  note: string | null;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, j) => j);
}

function sameFeatures(a: FeatureList, b: FeatureList): boolean {
  if (a.columns !== b.columns) return false;
  if (a.columnNames === undefined || b.columnNames === undefined) return a.columnNames === undefined && b.columnNames === undefined;
  return a.columnNames.every((name, j) => name === b.columnNames![j]);
}

function repeated(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) twice.add(name);
    seen.add(name);
  }
  return [...twice];
}

function firstDifference(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let j = 0; j < n; j++) if (a[j] !== b[j]) return j;
  return n;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The refusal of `'exact'`: what differs between the target and one background, and the choices that apply. */
function refusal(target: FeatureList, background: FeatureList, t: string, b: string, choices: AlignChoices): BcnmfError {
  const m = target.columns;
  const k = background.columns;
  const options: string[] = [];
  let difference: string;
  const tn = target.columnNames;
  const bn = background.columnNames;
  if (tn === undefined || bn === undefined) {
    const unnamed = tn === undefined && bn === undefined ? 'neither names its features' : `${tn === undefined ? t : b} does not name its features`;
    difference = `${unnamed} (${t}: ${m} features; ${b}: ${k})`;
  } else {
    const bSet = new Set(bn);
    const tSet = new Set(tn);
    const duplicates = [...new Set([...repeated(tn), ...repeated(bn)])];
    const lacking = [...tSet].filter((name) => !bSet.has(name));
    const extra = [...bSet].filter((name) => !tSet.has(name));
    const common = tSet.size - lacking.length;
    if (common === 0) {
      difference = `they share no feature name (${t}: ${m} features, e.g. '${tn[0] ?? ''}'; ${b}: ${k}, e.g. '${bn[0] ?? ''}'); ${choices.noSharedNames ?? NO_SHARED_NAMES}`;
    } else if (lacking.length === 0 && extra.length === 0 && duplicates.length === 0) {
      const j = firstDifference(tn, bn);
      difference = `the same ${m} features in a different order (first at feature ${j + 1}: '${tn[j]}' in ${t}, '${bn[j]}' in ${b})`;
      options.push(`to reorder the features of ${b} by name, choose ${choices.name}`);
    } else {
      const parts: string[] = [];
      if (lacking.length > 0) parts.push(`${b} lacks ${lacking.length} of the ${tSet.size} features of ${t} (${someNames(lacking)})`);
      if (extra.length > 0) parts.push(`${b} has ${extra.length} feature${extra.length === 1 ? '' : 's'} that ${t} lacks (${someNames(extra)})`);
      if (duplicates.length > 0) parts.push(`names repeat (${someNames(duplicates)})`);
      difference = parts.join('; ');
      if (duplicates.length === 0) options.push(`to keep the ${common} features both have, in the order of ${t}, choose ${choices.name}`);
    }
  }
  if (m === k) options.push(`to take the ${m} features as the same ones in file order, choose ${choices.position}`);
  const what = options.length > 0 ? options.map((o, i) => (i === 0 ? capitalize(o) : o)).join('; or ') : 'Give both the same features';
  const stop = difference.endsWith('?') ? '' : '.';
  return new BcnmfError('INVALID_DATA', `${t} and ${b} have different features: ${difference}${stop} ${what}.`);
}

/**
 * Decides which features of a target and its backgrounds to keep, and in which order, by
 * the rule of {@link FeatureAlignment}; refuses with `BcnmfError('INVALID_DATA')` and one
 * message (what differs, and the choices that would work) where the rule does not allow
 * the match. Takes only the feature names and counts: apply the plan with
 * {@link alignFeatures}, or to other data of the same files (e.g. column indices of an
 * .h5ad file).
 *
 * @example
 * const t = { columns: 3, columnNames: ['a', 'b', 'c'] };
 * const b = { columns: 3, columnNames: ['c', 'a', 'x'] };
 * planFeatureAlignment(t, [b]);
 * // throws: target and background have different features: background lacks 1 of the 3 features of target ('b');
 * //   background has 1 feature that target lacks ('x'). To keep the 2 features both have, in the order of
 * //   target, choose align: 'name'; or to take the 3 features as the same ones in file order, choose align: 'position'.
 * const plan = planFeatureAlignment(t, [b], { align: 'name' });
 * plan.featureNames;        // ['a', 'c']
 * plan.backgroundColumns;   // [[1, 0]]
 * plan.note;                // "kept the 2 features that target and background share, in the order of target; dropped ..."
 */
export function planFeatureAlignment(target: FeatureList, backgrounds: readonly FeatureList[], options: AlignFeaturesOptions = {}): FeatureAlignmentPlan {
  const align = options.align ?? 'exact';
  if (!FEATURE_ALIGNMENTS.includes(align)) {
    throw new BcnmfError('INVALID_OPTION', `align must be ${FEATURE_ALIGNMENTS.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(align)}`);
  }
  if (backgrounds.length === 0) throw new BcnmfError('INVALID_OPTION', 'no background to align with the target');
  const t = options.targetName ?? 'target';
  const names = backgrounds.map((_, i) => options.backgroundNames?.[i] ?? (backgrounds.length > 1 ? `background ${i + 1}` : 'background'));
  const choices: AlignChoices = options.choices ?? { name: "align: 'name'", position: "align: 'position'" };
  const unchanged = (featureNames: string[] | undefined, note: string | null): FeatureAlignmentPlan => ({
    align,
    featureNames,
    targetColumns: range(target.columns),
    backgroundColumns: backgrounds.map((b) => range(b.columns)),
    droppedFromTarget: [],
    droppedFromBackgrounds: backgrounds.map(() => []),
    note,
  });

  const differing = backgrounds.findIndex((b) => !sameFeatures(target, b));
  if (differing < 0) return unchanged(target.columnNames ? [...target.columnNames] : undefined, null);

  if (align === 'exact') throw refusal(target, backgrounds[differing], t, names[differing], choices);

  if (align === 'position') {
    backgrounds.forEach((b, i) => {
      if (b.columns !== target.columns) {
        throw new BcnmfError('INVALID_DATA', `${t} has ${target.columns} feature${target.columns === 1 ? '' : 's'} and ${names[i]} has ${b.columns}: features can be taken by position only when there are as many in each`);
      }
    });
    const featureNames = target.columnNames ?? backgrounds.find((b) => b.columnNames)?.columnNames;
    const notes = backgrounds.flatMap((b, i) => {
      if (sameFeatures(target, b)) return [];
      if (target.columnNames === undefined || b.columnNames === undefined) return [`${names[i]}: ${b.columns} features taken in file order (${target.columnNames === undefined ? t : names[i]} does not name them)`];
      const tn = target.columnNames;
      const bn = b.columnNames;
      const j = firstDifference(tn, bn);
      const count = tn.filter((name, c) => name !== bn[c]).length;
      return [`${names[i]}: ${b.columns} features taken in file order; ${count} of their names differ from those of ${t} (first at feature ${j + 1}: '${bn[j]}' taken as '${tn[j]}')`];
    });
    return unchanged(featureNames ? [...featureNames] : undefined, notes.join('; '));
  }

  // align === 'name'
  const lists = [target, ...backgrounds];
  const labels = [t, ...names];
  lists.forEach((list, i) => {
    if (list.columnNames === undefined) {
      throw new BcnmfError('INVALID_DATA', `${labels[i]} does not name its features, so they cannot be matched by name${list.columns === target.columns ? ` (${choices.position} takes them in file order)` : ''}`);
    }
    const twice = repeated(list.columnNames);
    if (twice.length > 0) {
      throw new BcnmfError('INVALID_DATA', `${labels[i]} names ${twice.length} features more than once (${someNames(twice)}), so features cannot be matched by name`);
    }
  });
  const positions = backgrounds.map((b) => new Map(b.columnNames!.map((name, j) => [name, j])));
  const targetNames = target.columnNames!;
  const targetColumns = range(target.columns).filter((j) => positions.every((p) => p.has(targetNames[j])));
  if (targetColumns.length === 0) {
    const i = positions.findIndex((p) => !targetNames.some((name) => p.has(name)));
    const b = backgrounds[Math.max(0, i)].columnNames!;
    throw new BcnmfError(
      'INVALID_DATA',
      `${t} and ${names[Math.max(0, i)]} share no feature name (${t}: ${target.columns} features, e.g. '${targetNames[0] ?? ''}'; ${names[Math.max(0, i)]}: ${b.length}, e.g. '${b[0] ?? ''}'); ${choices.noSharedNames ?? NO_SHARED_NAMES}`,
    );
  }
  const featureNames = targetColumns.map((j) => targetNames[j]);
  const kept = new Set(featureNames);
  const backgroundColumns = positions.map((p) => featureNames.map((name) => p.get(name)!));
  const droppedFromTarget = targetNames.filter((name) => !kept.has(name));
  const droppedFromBackgrounds = backgrounds.map((b) => b.columnNames!.filter((name) => !kept.has(name)));
  let note: string;
  if (droppedFromTarget.length === 0 && droppedFromBackgrounds.every((d) => d.length === 0)) {
    const reordered = names.filter((_, i) => !sameFeatures(target, backgrounds[i]));
    note = `the features of ${reordered.join(', ')} reordered by name to the order of ${t}`;
  } else {
    const drops = [
      `${droppedFromTarget.length} of the ${target.columns} of ${t}${droppedFromTarget.length > 0 ? ` (${someNames(droppedFromTarget)})` : ''}`,
      ...droppedFromBackgrounds.map((d, i) => `${d.length} of the ${backgrounds[i].columns} of ${names[i]}${d.length > 0 ? ` (${someNames(d)})` : ''}`),
    ];
    note = `kept the ${featureNames.length} features that ${labels.join(' and ')} share, in the order of ${t}; dropped ${drops.join(' and ')}`;
  }
  return { align, featureNames, targetColumns, backgroundColumns, droppedFromTarget, droppedFromBackgrounds, note };
}

/** What {@link alignFeatures} returns: the data sets with the same features in the same order, and the plan. */
export interface AlignedFeatures<M extends DenseMatrix | CsrMatrix = DenseMatrix | CsrMatrix> {
  target: M;
  /** The (first) background. */
  background: M;
  /** Every background, in the order given. */
  backgrounds: M[];
  /** The features kept, in their order (undefined when no data set names them). */
  featureNames: string[] | undefined;
  /** Target features dropped, in the target's order. */
  droppedFromTarget: string[];
  /** Features dropped from the (first) background, in its order. */
  droppedFromBackground: string[];
  /** What was done, for the user; null when the features matched as they were. */
  note: string | null;
  plan: FeatureAlignmentPlan;
}

function keep<M extends DenseMatrix | CsrMatrix>(m: M, columns: readonly number[], names: string[] | undefined): M {
  const identity = columns.length === m.columns && columns.every((c, j) => c === j);
  const selected = (identity ? m : selectColumns(m, columns)) as M;
  const same = names === undefined || (selected.columnNames !== undefined && selected.columnNames.every((n, j) => n === names[j]));
  return same ? selected : (selected.withNames({ columnNames: names }) as M);
}

/**
 * Gives a target and its backgrounds (dense or CSR) the same features in the same order,
 * by the rule of {@link planFeatureAlignment} (default `'exact'`: refuse anything but the
 * same names in the same order, saying what differs and what to choose).
 *
 * @example
 * const t = DenseMatrix.fromRows([[1, 2, 3]], { columnNames: ['a', 'b', 'c'] });
 * const b = DenseMatrix.fromRows([[4, 5, 6]], { columnNames: ['c', 'd', 'a'] });
 * const r = alignFeatures(t, b, { align: 'name' });
 * r.featureNames;           // ['a', 'c']
 * r.background.toArray();   // [[6, 4]]
 * r.droppedFromTarget;      // ['b']
 * r.droppedFromBackground;  // ['d']
 */
export function alignFeatures<M extends DenseMatrix | CsrMatrix>(
  target: M,
  background: M | readonly M[],
  options: AlignFeaturesOptions = {},
): AlignedFeatures<M> {
  const backgrounds: readonly M[] = Array.isArray(background) ? background : [background as M];
  const plan = planFeatureAlignment(target, backgrounds, options);
  const aligned = backgrounds.map((b, i) => keep(b, plan.backgroundColumns[i], plan.featureNames));
  return {
    target: keep(target, plan.targetColumns, plan.featureNames),
    background: aligned[0],
    backgrounds: aligned,
    featureNames: plan.featureNames,
    droppedFromTarget: plan.droppedFromTarget,
    droppedFromBackground: plan.droppedFromBackgrounds[0],
    note: plan.note,
    plan,
  };
}
