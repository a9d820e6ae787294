import { afterAll, beforeAll, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Database } from '../../src/platform/db/database.js';
import { migrateDatabase, openDatabase } from '../../src/platform/db/database.js';
import { createServices, type Services } from '../../src/server/services.js';
import { describeTiers, useTierDatabase } from '../support/tiers.js';

// The writer's audit entries go in as one JSON document (AuditService.insertOf): order, nulls and payloads as sent.
describeTiers('audit batch insert', (tier) => {
  const db = useTierDatabase(tier);
  let database: Database;
  let services: Services;

  beforeAll(async () => {
    const t = db();
    database = await openDatabase(tier === 'pglite' ? { pglite: t.pglite } : { databaseUrl: t.url, poolSize: 2 });
    await migrateDatabase(database);
    services = createServices(database, { sessionTtlHours: 1 }, { matchOnArrival: false });
  });
  afterAll(async () => {
    if (tier === 'postgres') await database.close();
  });

  it('keeps the entries in order, a null payload as JSON null (SQL NULL means redacted), and seals them', async () => {
    const actor = Actor.system('test');
    await services.audit.appendMany(database.db, actor, [
      { action: 'test.first', entityType: 'thing', entityId: 't1', payload: { quote: 'say "hi"', nested: { a: [1, null] } } },
      { action: 'test.second', entityType: 'thing', entityId: null, payload: null },
      { action: 'test.third', entityType: 'thing', entityId: 't3', payload: { n: 3 }, request: { requestId: 'req-3', ip: '10.0.0.3' } },
    ]);
    const stored = await database.raw<{ action: string; entity_id: string | null; sql_null: boolean; payload: unknown; request_id: string | null; ip: string | null }>(
      `select action, entity_id, payload is null as sql_null, payload, request_id, ip from audit_log where action like 'test.%' order by seq`,
    );
    expect(stored).toEqual([
      { action: 'test.first', entity_id: 't1', sql_null: false, payload: { quote: 'say "hi"', nested: { a: [1, null] } }, request_id: null, ip: null },
      { action: 'test.second', entity_id: null, sql_null: false, payload: null, request_id: null, ip: null },
      { action: 'test.third', entity_id: 't3', sql_null: false, payload: { n: 3 }, request_id: 'req-3', ip: '10.0.0.3' },
    ]);
    await services.audit.seal();
    const verified = await services.audit.verify();
    expect(verified.ok).toBe(true);
    expect(verified.redacted).toBe(0);
  });
});
