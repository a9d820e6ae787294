import { beforeAll, expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { createFixture, createSource, useSystem, type Fixture } from '../support/system.js';

type Detail = { field: string; rule: string; message: string };

const ann = { first_name: 'Ann', last_name: 'Archer', email: 'ann@example.com', phone: '020 7946 0958', loyalty_id: 'L-100' };

describeTiers('HTTP records', (tier) => {
  const sys = useSystem(tier);
  let fx: Fixture;
  let steward: string;
  let stewardId: string;
  let otherSourceId: string;

  beforeAll(async () => {
    fx = await createFixture(sys());
    otherSourceId = await createSource(sys(), fx.schemaId, 'webshop');
    const k = await sys().key('steward');
    steward = k.key;
    stewardId = k.id;
  });

  const write = (key: string, values: Record<string, unknown>, source: string = fx.sourceId) =>
    sys().request({ method: 'POST', url: '/api/v1/records', key: steward, payload: { source, key, values } });
  const get = (url: string) => sys().request({ method: 'GET', url, key: steward });

  it('create → 201 created with a new customer; identical → unchanged; changed → updated v2; history has both versions', async () => {
    const created = await write('c-1', ann);
    expect(created.statusCode).toBe(201);
    const c = created.json();
    expect(c.outcome).toBe('created');
    expect(c.record).toMatchObject({ sourceId: fx.sourceId, sourceName: 'crm', sourceKey: 'c-1', status: 'valid', version: 1, schemaVersion: 1, errors: [], masked: [] });
    expect(c.record.id).toMatch(/^rec_/);
    expect(c.record.customerId).toMatch(/^cus_/);
    expect(c.record.values).toMatchObject({ first_name: 'Ann', email: 'ann@example.com', phone: '+442079460958' });
    const customer = await get(`/api/v1/customers/${c.record.customerId}`);
    expect(customer.statusCode).toBe(200);
    expect(customer.json()).toMatchObject({ status: 'active', displayName: 'Ann Archer' });
    expect(customer.json().records.map((r: { id: string }) => r.id)).toEqual([c.record.id]);

    const same = await write('c-1', { ...ann });
    expect(same.statusCode).toBe(200);
    expect(same.json().outcome).toBe('unchanged');
    expect(same.json().record.version).toBe(1);

    const changed = await write('c-1', { ...ann, last_name: 'Archer-Smith' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().outcome).toBe('updated');
    expect(changed.json().record).toMatchObject({ id: c.record.id, version: 2, customerId: c.record.customerId });
    expect((await get(`/api/v1/customers/${c.record.customerId}`)).json().displayName).toBe('Ann Archer-Smith');

    const history = await get(`/api/v1/records/${c.record.id}/history`);
    expect(history.statusCode).toBe(200);
    const items = history.json().items;
    expect(items.map((v: { version: number; changeKind: string }) => [v.version, v.changeKind])).toEqual([
      [2, 'update'],
      [1, 'create'],
    ]);
    for (const v of items) {
      expect(v.changedBy).toBe(stewardId);
      expect(Number.isNaN(Date.parse(v.changedAt))).toBe(false);
    }
    expect(items[1].raw.last_name).toBe('Archer');
    expect(items[0].raw.last_name).toBe('Archer-Smith');

    const byKey = await get(`/api/v1/sources/crm/records/c-1`);
    expect(byKey.statusCode).toBe(200);
    expect(byKey.json().id).toBe(c.record.id);
  });

  it('the record a write answers with is the record stored: created, unchanged, updated, rejected update, extras, batch', async () => {
    const stored = async (body: { record: { id: string } }) => (await get(`/api/v1/records/${body.record.id}`)).json();
    // Its own loyalty number (a unique attribute): other tests of the file store ann's.
    const mine = { ...ann, loyalty_id: 'L-701' };
    const sent: [string, Record<string, unknown>][] = [
      ['same-1', { ...mine, vip: 'yes' }],
      ['same-1', { ...mine, vip: 'yes' }],
      ['same-1', { ...mine, email: 'ann.archer@example.com' }],
      ['same-1', { ...mine, email: 'not-an-email' }],
      ['same-2', { first_name: 'Bea' }],
    ];
    const outcomes = [];
    for (const [key, values] of sent) {
      const r = await write(key, values);
      outcomes.push([r.statusCode, r.json().outcome]);
      expect(r.json().record).toEqual(await stored(r.json()));
    }
    expect(outcomes).toEqual([[201, 'created'], [200, 'unchanged'], [200, 'updated'], [422, 'rejected'], [422, 'rejected']]);
    const batch = await sys().request({ method: 'POST', url: '/api/v1/records/batch', key: steward, payload: { source: fx.sourceId, records: [{ key: 'same-1', values: mine }, { key: 'same-3', values: { ...ann, loyalty_id: 'L-703' } }, { key: 'same-4', values: mine }] } });
    // same-4 claims same-1's loyalty number (unique): a rejected new record.
    expect(batch.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['updated', 'created', 'rejected']);
    for (const r of batch.json().results) expect(r.record).toEqual(await stored(r));
  });

  it('invalid → 422 naming field and rule; kept as rejected and listed in the quarantine; a corrected PUT makes it valid with a customer', async () => {
    const res = await write('q-1', { first_name: 'Quin', email: 'not-an-email' });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    const pairs = body.error.details.map((d: Detail) => [d.field, d.rule]);
    expect(pairs).toContainEqual(['last_name', 'required']);
    expect(pairs).toContainEqual(['email', 'format']);
    expect(body.outcome).toBe('rejected');
    expect(body.record).toMatchObject({ status: 'rejected', customerId: null, values: null });
    const id = body.record.id as string;

    const quarantine = await get(`/api/v1/records?status=rejected&source=crm`);
    expect(quarantine.statusCode).toBe(200);
    expect(quarantine.json().items.map((r: { id: string }) => r.id)).toContain(id);
    const valid = await get(`/api/v1/records?status=valid&source=crm`);
    expect(valid.json().items.map((r: { id: string }) => r.id)).not.toContain(id);

    const fixed = await sys().request({ method: 'PUT', url: `/api/v1/records/${id}`, key: steward, payload: { values: { first_name: 'Quin', last_name: 'Quill', email: 'quin@example.com' } } });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json().outcome).toBe('updated');
    expect(fixed.json().record).toMatchObject({ id, status: 'valid', version: 2, errors: [] });
    expect(fixed.json().record.customerId).toMatch(/^cus_/);
    expect((await get(`/api/v1/customers/${fixed.json().record.customerId}`)).statusCode).toBe(200);
    expect((await get(`/api/v1/records?status=rejected&source=crm`)).json().items.map((r: { id: string }) => r.id)).not.toContain(id);
  });

  it('a rejected update of a valid record keeps the previous valid values and the customer', async () => {
    const first = (await write('k-1', { first_name: 'Kay', last_name: 'Keeper', email: 'kay@example.com' })).json().record;
    const res = await sys().request({ method: 'PUT', url: `/api/v1/records/${first.id}`, key: steward, payload: { values: { first_name: 'Kay', last_name: 'Keeper', email: 'broken' } } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.map((d: Detail) => [d.field, d.rule])).toEqual([['email', 'format']]);
    const now = (await get(`/api/v1/records/${first.id}`)).json();
    expect(now).toMatchObject({ status: 'rejected', version: 2, customerId: first.customerId });
    expect(now.values).toEqual(first.values);
    expect(now.raw.email).toBe('broken');
    const customer = await get(`/api/v1/customers/${first.customerId}`);
    expect(customer.statusCode).toBe(200);
    expect(customer.json()).toMatchObject({ status: 'active', displayName: 'Kay Keeper' });
    // The customer still finds it by its last valid e-mail.
    const found = (await get('/api/v1/customers?email=kay@example.com&fuzzy=false')).json().items.map((c: { id: string }) => c.id);
    expect(found).toEqual([first.customerId]);
  });

  it('unique attribute: a second record of the same source with the value is rejected (rule unique); another source may use it', async () => {
    expect((await write('u-1', { first_name: 'Uma', last_name: 'One', loyalty_id: 'LOY-7' })).statusCode).toBe(201);
    const clash = await write('u-2', { first_name: 'Ula', last_name: 'Two', loyalty_id: 'LOY-7' });
    expect(clash.statusCode).toBe(422);
    expect(clash.json().error.details.map((d: Detail) => [d.field, d.rule])).toEqual([['loyalty_id', 'unique']]);
    expect(clash.json().record.status).toBe('rejected');
    const caseClash = await write('u-3', { first_name: 'Ula', last_name: 'Three', loyalty_id: 'loy-7' });
    expect(caseClash.statusCode).toBe(422);
    const elsewhere = await write('u-1', { first_name: 'Uma', last_name: 'One', loyalty_id: 'LOY-7' }, otherSourceId);
    expect(elsewhere.statusCode).toBe(201);
    // The owner may re-send its own value.
    expect((await write('u-1', { first_name: 'Uma', last_name: 'Uno', loyalty_id: 'LOY-7' })).json().outcome).toBe('updated');
  });

  it('batch with mixed outcomes gives exact counts and per-record results in order', async () => {
    await write('b-2', { first_name: 'Bea', last_name: 'Two' });
    await write('b-3', { first_name: 'Ben', last_name: 'Three' });
    const res = await sys().request({
      method: 'POST',
      url: '/api/v1/records/batch',
      key: steward,
      payload: {
        source: 'crm',
        records: [
          { key: 'b-1', values: { first_name: 'Bo', last_name: 'One' } },
          { key: 'b-2', values: { first_name: 'Bea', last_name: 'Twice' } },
          { key: 'b-3', values: { first_name: 'Ben', last_name: 'Three' } },
          { key: 'b-4', values: { first_name: 'Bad' } },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.counts).toEqual({ created: 1, updated: 1, unchanged: 1, rejected: 1 });
    expect(body.results.map((r: { outcome: string; record: { sourceKey: string } }) => [r.record.sourceKey, r.outcome])).toEqual([
      ['b-1', 'created'],
      ['b-2', 'updated'],
      ['b-3', 'unchanged'],
      ['b-4', 'rejected'],
    ]);
    expect(body.results[3].record.errors.map((e: Detail) => [e.field, e.rule])).toEqual([['last_name', 'required']]);
  });

  it('batch with duplicate keys → 400 and nothing written', async () => {
    const res = await sys().request({
      method: 'POST',
      url: '/api/v1/records/batch',
      key: steward,
      payload: { source: 'crm', records: [{ key: 'd-1', values: { first_name: 'A', last_name: 'B' } }, { key: 'd-1', values: { first_name: 'C', last_name: 'D' } }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
    expect(res.json().error.details[0]).toMatchObject({ field: 'records.1.key', rule: 'unique' });
    expect((await get('/api/v1/sources/crm/records/d-1')).statusCode).toBe(404);
  });

  it('NUL characters → 400, not 500 (in a value, an attribute name or the key)', async () => {
    const inValue = await write('n-1', { first_name: 'Nul\u0000l', last_name: 'X' });
    expect(inValue.statusCode).toBe(400);
    expect(inValue.json().error.details[0]).toMatchObject({ field: 'values.first_name', rule: 'no_nul' });
    const inName = await write('n-2', { first_name: 'N', last_name: 'X', ['odd\u0000key']: 'v' });
    expect(inName.statusCode).toBe(400);
    const inKey = await write('n\u00003', { first_name: 'N', last_name: 'X' });
    expect(inKey.statusCode).toBe(400);
    expect(inKey.json().error.code).toBe('BAD_REQUEST');
    const inBatchKey = await sys().request({ method: 'POST', url: '/api/v1/records/batch', key: steward, payload: { source: 'crm', records: [{ key: 'n\u00004', values: { first_name: 'N', last_name: 'X' } }] } });
    expect(inBatchKey.statusCode).toBe(400);
    const inSource = await write('n-5', { first_name: 'N', last_name: 'X' }, 'crm\u0000');
    expect(inSource.statusCode).toBe(400);
    const inSearch = await get(`/api/v1/customers?q=${encodeURIComponent('Ann\u0000')}`);
    expect(inSearch.statusCode).toBe(400);
    expect((await get('/api/v1/sources/crm/records/n-1')).statusCode).toBe(404);
  });

  it('values without an attribute are kept as extras', async () => {
    const res = await write('x-1', { first_name: 'Xia', last_name: 'Extra', favourite_colour: 'teal' });
    expect(res.statusCode).toBe(201);
    expect(res.json().record.extras).toEqual({ favourite_colour: 'teal' });
    expect(res.json().record.raw.favourite_colour).toBe('teal');
    expect((await get(`/api/v1/records/${res.json().record.id}`)).json().extras).toEqual({ favourite_colour: 'teal' });
  });

  it('unknown source → 404; archived source → 409; unknown record → 404; bad body → 400', async () => {
    const unknown = await write('z-1', { first_name: 'Z', last_name: 'Z' }, 'no-such-source');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');

    const archivedId = await createSource(sys(), fx.schemaId, 'old-list');
    const arch = await sys().request({ method: 'PATCH', url: `/api/v1/sources/${archivedId}`, key: steward, payload: { archived: true } });
    expect(arch.json().archived).toBe(true);
    const toArchived = await write('z-1', { first_name: 'Z', last_name: 'Z' }, 'old-list');
    expect(toArchived.statusCode).toBe(409);
    expect(toArchived.json().error.code).toBe('CONFLICT');

    expect((await get('/api/v1/records/rec_nope')).statusCode).toBe(404);
    expect((await get('/api/v1/records/rec_nope/history')).statusCode).toBe(404);
    const noValues = await sys().request({ method: 'POST', url: '/api/v1/records', key: steward, payload: { source: 'crm', key: 'z-2' } });
    expect(noValues.statusCode).toBe(400);
    expect(noValues.json().error.details.map((d: Detail) => d.field)).toContain('values');
    const emptyKey = await sys().request({ method: 'POST', url: '/api/v1/records', key: steward, payload: { source: 'crm', key: '  ', values: {} } });
    expect(emptyKey.statusCode).toBe(400);
    const badStatus = await get('/api/v1/records?status=lost');
    expect(badStatus.statusCode).toBe(400);
  });

  it('list paginates by cursor without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/api/v1/records?source=crm&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const b = res.json();
      seen.push(...b.items.map((r: { id: string }) => r.id));
      cursor = b.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    const all = (await get('/api/v1/records?source=crm&limit=500')).json().items.map((r: { id: string }) => r.id);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('delete → status deleted, its only customer deleted, history has 3 versions; deleting again is harmless', async () => {
    const created = (await write('del-1', { first_name: 'Del', last_name: 'One' })).json().record;
    await write('del-1', { first_name: 'Del', last_name: 'Uno' });
    const del = await sys().request({ method: 'DELETE', url: `/api/v1/records/${created.id}`, key: steward });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ id: created.id, status: 'deleted', version: 3 });
    const history = (await get(`/api/v1/records/${created.id}/history`)).json().items;
    expect(history.map((v: { version: number; changeKind: string; status: string }) => [v.version, v.changeKind, v.status])).toEqual([
      [3, 'delete', 'deleted'],
      [2, 'update', 'valid'],
      [1, 'create', 'valid'],
    ]);
    const customer = await get(`/api/v1/customers/${created.customerId}`);
    expect(customer.statusCode).toBe(200);
    expect(customer.json().status).toBe('deleted');
    expect(customer.json().records).toEqual([]);
    const listed = (await get('/api/v1/customers?limit=200')).json().items.map((c: { id: string }) => c.id);
    expect(listed).not.toContain(created.customerId);
    expect((await get('/api/v1/customers?name=Del%20Uno&fuzzy=false')).json().items).toEqual([]);
    const again = await sys().request({ method: 'DELETE', url: `/api/v1/records/${created.id}`, key: steward });
    expect(again.statusCode).toBe(200);
    expect(again.json().version).toBe(3);
  });

  it('sending a deleted record again brings it back with an active customer', async () => {
    const created = (await write('back-1', { first_name: 'Bak', last_name: 'Again' })).json().record;
    await sys().request({ method: 'DELETE', url: `/api/v1/records/${created.id}`, key: steward });
    const again = await write('back-1', { first_name: 'Bak', last_name: 'Again' });
    expect(again.statusCode).toBe(200);
    expect(again.json().outcome).toBe('updated');
    const rec = again.json().record;
    expect(rec).toMatchObject({ id: created.id, status: 'valid', version: 3 });
    const customer = await get(`/api/v1/customers/${rec.customerId}`);
    expect(customer.json().status).toBe('active');
    expect(customer.json().records.map((r: { id: string }) => r.id)).toEqual([created.id]);
    expect((await get('/api/v1/customers?name=Bak%20Again&fuzzy=false')).json().items.map((c: { id: string }) => c.id)).toEqual([rec.customerId]);
  });

  it('deleting one of two records of a customer keeps the customer', async () => {
    // Two sources, same person: each record gets its own customer until matching links them; link them by hand here.
    const a = (await write('two-1', { first_name: 'Tia', last_name: 'Two' })).json().record;
    const b = (await write('two-2', { first_name: 'Tia', last_name: 'Two' })).json().record;
    await sys().query('update source_records set customer_id = $1 where id = $2', [a.customerId, b.id]);
    const del = await sys().request({ method: 'DELETE', url: `/api/v1/records/${b.id}`, key: steward });
    expect(del.statusCode).toBe(200);
    const customer = (await get(`/api/v1/customers/${a.customerId}`)).json();
    expect(customer.status).toBe('active');
    expect(customer.records.map((r: { id: string }) => r.id)).toEqual([a.id]);
  });
});
