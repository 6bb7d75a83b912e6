import { CsrMatrix, DenseMatrix, type BcnmfModel, type FitDiagnosis } from '@bcnmf/core';
import { h5adColumnNameProblem, toCategorical, writeH5ad, type AnnotationValue, type H5adColumnInput, type UnsValue } from '@bcnmf/data';
import { UsageError } from './errors.js';
import { rowNamesOf, type AnyMatrix, type Inputs } from './input.js';

/**
 * What uns['<key>'] holds: the fit's settings (scalars), its scores at the end, whether
 * it converged and is degenerate, and the warnings about it.
 */
export function fitUns(model: BcnmfModel, diagnosis: FitDiagnosis | undefined, extra: Record<string, UnsValue> = {}): Record<string, UnsValue> {
  const scalars = Object.entries(model.settings).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v));
  const last = model.history[model.history.length - 1];
  return {
    ...(Object.fromEntries(scalars) as Record<string, string | number | boolean>),
    alphas: [...model.settings.alphas],
    iterations: model.iterations,
    converged: model.converged,
    finalScore: model.finalScore,
    targetError: last.targetError,
    backgroundErrors: [...(last.backgroundErrors ?? [])],
    ...(diagnosis ? { degenerate: diagnosis.degenerate, warnings: diagnosis.warnings } : {}),
    ...extra,
  };
}

/** Rows of several matrices stacked, dense when any is dense, CSR otherwise. */
function stackRows(parts: readonly AnyMatrix[], columnNames: readonly string[]): DenseMatrix | CsrMatrix {
  const rowNames = parts.flatMap((m) => rowNamesOf(m));
  const columns = parts[0].columns;
  const rows = parts.reduce((n, m) => n + m.rows, 0);
  if (parts.every((m) => m instanceof CsrMatrix)) {
    const csr = parts as CsrMatrix[];
    const nnz = csr.reduce((n, m) => n + m.nnz, 0);
    const indptr = new Float64Array(rows + 1);
    const indices = new Int32Array(nnz);
    const data = new Float64Array(nnz);
    let row = 0;
    let at = 0;
    for (const m of csr) {
      for (let i = 0; i < m.rows; i++) {
        for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++, at++) {
          indices[at] = m.indices[p];
          data[at] = m.data[p];
        }
        indptr[++row] = at;
      }
    }
    const intIndptr = nnz <= 2147483647 ? Int32Array.from(indptr) : indptr;
    return new CsrMatrix({ indptr: intIndptr, indices, data, shape: [rows, columns], rowNames, columnNames: [...columnNames] });
  }
  const data = new Float64Array(rows * columns);
  let offset = 0;
  for (const m of parts) {
    const dense = m instanceof CsrMatrix ? m.toDense() : m;
    data.set(dense.data, offset);
    offset += dense.data.length;
  }
  return new DenseMatrix({ data, shape: [rows, columns], rowNames, columnNames: [...columnNames] });
}

/**
 * The annotation columns of all parts as obs columns: numbers stay numbers (NaN where a
 * part lacks the column or a value is missing), anything else becomes a categorical of
 * its text (missing where absent).
 */
function annotationColumns(parts: readonly { rows: number; annotations: Record<string, AnnotationValue[]> }[]): Record<string, H5adColumnInput> {
  const names = [...new Set(parts.flatMap((p) => Object.keys(p.annotations)))];
  const out: Record<string, H5adColumnInput> = {};
  for (const name of names) {
    const values: AnnotationValue[] = parts.flatMap((p) => p.annotations[name] ?? new Array<AnnotationValue>(p.rows).fill(null));
    const present = values.filter((v) => v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v)));
    if (present.length > 0 && present.every((v) => typeof v === 'number')) {
      out[name] = Float64Array.from(values, (v) => (typeof v === 'number' ? v : Number.NaN));
    } else {
      out[name] = toCategorical(values.map((v) => (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v))));
    }
  }
  return out;
}

/** The obs column that says which part a sample belongs to: `<key>_role`. */
export function roleColumn(key: string): string {
  return `${key}_role`;
}

/**
 * Refuses, before the fit, what `--h5ad-out` could not write: an annotation column whose
 * name cannot name an obs column ('a/b', '_index'), or one named as the role column.
 */
export function checkH5adOutNames(inputs: Pick<Inputs, 'targetAnnotations' | 'backgroundAnnotations'>, key: string): void {
  const names = new Set([...Object.keys(inputs.targetAnnotations), ...inputs.backgroundAnnotations.flatMap((a) => Object.keys(a ?? {}))]);
  const role = roleColumn(key);
  if (names.has(role)) throw new UsageError(`--h5ad-out: the inputs have an annotation named '${role}', the column that marks target and background; pass another --key`);
  for (const name of names) {
    const problem = h5adColumnNameProblem(name);
    if (problem) throw new UsageError(`--h5ad-out: the annotation column ${JSON.stringify(name)} cannot be an obs column of the .h5ad (${problem}); rename it in the input`);
  }
}

/**
 * `--h5ad-out PATH`: a new .h5ad of the fit, whatever the input was: X = the fitted data
 * (target samples, then each background's), obs = those samples with their annotations
 * and `<key>_role` (target, background or background_1, background_2, ...), var = the
 * features, obsm['X_<key>'] = the coefficients (H of each part, in the same order),
 * varm['<key>_W'] = the loadings (Wᵀ, features x k), uns['<key>'] = settings and scores.
 * Written atomically by writeH5ad.
 */
export async function writeH5adOut(options: { path: string; model: BcnmfModel; inputs: Inputs; key: string; diagnosis?: FitDiagnosis }): Promise<void> {
  const { path, model, inputs, key, diagnosis } = options;
  const several = inputs.backgrounds.length > 1;
  const roles = ['target', ...inputs.backgrounds.map((_, b) => (several ? `background_${b + 1}` : 'background'))];
  const parts = [inputs.target, ...inputs.backgrounds];
  const annotated = parts.map((m, i) => ({ rows: m.rows, annotations: i === 0 ? inputs.targetAnnotations : inputs.backgroundAnnotations[i - 1] ?? {} }));
  // the names were checked before the fit (checkH5adOutNames); here for callers that did not
  checkH5adOutNames(inputs, key);
  const obs = annotationColumns(annotated);
  const role = roleColumn(key);
  const roleValues = parts.flatMap((m, i) => new Array<string>(m.rows).fill(roles[i]));
  const X = stackRows(parts, inputs.featureNames);
  const H = [model.Htarget, ...model.Hbackgrounds];
  const k = model.settings.k;
  const embedding = new Float64Array(X.rows * k);
  let offset = 0;
  for (const h of H) {
    embedding.set(h.data, offset);
    offset += h.data.length;
  }
  await writeH5ad(path, {
    X,
    obs: { [role]: toCategorical(roleValues), ...obs },
    var: {},
    results: {
      embedding: new DenseMatrix({ data: embedding, shape: [X.rows, k] }),
      loadings: model.W.transpose(),
      key,
      settings: fitUns(model, diagnosis, { sources: [inputs.targetSource, ...inputs.backgroundSources], imputed: inputs.imputed }),
    },
  });
}

