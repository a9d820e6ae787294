import { beforeAll, describe, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import { describeTiers } from '../support/tiers.js';
import { createFixture, useSystem } from '../support/system.js';

type Entry = { seq: number; id: string; action: string; entityType: string; entityId: string | null; actorId: string | null; payload: any; sealed: boolean }; // eslint-disable-line @typescript-eslint/no-explicit-any

describeTiers('HTTP audit', (tier) => {
  // Sealing waits for every older transaction of the cluster: other suites' must not hold it back.
  const sys = useSystem(tier, { ownPostgres: true });

  const entriesFor = async (key: string, entityId: string): Promise<Entry[]> => {
    const res = await sys().request({ method: 'GET', url: `/api/v1/audit?entityId=${entityId}`, key });
    expect(res.statusCode).toBe(200);
    return res.json().items as Entry[];
  };
  const verify = async (key: string) => {
    const res = await sys().request({ method: 'POST', url: '/api/v1/audit/verify', key });
    expect(res.statusCode).toBe(200);
    return res.json() as { ok: boolean; checked: number; unsealed: number; redacted: number; firstBroken: { id: string; seq: number; chainPos: number; reason: string } | null };
  };

  describe('every write leaves an entry with before/after', () => {
    let admin: string;
    let adminId: string;
    beforeAll(async () => {
      const k = await sys().key('admin');
      admin = k.key;
      adminId = k.id;
    });

    it('schemas, sources, records, users, keys and areas', async () => {
      const s = sys();
      const call = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => s.request({ method, url, key: admin, payload });
      const area = (await call('POST', '/api/v1/business-areas', { name: 'audit-area' })).json();
      const def = { attributes: [{ name: 'first_name', type: 'text', required: true }, { name: 'last_name', type: 'text' }] };
      const schema = (await call('POST', '/api/v1/schemas', { name: 'aud', definition: def })).json();
      await call('PUT', `/api/v1/schemas/${schema.id}`, { definition: { attributes: [...def.attributes, { name: 'email', type: 'email' }] } });
      const source = (await call('POST', '/api/v1/sources', { name: 'aud-src', schema: schema.id, systemType: 'crm' })).json();
      await call('PATCH', `/api/v1/sources/${source.id}`, { owner: 'Sales' });
      const rec = (await call('POST', '/api/v1/records', { source: 'aud-src', key: 'a1', values: { first_name: 'Ada', last_name: 'L' } })).json().record;
      await call('PUT', `/api/v1/records/${rec.id}`, { values: { first_name: 'Ada', last_name: 'Lovelace' } });
      await call('PUT', `/api/v1/records/${rec.id}`, { values: { last_name: 'Lovelace' } });
      await call('DELETE', `/api/v1/records/${rec.id}`);
      const user = (await call('POST', '/api/v1/users', { email: 'aud@example.com', displayName: 'Aud', password: 'a-long-enough-password', roles: ['analyst'] })).json();
      await call('PATCH', `/api/v1/users/${user.id}`, { displayName: 'Audrey' });
      const key = (await call('POST', '/api/v1/api-keys', { name: 'aud-key', roles: ['analyst'] })).json().apiKey;
      await call('DELETE', `/api/v1/api-keys/${key.id}`);

      const one = async (entityId: string, action: string) => {
        const list = (await entriesFor(admin, entityId)).filter((e) => e.action === action);
        expect(list, `${action} on ${entityId}`).toHaveLength(1);
        expect(list[0]!.actorId).toBe(adminId);
        return list[0]!.payload;
      };
      expect((await one(area.id, 'business_area.create')).after.name).toBe('audit-area');
      expect((await one(schema.id, 'schema.create')).after.currentVersion).toBe(1);
      const schemaUpd = await one(schema.id, 'schema.update');
      expect([schemaUpd.before.currentVersion, schemaUpd.after.currentVersion]).toEqual([1, 2]);
      expect(schemaUpd.after.definition.attributes).toHaveLength(3);
      expect((await one(source.id, 'source.create')).after.name).toBe('aud-src');
      const srcUpd = await one(source.id, 'source.update');
      expect([srcUpd.before.owner, srcUpd.after.owner]).toEqual([null, 'Sales']);
      const created = await one(rec.id, 'record.create');
      expect(created.before).toBeNull();
      expect(created.after).toMatchObject({ status: 'valid', version: 1, raw: { first_name: 'Ada', last_name: 'L' } });
      const updated = await one(rec.id, 'record.update');
      expect(updated.before).toMatchObject({ version: 1, raw: { last_name: 'L' } });
      expect(updated.after).toMatchObject({ version: 2, raw: { last_name: 'Lovelace' } });
      const rejected = await one(rec.id, 'record.update_rejected');
      expect(rejected.before).toMatchObject({ status: 'valid', version: 2 });
      expect(rejected.after).toMatchObject({ status: 'rejected', version: 3, errors: [{ field: 'first_name', rule: 'required' }] });
      expect((await one(rec.id, 'record.delete')).before).toMatchObject({ version: 3 });
      expect((await one(user.id, 'user.create')).after.email).toBe('aud@example.com');
      const userUpd = await one(user.id, 'user.update');
      expect([userUpd.before.displayName, userUpd.after.displayName]).toEqual(['Aud', 'Audrey']);
      expect(JSON.stringify(userUpd)).not.toContain('argon2');
      expect((await one(key.id, 'apikey.create')).after.name).toBe('aud-key');
      const revoke = await one(key.id, 'apikey.revoke');
      expect([revoke.before.revokedAt, typeof revoke.after.revokedAt]).toEqual([null, 'string']);
      // Request ids are recorded.
      const withReq = await entriesFor(admin, rec.id);
      for (const e of withReq) expect((e as unknown as { requestId: string | null }).requestId).toEqual(expect.any(String));
    });

    it('lists newest first with filters and a `before` cursor', async () => {
      const page1 = (await sys().request({ method: 'GET', url: '/api/v1/audit?entityType=record&limit=2', key: admin })).json();
      expect(page1.items).toHaveLength(2);
      expect(page1.items[0].seq).toBeGreaterThan(page1.items[1].seq);
      for (const e of page1.items) expect(e.entityType).toBe('record');
      const page2 = (await sys().request({ method: 'GET', url: `/api/v1/audit?entityType=record&limit=2&before=${page1.nextBefore}`, key: admin })).json();
      expect(page2.items[0].seq).toBeLessThan(page1.items[1].seq);
      expect((await sys().request({ method: 'GET', url: '/api/v1/audit?from=yesterday', key: admin })).statusCode).toBe(400);
    });
  });

  describe('hash chain', () => {
    let auditor: string;
    let expected: number;

    beforeAll(async () => {
      const s = sys();
      await s.resetData();
      // Exactly: 1 (key) + 1 (schema) + 1 (source) + 3 (records) = 6 entries.
      auditor = (await s.key('auditor')).key;
      const fx = await createFixture(s);
      await s.services.records.writeMany(Actor.system(), fx.sourceId, [
        { key: 'h1', values: { first_name: 'Hal', last_name: 'One' } },
        { key: 'h2', values: { first_name: 'Hil', last_name: 'Two' } },
        { key: 'h3', values: { first_name: 'Hob' } },
      ]);
      expected = 6;
    });

    const idAt = async (pos: number) => (await sys().query<{ id: string; seq: number }>('select id, seq from audit_log where chain_pos = $1', [pos]))[0]!;
    const tamper = (statement: string) =>
      sys().exec(`ALTER TABLE audit_log DISABLE TRIGGER USER; ${statement}; ALTER TABLE audit_log ENABLE TRIGGER USER;`);

    it('verify seals and checks every entry: ok with the exact count', async () => {
      const r = await verify(auditor);
      expect(r).toEqual({ ok: true, checked: expected, unsealed: 0, redacted: 0, firstBroken: null });
      // Verifying does not add entries.
      expect(await verify(auditor)).toMatchObject({ ok: true, checked: expected });
      const [n] = await sys().query<{ n: number }>('select count(*)::int as n from audit_log where hash is not null');
      expect(Number(n!.n)).toBe(expected);
    });

    it('a changed payload is detected at that entry; restoring it verifies again', async () => {
      const target = await idAt(4);
      const [orig] = await sys().query<{ payload: string }>('select payload::text as payload from audit_log where id = $1', [target.id]);
      await tamper(`UPDATE audit_log SET payload = jsonb_set(payload, '{after,name}', '"evil"') WHERE id = '${target.id}'`);
      const r = await verify(auditor);
      expect(r.ok).toBe(false);
      expect(r.firstBroken).toMatchObject({ id: target.id, chainPos: 4, reason: 'payload was changed' });
      expect(r.checked).toBe(3);
      await tamper(`UPDATE audit_log SET payload = '${orig!.payload.replace(/'/g, "''")}'::jsonb WHERE id = '${target.id}'`);
      expect((await verify(auditor)).ok).toBe(true);
    });

    it('a changed action is detected at that entry', async () => {
      const target = await idAt(2);
      const [orig] = await sys().query<{ action: string }>('select action from audit_log where id = $1', [target.id]);
      await tamper(`UPDATE audit_log SET action = 'schema.read' WHERE id = '${target.id}'`);
      const r = await verify(auditor);
      expect(r.ok).toBe(false);
      expect(r.firstBroken).toMatchObject({ id: target.id, chainPos: 2, reason: 'entry fields were changed' });
      await tamper(`UPDATE audit_log SET action = '${orig!.action}' WHERE id = '${target.id}'`);
      expect((await verify(auditor)).ok).toBe(true);
    });

    it('a changed digest together with its payload is still caught by the hash', async () => {
      const target = await idAt(5);
      await tamper(`UPDATE audit_log SET payload = '{"x":1}'::jsonb, payload_digest = encode(sha256('{"x":1}'::bytea), 'hex') WHERE id = '${target.id}'`);
      const r = await verify(auditor);
      expect(r.ok).toBe(false);
      expect(r.firstBroken).toMatchObject({ id: target.id, reason: 'entry fields were changed' });
      // Leave it broken only for this check: the next test resets.
    });

    it('the append-only trigger blocks UPDATE, DELETE and TRUNCATE from normal SQL; redaction is allowed', async () => {
      const s = sys();
      await s.resetData();
      const k = (await s.key('auditor')).key;
      await createFixture(s);
      expect((await verify(k)).checked).toBe(3);
      const target = await idAt(2);
      await expect(s.query(`UPDATE audit_log SET action = 'x' WHERE id = $1`, [target.id])).rejects.toThrow(/append-only/);
      await expect(s.query(`UPDATE audit_log SET payload = '{"a":1}'::jsonb WHERE id = $1`, [target.id])).rejects.toThrow(/only be redacted/);
      await expect(s.query(`UPDATE audit_log SET hash = repeat('0', 64) WHERE id = $1`, [target.id])).rejects.toThrow(/sealed/);
      await expect(s.query(`DELETE FROM audit_log WHERE id = $1`, [target.id])).rejects.toThrow(/append-only/);
      await expect(s.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
      const [n] = await s.query<{ n: number }>('select count(*)::int as n from audit_log');
      expect(Number(n!.n)).toBe(3);
      // Erasure may drop a payload; the chain still verifies and counts it as redacted.
      await s.query('UPDATE audit_log SET payload = NULL WHERE id = $1', [target.id]);
      expect(await verify(k)).toMatchObject({ ok: true, checked: 3, redacted: 1 });
    });

    it('a deleted entry is reported at the entry after it', async () => {
      const k = (await sys().key('auditor')).key; // entry 4
      expect((await verify(k)).checked).toBe(4);
      const next = await idAt(3);
      const gone = await idAt(2);
      await tamper(`DELETE FROM audit_log WHERE id = '${gone.id}'`);
      const r = await verify(k);
      expect(r.ok).toBe(false);
      expect(r.firstBroken).toMatchObject({ id: next.id, chainPos: 3 });
      expect(r.firstBroken!.reason).toMatch(/position 2 is missing/);
      expect(r.checked).toBe(1);
    });

    it('concurrent writes and sealing produce one unbroken chain with every entry sealed', async () => {
      const s = sys();
      await s.resetData();
      const fx = await createFixture(s);
      const writes = Array.from({ length: 12 }, (_, i) =>
        s.services.records.writeMany(Actor.system(), fx.sourceId, [{ key: `c${i}`, values: { first_name: `C${i}`, last_name: 'Concurrent' } }]),
      );
      const seals = Array.from({ length: 6 }, () => s.services.audit.seal());
      await Promise.all([...writes, ...seals]);
      // Sealing waits for the cluster-wide snapshot xmin; another suite's open transaction on the shared test
      // server can hold it back for a moment, so allow a few rounds before every entry must be sealed.
      let r = await s.services.audit.verify();
      for (let i = 0; i < 50 && r.unsealed > 0; i++) {
        await new Promise((done) => setTimeout(done, 100));
        r = await s.services.audit.verify();
      }
      const [n] = await s.query<{ n: number }>('select count(*)::int as n from audit_log');
      expect(r).toEqual({ ok: true, checked: Number(n!.n), unsealed: 0, redacted: 0, firstBroken: null });
      expect(Number(n!.n)).toBe(2 + 12);
      const positions = (await s.query<{ p: number }>('select chain_pos as p from audit_log order by chain_pos')).map((x) => Number(x.p));
      expect(positions).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    });
  });
});
