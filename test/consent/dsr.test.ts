import { beforeAll, expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { admin, useConsentSystem } from './consent-system.js';

describeTiers('data-subject rights and marketing exports', (tier) => {
  const sys = useConsentSystem(tier);
  let stewardKey = '';
  let analystKey = '';
  let agentKey = '';
  beforeAll(async () => {
    stewardKey = await sys().key('steward');
    analystKey = await sys().key('analyst');
    agentKey = await sys().key('agent');
    await sys().cs.consent.createPurpose(admin(), { key: 'news', name: 'Newsletter', noticeText: 'Our newsletter.', channels: ['email', 'sms'] });
  });

  const grant = (customer: string, channel = 'email', extra: Record<string, unknown> = {}) =>
    sys().cs.consent.record(admin(), { customer, purpose: 'news', channel, status: 'granted', ...extra });

  it('marketing exports include only valid consents for the purpose and channel, exclude restricted, and are logged', async () => {
    const yes = await sys().person({ first_name: 'Yara', last_name: 'Yes', email: 'yara@example.com' });
    const no = await sys().person({ first_name: 'Nina', last_name: 'No', email: 'nina@example.com' });
    const withdrawn = await sys().person({ first_name: 'Walt', last_name: 'Withdrew', email: 'walt@example.com' });
    const expired = await sys().person({ first_name: 'Ezra', last_name: 'Expired', email: 'ezra@example.com' });
    const smsOnly = await sys().person({ first_name: 'Sam', last_name: 'Sms', email: 'sam@example.com', phone: '+44 7911 123456' });
    const restricted = await sys().person({ first_name: 'Rita', last_name: 'Restricted', email: 'rita@example.com' });
    await grant(yes.customerId);
    await sys().cs.consent.record(admin(), { customer: no.customerId, purpose: 'news', channel: 'email', status: 'denied' });
    await grant(withdrawn.customerId);
    await sys().cs.consent.withdraw(admin(), { customer: withdrawn.customerId, purpose: 'news', channel: 'email' });
    await grant(expired.customerId, 'email', { capturedAt: new Date(Date.now() - 86_400_000).toISOString(), validUntil: new Date(Date.now() - 1000).toISOString() });
    await grant(smsOnly.customerId, 'sms');
    await grant(restricted.customerId);
    const r = await sys().request({ method: 'POST', url: `/api/v1/dsr/customers/${restricted.customerId}/restriction`, key: stewardKey, payload: { reason: 'accuracy contested' } });
    expect(r.statusCode).toBe(201);

    const res = await sys().request({ method: 'POST', url: '/api/v1/exports/marketing', key: analystKey, payload: { purpose: 'news', channel: 'email' } });
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out.rows.map((x: { customerId: string }) => x.customerId)).toEqual([yes.customerId]);
    expect(out.rows[0].contact).toBe('yara@example.com');
    expect(out.excluded).toBe(4);
    const csv = await sys().request({ method: 'POST', url: '/api/v1/exports/marketing', key: analystKey, payload: { purpose: 'news', channel: 'sms', format: 'csv' } });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(smsOnly.customerId);
    expect(csv.body).not.toContain(yes.customerId);
    const log = (await sys().request({ method: 'GET', url: '/api/v1/exports/marketing', key: analystKey })).json();
    expect(log.items[0]).toMatchObject({ purpose: 'news', channel: 'sms', count: 1 });
    expect(log.items[1]).toMatchObject({ purpose: 'news', channel: 'email', count: 1, excluded: 4 });
    expect((await sys().request({ method: 'POST', url: '/api/v1/exports/marketing', key: agentKey, payload: { purpose: 'news', channel: 'email' } })).statusCode).toBe(403);
  });

  it('restriction blocks processing: no grants, checks say restricted, until lifted', async () => {
    const p = await sys().person({ first_name: 'Frieda', last_name: 'Frozen', email: 'frieda@example.com' });
    await grant(p.customerId);
    await sys().cs.dsr.restrict(admin(), p.customerId, {});
    const check = await sys().cs.consent.check(admin(), p.customerId, 'news', 'email');
    expect(check).toMatchObject({ allowed: false, reason: 'restricted', status: 'granted' });
    const blocked = await sys().request({ method: 'POST', url: '/api/v1/consent/records', key: agentKey, payload: { customer: p.customerId, purpose: 'news', channel: 'sms', status: 'granted' } });
    expect(blocked.statusCode).toBe(409);
    // Withdrawing stays possible.
    expect((await sys().request({ method: 'POST', url: '/api/v1/consent/withdraw', key: agentKey, payload: { customer: p.customerId, purpose: 'news', channel: 'sms' } })).statusCode).toBe(201);
    const lifted = await sys().request({ method: 'DELETE', url: `/api/v1/dsr/customers/${p.customerId}/restriction`, key: stewardKey });
    expect(lifted.json()).toEqual({ customerId: p.customerId, lifted: true });
    expect((await sys().cs.consent.check(admin(), p.customerId, 'news', 'email')).allowed).toBe(true);
    const reqs = (await sys().request({ method: 'GET', url: `/api/v1/dsr/requests?customer=${p.customerId}`, key: stewardKey })).json();
    expect(reqs.items.map((r: { kind: string; status: string }) => `${r.kind}:${r.status}`).sort()).toEqual(['lift_restriction:completed', 'restriction:completed']);
  });

  it('tracks requests with deadlines and exports everything about a customer as JSON and CSV', async () => {
    const p = await sys().person({ first_name: 'Ada', last_name: 'Access', email: 'ada@example.com', birth_date: '1970-02-03' });
    await grant(p.customerId);
    // A portal view: its IP and user agent are personal data the access export must include.
    await sys().cs.portal.auditView(p.customerId, 'ptk_access', { ip: '203.0.113.5', userAgent: 'AccessPhone/2', requestId: 'req-access-1' });
    const req = await sys().request({ method: 'POST', url: '/api/v1/dsr/requests', key: stewardKey, payload: { customer: p.customerId, kind: 'access', dueInDays: 10 } });
    expect(req.statusCode).toBe(201);
    const due = new Date(req.json().dueAt).getTime();
    expect(Math.abs(due - (Date.now() + 10 * 86_400_000))).toBeLessThan(60_000);
    const json = (await sys().request({ method: 'GET', url: `/api/v1/dsr/customers/${p.customerId}/export`, key: stewardKey })).json();
    expect(json.records[0].values).toMatchObject({ email: 'ada@example.com', birth_date: '1970-02-03' });
    expect(json.records[0].versions).toHaveLength(1);
    expect(json.consents.history).toHaveLength(1);
    expect(json.requests[0]).toMatchObject({ kind: 'access', status: 'open', overdue: false });
    expect(json.audit.some((a: { action: string }) => a.action === 'record.create')).toBe(true);
    expect(json.networkLog).toEqual([{ requestId: 'req-access-1', ip: '203.0.113.5', userAgent: 'AccessPhone/2', at: expect.any(String) }]);
    const csv = await sys().request({ method: 'GET', url: `/api/v1/dsr/customers/${p.customerId}/export?format=csv`, key: stewardKey });
    expect(csv.body.split('\n')[0]).toBe('section,id,field,value');
    expect(csv.body).toContain('ada@example.com');
    expect(csv.body).toContain('network,req-access-1,ip,203.0.113.5');
    const done = await sys().request({ method: 'POST', url: `/api/v1/dsr/requests/${req.json().id}/complete`, key: stewardKey, payload: {} });
    expect(done.json().status).toBe('completed');
    expect((await sys().request({ method: 'GET', url: `/api/v1/dsr/customers/${p.customerId}/export`, key: analystKey })).statusCode).toBe(403);
  });

  it('rectifies through a new record version and refuses invalid values', async () => {
    const p = await sys().person({ first_name: 'Rob', last_name: 'Wrongname', email: 'rob@example.com' });
    const bad = await sys().request({ method: 'POST', url: `/api/v1/dsr/customers/${p.customerId}/rectify`, key: stewardKey, payload: { recordId: p.recordId, values: { email: 'not-an-email' } } });
    expect(bad.statusCode).toBe(422);
    const ok = await sys().request({ method: 'POST', url: `/api/v1/dsr/customers/${p.customerId}/rectify`, key: stewardKey, payload: { recordId: p.recordId, values: { last_name: 'Rightname' } } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().version).toBe(2);
    const hist = await sys().services.records.history(admin(), p.recordId);
    expect(hist.map((h) => h.values?.last_name)).toEqual(['Rightname', 'Wrongname']);
  });

  it('retention flags inactive customers after a dry run, then erases them after the grace period', async () => {
    const p = await sys().person({ first_name: 'Old', last_name: 'Timer', email: 'old.timer@example.com' });
    const fresh = await sys().person({ first_name: 'New', last_name: 'Comer' });
    await sys().query(`update customers set updated_at = now() - interval '30 months' where id = $1`, [p.customerId]);
    await sys().query(`update source_records set updated_at = now() - interval '30 months' where customer_id = $1`, [p.customerId]);
    const put = await sys().request({ method: 'PUT', url: '/api/v1/dsr/retention/policies/person', key: stewardKey, payload: { inactiveMonths: 24, graceDays: 14, action: 'erase' } });
    expect(put.statusCode).toBe(200);
    const dry = (await sys().request({ method: 'POST', url: '/api/v1/dsr/retention/run', key: stewardKey, payload: { dryRun: true } })).json();
    expect(dry.policies[0].newlyFlagged).toContain(p.customerId);
    expect(dry.policies[0].newlyFlagged).not.toContain(fresh.customerId);
    expect((await sys().query('select * from retention_flags')).length).toBe(0);
    await sys().cs.dsr.runRetention(admin(), { dryRun: false });
    expect((await sys().query('select customer_id from retention_flags')).map((r) => r.customer_id)).toContain(p.customerId);
    const later = new Date(Date.now() + 15 * 86_400_000);
    const report = await sys().cs.dsr.runRetention(admin(), { dryRun: false }, later);
    expect(report.policies[0]!.acted).toBeGreaterThanOrEqual(1);
    expect((await sys().query('select mode from dsr_tombstones where customer_id = $1', [p.customerId]))[0]).toEqual({ mode: 'erase' });
    expect(await sys().query('select 1 from source_records where customer_id = $1', [p.customerId])).toHaveLength(0);
  });
});
