import { beforeAll, expect, it, vi } from 'vitest';
import { proofHash } from '../../src/modules/consent/index.js';
import { describeTiers } from '../support/tiers.js';
import { admin, useConsentSystem } from './consent-system.js';

describeTiers('consent ledger', (tier) => {
  const sys = useConsentSystem(tier);
  let adminKey = '';
  let agentKey = '';
  let analystKey = '';
  let auditorKey = '';
  beforeAll(async () => {
    adminKey = await sys().key('admin');
    agentKey = await sys().key('agent');
    analystKey = await sys().key('analyst');
    auditorKey = await sys().key('auditor');
    await sys().cs.consent.createPurpose(admin(), { key: 'email_marketing', name: 'E-mail offers', noticeText: 'We send offers by e-mail.', channels: ['email'] });
    await sys().cs.consent.createPurpose(admin(), { key: 'profiling', name: 'Personalisation', noticeText: 'We tailor offers to you.', defaultValidityMonths: 12 });
  });

  const check = async (customer: string, purpose: string, channel: string, key = agentKey) =>
    (await sys().request({ method: 'GET', url: `/api/v1/consent/check?customer=${customer}&purpose=${purpose}&channel=${channel}`, key })).json();

  it('defines purposes with versioned notices and default channels', async () => {
    const res = await sys().request({ method: 'PATCH', url: '/api/v1/consent/purposes/email_marketing', key: adminKey, payload: { noticeText: 'We send offers by e-mail, at most weekly.' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().currentNoticeVersion).toBe(2);
    const one = (await sys().request({ method: 'GET', url: '/api/v1/consent/purposes/email_marketing', key: auditorKey })).json();
    expect(one.notices.map((n: { version: number }) => n.version)).toEqual([2, 1]);
    const channels = (await sys().request({ method: 'GET', url: '/api/v1/consent/channels', key: agentKey })).json();
    expect(channels.items.map((c: { key: string }) => c.key)).toEqual(expect.arrayContaining(['email', 'sms', 'phone', 'post', 'push', 'in_store']));
    expect((await sys().request({ method: 'POST', url: '/api/v1/consent/purposes', key: agentKey, payload: { key: 'x', name: 'x', noticeText: 'x' } })).statusCode).toBe(403);
  });

  it('answers the check for every status, with the reason and deciding record', async () => {
    const { customerId: c } = await sys().person({ first_name: 'Cara', last_name: 'Check', email: 'cara@example.com' });
    expect(await check(c, 'email_marketing', 'email')).toMatchObject({ allowed: false, reason: 'no_consent', decidingRecord: null });
    const grant = await sys().request({ method: 'POST', url: '/api/v1/consent/records', key: agentKey, payload: { customer: c, purpose: 'email_marketing', channel: 'email', status: 'granted', source: 'pos', proof: { formId: 'till-7', ip: '10.0.0.7', userAgent: 'POS/1.0' } } });
    expect(grant.statusCode).toBe(201);
    const g = grant.json();
    expect(g.event.noticeVersion).toBe(2);
    expect(g.event.proof.hash).toMatch(/^[0-9a-f]{64}$/);
    // Network identifiers are hashed with a fresh random salt (erased with them), and the hash binds all of it.
    expect(g.event.proof.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const decision = { customerId: c, purposeId: g.event.purposeId, channel: 'email', status: 'granted' as const, lawfulBasis: g.event.lawfulBasis, noticeVersion: 2, capturedAt: new Date(g.event.capturedAt), validUntil: g.event.validUntil ? new Date(g.event.validUntil) : null, source: 'pos' };
    const proof = { formId: 'till-7', ip: '10.0.0.7', userAgent: 'POS/1.0' };
    expect(proofHash({ ...decision, proof: { ...proof, salt: g.event.proof.salt } })).toBe(g.event.proof.hash);
    expect(proofHash({ ...decision, proof })).not.toBe(g.event.proof.hash);
    expect(await check(c, 'email_marketing', 'email')).toMatchObject({ allowed: true, reason: 'granted', status: 'granted', decidingRecord: { eventId: g.event.id } });
    expect(await check(c, 'email_marketing', 'sms')).toMatchObject({ allowed: false, reason: 'no_consent' });
    const w = await sys().request({ method: 'POST', url: '/api/v1/consent/withdraw', key: agentKey, payload: { customer: c, purpose: 'email_marketing', channel: 'email' } });
    expect(w.statusCode).toBe(201);
    expect(await check(c, 'email_marketing', 'email')).toMatchObject({ allowed: false, reason: 'withdrawn', decidingRecord: { eventId: w.json().event.id } });
    await sys().request({ method: 'POST', url: '/api/v1/consent/records', key: agentKey, payload: { customer: c, purpose: 'profiling', channel: 'push', status: 'denied' } });
    expect(await check(c, 'profiling', 'push')).toMatchObject({ allowed: false, reason: 'denied' });
    expect(await check(c, 'nope', 'email')).toMatchObject({ allowed: false, reason: 'unknown_purpose' });
    expect(await check(c, 'profiling', 'pigeon')).toMatchObject({ allowed: false, reason: 'unknown_channel' });
    // An old imported grant never overrides a newer choice.
    await sys().request({ method: 'POST', url: '/api/v1/consent/records', key: agentKey, payload: { customer: c, purpose: 'email_marketing', channel: 'email', status: 'granted', capturedAt: '2020-01-01T00:00:00Z' } });
    expect(await check(c, 'email_marketing', 'email')).toMatchObject({ allowed: false, reason: 'withdrawn' });
    expect((await check(c, 'email_marketing', 'email', analystKey)).error.code).toBe('FORBIDDEN');
    const hist = (await sys().request({ method: 'GET', url: `/api/v1/consent/customers/${c}`, key: auditorKey })).json();
    expect(hist.history).toHaveLength(4);
    const csv = await sys().request({ method: 'GET', url: `/api/v1/consent/customers/${c}/proof?format=csv`, key: auditorKey });
    expect(csv.body.split('\n')[0]).toContain('proof_hash');
    expect(csv.body).toContain('till-7');
  });

  it('expires consents past their end date by appending an event', async () => {
    const { customerId: c } = await sys().person({ first_name: 'Ed', last_name: 'Expiry' });
    const past = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const soon = new Date(Date.now() - 1_000).toISOString();
    await sys().cs.consent.record(admin(), { customer: c, purpose: 'profiling', channel: 'email', status: 'granted', capturedAt: past, validUntil: soon });
    // Before the job runs the check already says expired.
    expect(await check(c, 'profiling', 'email')).toMatchObject({ allowed: false, reason: 'expired', status: 'granted' });
    const expired = await sys().cs.consent.expireDue();
    expect(expired).toBeGreaterThanOrEqual(1);
    expect(await check(c, 'profiling', 'email')).toMatchObject({ allowed: false, reason: 'expired', status: 'expired' });
    const events = await sys().cs.consent.eventsOf(c);
    expect(events.map((e) => e.status)).toEqual(['granted', 'expired']);
    expect(events[1]!.proof.expires).toBe(events[0]!.id);
    expect(await sys().cs.consent.expireDue()).toBe(0);
    // Default validity of the purpose applies to grants without an end date.
    const r = await sys().cs.consent.record(admin(), { customer: c, purpose: 'profiling', channel: 'sms', status: 'granted' });
    expect(new Date(r.event.validUntil!).getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
  });

  it('checks with one named prepared statement, so PostgreSQL parses and plans it once per connection', async () => {
    const { customerId: c } = await sys().person({ first_name: 'Pia', last_name: 'Prepared' });
    await sys().cs.consent.check(admin(), c, 'email_marketing', 'email'); // purposes and channels now cached
    const raw = vi.spyOn(sys().database, 'raw');
    try {
      expect(await sys().cs.consent.check(admin(), c, 'email_marketing', 'email')).toMatchObject({ allowed: false, reason: 'no_consent' });
      expect(raw).toHaveBeenCalledTimes(1);
      expect(raw.mock.calls[0]![1]).toEqual([c, expect.stringMatching(/^\S+$/), 'email']);
      expect(raw.mock.calls[0]![2]).toBe('consent_check_v2');
    } finally {
      raw.mockRestore();
    }
  });

  it('imports consents in bulk and quarantines invalid rows with reasons', async () => {
    const { customerId: a } = await sys().person({ first_name: 'Imp', last_name: 'One' });
    const { customerId: b } = await sys().person({ first_name: 'Imp', last_name: 'Two' });
    const csv = [
      'customer,purpose,channel,status,lawful_basis,captured_at,proof_ip',
      `${a},email_marketing,email,granted,consent,2025-01-02T10:00:00Z,192.0.2.1`,
      `${b},email_marketing,email,maybe,consent,2025-01-02T10:00:00Z,`,
      `cus_missing,email_marketing,email,granted,consent,,`,
      `${b},no_such_purpose,email,granted,consent,,`,
    ].join('\n');
    const res = await sys().request({ method: 'POST', url: '/api/v1/consent/import', key: agentKey, payload: { csv } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ recorded: 1, quarantined: 3 });
    expect(res.json().quarantine.map((q: { rowNumber: number }) => q.rowNumber)).toEqual([2, 3, 4]);
    const q = (await sys().request({ method: 'GET', url: `/api/v1/consent/import/quarantine?batch=${res.json().batchId}`, key: agentKey })).json();
    expect(q.items[0].errors[0].field).toBe('status');
    expect((await sys().cs.consent.eventsOf(a))[0]).toMatchObject({ source: 'import', proof: { ip: '192.0.2.1' } });
  });

  it('reports consent coverage per purpose and channel', async () => {
    const cov = (await sys().request({ method: 'GET', url: '/api/v1/consent/coverage', key: auditorKey })).json();
    expect(cov.customers).toBeGreaterThan(0);
    const em = cov.purposes.find((p: { purpose: string }) => p.purpose === 'email_marketing');
    expect(em.consented).toBeGreaterThanOrEqual(1);
    expect(em.share).toBeCloseTo(em.consented / cov.customers, 3);
  });
});
