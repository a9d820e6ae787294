import { beforeEach, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import { describeTiers } from '../support/tiers.js';
import type { Fixture } from '../support/system.js';
import { createFixture, createSource, useSystem } from '../support/system.js';

// A records write reads its source, the schema's head, the existing records, restrictions and the quality rule
// overrides in one opening statement (records/write-opening.ts). What each of those reads decides must still hold.
describeTiers('the opening read of a records write', (tier) => {
  const sys = useSystem(tier);
  let fx: Fixture;
  let steward = '';
  beforeEach(async () => {
    await sys().resetData();
    fx = await createFixture(sys());
    steward = (await sys().key('steward')).key;
  });

  const write = (source: string, key: string, values: Record<string, unknown>) =>
    sys().request({ method: 'POST', url: '/api/v1/records', key: steward, payload: { source, key, values } });
  const quality = async (id: string) => (await sys().request({ method: 'GET', url: `/api/v1/records/${id}/quality`, key: steward })).json<{ score: number; issues: string[] }>();

  it('assesses a written record with the schema’s stored quality rules', async () => {
    const values = { first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com' };
    const before = await write(fx.sourceName, 'A', values);
    expect(before.statusCode).toBe(201);
    const a = before.json().record.id as string;
    const byDefault = await quality(a);
    // Two more attributes count as important (and are missing): a lower completeness.
    const put = await sys().request({ method: 'PUT', url: `/api/v1/quality/rules/${fx.schemaName}`, key: steward, payload: { important: ['phone', 'birth_date', 'segment'] } });
    expect(put.statusCode).toBe(200);
    const rescored = await quality(a);
    expect(rescored.score).toBeLessThan(byDefault.score);
    // A record written now is assessed as the rescoring assessed the same values.
    const after = await write(fx.sourceName, 'B', values);
    expect(after.statusCode).toBe(201);
    expect(await quality(after.json().record.id)).toMatchObject({ score: rescored.score, issues: rescored.issues });
  });

  it('finds the source by id before a source named like that id, and refuses unknown, archived and out-of-area sources', async () => {
    const named = await sys().services.sources.create(Actor.system(), { name: fx.sourceId, schema: fx.schemaId, systemType: 'crm' });
    const byId = await write(fx.sourceId, 'K', { first_name: 'Bo', last_name: 'Ng' });
    expect(byId.statusCode).toBe(201);
    expect(byId.json().record.sourceId).toBe(fx.sourceId);
    const byName = await write(named.name, 'K', { first_name: 'Bo', last_name: 'Ng' });
    // The name of `named` is the id of the fixture's source: the same record again, unchanged.
    expect(byName.json()).toMatchObject({ outcome: 'unchanged', record: { sourceId: fx.sourceId } });
    // Reading the source resolves the same way.
    expect((await sys().request({ method: 'GET', url: `/api/v1/sources/${fx.sourceId}`, key: steward })).json()).toMatchObject({ id: fx.sourceId, name: fx.sourceName });
    // `named` is reachable by its own id, and then gets its own record.
    const own = await write(named.id, 'K', { first_name: 'Bo', last_name: 'Ng' });
    expect(own.json()).toMatchObject({ outcome: 'created', record: { sourceId: named.id } });

    expect((await write('nope', 'K', { first_name: 'Bo', last_name: 'Ng' })).json().error).toMatchObject({ code: 'NOT_FOUND' });
    const archived = await createSource(sys(), fx.schemaId, 'old-list');
    await sys().services.sources.update(Actor.system(), archived, { archived: true });
    const refused = await write('old-list', 'K', { first_name: 'Bo', last_name: 'Ng' });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'CONFLICT']);
    const elsewhere = await sys().services.governance.createBusinessArea(Actor.system(), { name: 'emea' });
    await createSource(sys(), fx.schemaId, 'emea-shop', elsewhere.id);
    const scoped = (await sys().key('steward', { businessAreaIds: [(await sys().query<{ id: string }>(`select business_area_id as id from sources where id = $1`, [fx.sourceId]))[0]!.id] })).key;
    const outOfArea = await sys().request({ method: 'POST', url: '/api/v1/records', key: scoped, payload: { source: 'emea-shop', key: 'K', values: { first_name: 'Bo', last_name: 'Ng' } } });
    expect([outOfArea.statusCode, outOfArea.json().error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await sys().query<{ n: number }>(`select count(*)::int as n from source_records`))[0]!.n).toBe(2);
  });
});
