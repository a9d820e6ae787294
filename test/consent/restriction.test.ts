import { beforeAll, expect, it } from 'vitest';
import { restrictedKeys } from '../../src/modules/dsr/restriction-guard.js';
import { AppError } from '../../src/platform/errors/app-error.js';
import { describeTiers } from '../support/tiers.js';
import { admin, useConsentSystem } from './consent-system.js';

// Restriction (GDPR Art. 18): a restricted customer is frozen — no record writes, no linking or merging,
// no corrections, no contact — until the restriction is lifted. Every refusal is a 409 whose details carry
// the rule `customer_restricted`.
describeTiers('restriction blocks processing', (tier) => {
  const sys = useConsentSystem(tier, { matchOnArrival: true, config: { corrections: 'review' } });
  let steward = '';
  let agent = '';
  let analyst = '';
  const PORTAL = { ip: '10.9.9.9', userAgent: 'T/1', requestId: 'req-restrict' };
  beforeAll(async () => {
    steward = await sys().key('steward');
    agent = await sys().key('agent');
    analyst = await sys().key('analyst');
    const person = (await sys().query<{ id: string }>(`select id from schemas where name = 'person'`))[0]!.id;
    await sys().services.sources.create(admin(), { name: 'shop', schema: person, systemType: 'webshop', trustRank: 50 });
    // Exact copies link, relatives go to review (deterministic for these small data sets).
    await sys().services.golden.updateSettings(admin(), 'person', { upperThreshold: 0.999999, lowerThreshold: 0.2 });
    await sys().cs.consent.createPurpose(admin(), { key: 'news', name: 'Newsletter', noticeText: 'Our newsletter.', channels: ['email'] });
  });

  const restrict = async (customerId: string): Promise<void> => {
    expect((await sys().request({ method: 'POST', url: `/api/v1/dsr/customers/${customerId}/restriction`, key: steward, payload: { reason: 'accuracy contested' } })).statusCode).toBe(201);
  };
  const rules = (res: { json(): { error: { details: { field: string; rule: string }[] } } }) => res.json().error.details.map((d) => `${d.field}:${d.rule}`);

  it('refuses record writes to the restricted customer’s keys (single, batch, update) and allows them again once lifted', async () => {
    const p = await sys().person({ first_name: 'Rhea', last_name: 'Frozen', email: 'rhea@example.com' }, 'RS-1');
    await sys().person({ first_name: 'Otto', last_name: 'Free', email: 'otto@example.com' }, 'RS-2');
    await restrict(p.customerId);
    const single = await sys().request({ method: 'POST', url: '/api/v1/records', key: steward, payload: { source: 'crm', key: 'RS-1', values: { first_name: 'Rhea', last_name: 'Changed' } } });
    expect(single.statusCode).toBe(409);
    expect(rules(single)).toEqual(['key:customer_restricted']);
    expect(single.json().error.code).toBe('CONFLICT');
    // The whole batch is refused (one transaction), naming the offending item.
    const batch = await sys().request({ method: 'POST', url: '/api/v1/records/batch', key: steward, payload: { source: 'crm', records: [{ key: 'RS-2', values: { first_name: 'Otto', last_name: 'Moved' } }, { key: 'RS-1', values: { first_name: 'Rhea', last_name: 'Changed' } }] } });
    expect(batch.statusCode).toBe(409);
    expect(rules(batch)).toEqual(['records.1.key:customer_restricted']);
    const update = await sys().request({ method: 'PUT', url: `/api/v1/records/${p.recordId}`, key: steward, payload: { values: { first_name: 'Rhea', last_name: 'Changed' } } });
    expect(update.statusCode).toBe(409);
    expect(await sys().query(`select source_key, version, "values"->>'last_name' as last from source_records where source_key in ('RS-1', 'RS-2') order by source_key`)).toEqual([
      { source_key: 'RS-1', version: 1, last: 'Frozen' },
      { source_key: 'RS-2', version: 1, last: 'Free' },
    ]);
    // Other customers' keys are not affected.
    expect((await sys().request({ method: 'POST', url: '/api/v1/records', key: steward, payload: { source: 'crm', key: 'RS-2', values: { first_name: 'Otto', last_name: 'Moved' } } })).statusCode).toBeLessThan(300);
    // What an import must quarantine: the keys of restricted customers (see docs/privacy.md).
    const src = (await sys().query<{ id: string }>(`select id from sources where name = 'crm'`))[0]!.id;
    expect([...(await restrictedKeys(sys().database.db, src, ['RS-1', 'RS-2', 'nope']))]).toEqual([['RS-1', p.customerId]]);
    expect((await sys().request({ method: 'DELETE', url: `/api/v1/dsr/customers/${p.customerId}/restriction`, key: steward })).json()).toEqual({ customerId: p.customerId, lifted: true });
    expect((await sys().request({ method: 'POST', url: '/api/v1/records', key: steward, payload: { source: 'crm', key: 'RS-1', values: { first_name: 'Rhea', last_name: 'Changed' } } })).statusCode).toBeLessThan(300);
  });

  it('match on arrival never links a new record into a restricted customer, and merges refuse it', async () => {
    const values = (first: string) => ({ first_name: first, last_name: 'Arrival', email: `${first.toLowerCase()}.arrival@example.com`, phone: '+44 7911 123456', birth_date: '1971-03-04' });
    // Control: an exact copy from the second source joins an ordinary customer.
    const free = await sys().person(values('Una'), 'MA-1');
    const joined = await sys().services.records.write(admin(), { source: 'shop', key: 'MA-1', values: values('Una') });
    expect(joined.record.status).toBe('valid');
    expect(joined.record.customerId).toBe(free.customerId);
    // The same for a restricted customer: the copy gets its own customer and no review task points at it.
    const frozen = await sys().person({ ...values('Ivo'), phone: '+44 7400 123457' }, 'MA-2');
    await restrict(frozen.customerId);
    const copy = await sys().services.records.write(admin(), { source: 'shop', key: 'MA-2', values: { ...values('Ivo'), phone: '+44 7400 123457' } });
    expect(copy.record.status).toBe('valid');
    expect(copy.record.customerId).toMatch(/^cus_/);
    expect(copy.record.customerId).not.toBe(frozen.customerId);
    expect(await sys().query(`select id from review_tasks where candidate_record_id = $1 or record_id = $1`, [frozen.recordId])).toEqual([]);
    const merge = await sys().request({ method: 'POST', url: '/api/v1/customers/merge', key: steward, payload: { customerIds: [frozen.customerId, copy.record.customerId], into: frozen.customerId, reason: 'same person' } });
    expect(merge.statusCode).toBe(409);
    expect(rules(merge)).toEqual([`customer:customer_restricted`]);
    expect((await sys().query<{ status: string }>(`select status from customers where id = $1`, [copy.record.customerId]))[0]!.status).toBe('active');
    // Splitting it (e.g. by a re-match job) is processing too.
    const split = await sys().request({ method: 'POST', url: `/api/v1/customers/${frozen.customerId}/split`, key: steward, payload: { recordIds: [frozen.recordId], reason: 'test' } });
    expect(split.statusCode).toBe(409);
    expect(rules(split)).toEqual([`customer:customer_restricted`]);
  });

  it('refuses rectification and portal corrections while restricted; the DSR flow can lift and rectify in one step', async () => {
    const p = await sys().person({ first_name: 'Cora', last_name: 'Contested', email: 'cora@example.com' }, 'RC-1');
    // A correction the customer queued before the restriction: a steward cannot apply it now.
    expect(await sys().cs.portal.correct(p.customerId, p.recordId, 'last_name', 'Uncontested', PORTAL)).toBe('queued');
    const queued = (await sys().query<{ id: string }>(`select id from portal_corrections where customer_id = $1`, [p.customerId]))[0]!.id;
    await restrict(p.customerId);
    const portal = await sys().cs.portal.correct(p.customerId, p.recordId, 'last_name', 'Other', PORTAL).catch((e: unknown) => e);
    expect(portal).toBeInstanceOf(AppError);
    expect((portal as AppError).status).toBe(409);
    expect((portal as AppError).details.map((d) => d.rule)).toEqual(['customer_restricted']);
    expect((await sys().request({ method: 'POST', url: `/api/v1/portal/corrections/${queued}/apply`, key: steward })).statusCode).toBe(409);
    // Verification stamps (by the customer in the portal, or by a steward) are refused too.
    await expect(sys().cs.portal.verify(p.customerId, p.recordId, '*', PORTAL)).rejects.toMatchObject({ status: 409, details: [{ rule: 'customer_restricted' }] });
    const stamp = await sys().request({ method: 'POST', url: `/api/v1/records/${p.recordId}/verify`, key: steward, payload: { attributes: ['email'] } });
    expect(stamp.statusCode).toBe(409);
    expect(rules(stamp)).toEqual(['customer:customer_restricted']);
    const refused = await sys().request({ method: 'POST', url: `/api/v1/dsr/customers/${p.customerId}/rectify`, key: steward, payload: { recordId: p.recordId, values: { last_name: 'Corrected' } } });
    expect(refused.statusCode).toBe(409);
    expect(rules(refused)).toEqual(['customer:customer_restricted']);
    expect(await sys().cs.dsr.restrictionOf(p.customerId)).toBe(true);
    const ok = await sys().request({ method: 'POST', url: `/api/v1/dsr/customers/${p.customerId}/rectify`, key: steward, payload: { recordId: p.recordId, values: { last_name: 'Corrected' }, liftRestriction: true } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ recordId: p.recordId, version: 2, restrictionLifted: true });
    expect(await sys().cs.dsr.restrictionOf(p.customerId)).toBe(false);
    const reqs = (await sys().request({ method: 'GET', url: `/api/v1/dsr/requests?customer=${p.customerId}`, key: steward })).json();
    expect(reqs.items.map((r: { kind: string; status: string }) => `${r.kind}:${r.status}`).sort()).toEqual(['lift_restriction:completed', 'rectification:completed', 'restriction:completed']);
  });

  it('consent check answers restricted and marketing exports leave the customer out', async () => {
    const p = await sys().person({ first_name: 'Mia', last_name: 'Muted', email: 'mia.muted@example.com' }, 'CK-1');
    const q = await sys().person({ first_name: 'Max', last_name: 'Mailed', email: 'max.mailed@example.com' }, 'CK-2');
    for (const c of [p, q]) await sys().cs.consent.record(admin(), { customer: c.customerId, purpose: 'news', channel: 'email', status: 'granted' });
    await restrict(p.customerId);
    const check = await sys().request({ method: 'GET', url: `/api/v1/consent/check?customer=${p.customerId}&purpose=news&channel=email`, key: agent });
    expect(check.json()).toMatchObject({ allowed: false, reason: 'restricted', status: 'granted' });
    const ids = (await sys().request({ method: 'POST', url: '/api/v1/exports/marketing', key: analyst, payload: { purpose: 'news', channel: 'email' } })).json().rows.map((r: { customerId: string }) => r.customerId);
    expect(ids).toContain(q.customerId);
    expect(ids).not.toContain(p.customerId);
  });
});
