// Target and background must have the same features in the same order. Pure function.
import { FileFormatError } from './csv.js';

export interface NamedMatrix {
  data: Float32Array;
  shape: [number, number];
  sampleNames: string[];
  featureNames: string[];
}

/**
 * Puts the background's features in the target's order. Equal names in equal order pass
 * unchanged; otherwise the features common to both are kept, in the target's order, and
 * `note` says how many were dropped. Without common names, equal feature counts are
 * taken as the same features in the same order (note says so); else refused.
 */
export function alignFeatures(target: NamedMatrix, background: NamedMatrix): { target: NamedMatrix; background: NamedMatrix; note: string | null } {
  const t = target.featureNames;
  const b = background.featureNames;
  if (t.length === b.length && t.every((name, j) => name === b[j])) return { target, background, note: null };
  const bIndex = new Map<string, number>();
  b.forEach((name, j) => bIndex.set(name, j));
  const common: number[] = [];
  for (let j = 0; j < t.length; j++) if (bIndex.has(t[j])) common.push(j);
  if (common.length === 0) {
    if (t.length === b.length) {
      return {
        target,
        background: { ...background, featureNames: t.slice() },
        note: `target and background share no feature names; their ${t.length} features are taken to be the same, in file order`,
      };
    }
    throw new FileFormatError(
      `target and background have no feature in common (target: ${t.length} features, e.g. ${JSON.stringify(t[0])}; ` +
        `background: ${b.length}, e.g. ${JSON.stringify(b[0])}); is one of them oriented the other way (features in rows)?`,
    );
  }
  const pick = (m: NamedMatrix, columns: number[]): NamedMatrix => {
    const [n, width] = m.shape;
    const data = new Float32Array(n * columns.length);
    for (let i = 0; i < n; i++) for (let c = 0; c < columns.length; c++) data[i * columns.length + c] = m.data[i * width + columns[c]];
    return { data, shape: [n, columns.length], sampleNames: m.sampleNames, featureNames: columns.map((j) => m.featureNames[j]) };
  };
  const bColumns = common.map((j) => bIndex.get(t[j])!);
  const note =
    common.length === t.length && common.length === b.length
      ? `background features reordered to the target's order`
      : `${common.length} features in common; dropped ${t.length - common.length} target-only and ${b.length - common.length} background-only features`;
  return { target: common.length === t.length ? target : pick(target, common), background: pick(background, bColumns), note };
}
