/**
 * Custodian matching engine: a pure library (no database, no HTTP).
 * records → standardize → block → compare → score (Fellegi–Sunter, EM-trained) → cluster → explain.
 */
export type {
  Role,
  RoleMapping,
  MatchRecord,
  MatchModel,
  ComparisonParams,
  ComparisonKind,
  BlockingRuleSpec,
  PairExplanation,
  ExplainTerm,
} from './types.js';
export { dedupe, link, trainModel, DEFAULTS } from './pipeline.js';
export type { RunOptions, DedupeResult, LinkResult, RunStats, PairList } from './pipeline.js';
export { MatchIndex } from './match-index.js';
export type { MatchCandidate, MatchQueryOptions } from './match-index.js';
export { explainPair } from './explain.js';
export { calibrateModel } from './calibration.js';
export type { LabelledPair } from './calibration.js';
export { loadModel, saveModel, modelToJson, modelFromJson } from './model-io.js';
export { detectRole, detectRoles, parseRole, ROLES } from './roles.js';
export { pairwiseScores, linkScores } from './evaluation.js';
export type { PairwiseScores } from './evaluation.js';
export { jaroWinkler, jaro } from './compare/jaro-winkler.js';
export { damerauLevenshtein } from './compare/damerau-levenshtein.js';
export { areNicknames, nicknameGroups } from './nicknames.js';
