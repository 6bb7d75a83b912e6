import type { MultiplicativeUpdateArgs } from '@bcnmf/core';
import type * as tfjs from '@tensorflow/tfjs-core';
import { kernelState } from './state.js';
import { floatValues } from './tensor-values.js';

/**
 * `current ∘ (numerator ⊘ (denominator + eps))^damping` in one pass over the arrays
 * (tfjs would make three or four: add, div, sqrt/pow, mul). `denominator` is the same
 * shape as `current`, a 1 x columns row or a rows x 1 column.
 */
export function multiplicativeUpdate({ current, numerator, denominator, eps, damping }: MultiplicativeUpdateArgs): tfjs.Tensor2D {
  const { tf } = kernelState;
  const [rows, columns] = current.shape;
  const [dRows, dColumns] = denominator.shape;
  const full = dRows === rows && dColumns === columns;
  const row = dRows === 1 && dColumns === columns;
  const column = dRows === rows && dColumns === 1;
  if (numerator.shape[0] !== rows || numerator.shape[1] !== columns || !(full || row || column)) {
    throw new Error(
      `multiplicativeUpdate: shapes ${current.shape}, ${numerator.shape} and ${denominator.shape} do not match`,
    );
  }
  const h = floatValues(current);
  const num = floatValues(numerator);
  const den = floatValues(denominator);
  const out = new Float32Array(rows * columns);
  // Math.fround keeps each step in float32, as tfjs's separate kernels do.
  const f = Math.fround;
  const e = f(eps);
  for (let i = 0; i < rows; i++) {
    const base = i * columns;
    for (let j = 0; j < columns; j++) {
      const d = full ? den[base + j] : row ? den[j] : den[i];
      let ratio = f(num[base + j] / f(d + e));
      if (damping === 0.5) ratio = f(Math.sqrt(ratio));
      else if (damping !== 1) ratio = f(Math.pow(ratio, damping));
      out[base + j] = h[base + j] * ratio;
    }
  }
  return tf.tensor2d(out, [rows, columns], 'float32');
}
