import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { WebhookDeliveryWorker } from '../../src/modules/webhooks/index.js';
import { PERSON_DEFINITION } from '../support/system.js';
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
  address: { line1: '42 Wrenwhistle Row', city: 'Brackenmoor', postcode: 'ZZ9 4QX', country: 'GB' },
};
const SOURCE_KEY = 'ERASE-KEY-55501';
const SHOP_KEY = 'SHOP-ERASE-61';
const SHOP_KEY_2 = 'SHOP-ERASE-62';
// The same person in the shop under a short first name and another birth date: a borderline pair.
const SHOP_PERSON = { first_name: 'Ottoline', last_name: 'Quillfeather', phone: ERASED.phone, birth_date: '1963-02-11' };
const IP = '198.51.100.77';
const UA = 'Quillfeather-Browser/1.0';
const PORTAL = { ip: IP, userAgent: UA, requestId: 'req-erase-portal-1' };

const LEAKS = [
  ERASED.first_name, ERASED.last_name, ERASED.email, ERASED.phone, ERASED.birth_date, ERASED.loyalty_id,
  'Wrenwhistle', 'Brackenmoor', 'ZZ9 4QX', 'ZZ94QX', '7400123457', '7400 123457',
  SOURCE_KEY, SHOP_KEY, SHOP_KEY_2, SHOP_PERSON.first_name, SHOP_PERSON.birth_date,
  'old.address@erase-me.example', 'erase-me.example', 'not-an-email-of-Zebediah', IP, 'Quillfeather-Browser',
];

