import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../../src/modules/matching/engine/io/csv.js';
import { linkScores, pairwiseScores, type PairwiseScores } from '../../src/modules/matching/engine/evaluation.js';

/** Root of the shared public datasets (../shared/datasets from the repo root). */
export function datasetsDir(): string {
  return path.resolve(process.cwd(), '../shared/datasets');
}

/** FEBRL truth: rec-N-org / rec-N-dup-K → entity N. */
export function febrlEntity(id: string): string {
  const m = /^rec-(\d+)-/.exec(id);
  return m ? m[1]! : id;
}

/** Read a two-column CSV (id → label), e.g. truth files or CLUSTERS.csv. */
export function readLabels(file: string): Map<string, string> {
  const t = parseCsv(readFileSync(file, 'utf8'));
  const out = new Map<string, string>();
  const [ids, labels] = t.columns as [string[], string[]];
  for (let r = 0; r < t.rows; r++) out.set(ids[r]!, labels[r]!);
  return out;
}

/** Score a CLUSTERS.csv against a truth map. */
export function scoreClusters(clustersCsv: string, truth: Map<string, string>): PairwiseScores {
  return pairwiseScores(readLabels(clustersCsv), truth);
}

/** FEBRL truth for the ids of a clusters file. */
export function febrlTruth(ids: Iterable<string>): Map<string, string> {
  const m = new Map<string, string>();
  for (const id of ids) m.set(id, febrlEntity(id));
  return m;
}

/** Score a LINKS.csv of FEBRL4 (true link: same N). */
export function scoreFebrlLinks(linksCsv: string, idsA: string[]): PairwiseScores {
  const t = parseCsv(readFileSync(linksCsv, 'utf8'));
  const pred: Array<[string, string]> = [];
  for (let r = 0; r < t.rows; r++) pred.push([t.columns[0]![r]!, t.columns[1]![r]!]);
  const truth: Array<[string, string]> = idsA.map((a) => [a, a.replace('-org', '-dup-0')]);
  return linkScores(pred, truth);
}
