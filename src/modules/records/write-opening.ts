import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Tx } from '../../platform/db/database.js';
import { preparedRows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { refuseRestrictedKeys } from '../dsr/restriction-guard.js';
import { parseRuleOverrides } from '../quality/rules.js';
import type { SourceRow, SourcesService } from '../sources/index.js';
import type { ReadAhead, StoredRecordRow } from './record-writer.js';
import { RECORD_COLUMNS } from './record-writer.js';

/** What a records write reads before it writes (see openWrite); `existing` and `ruleOverrides` go to writeRecords. */
export type OpenedWrite = ReadAhead & { source: SourceRow; schemaVersion: number };

type OpeningRow = StoredRecordRow & { source: Record<string, unknown> | null; head: number | null; rule_overrides: unknown; restricted_customer: string | null };

/**
 * The first statement of a records write, in its transaction: the source (authorized, not archived) with its
 * schema's current version, the batch's existing records locked for update, whether any of them belongs to a
 * restricted customer (then the write is refused: GDPR Art. 18) and the schema's quality rule overrides. Four
 * reads in one round trip: under load every statement of a write is a wait for the whole batch.
 */
export async function openWrite(tx: Tx, sources: SourcesService, actor: Actor, sourceRef: string, keys: string[]): Promise<OpenedWrite> {
  // One row per existing record, or a single row without one (the left join) that still carries the source.
  const found = await preparedRows<OpeningRow>(
    tx,
    sql`with src as materialized (${sources.headedSourceSql(sourceRef)}),
        ex as materialized (
          select ${RECORD_COLUMNS} from source_records
          where source_id = (select src.source->>'id' from src) and source_key = any(${sql.param(keys)}::text[]) for update)
        select src.source, src.head, q.rules as rule_overrides, d.customer_id as restricted_customer, ex.*
        from src left join quality_rules q on q.schema_id = src.source->>'schema_id'
          left join ex on true left join dsr_restrictions d on d.customer_id = ex.customer_id`,
  );
  const { source, schemaVersion } = sources.headedSource(actor, sourceRef, found[0]);
  if (source.archivedAt) throw AppError.conflict(`Source ${source.name} is archived; unarchive it to write records`);
  refuseRestrictedKeys(keys, new Map(found.filter((r) => r.restricted_customer !== null).map((r) => [r.source_key, r.restricted_customer!])));
  const existing = found
    .filter((r) => r.id !== null)
    .map(({ source: _source, head: _head, rule_overrides: _rules, restricted_customer: _restricted, ...row }) => row);
  return { source, schemaVersion, existing, ruleOverrides: parseRuleOverrides(found[0]!.rule_overrides) };
}
