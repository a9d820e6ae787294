import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyConsentEvent, replayConsent, type ConsentEventFacts } from '../../src/modules/consent/consent-state.js';
import { toFacts } from '../../src/modules/consent/consent.service.js';
import { describeTiers } from '../support/tiers.js';
import { admin, useConsentSystem } from './consent-system.js';

const statusArb = fc.constantFrom('granted', 'denied', 'withdrawn', 'expire' as const);
// Captured-at offsets in minutes (small range, so ties happen), status, and an optional end date.
const stepArb = fc.record({ status: statusArb, at: fc.integer({ min: 0, max: 20 }), validFor: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }) });

describe('consent state derivation (pure)', () => {
  const base = Date.UTC(2025, 0, 1);
  const build = (steps: { status: string; at: number; validFor: number | null }[]): ConsentEventFacts[] => {
    const out: ConsentEventFacts[] = [];
    let state = null as ReturnType<typeof applyConsentEvent>;
    steps.forEach((s, i) => {
      const e: ConsentEventFacts =
        s.status === 'expire'
          ? { id: `e${i}`, seq: i + 1, status: 'expired', capturedAt: base + s.at * 60_000, validUntil: null, lawfulBasis: 'consent', noticeVersion: 1, expires: state?.eventId ?? 'none' }
          : { id: `e${i}`, seq: i + 1, status: s.status as 'granted', capturedAt: base + s.at * 60_000, validUntil: s.validFor ? base + (s.at + s.validFor) * 60_000 : null, lawfulBasis: 'consent', noticeVersion: 1 };
      out.push(e);
      state = applyConsentEvent(state, e);
    });
    return out;
  };

  it('incremental folding equals replaying the whole ledger, for any sequence', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        const events = build(steps);
        let inc = null as ReturnType<typeof applyConsentEvent>;
        for (const e of events) inc = applyConsentEvent(inc, e);
        expect(replayConsent(events)).toEqual(inc);
        // Replay does not depend on the order events are handed over in (it sorts by seq).
        expect(replayConsent([...events].reverse())).toEqual(inc);
      }),
      { numRuns: 500 },
    );
  });

  it('without expiries the state is the latest captured decision, whatever the recording order', () => {
    fc.assert(
      fc.property(fc.array(stepArb.filter((s) => s.status !== 'expire'), { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 20 }), (steps, shuffle) => {
        const events = build(steps);
        // Re-number seqs in a random order: the decisive one is still the latest captured (ties: the last recorded).
        const order = events.map((e, i) => ({ e, k: shuffle[i] ?? i })).sort((a, b) => a.k - b.k).map((x, i) => ({ ...x.e, seq: i + 1 }));
        const s = replayConsent(order)!;
        const maxAt = Math.max(...order.map((e) => e.capturedAt));
        const latest = order.filter((e) => e.capturedAt === maxAt).sort((a, b) => b.seq - a.seq)[0]!;
        expect(s.eventId).toBe(latest.id);
      }),
      { numRuns: 300 },
    );
  });

  it('an expiry only ends the grant it names', () => {
    const g1: ConsentEventFacts = { id: 'g1', seq: 1, status: 'granted', capturedAt: 1, validUntil: 5, lawfulBasis: 'consent', noticeVersion: 1 };
    const g2: ConsentEventFacts = { id: 'g2', seq: 2, status: 'granted', capturedAt: 6, validUntil: null, lawfulBasis: 'consent', noticeVersion: 1 };
    const x1: ConsentEventFacts = { id: 'x1', seq: 3, status: 'expired', capturedAt: 5, validUntil: null, lawfulBasis: 'consent', noticeVersion: 1, expires: 'g1' };
    expect(replayConsent([g1, g2, x1])!.eventId).toBe('g2');
    expect(replayConsent([g1, x1])!.status).toBe('expired');
  });
});

describeTiers('consent state in the database equals replaying its events', (tier) => {
  const sys = useConsentSystem(tier);
  let customers: string[] = [];
  beforeAll(async () => {
    await sys().cs.consent.createPurpose(admin(), { key: 'offers', name: 'Offers', noticeText: 'Offers.' });
    customers = [];
    for (let i = 0; i < 3; i++) customers.push((await sys().person({ first_name: 'Prop', last_name: `P${i}` })).customerId);
  });

  it('for random sequences of grants, denials, withdrawals, back-dated imports and expiries', async () => {
    const now = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ c: fc.integer({ min: 0, max: 2 }), ch: fc.constantFrom('email', 'sms'), status: fc.constantFrom('granted', 'denied', 'withdrawn'), ago: fc.integer({ min: 1, max: 1000 }), validFor: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: null }) }), { minLength: 1, maxLength: 12 }),
        async (steps) => {
          for (const s of steps) {
            const capturedAt = new Date(now - s.ago * 60_000);
            await sys().cs.consent.record(admin(), {
              customer: customers[s.c],
              purpose: 'offers',
              channel: s.ch,
              status: s.status,
              capturedAt: capturedAt.toISOString(),
              ...(s.status === 'granted' ? { validUntil: s.validFor ? new Date(capturedAt.getTime() + s.validFor * 60_000).toISOString() : null } : {}),
            });
          }
          await sys().cs.consent.expireDue();
          const events = await sys().query<Parameters<typeof toFacts>[0]>('select * from consent_events where customer_id = any($1) order by seq', [customers]);
          const states = await sys().query<{ customer_id: string; channel: string; event_id: string; status: string }>('select customer_id, channel, event_id, status from consent_state where customer_id = any($1)', [customers]);
          const groups = new Map<string, ConsentEventFacts[]>();
          for (const e of events) {
            const k = `${e.customer_id}/${e.channel}`;
            groups.set(k, [...(groups.get(k) ?? []), toFacts(e)]);
          }
          expect(states.length).toBe(groups.size);
          for (const s of states) {
            const replayed = replayConsent(groups.get(`${s.customer_id}/${s.channel}`)!)!;
            expect({ eventId: s.event_id, status: s.status }).toEqual({ eventId: replayed.eventId, status: replayed.status });
          }
        },
      ),
      { numRuns: tier === 'pglite' ? 15 : 25 },
    );
  }, 120_000);
});
