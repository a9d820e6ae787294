import { createHash } from 'node:crypto';
import { canonicalJson } from '../../platform/canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

export function payloadDigest(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload ?? null)).digest('hex');
}

export type HashedFields = {
  chainPos: number;
  id: string;
  atMs: number;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  requestId: string | null;
  ip: string | null;
  payloadDigest: string;
};

/** The hash of one entry: binds its fields, its payload digest and the previous entry's hash. */
export function entryHash(prevHash: string, e: HashedFields): string {
  return createHash('sha256')
    .update(
      canonicalJson([
        prevHash,
        e.chainPos,
        e.id,
        e.atMs,
        e.actorType,
        e.actorId,
        e.action,
        e.entityType,
        e.entityId,
        e.requestId,
        e.ip,
        e.payloadDigest,
      ]),
    )
    .digest('hex');
}
