import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { admin, useConsentSystem } from './consent-system.js';

// Values unique to the erased customer, so finding any of them anywhere is a leak.
const ERASED = {
  first_name: 'Zebediah',
  last_name: 'Quillfeather',
  email: 'zebediah.quillfeather@erase-me.example',
  phone: '+44 7400 123457',
  birth_date: '1961-07-19',
  loyalty_id: 'LOYAL-ERASE-93417',
};
const SOURCE_KEY = 'ERASE-KEY-55501';

describeTiers('erasure leaves no trace', (tier) => {
  const sys = useConsentSystem(tier);
  let customerId = '';
  let keepId = '';
  beforeAll(async () => {
    await sys().cs.consent.createPurpose(admin(), { key: 'offers', name: 'Offers', noticeText: 'Offers.' });
    const p = await sys().person({ ...ERASED, email: 'old.address@erase-me.example' }, SOURCE_KEY);
    customerId = p.customerId;
    // A second version (history), a rejected update (quarantine values + event payload), a consent with proof,
    // a steward read of sensitive data, a portal link with an outbox mail, and a pending portal correction.
    await sys().services.records.write(admin(), { source: 'crm', key: SOURCE_KEY, values: ERASED });
    await sys().services.records.write(admin(), { source: 'crm', key: SOURCE_KEY, values: { ...ERASED, phone: 'Zebediah-not-a-phone' } });
    await sys().cs.consent.record(admin(), { customer: customerId, purpose: 'offers', channel: 'email', status: 'granted', proof: { ip: '198.51.100.77', userAgent: 'Quillfeather-Browser/1.0' } });
    await sys().services.customers.get(admin(), customerId, { records: true, history: true });
    await sys().cs.portal.createLink(admin(), { customer: customerId, delivery: 'email' });
    expect((await sys().cs.mailer.listOutbox())[0]!.to).toContain(ERASED.email);
    await sys().query(`insert into portal_corrections (id, customer_id, record_id, attribute, proposed, status) values ('pcr_test', $1, $2, 'last_name', $3::jsonb, 'pending')`, [customerId, p.recordId, JSON.stringify({ value: ERASED.last_name + 'X' })]);
    keepId = (await sys().person({ first_name: 'Kept', last_name: 'Person', email: 'kept@example.com' })).customerId;
    await sys().services.audit.seal();
  });

  it('removes every erased value from every text and jsonb column of every table, and keeps a tombstone', async () => {
    const before = await dump();
    expect(before).toContain(ERASED.email);
    const res = await sys().request({ method: 'POST', url: `/api/v1/dsr/customers/${customerId}/erase`, key: await sys().key('steward'), payload: { legalBasis: 'GDPR Art. 17(1)(a): data no longer needed' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ customerId, mode: 'erase', legalBasis: 'GDPR Art. 17(1)(a): data no longer needed' });
    const after = await dump();
    const leaks = [...Object.values(ERASED), SOURCE_KEY, 'old.address@erase-me.example', '198.51.100.77', 'Quillfeather-Browser', 'Quillfeather', '7400123457']
      .filter((v) => after.toLowerCase().includes(v.toLowerCase()));
    if (leaks.length > 0) writeFileSync(join(sys().outboxDir, '..', `erasure-leak-${tier}.txt`), after);
    expect(leaks).toEqual([]);
    // The kept customer is untouched; the erased one is a tombstone; the consent ledger keeps its proof hash.
    expect(after).toContain('kept@example.com');
    expect(await sys().query('select status, display_name from customers where id = $1', [customerId])).toEqual([{ status: 'deleted', display_name: null }]);
    const events = await sys().cs.consent.eventsOf(customerId);
    expect(events[0]!.proof).toMatchObject({ redacted: true, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await sys().cs.consent.check(admin(), customerId, 'offers', 'email')).reason).toBe('erased');
    // The audit chain still verifies (redacted payloads keep their digest).
    const v = await sys().services.audit.verify();
    expect(v.ok).toBe(true);
    expect(v.redacted).toBeGreaterThan(0);
    // The outbox mail to the erased address is gone too.
    expect((await sys().cs.mailer.listOutbox()).length).toBe(0);
    expect((await sys().request({ method: 'POST', url: `/api/v1/dsr/customers/${customerId}/erase`, key: await sys().key('steward'), payload: { legalBasis: 'again please' } })).statusCode).toBe(409);
    expect(keepId).toMatch(/^cus_/);
  });

  /** Every text, varchar, jsonb and array value of every table in the public schema, one big string. */
  async function dump(): Promise<string> {
    const cols = await sys().query<{ table_name: string; column_name: string; data_type: string }>(
      `select table_name, column_name, data_type from information_schema.columns
       where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'character')`,
    );
    const parts: string[] = [];
    for (const c of cols) {
      const r = await sys().query<{ v: string | null }>(`select string_agg("${c.column_name}"::text, E'\\n') as v from "${c.table_name}"`);
      if (r[0]?.v) parts.push(`## ${c.table_name}.${c.column_name}\n${r[0].v}`);
    }
    return parts.join('\n');
  }
});
