import { beforeAll, expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { useSystem } from '../support/system.js';

const base = {
  attributes: [
    { name: 'first_name', type: 'text', required: true, privacy: 'public' },
    { name: 'last_name', type: 'text', required: true, privacy: 'public' },
    { name: 'email', type: 'email' },
  ],
};

type Detail = { field: string; rule: string; message: string };

describeTiers('HTTP schemas', (tier) => {
  const sys = useSystem(tier);
  let admin: string;
  let analyst: string;

  beforeAll(async () => {
    admin = (await sys().key('admin')).key;
    analyst = (await sys().key('analyst')).key;
  });

  const post = (payload: unknown, key = admin) => sys().request({ method: 'POST', url: '/api/v1/schemas', key, payload });

  it('creates a schema (201) with version 1 and reads it back', async () => {
    const res = await post({ name: 'contact', description: 'Contacts', definition: base });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ name: 'contact', description: 'Contacts', currentVersion: 1 });
    expect(body.id).toMatch(/^sch_/);
    expect(body.definition.attributes[2]).toMatchObject({ name: 'email', type: 'email', required: false, unique: false, privacy: 'personal' });
    const got = await sys().request({ method: 'GET', url: '/api/v1/schemas/contact', key: analyst });
    expect(got.statusCode).toBe(200);
    expect(got.json().id).toBe(body.id);
    const versions = await sys().request({ method: 'GET', url: `/api/v1/schemas/${body.id}/versions`, key: analyst });
    expect(versions.json().items.map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it.each([
    ['enum without values', { attributes: [{ name: 'a', type: 'text' }, { name: 'tier', type: 'enum' }] }, 'definition.attributes.1.values', 'custom'],
    ['values on a non-enum', { attributes: [{ name: 'a', type: 'text', values: ['x'] }] }, 'definition.attributes.0.values', 'custom'],
    ['duplicate attribute name', { attributes: [{ name: 'a', type: 'text' }, { name: 'a', type: 'email' }] }, 'definition.attributes.1.name', 'custom'],
    ['unknown type', { attributes: [{ name: 'a', type: 'colour' }] }, 'definition.attributes.0.type', 'invalid_value'],
    ['bad attribute name', { attributes: [{ name: 'First Name', type: 'text' }] }, 'definition.attributes.0.name', 'invalid_format'],
    ['min on a text attribute', { attributes: [{ name: 'a', type: 'text', min: 3 }] }, 'definition.attributes.0.min', 'custom'],
    ['invalid pattern', { attributes: [{ name: 'a', type: 'text', pattern: '([a-z' }] }, 'definition.attributes.0.pattern', 'custom'],
    ['no attributes', { attributes: [] }, 'definition.attributes', 'too_small'],
    ['unknown attribute key', { attributes: [{ name: 'a', type: 'text', colour: 'red' }] }, 'definition.attributes.0', 'unrecognized_keys'],
  ])('definition error (%s): 422 naming %s', async (_label, definition, field, rule) => {
    const res = await post({ name: `bad-${Math.random().toString(36).slice(2, 8)}`, definition });
    expect(res.statusCode).toBe(422);
    const err = res.json().error;
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.details.map((d: Detail) => [d.field, d.rule])).toContainEqual([field, rule]);
    for (const d of err.details as Detail[]) expect(d.message.length).toBeGreaterThan(0);
  });

  it('a definition error creates nothing', async () => {
    await post({ name: 'never', definition: { attributes: [] } });
    const res = await sys().request({ method: 'GET', url: '/api/v1/schemas/never', key: admin });
    expect(res.statusCode).toBe(404);
  });

  it('duplicate name: 409 CONFLICT', async () => {
    expect((await post({ name: 'dupe', definition: base })).statusCode).toBe(201);
    const res = await post({ name: 'dupe', definition: base });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CONFLICT');
  });

  it.each([
    ['bad name', { name: 'Bad Name', definition: base }, 'name'],
    ['missing name', { definition: base }, 'name'],
    ['missing definition', { name: 'x0' }, 'definition'],
    ['description not a string', { name: 'x1', description: 42, definition: base }, 'description'],
  ])('bad body (%s): 400 BAD_REQUEST naming the field', async (_label, payload, field) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
    expect(res.json().error.details.map((d: Detail) => d.field)).toContain(field);
  });

  it('unknown schema: 404; unknown version: 404', async () => {
    expect((await sys().request({ method: 'GET', url: '/api/v1/schemas/sch_nope', key: admin })).statusCode).toBe(404);
    expect((await sys().request({ method: 'GET', url: '/api/v1/schemas/contact/versions/9', key: admin })).statusCode).toBe(404);
    expect((await sys().request({ method: 'GET', url: '/api/v1/schemas/contact/versions/0', key: admin })).statusCode).toBe(400);
  });

  it('versioning: a changed definition is a new version, an unchanged one is not; records keep their version; failures list exactly the records failing the new version', async () => {
    const s = sys();
    const created = await post({ name: 'member', definition: base });
    const id = created.json().id as string;
    const src = await s.request({ method: 'POST', url: '/api/v1/sources', key: admin, payload: { name: 'member-crm', schema: id, systemType: 'crm' } });
    expect(src.statusCode).toBe(201);
    const people = [
      { key: 'm1', values: { first_name: 'Ann', last_name: 'One', email: 'ann@example.com' } },
      { key: 'm2', values: { first_name: 'Bob', last_name: 'Two' } },
      { key: 'm3', values: { first_name: 'Cat', last_name: 'Three', email: 'cat@example.com' } },
      { key: 'm4', values: { first_name: 'Dan', last_name: 'Four' } },
      { key: 'm5', values: { first_name: 'Eve', last_name: 'Five', email: 'eve@example.com' } },
    ];
    const batch = await s.request({ method: 'POST', url: '/api/v1/records/batch', key: admin, payload: { source: 'member-crm', records: people } });
    expect(batch.statusCode).toBe(200);
    expect(batch.json().counts).toEqual({ created: 5, updated: 0, unchanged: 0, rejected: 0 });

    // Unchanged definition: no new version.
    const same = await s.request({ method: 'PUT', url: `/api/v1/schemas/${id}`, key: admin, payload: { definition: base } });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ currentVersion: 1, created: false });

    const v2def = { attributes: base.attributes.map((a) => (a.name === 'email' ? { ...a, required: true } : a)) };
    const changed = await s.request({ method: 'PUT', url: `/api/v1/schemas/${id}`, key: admin, payload: { definition: v2def, changeNote: 'email required' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ currentVersion: 2, created: true });
    expect(changed.json().definition.attributes[2].required).toBe(true);

    // The same v2 again: still version 2.
    const again = await s.request({ method: 'PUT', url: `/api/v1/schemas/${id}`, key: admin, payload: { definition: v2def } });
    expect(again.json()).toMatchObject({ currentVersion: 2, created: false });

    const versions = await s.request({ method: 'GET', url: `/api/v1/schemas/${id}/versions`, key: analyst });
    expect(versions.json().items.map((v: { version: number; changeNote: string | null }) => [v.version, v.changeNote])).toEqual([
      [2, 'email required'],
      [1, 'created'],
    ]);
    const v1 = await s.request({ method: 'GET', url: `/api/v1/schemas/${id}/versions/1`, key: analyst });
    expect(v1.json().definition.attributes[2].required).toBe(false);

    // Records keep the version they were validated with.
    const recs = await s.request({ method: 'GET', url: '/api/v1/records?source=member-crm', key: admin });
    expect(recs.json().items.map((r: { schemaVersion: number; status: string }) => [r.schemaVersion, r.status])).toEqual(Array(5).fill([1, 'valid']));

    const failures = await s.request({ method: 'GET', url: `/api/v1/schemas/${id}/versions/2/failures`, key: analyst });
    expect(failures.statusCode).toBe(200);
    const f = failures.json();
    expect(f.scanned).toBe(5);
    expect(f.nextCursor).toBeNull();
    expect(f.items.map((i: { sourceKey: string }) => i.sourceKey).sort()).toEqual(['m2', 'm4']);
    for (const item of f.items) {
      expect(item.schemaVersion).toBe(1);
      expect(item.errors.map((e: Detail) => [e.field, e.rule])).toEqual([['email', 'required']]);
    }

    // Paging by limit: one at a time, no repeats.
    const p1 = (await s.request({ method: 'GET', url: `/api/v1/schemas/${id}/versions/2/failures?limit=1`, key: analyst })).json();
    expect(p1.items).toHaveLength(1);
    expect(p1.nextCursor).not.toBeNull();
    const p2 = (await s.request({ method: 'GET', url: `/api/v1/schemas/${id}/versions/2/failures?limit=1&cursor=${p1.nextCursor}`, key: analyst })).json();
    expect(p2.items).toHaveLength(1);
    expect(p2.items[0].sourceKey).not.toBe(p1.items[0].sourceKey);

    // A new write validates against v2.
    const w = await s.request({ method: 'POST', url: '/api/v1/records', key: admin, payload: { source: 'member-crm', key: 'm6', values: { first_name: 'Fay', last_name: 'Six', email: 'fay@example.com' } } });
    expect(w.statusCode).toBe(201);
    expect(w.json().record.schemaVersion).toBe(2);
    const bad = await s.request({ method: 'POST', url: '/api/v1/records', key: admin, payload: { source: 'member-crm', key: 'm7', values: { first_name: 'Gus', last_name: 'Seven' } } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.map((d: Detail) => [d.field, d.rule])).toEqual([['email', 'required']]);

    // A definition error on update: 422 and no new version.
    const broken = await s.request({ method: 'PUT', url: `/api/v1/schemas/${id}`, key: admin, payload: { definition: { attributes: [{ name: 'x', type: 'enum' }] } } });
    expect(broken.statusCode).toBe(422);
    expect(broken.json().error.details.map((d: Detail) => d.field)).toContain('definition.attributes.0.values');
    expect((await s.request({ method: 'GET', url: `/api/v1/schemas/${id}`, key: admin })).json().currentVersion).toBe(2);
  });
});
