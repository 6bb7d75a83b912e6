// Public API of @bcnmf/core: explicit named re-exports only.
export { BcnmfError } from './errors.js';
export type { BcnmfErrorCode } from './errors.js';
export { DenseMatrix } from './matrix/dense-matrix.js';
export type { DenseData, DenseMatrixInit } from './matrix/dense-matrix.js';
export { CsrMatrix } from './matrix/csr-matrix.js';
export type { CsrIndptr, CsrMatrixInit, FromCooOptions, SparseData } from './matrix/csr-matrix.js';
export { toDataMatrix, toDenseMatrix } from './matrix/convert.js';
export type { DenseArrayInput, MatrixInput } from './matrix/convert.js';
export { checkNonNegativeData, FLOAT32_MAX } from './matrix/validate.js';
export { isBatchSource, matrixBatchSource } from './matrix/batch-source.js';
export { describeRepeats, distinctNames, repeatedNames } from './matrix/names.js';
export type { BatchSource } from './matrix/batch-source.js';
export type { DataCheck } from './matrix/validate.js';
export { fitBcnmf } from './fit.js';
export { Bcnmf } from './estimator.js';
export type { BcnmfJSON, BcnmfParams } from './estimator.js';
export { fitEveryStart } from './fit-every-start.js';
export { fitWithBasis } from './fit-with-basis.js';
export type { FixedBasisOptions } from './fit-with-basis.js';
export { BCNMF_DEFAULTS, settingChecks } from './options.js';
export type { BcnmfOptions, CustomInit, InitMethod, ProgressEvent } from './options.js';
export { BcnmfModel } from './model/model.js';
export type { BcnmfModelInit, BcnmfModelJSON, ModelSettings, StartSummary, TransformOptions } from './model/model.js';
export { diagnoseFit, summarizeData } from './model/diagnose.js';
export type { DataSummary, DiagnoseOptions, DiagnoseTarget, FitDiagnosis } from './model/diagnose.js';
export { summarizeTopics } from './model/topics.js';
export type { TopicFeature, TopicSummary } from './model/topics.js';
export type { ScoreRecord } from './compute/score.js';
export { LOSS_NAMES, LOSSES } from './losses/index.js';
export type { Loss, LossDefinition, RatioTerms } from './losses/index.js';
export { plainOps } from './compute/plain-ops.js';
export {
  AUTO_BACKEND,
  backendNames,
  BUILTIN_BACKEND_NAMES,
  BUILTIN_BACKENDS,
  defaultBackendChain,
  listBackends,
  registerBackend,
  useBackend,
} from './backend/registry.js';
export type { BackendStatus } from './backend/registry.js';
// The backend contract: what a backend package implements (docs/CONTRIBUTING.md).
export { isSparse } from './contract/tensors.js';
export type { BackendAdapter, BackendProbe } from './contract/adapter.js';
export type { ComputeOps } from './contract/compute-ops.js';
export type {
  BasisUpdateArgs,
  CoefficientPass,
  CoefficientPassArgs,
  FactorsOf,
  MultiplicativeUpdateArgs,
  RatioArgs,
  ReconstructionSumArgs,
  SparseRatioArgs,
  StepArgs,
  StepParams,
  UpdateSettings,
  WeightedStatistics,
} from './contract/params.js';
export type { BasisStatistics, DataTensor, DataTensors, FactorState, SparseTensor, TfNamespace } from './contract/tensors.js';
