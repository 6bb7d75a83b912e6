import type { ComputeOps } from '@bcnmf/core';
import { dataTimesThin } from './kernels/data-times-thin.js';
import { basisUpdate, coefficientsAndStatistics } from './kernels/fused-passes.js';
import { multiplicativeUpdate } from './kernels/multiplicative-update.js';
import { poissonRatio } from './kernels/poisson-ratio.js';
import { divergenceConstant, reconstructionSum } from './kernels/reconstruction-sum.js';
import { sparsePoissonRatio } from './kernels/sparse-poisson-ratio.js';
import { sparseReconstruction } from './kernels/sparse-reconstruction.js';
import { sparseTimesThin } from './kernels/sparse-times-thin.js';
import { thinTransposedTimesData } from './kernels/thin-transposed-times-data.js';
import { thinTransposedTimesSparse } from './kernels/thin-transposed-times-sparse.js';

/**
 * The `cpu` backend's implementations of core's `ComputeOps`: fused per-data-set passes
 * and basis update (core composes full-batch iterations and minibatches from them alike),
 * one-pass score sums
 * and dense products
 * on bcnmf's native kernels where they were built, else through
 * native BLAS when it is loaded (tfjs's matMul otherwise), the multiplicative update in
 * one fused pass, and sparse products straight over the CSR entries. They read the
 * tensors' arrays in place (tfjs-backend-cpu keeps them as typed arrays) and never
 * write them.
 */
export const cpuOps = {
  dataTimesThin,
  thinTransposedTimesData,
  multiplicativeUpdate,
  poissonRatio,
  sparseTimesThin,
  thinTransposedTimesSparse,
  sparsePoissonRatio,
  sparseReconstruction,
  coefficientsAndStatistics,
  basisUpdate,
  reconstructionSum,
  divergenceConstant,
} satisfies ComputeOps;
