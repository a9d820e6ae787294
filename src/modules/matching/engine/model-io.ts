import { readFileSync, writeFileSync } from 'node:fs';
import type { MatchModel } from './types.js';

/** Serialise a model as readable JSON. */
export function modelToJson(model: MatchModel): string {
  return JSON.stringify(model, null, 2) + '\n';
}

/** Parse and validate a model from JSON text. */
export function modelFromJson(text: string): MatchModel {
  const m = JSON.parse(text) as MatchModel;
  if (m?.format !== 'custodian-match-model' || m.version !== 1) throw new Error('not a Custodian match model (format/version)');
  if (!Array.isArray(m.comparisons) || typeof m.lambda !== 'number' || typeof m.roles !== 'object') throw new Error('match model is missing comparisons, lambda or roles');
  for (const c of m.comparisons) {
    if (c.m.length !== c.levels.length || c.u.length !== c.levels.length) throw new Error(`match model comparison ${c.name}: m/u do not match its levels`);
  }
  return m;
}

/** Save a model to a JSON file. */
export function saveModel(model: MatchModel, path: string): void {
  writeFileSync(path, modelToJson(model));
}

/** Load a model from a JSON file. */
export function loadModel(path: string): MatchModel {
  return modelFromJson(readFileSync(path, 'utf8'));
}
