import { beforeAll, expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { admin, useConsentSystem, type Res } from './consent-system.js';

const nonceOf = (html: string): string => /name="nonce" value="([^"]+)"/.exec(html)![1]!;
const form = (fields: Record<string, string>) => ({ payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describeTiers('self-service portal tokens and actions', (tier) => {
  const sys = useConsentSystem(tier, { limits: { perIpPerMinute: 1000, perTokenPerMinute: 1000, badTokensPerIp: 5 } });
  let agentKey = '';
  let customerId = '';
  let recordId = '';
  beforeAll(async () => {
    agentKey = await sys().key('agent');
    await sys().cs.consent.createPurpose(admin(), { key: 'sms_offers', name: 'Offers by text message', noticeText: 'We text you offers, at most twice a month.', channels: ['sms'] });
    ({ customerId, recordId } = await sys().person({ first_name: 'Pia', last_name: 'Portal', email: 'pia@example.com', phone: '+44 7911 123456', birth_date: '1990-01-02' }));
  });

  const link = async (extra: Record<string, unknown> = {}): Promise<{ token: string; id: string; url: string }> => {
    const res = await sys().request({ method: 'POST', url: '/api/v1/portal/links', key: agentKey, payload: { customer: customerId, ...extra } });
    expect(res.statusCode).toBe(201);
    return { token: res.json().token, id: res.json().link.id, url: res.json().url };
  };
  const page = (token: string, ip = '10.1.1.1'): Promise<Res> => sys().request({ method: 'GET', url: `/portal/${token}`, ip, headers: { 'user-agent': 'PhoneBrowser/1.0' } });
  const post = (token: string, action: string, fields: Record<string, string>, ip = '10.1.1.1'): Promise<Res> =>
    sys().request({ method: 'POST', url: `/portal/${token}/${action}`, ip, ...form(fields), headers: { ...form(fields).headers, 'user-agent': 'PhoneBrowser/1.0' } });

  it('creates unguessable links stored only as a hash, with QR codes and e-mail delivery', async () => {
    const l = await link({ delivery: 'qr', qrFormat: 'png' });
    expect(l.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(l.url).toBe(`http://portal.test/portal/${l.token}`);
    const stored = await sys().query<{ token_hash: string }>('select token_hash from portal_tokens where id = $1', [l.id]);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await sys().query('select * from portal_tokens'))).not.toContain(l.token);
    const svg = await sys().request({ method: 'POST', url: '/api/v1/portal/links', key: agentKey, payload: { customer: customerId, delivery: 'qr' } });
    expect(svg.json().qr.data).toContain('<svg');
    const mail = await sys().request({ method: 'POST', url: '/api/v1/portal/links', key: agentKey, payload: { customer: customerId, delivery: 'email' } });
    expect(mail.json().url).toBeUndefined();
    expect(mail.json().email).toMatchObject({ delivery: 'outbox', to: 'p***@example.com' });
    const outbox = (await sys().request({ method: 'GET', url: '/api/v1/portal/outbox', key: await sys().key('admin') })).json();
    expect(outbox.items[0].to).toContain('pia@example.com');
    const eml = await sys().request({ method: 'GET', url: `/api/v1/portal/outbox/${outbox.items[0].file}`, key: await sys().key('admin') });
    expect(eml.body).toContain('http://portal.test/portal/');
    expect((await sys().request({ method: 'GET', url: '/api/v1/portal/outbox', key: agentKey })).statusCode).toBe(403);
  });

  it('shows the page with masked personal data, security headers and no personal data in URLs', async () => {
    const { token } = await link();
    const res = await page(token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Pia'); // public
    expect(res.body).toContain('p***@example.com'); // personal, masked
    expect(res.body).not.toContain('pia@example.com');
    expect(res.body).not.toContain('1990-01-02'); // sensitive, hidden
    expect(res.body).toContain('We text you offers');
    for (const m of res.body.matchAll(/(?:href|action)="([^"]+)"/g)) expect(m[1]).toMatch(/^\/portal\/[A-Za-z0-9_-]{43}(\/[a-z]+)?(\?format=(json|csv))?$|^\/portal\/assets\//);
    // The sealed audit entry holds no network identifiers; its request id leads to them in subject_network_log (erasable).
    const audit = await sys().query<{ actor_type: string; ip: string | null; payload: Record<string, unknown>; request_id: string }>(`select actor_type, ip, payload, request_id from audit_log where action = 'portal.view' order by seq desc limit 1`);
    expect(audit[0]).toMatchObject({ actor_type: 'customer', ip: null, payload: { linkId: expect.stringMatching(/.+/) } });
    expect(Object.keys(audit[0]!.payload)).toEqual(['linkId']);
    const net = await sys().query(`select ip, user_agent from subject_network_log where request_id = $1`, [audit[0]!.request_id]);
    expect(net).toEqual([{ ip: '10.1.1.1', user_agent: 'PhoneBrowser/1.0' }]);
  });

  it('verifies, corrects, changes consent, downloads, and each form nonce works once', async () => {
    const { token } = await link();
    let n = nonceOf((await page(token)).body);
    const v = await post(token, 'verify', { nonce: n, record: recordId, attribute: 'email' });
    expect(v.statusCode).toBe(303);
    expect(v.headers.location).toBe(`/portal/${token}?m=verified`);
    const [rec] = await sys().query<{ verification: Record<string, { verifiedBy: string; status: string }> }>('select verification from source_records where id = $1', [recordId]);
    expect(rec!.verification.email).toMatchObject({ status: 'valid', verifiedBy: 'customer' });
    // Reusing the same nonce (replay, double submit) is refused.
    expect((await post(token, 'verify', { nonce: n, record: recordId, attribute: 'email' })).statusCode).toBe(409);
    expect((await post(token, 'verify', { nonce: 'forged-nonce-forged-nonce-forged', record: recordId, attribute: 'email' })).statusCode).toBe(409);

    n = nonceOf((await page(token)).body);
    const bad = await post(token, 'correct', { nonce: n, record: recordId, attribute: 'email', value: 'not an e-mail' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('That did not work');
    n = nonceOf(bad.body);
    const good = await post(token, 'correct', { nonce: n, record: recordId, attribute: 'last_name', value: 'Portal-Smith' });
    expect(good.headers.location).toContain('m=corrected');
    expect((await sys().services.records.get(admin(), recordId)).values!.last_name).toBe('Portal-Smith');

    n = nonceOf((await page(token)).body);
    expect((await post(token, 'consent', { nonce: n, purpose: 'sms_offers', channel: 'sms', decision: 'grant' })).headers.location).toContain('m=granted');
    const granted = await sys().cs.consent.check(admin(), customerId, 'sms_offers', 'sms');
    expect(granted).toMatchObject({ allowed: true });
    const ev = (await sys().cs.consent.eventsOf(customerId)).at(-1)!;
    expect(ev).toMatchObject({ source: 'portal', actorType: 'customer', noticeVersion: 1, proof: { noticeId: 'sms_offers@v1', ip: '10.1.1.1', userAgent: 'PhoneBrowser/1.0' } });
    n = nonceOf((await page(token)).body);
    await post(token, 'consent', { nonce: n, purpose: 'sms_offers', channel: 'sms', decision: 'withdraw' });
    expect((await sys().cs.consent.check(admin(), customerId, 'sms_offers', 'sms')).reason).toBe('withdrawn');

    const dl = await sys().request({ method: 'GET', url: `/portal/${token}/download?format=json`, ip: '10.1.1.1' });
    expect(dl.headers['content-disposition']).toContain('attachment');
    expect(JSON.parse(dl.body).records[0].values.email).toBe('pia@example.com');
    const csv = await sys().request({ method: 'GET', url: `/portal/${token}/download?format=csv`, ip: '10.1.1.1' });
    expect(csv.body.startsWith('section,id,field,value')).toBe(true);

    n = nonceOf((await page(token)).body);
    expect((await post(token, 'erasure', { nonce: n, confirm: 'yes' })).headers.location).toContain('m=erasure');
    const reqs = await sys().cs.dsr.listRequests(admin(), { customer: customerId });
    expect(reqs[0]).toMatchObject({ kind: 'erasure', status: 'open', channel: 'portal' });
    const actions = (await sys().query<{ action: string }>(`select distinct action from audit_log where actor_type = 'customer'`)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['portal.view', 'portal.verify', 'portal.correct', 'portal.consent', 'portal.download', 'portal.erasure_request']));
  });

  it('answers unknown links with 404 and expired or revoked links with 410, friendly and with help', async () => {
    const unknown = await page('A'.repeat(43), '10.2.0.1');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('How to get a new link');
    const expiring = await link({ expiresInHours: 1 });
    await sys().query(`update portal_tokens set expires_at = now() - interval '1 second' where id = $1`, [expiring.id]);
    const gone = await page(expiring.token, '10.2.0.2');
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toContain('expired');
    const revoked = await link();
    expect((await page(revoked.token, '10.2.0.3')).statusCode).toBe(200);
    const del = await sys().request({ method: 'DELETE', url: `/api/v1/portal/links/${revoked.id}`, key: agentKey });
    expect(del.json().status).toBe('revoked');
    expect((await page(revoked.token, '10.2.0.3')).statusCode).toBe(410);
    expect((await sys().request({ method: 'POST', url: `/portal/${revoked.token}/verify`, ip: '10.2.0.3', ...form({ nonce: 'x', record: recordId, attribute: 'email' }) })).statusCode).toBe(410);
    // Default lifetime is 7 days.
    const def = (await sys().request({ method: 'GET', url: `/api/v1/portal/links?customer=${customerId}`, key: agentKey })).json().items.at(-1);
    expect(Math.round((Date.parse(def.expiresAt) - Date.parse(def.createdAt)) / 3_600_000)).toBe(7 * 24);
  });

  it('slows brute force: after too many bad tokens from one IP every portal request from it gets 429', async () => {
    const good = await link();
    const ip = '10.9.9.9';
    for (let i = 0; i < 5; i++) expect((await page(`${'b'.repeat(42)}${i}`, ip)).statusCode).toBe(404);
    const blocked = await page(`${'b'.repeat(42)}x`, ip);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect((await page(good.token, ip)).statusCode).toBe(429);
    expect((await page(good.token, '10.9.9.10')).statusCode).toBe(200);
  });
});
