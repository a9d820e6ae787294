import { beforeAll, expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { admin, useConsentSystem } from './consent-system.js';

// The HTTP calls the console's privacy pages make, as the roles that make them.
describeTiers('console privacy API', (tier) => {
  const sys = useConsentSystem(tier);
  let stewardKey = '';
  let agentKey = '';
  let analystKey = '';
  let auditorKey = '';
  beforeAll(async () => {
    stewardKey = await sys().key('steward');
    agentKey = await sys().key('agent');
    analystKey = await sys().key('analyst');
    auditorKey = await sys().key('auditor');
    await sys().cs.consent.createPurpose(admin(), { key: 'offers', name: 'Offers', noticeText: 'We send offers.', channels: ['email'] });
  });

  it('GET /dsr/customers/:id/restriction answers the restriction badge, for consent readers and DSR staff only', async () => {
    const p = await sys().person({ first_name: 'Rhea', last_name: 'Restricted', email: 'rhea@example.com' });
    const url = `/api/v1/dsr/customers/${p.customerId}/restriction`;
    const before = await sys().request({ method: 'GET', url, key: agentKey });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({ customerId: p.customerId, restricted: false });

    expect((await sys().request({ method: 'POST', url, key: stewardKey, payload: { reason: 'accuracy contested' } })).statusCode).toBe(201);
    for (const key of [agentKey, stewardKey, auditorKey]) {
      const r = await sys().request({ method: 'GET', url, key });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ customerId: p.customerId, restricted: true });
    }
    const denied = await sys().request({ method: 'GET', url, key: analystKey });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
    expect((await sys().request({ method: 'GET', url })).statusCode).toBe(401);
    const unknown = await sys().request({ method: 'GET', url: '/api/v1/dsr/customers/cus_nosuchcustomer/restriction', key: agentKey });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');

    expect((await sys().request({ method: 'DELETE', url, key: stewardKey })).statusCode).toBe(200);
    expect((await sys().request({ method: 'GET', url, key: agentKey })).json().restricted).toBe(false);
  });

  it('the consent panel reads current state, history and links; the purpose page reads every notice version', async () => {
    const p = await sys().person({ first_name: 'Cora', last_name: 'Consent', email: 'cora@example.com' });
    const rec = await sys().request({ method: 'POST', url: '/api/v1/consent/records', key: agentKey, payload: { customer: p.customerId, purpose: 'offers', channel: 'email', status: 'granted', source: 'pos' } });
    expect(rec.statusCode).toBe(201);
    const mine = (await sys().request({ method: 'GET', url: `/api/v1/consent/customers/${p.customerId}`, key: agentKey })).json();
    expect(mine.current).toHaveLength(1);
    expect(mine.current[0]).toMatchObject({ purpose: 'offers', channel: 'email', status: 'granted', allowed: true, noticeVersion: 1 });
    expect(mine.history.map((e: { status: string; source: string }) => [e.status, e.source])).toEqual([['granted', 'pos']]);

    const link = await sys().request({ method: 'POST', url: '/api/v1/portal/links', key: agentKey, payload: { customer: p.customerId, delivery: 'qr', qrFormat: 'svg' } });
    expect(link.statusCode).toBe(201);
    expect(link.json().qr.data).toContain('<svg');
    const links = (await sys().request({ method: 'GET', url: `/api/v1/portal/links?customer=${p.customerId}`, key: agentKey })).json();
    expect(links.items.map((l: { status: string; delivery: string }) => [l.delivery, l.status])).toEqual([['qr', 'active']]);

    const patched = await sys().request({ method: 'PATCH', url: '/api/v1/consent/purposes/offers', key: await sys().key('admin'), payload: { noticeText: 'We send offers, at most weekly.' } });
    expect(patched.statusCode).toBe(200);
    const one = (await sys().request({ method: 'GET', url: '/api/v1/consent/purposes/offers', key: auditorKey })).json();
    expect(one.currentNoticeVersion).toBe(2);
    expect(one.notices.map((n: { version: number; text: string }) => [n.version, n.text])).toEqual(
      expect.arrayContaining([[1, 'We send offers.'], [2, 'We send offers, at most weekly.']]),
    );
    expect((await sys().request({ method: 'PATCH', url: '/api/v1/consent/purposes/offers', key: stewardKey, payload: { noticeText: 'x' } })).statusCode).toBe(403);
  });
});
