import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { recomputeGolden } from '../../src/modules/golden/index.js';
import { Actor } from '../../src/platform/auth/actor.js';
import { describeTiers } from '../support/tiers.js';
import { setupSources, useGoldenSystem, write, type GoldenSystem } from './golden-system.js';

const FIRST = ['Anna', 'Carl', 'Dora', 'Egon', 'Fiona', 'Gustav'];
// Unrelated surnames per run and person, so people of different runs never match each other.
function surname(run: number, p: number): string {
  let x = (run * 7919 + p * 104_729) >>> 0;
  let out = '';
  for (let i = 0; i < 8; i++) {
    x = (Math.imul(x ^ (x >>> 15), 2_246_822_519) + 3_266_489_917) >>> 0;
    out += String.fromCharCode(97 + (x % 26));
  }
  return out[0]!.toUpperCase() + out.slice(1);
}

type Op = { kind: 'merge'; i: number; j: number } | { kind: 'unmerge'; k: number } | { kind: 'edit'; r: number; city: string } | { kind: 'mergeThenUnmerge'; i: number; j: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('merge' as const), i: fc.nat(20), j: fc.nat(20) }),
  fc.record({ kind: fc.constant('unmerge' as const), k: fc.nat(20) }),
  fc.record({ kind: fc.constant('edit' as const), r: fc.nat(20), city: fc.constantFrom('Leeds', 'York', 'Bath', 'Hull') }),
  fc.record({ kind: fc.constant('mergeThenUnmerge' as const), i: fc.nat(20), j: fc.nat(20) }),
);

describeTiers('golden: unmerge round-trips (property)', (tier) => {
  const sys = useGoldenSystem(tier);
  let s: GoldenSystem;
  const actor = Actor.system();
  beforeAll(async () => {
    s = sys();
    await setupSources(s, [{ name: 'crm', trustRank: 80 }, { name: 'shop', trustRank: 40 }]);
  }, 120_000);

  // Everything unmerge promises to restore: where each record is, customer status, golden values (not their timestamps).
  async function snapshot(customerIds: string[]) {
    const recs = await s.query<{ id: string; customer_id: string }>('select id, customer_id from source_records where customer_id = any($1) order by id', [customerIds]);
    const custs = await s.query<{ id: string; status: string; merged_into: string | null; golden: Record<string, { chosenAt?: string }> }>(
      'select id, status, merged_into, golden from customers where id = any($1) order by id',
      [customerIds],
    );
    return {
      recs,
      custs: custs.map((c) => ({ ...c, golden: Object.fromEntries(Object.entries(c.golden).map(([k, v]) => [k, { ...v, chosenAt: undefined }])) })),
    };
  }

  let run = 0;
  it('restores the state before the merge; later edits stay; nothing is lost', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 7 }), async (ops) => {
        run++;
        // Four different people per run, two of them in both sources.
        const recs: { id: string; key: string; source: string; values: Record<string, unknown> }[] = [];
        for (let p = 0; p < 4; p++) {
          const values = { first_name: FIRST[p]!, last_name: surname(run, p), email: `r${run}p${p}@example.com`, city: 'Leeds' };
          const w = await write(s, 'crm', `R${run}-${p}`, values);
          recs.push({ id: w.id, key: `R${run}-${p}`, source: 'crm', values });
          if (p < 2) {
            const v2 = { ...values, city: 'York' };
            const w2 = await write(s, 'shop', `R${run}-${p}`, v2);
            expect(w2.customerId).toBe(w.customerId);
            recs.push({ id: w2.id, key: `R${run}-${p}`, source: 'shop', values: v2 });
          }
        }
        const all = [...new Set((await s.query<{ customer_id: string }>('select customer_id from source_records where id = any($1)', [recs.map((r) => r.id)])).map((r) => r.customer_id))];
        expect(all).toHaveLength(4);
        const merges: string[] = [];
        const active = async () =>
          (await s.query<{ id: string }>(`select id from customers where id = any($1) and status = 'active' order by id`, [all])).map((c) => c.id);
        for (const o of ops) {
          if (o.kind === 'edit') {
            const r = recs[o.r % recs.length]!;
            r.values = { ...r.values, city: o.city };
            await write(s, r.source, r.key, r.values);
          } else if (o.kind === 'merge' || o.kind === 'mergeThenUnmerge') {
            const act = await active();
            if (act.length < 2) continue;
            const a = act[o.i % act.length]!;
            const b = act[(o.i + 1 + (o.j % (act.length - 1))) % act.length]!;
            const before = await snapshot(all);
            const m = await s.g.golden.merge(actor, { customerIds: [a, b], reason: 'property' });
            if (o.kind === 'merge') {
              merges.push(m.mergeId);
              continue;
            }
            await s.g.golden.unmerge(actor, m.mergeId, { reason: 'property' });
            expect(await snapshot(all)).toEqual(before);
          } else {
            const open = merges.filter(Boolean);
            if (open.length === 0) continue;
            const id = open[o.k % open.length]!;
            const [m] = await s.query<{ into_customer_id: string; before: { records: { id: string; customerId: string }[] } }>('select into_customer_id, before from customer_merges where id = $1', [id]);
            const where = new Map((await s.query<{ id: string; customer_id: string }>('select id, customer_id from source_records where id = any($1)', [m!.before.records.map((r) => r.id)])).map((r) => [r.id, r.customer_id]));
            try {
              await s.g.golden.unmerge(actor, id, {});
            } catch (e) {
              // A later merge absorbed the survivor: it must be undone first.
              expect((e as Error).message).toMatch(/no longer active/);
              continue;
            }
            merges[merges.indexOf(id)] = '';
            const now = new Map((await s.query<{ id: string; customer_id: string }>('select id, customer_id from source_records where id = any($1)', [m!.before.records.map((r) => r.id)])).map((r) => [r.id, r.customer_id]));
            for (const r of m!.before.records) expect(now.get(r.id)).toBe(where.get(r.id) === m!.into_customer_id ? r.customerId : where.get(r.id));
          }
        }
        // Nothing lost: every record sits with an active customer, whose golden record is up to date and carries the last edit.
        const rows = await s.query<{ id: string; city: string; status: string; golden: Record<string, { value: unknown; recordId: string }> }>(
          `select r.id, r."values"->>'city' as city, c.status, c.golden from source_records r join customers c on c.id = r.customer_id where r.id = any($1)`,
          [recs.map((r) => r.id)],
        );
        expect(rows).toHaveLength(recs.length);
        for (const r of rows) {
          expect(r.status).toBe('active');
          expect(r.city).toBe(recs.find((x) => x.id === r.id)!.values.city);
        }
        const act = await active();
        const changed = await s.database.db.transaction((tx) => recomputeGolden(tx, act));
        expect(changed).toEqual([]);
      }),
      { numRuns: 10 },
    );
  }, 170_000);
});
