/** Semantic role of an input column; decides how it is standardized, compared and blocked. */
export type Role =
  | 'givenName'
  | 'familyName'
  | 'fullName'
  | 'middleName'
  | 'dateOfBirth'
  | 'email'
  | 'phone'
  | 'street'
  | 'houseNumber'
  | 'city'
  | 'postcode'
  | 'state'
  | 'country'
  | 'gender'
  | 'identifier'
  | 'text'
  | 'ignore';

/** One customer record as the engine sees it: an id plus raw column values. */
export interface MatchRecord {
  id: string;
  fields: Record<string, string | null | undefined>;
}

/** Column name → role. Columns absent from the mapping are ignored. */
export type RoleMapping = Record<string, Role>;

/** Kind of comparator used for one compared column. */
export type ComparisonKind =
  | 'name'
  | 'fullName'
  | 'date'
  | 'email'
  | 'phone'
  | 'identifier'
  | 'postcode'
  | 'fuzzyText'
  | 'exact';

/** A compared column with its ordered comparison levels (level 0 is always "null", neutral). */
export interface ComparisonSpec {
  /** Output name: the role, or `role:column` when a role has several columns. */
  name: string;
  role: Role;
  column: string;
  kind: ComparisonKind;
  /** Level labels; index 0 = 'null', the last = 'else'. */
  levels: string[];
  /** Whether the exact level gets a term-frequency adjustment. */
  tf: boolean;
}

/** Trained Fellegi–Sunter parameters for one comparison. */
export interface ComparisonParams {
  name: string;
  role: Role;
  column: string;
  kind: ComparisonKind;
  levels: string[];
  /** P(level | match) per level (index 0, the null level, unused). */
  m: number[];
  /** P(level | non-match) per level, from random record pairs. */
  u: number[];
  tf: boolean;
}

/** Blocking rule as stored in a model: a name and the key parts it concatenates. */
export interface BlockingRuleSpec {
  name: string;
  parts: string[];
}

/** A trained, serialisable matching model (readable JSON). */
export interface MatchModel {
  format: 'custodian-match-model';
  version: 1;
  createdAt: string;
  roles: RoleMapping;
  /** Prior probability that two random records match. */
  lambda: number;
  comparisons: ComparisonParams[];
  blockingRules: BlockingRuleSpec[];
  /** Default probability threshold for a match. */
  threshold: number;
  /** Evidence (weight minus prior, bits) below which two records conflict strongly (clustering guard). */
  conflictWeight: number;
  training: {
    records: number;
    candidatePairs: number;
    randomPairs: number;
    emIterations: number;
    calibratedWithLabels?: number;
  };
}

/** Per-comparison part of an explanation. */
export interface ExplainTerm {
  comparison: string;
  role: Role;
  level: string;
  /** log2(m/u) for the level (0 for null). */
  weight: number;
  /** Term-frequency adjustment added on exact matches. */
  tfAdjustment: number;
  /**
   * What this term adds to the pair's weight: weight + tfAdjustment, except inside the address
   * group (street, house number, city, postcode, state, country), whose correlated terms count
   * only the strongest agreement and the strongest disagreement.
   */
  contribution: number;
  valueA: string | null;
  valueB: string | null;
}

/** Full explanation of one pair: priorWeight + Σ terms[].contribution = weight. */
export interface PairExplanation {
  idA: string;
  idB: string;
  priorWeight: number;
  terms: ExplainTerm[];
  weight: number;
  probability: number;
}

/** A scored candidate pair (indices into the dataset). */
export interface ScoredPair {
  a: number;
  b: number;
  weight: number;
  probability: number;
}
