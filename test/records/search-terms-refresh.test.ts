import { expect, it } from 'vitest';
import { customerListQuery } from '../../src/modules/customers/customers.schemas.js';
import type { IncomingRecord, WriteContext } from '../../src/modules/records/index.js';
import { writeRecordBatch } from '../../src/modules/records/index.js';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Database } from '../../src/platform/db/database.js';
import { migrateDatabase, openDatabase } from '../../src/platform/db/database.js';
import { createServices, type Services } from '../../src/server/services.js';
import { describeTiers, useTierDatabase } from '../support/tiers.js';

type TermRow = { source_key: string; customer_id: string; kind: string; term: string; ctid: string };

// An update whose search terms did not change keeps its term rows (search-indexer.ts → planSearchTerms);
// every other update replaces them: what is stored must always be exactly the terms of the current values.
describeTiers('search terms of updated records', (tier) => {
  const db = useTierDatabase(tier);

  it('keeps unchanged terms, replaces changed ones, and restores terms removed or re-pointed behind the writer', async () => {
    const t = db();
    const database: Database = await openDatabase(tier === 'pglite' ? { pglite: t.pglite } : { databaseUrl: t.url, poolSize: 2 });
    try {
      await migrateDatabase(database);
      const services: Services = createServices(database, { sessionTtlHours: 1 }, { matchOnArrival: false });
      const actor = Actor.system('test');
      const attributes = [
        { name: 'first_name', type: 'text', required: true },
        { name: 'last_name', type: 'text' },
        { name: 'email', type: 'email' },
        { name: 'phone', type: 'phone' },
        { name: 'member_no', type: 'identifier' },
        { name: 'card_no', type: 'identifier' },
        { name: 'city', type: 'text' },
      ];
      await services.schemas.create(actor, { name: 'people', definition: { attributes, defaultRegion: 'GB' } });
      const source = await services.sources.create(actor, { name: 'crm', schema: 'people', systemType: 'crm' });
      const ctx: WriteContext = await services.records.writeContext(await services.sources.resolve(actor, source.id));
      const write = (batch: IncomingRecord[]) => database.db.transaction((tx) => writeRecordBatch(tx, services.audit, actor, ctx, batch));
      const terms = async (): Promise<TermRow[]> => {
        await services.records.searchIndex.catchUp();
        return database.raw<TermRow>(
          `select r.source_key, t.customer_id, t.kind, t.term, t.ctid::text as ctid from customer_search_terms t join source_records r on r.id = t.record_id
           where r.source_id = $1 order by r.source_key, t.kind, t.term, t.ctid`,
          [source.id],
        );
      };
      const a = { first_name: 'Ann', last_name: 'Lee', email: 'Ann@Example.com', phone: '07911 123456', member_no: 'M-1', card_no: 'M-1', city: 'Leeds' };
      const b = { first_name: 'Bob', email: 'bob@example.com', city: 'York' };
      const c = { first_name: 'Cy', email: 'cy@example.com' };
      const first = await write([
        { key: 'A', values: a },
        { key: 'B', values: b },
        { key: 'C', values: c },
        { key: 'D', values: { last_name: 'no first name' } },
      ]);
      expect(first.map((r) => [r.outcome, r.errors])).toEqual([['created', []], ['created', []], ['created', []], ['rejected', [expect.objectContaining({ field: 'first_name' })]]]);
      const before = await terms();
      const customerOf = (key: string): string => before.find((r) => r.source_key === key)!.customer_id;
      // Two identifiers with the same value give two rows; both stay.
      expect(before.filter((r) => r.source_key === 'A').map((r) => [r.kind, r.term])).toEqual([
        ['email', 'ann@example.com'],
        ['id', 'm-1'],
        ['id', 'm-1'],
        ['key', 'a'],
        ['name', 'ann lee'],
        ['phone', '447911123456'],
      ]);

      // C's terms disappear behind the writer (as a soft delete removes them) and A's are re-pointed.
      const cId = (await database.raw<{ id: string }>(`select id from source_records where source_id = $1 and source_key = 'C'`, [source.id]))[0]!.id;
      await services.records.delete(actor, cId);
      await database.raw(`update customer_search_terms set customer_id = 'cus_elsewhere' where term = 'ann lee'`);

      const results = await write([
        { key: 'A', values: { ...a, city: 'Hull' } },
        { key: 'B', values: { ...b, email: 'robert@example.com' } },
        { key: 'C', values: c },
        { key: 'D', values: { first_name: 'Dee' } },
      ]);
      expect(results.map((r) => r.outcome)).toEqual(['updated', 'updated', 'updated', 'updated']);
      const after = await terms();
      const rowsOf = (rows: TermRow[], key: string) => rows.filter((r) => r.source_key === key).map(({ ctid: _c, ...r }) => r);
      // A: the stale customer made its terms differ, so all of them were rewritten with the record's customer.
      expect(rowsOf(after, 'A')).toEqual(rowsOf(before, 'A'));
      expect(after.filter((r) => r.source_key === 'A').every((r) => r.customer_id === customerOf('A'))).toBe(true);
      expect(rowsOf(after, 'B')).toEqual([
        { source_key: 'B', customer_id: customerOf('B'), kind: 'email', term: 'robert@example.com' },
        { source_key: 'B', customer_id: customerOf('B'), kind: 'key', term: 'b' },
        { source_key: 'B', customer_id: customerOf('B'), kind: 'name', term: 'bob' },
      ]);
      expect(rowsOf(after, 'C')).toEqual(rowsOf(before, 'C'));
      const dCustomer = after.find((r) => r.source_key === 'D')!.customer_id;
      expect(rowsOf(after, 'D')).toEqual([
        { source_key: 'D', customer_id: dCustomer, kind: 'key', term: 'd' },
        { source_key: 'D', customer_id: dCustomer, kind: 'name', term: 'dee' },
      ]);

      // A change outside the terms leaves the term rows themselves in place (same physical rows).
      const kept = (await terms()).filter((r) => r.source_key === 'A' || r.source_key === 'B');
      await write([
        { key: 'A', values: { ...a, city: 'Leeds' } },
        { key: 'B', values: { ...b, email: 'robert@example.com', city: 'Hull' } },
      ]);
      expect((await terms()).filter((r) => r.source_key === 'A' || r.source_key === 'B')).toEqual(kept);

      const found = await services.customers.list(actor, customerListQuery.parse({ q: 'robert@example.com', fuzzy: 'false' }));
      expect(found.items.map((i) => i.id)).toEqual([customerOf('B')]);
    } finally {
      if (tier === 'postgres') await database.close();
    }
  });
});