describeTiers('erasure leaves no trace', (tier) => {
  const sys = useConsentSystem(tier, { matchOnArrival: true, config: { corrections: 'review' } });
  let customerId = '';
  let keepId = '';
  const trail: Record<string, unknown> = {};
  beforeAll(async () => {
    const s = sys();
    const a = admin();
    await s.cs.consent.createPurpose(a, { key: 'offers', name: 'Offers', noticeText: 'Offers.' });
    // Two sources of one schema with an address, so match on arrival links them.
    const schema = await s.services.schemas.create(a, { name: 'member', definition: { ...PERSON_DEFINITION, attributes: [...PERSON_DEFINITION.attributes, { name: 'address', type: 'address', privacy: 'personal' }] } });
    await s.services.sources.create(a, { name: 'erp', schema: schema.id, systemType: 'crm', trustRank: 90 });
    // Thresholds of this schema: an exact copy links at once, a relative (surname and phone) goes to review.
    await s.services.golden.updateSettings(a, 'member', { upperThreshold: 0.999999, lowerThreshold: 0.2 });
    await s.services.sources.create(a, { name: 'shop', schema: schema.id, systemType: 'crm', trustRank: 50 });
    // A webhook subscriber from the start (its target refuses connections: every attempt is logged as failed).
    await s.services.webhooks.create(a, { url: 'http://127.0.0.1:9/hook', fromSeq: 0, maxAttempts: 2 });

    const first = await s.services.records.write(a, { source: 'erp', key: SOURCE_KEY, values: { ...ERASED, email: 'old.address@erase-me.example' } });
    customerId = first.record.customerId!;
    // A second version (history), a rejected update (quarantine values + event payload)…
    await s.services.records.write(a, { source: 'erp', key: SOURCE_KEY, values: ERASED });
    await s.services.records.write(a, { source: 'erp', key: SOURCE_KEY, values: { ...ERASED, phone: 'Zebediah-not-a-phone' } });
    // …corrected again, so the record is a valid match candidate.
    expect((await s.services.records.write(a, { source: 'erp', key: SOURCE_KEY, values: ERASED })).record.status).toBe('valid');
    // Match on arrival from a second source: the same person joins the customer.
    const shop = await s.services.records.write(a, { source: 'shop', key: SHOP_KEY, values: { ...ERASED, birth_date: undefined } });
    expect(shop.record.customerId).toBe(customerId);
    // A borderline record opens a review task; the steward says "match", which merges its customer in.
    const shop2 = await s.services.records.write(a, { source: 'shop', key: SHOP_KEY_2, values: SHOP_PERSON });
    expect(shop2.record.customerId).not.toBe(customerId);
    const tasks = await s.services.stewardship.listTasks(a, { status: 'open', limit: 50 });
    const task = tasks.items.find((t) => t.record?.id === shop2.record.id);
    expect(task).toBeDefined();
    trail.task = task!.id;
    const decided = await s.services.stewardship.decide(a, task!.id, { decision: 'match', note: 'same man: Zebediah Quillfeather' });
    expect(decided.mergeId).toMatch(/^mrg_|^merge_|^[a-z]+_/);
    // A pin, an unmerge, and the merge again (so the erasure covers the absorbed customer too).
    await s.services.golden.pin(a, customerId, 'email', { value: ERASED.email, reason: 'Zebediah confirmed it on the phone' });
    await s.services.golden.unmerge(a, decided.mergeId!, { reason: 'checking Quillfeather again' });
    await s.services.golden.merge(a, { customerIds: [customerId, shop2.record.customerId!], into: customerId, reason: 'Quillfeather: same person after all' });
    // A file import whose row for this customer is rejected (import quarantine, job row, rejected version).
    const dir = mkdtempSync(join(tmpdir(), 'erase-import-'));
    writeFileSync(join(dir, 'members.csv'), `customer_id,first_name,last_name,email\n${SOURCE_KEY},${ERASED.first_name},${ERASED.last_name},not-an-email-of-Zebediah\n`);
    const job = await s.services.ingest.importFile(a, join(dir, 'members.csv'), { source: 'erp' } as never);
    rmSync(dir, { recursive: true, force: true });
    expect(job.counters).toMatchObject({ read: 1, rejected: 1 });
    // A consent with proof, a steward read of sensitive data, a portal link with an outbox mail, a portal view
    // and a queued portal correction (with the customer's IP and user agent).
    await s.cs.consent.record(a, { customer: customerId, purpose: 'offers', channel: 'email', status: 'granted', proof: { ip: IP, userAgent: UA } });
    await s.services.customers.get(a, customerId, { records: true, history: true });
    await s.cs.portal.createLink(a, { customer: customerId, delivery: 'email' });
    expect((await s.cs.mailer.listOutbox())[0]!.to).toContain(ERASED.email);
    await s.cs.portal.auditView(customerId, 'ptk_test', { ...PORTAL, requestId: 'req-erase-portal-0' });
    expect(await s.cs.portal.correct(customerId, first.record.id, 'last_name', 'Quillfeather-Smythe', PORTAL)).toBe('queued');
    // Webhook deliveries of every event so far (attempted once, failed).
    await new WebhookDeliveryWorker(s.database, { timeoutMs: 2000 }).tick();
    expect((await s.query<{ n: number }>(`select count(*)::int as n from webhook_attempts`))[0]!.n).toBeGreaterThan(0);
    keepId = (await s.person({ first_name: 'Kept', last_name: 'Person', email: 'kept@example.com' })).customerId;
    await s.services.audit.seal();
  }, 120_000);

  it('removes every erased value from every text and jsonb column of every table, and keeps a tombstone', async () => {
    const before = await dump();
    // The seeded history reached every place the erasure has to clean.
    for (const v of [ERASED.email, ERASED.first_name, 'Wrenwhistle', IP, UA, SHOP_PERSON.first_name]) expect(before).toContain(v);
    for (const t of ['review_tasks', 'customer_merges', 'golden_pins', 'portal_corrections', 'subject_network_log', 'match_labels', 'webhook_deliveries', 'import_quarantine', 'import_jobs']) {
      expect(Number((await sys().query<{ n: number }>(`select count(*)::int as n from ${t}`))[0]!.n), t).toBeGreaterThan(0);
    }
    const res = await sys().request({ method: 'POST', url: `/api/v1/dsr/customers/${customerId}/erase`, key: await sys().key('steward'), payload: { legalBasis: 'GDPR Art. 17(1)(a): data no longer needed' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ customerId, mode: 'erase', legalBasis: 'GDPR Art. 17(1)(a): data no longer needed' });
    const after = await dump();
    const leaks = LEAKS.filter((v) => after.toLowerCase().includes(v.toLowerCase()));
    if (leaks.length > 0) writeFileSync(join(sys().outboxDir, '..', `erasure-leak-${tier}.txt`), after);
    expect(leaks).toEqual([]);
    // The kept customer is untouched; the erased one is a tombstone; the consent ledger keeps its proof hash.
    expect(after).toContain('kept@example.com');
    expect(await sys().query('select status, display_name from customers where id = $1', [customerId])).toEqual([{ status: 'deleted', display_name: null }]);
    const events = await sys().cs.consent.eventsOf(customerId);
    expect(events[0]!.proof).toEqual({ redacted: true, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await sys().cs.consent.check(admin(), customerId, 'offers', 'email')).reason).toBe('erased');
    // Stewardship and golden rows of the erased records are gone; merges keep ids only.
    expect(await sys().query('select id from review_tasks')).toEqual([]);
    expect(await sys().query('select * from golden_pins')).toEqual([]);
    expect(await sys().query('select * from subject_network_log')).toEqual([]);
    const merges = await sys().query<{ before: { customers: Record<string, unknown>[] }; reason: string | null }>('select before, reason from customer_merges');
    expect(merges.length).toBe(2);
    for (const m of merges) {
      expect(m.reason).toBeNull();
      for (const c of m.before.customers) expect(Object.keys(c).sort()).toEqual(['id', 'mergedInto', 'status']);
    }
    // Webhook deliveries stay as a log of ids; what they send is the redacted event payload.
    expect(Number((await sys().query<{ n: number }>(`select count(*)::int as n from webhook_deliveries`))[0]!.n)).toBeGreaterThan(0);
    // The audit chain still verifies (older payloads redacted keep their digest).
    const v = await sys().services.audit.verify();
    expect(v.ok).toBe(true);
    expect(v.redacted).toBeGreaterThan(0);
    // Portal audit entries never held the network identifiers: they are in subject_network_log, now empty.
    const portalAudit = await sys().query<{ payload: unknown; request_id: string }>(`select payload, request_id from audit_log where action like 'portal.%' and actor_type = 'customer'`);
    expect(portalAudit.map((p) => p.request_id).sort()).toEqual(['req-erase-portal-0', 'req-erase-portal-1']);
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
