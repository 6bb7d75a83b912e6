// Public API of @bcnmf/consensus: explicit named re-exports only.
export { consensusBcnmf, consensusMemory, resolveConsensusOptions } from './consensus.js';
export type { ConsensusOptions, ConsensusResult, ConsensusShape, ConsensusTopic, RestartSummary } from './consensus.js';
export { CONSENSUS_DEFAULTS, SWEEP_DEFAULTS } from './defaults.js';
export { ConsensusError } from './errors.js';
export type { ConsensusErrorCode } from './errors.js';
export { consensusSvg, selectionSvg } from './figures.js';
export { recommendationRule, recommendSetting } from './recommend.js';
export type { RankedCell, Recommendation } from './recommend.js';
export { checkGrid, checkSweepCell, gridCells, selectionSweep, sweepFits } from './sweep.js';
export type { AutoAlphaChoice, AutoAlphaOptions, SelectionSweep, SelectionSweepOptions, SweepCell, SweepProgress } from './sweep.js';
export { clusterTopics, clusterTopicsAsync, localDensity, median } from './topics.js';
export type { RestartTopic, TopicCluster, TopicClustering, TopicClusteringOptions } from './topics.js';
