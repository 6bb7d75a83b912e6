import { DenseMatrix, toDenseMatrix, type MatrixInput } from '@bcnmf/core';
import { invalidData } from './errors.js';

/**
 * Converts any core `MatrixInput` (rows = samples, columns = features) with core's
 * `toDenseMatrix`, then copies it to float64 and checks that every value is finite;
 * `role` ('target', 'background', 'data') names the matrix in errors, which also name
 * the row and column (and their names, when the matrix has them) of the first bad value.
 *
 * @example
 * (await toFloat64Matrix([[1, 2], [3, 4]], 'target')).shape; // [2, 2]
 * await toFloat64Matrix([[1, NaN]], 'target');
 * // rejects with BcnmfError INVALID_DATA: "target has NaN at row 0, column 1"
 */
export async function toFloat64Matrix(input: MatrixInput, role: string): Promise<DenseMatrix> {
  if (input === null || input === undefined) throw invalidData(`${role} is missing`);
  const m = await toDenseMatrix(input, role);
  if (m.rows === 0 || m.columns === 0) throw invalidData(`${role} is empty (shape [${m.rows}, ${m.columns}])`);
  const data = Float64Array.from(m.data);
  const { columns } = m;
  for (let idx = 0; idx < data.length; idx++) {
    const v = data[idx];
    if (!Number.isFinite(v)) {
      const i = Math.floor(idx / columns);
      const j = idx % columns;
      const rowName = m.rowNames ? ` ('${m.rowNames[i]}')` : '';
      const colName = m.columnNames ? ` ('${m.columnNames[j]}')` : '';
      throw invalidData(`${role} has ${String(v)} at row ${i}${rowName}, column ${j}${colName}`);
    }
  }
  return new DenseMatrix({ data, shape: [m.rows, m.columns], rowNames: m.rowNames, columnNames: m.columnNames });
}

/** Throws `INVALID_DATA` unless `b` has the same features (count, and names where both have them) as `a`. */
export function checkSameFeatures(a: DenseMatrix, roleA: string, b: DenseMatrix, roleB: string): void {
  if (a.columns !== b.columns) {
    throw invalidData(`${roleB} has ${b.columns} features (columns) but ${roleA} has ${a.columns}; rows are samples and columns are features`);
  }
  if (a.columnNames && b.columnNames) {
    for (let j = 0; j < a.columns; j++) {
      if (a.columnNames[j] !== b.columnNames[j]) {
        throw invalidData(`feature ${j} is '${a.columnNames[j]}' in ${roleA} but '${b.columnNames[j]}' in ${roleB}`);
      }
    }
  }
}
