import { expect, it } from 'vitest';
import { loadRules } from '../../src/modules/quality/rules.js';
import type { IncomingRecord } from '../../src/modules/records/index.js';
import { prepareRecords, writeRecordBatch } from '../../src/modules/records/index.js';
import { Actor } from '../../src/platform/auth/actor.js';
import { migrateDatabase, openDatabase } from '../../src/platform/db/database.js';
import { createServices } from '../../src/server/services.js';
import { describeTiers, useTierDatabase } from '../support/tiers.js';

// The writer sends each distinct verification map once and has each row point at its map
// (record-writer.ts, recordDocument): what is stored must be exactly what was read and assessed.
describeTiers('stored raw, standardized and verification documents', (tier) => {
  const db = useTierDatabase(tier);

  it('are stored exactly as read and assessed: shared and distinct maps, over 50 attributes, keys outside the schema, a null in a stamp, emptied and extra columns', async () => {
    const t = db();
    const database = await openDatabase(tier === 'pglite' ? { pglite: t.pglite } : { databaseUrl: t.url, poolSize: 2 });
    try {
      await migrateDatabase(database);
      const services = createServices(database, { sessionTtlHours: 1 }, { matchOnArrival: false });
      const actor = Actor.system('test');
      // 60 text attributes: wide maps (the writer once rebuilt them 50 attributes per SQL call).
      const extra = Array.from({ length: 56 }, (_, i) => ({ name: `note_${i}`, type: 'text' }));
      const attributes = [{ name: 'first_name', type: 'text', required: true }, { name: 'email', type: 'email' }, { name: 'phone', type: 'phone' }, { name: 'country', type: 'country' }, ...extra];
      await services.schemas.create(actor, { name: 'wide', definition: { attributes, defaultRegion: 'US' } });
      const source = await services.sources.create(actor, { name: 'wide_src', schema: 'wide', systemType: 'other' });
      const ctx = { ...(await services.records.writeContext(await services.sources.resolve(actor, source.id))), verifiedBy: 'import-rule' as const };
      const notes = Object.fromEntries(extra.map((a, i) => [a.name, `n${i}`]));
      const batch: IncomingRecord[] = [
        { key: 'a', values: { first_name: 'ann', email: 'ann@gmial.com', phone: '(417) 685-5089', country: 'usa', ...notes } },
        { key: 'b', values: { first_name: 'bob', email: 'info@example.com', note_55: 'last' } },
        { key: 'c', values: { first_name: 'cy', email: '', country: 'Deutschland', shoe_size: 42, tags: { a: [1, null] } } },
        { key: 'd', values: { first_name: 'dee', email: 'dee@example.com' } },
        { key: 'e', values: { first_name: 'eve', email: 'eve@example.com' } },
        { key: 'f', values: { first_name: 'fay', email: 'fay@example.com' } },
      ];
      const rules = await loadRules(database.db, ctx.source.schemaId, ctx.definition);
      prepareRecords(ctx, rules, batch, new Date('2026-03-04T05:06:07.089Z'));
      // A map with a key the schema does not have (a pluggable standardizer could add one) is stored whole,
      // and so is a stamp holding a null (a map rebuilt from parts could lose it).
      const d = batch[3]!.prepared!.quality!;
      d.verification = { ...d.verification, legacy: { status: 'suspect', reasons: [{ code: 'old', message: 'kept' }], verifiedAt: '2020-01-01T00:00:00.000Z', verifiedBy: 'steward' } };
      const b = batch[1]!.prepared!.quality!;
      b.verification = { ...b.verification, first_name: { ...b.verification.first_name!, suggestion: null as unknown as string } };
      await database.db.transaction((tx) => writeRecordBatch(tx, services.audit, actor, ctx, batch));
      const stored = await database.raw<{ source_key: string; raw: unknown; standardized: unknown; verification: unknown }>(
        `select source_key, raw, standardized, verification from source_records where source_id = $1 order by source_key`,
        [source.id],
      );
      expect(stored).toEqual(batch.map((r) => ({ source_key: r.key, raw: r.values, standardized: r.prepared!.quality!.standardized, verification: r.prepared!.quality!.verification })));
      const versions = await database.raw<{ raw: unknown }>(`select v.raw from source_record_versions v join source_records r on r.id = v.record_id where r.source_id = $1 order by r.source_key`, [source.id]);
      expect(versions).toEqual(batch.map((r) => ({ raw: r.values })));
      expect(Object.keys(stored[0]!.verification as object)).toHaveLength(60);
      expect((stored[1]!.verification as Record<string, { suggestion?: unknown }>).first_name!.suggestion).toBeNull();
      // Records stamped alike share one map, yet each stored map is its own.
      expect(stored[3]!.verification).not.toEqual(stored[4]!.verification);
      expect(stored[4]!.verification).toEqual(stored[5]!.verification);
      expect((stored[0]!.verification as Record<string, unknown>).email).toMatchObject({ status: 'suspect', suggestion: 'ann@gmail.com', verifiedAt: '2026-03-04T05:06:07.089Z', verifiedBy: 'import-rule' });
    } finally {
      if (tier === 'postgres') await database.close();
    }
  });
});
