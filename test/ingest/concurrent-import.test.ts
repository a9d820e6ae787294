import { sql } from 'drizzle-orm';
import pg from 'pg';
import { expect, it } from 'vitest';
import { committedPrefix } from '../../src/modules/ingest/committed-rows.js';
import type { ImportJobView } from '../../src/modules/ingest/index.js';
import { rows } from '../../src/platform/db/database.js';
import { describeTiers } from '../support/tiers.js';
import { CUSTOMER_DEFINITION, useIngestSystem } from './support/ingest-system.js';

type QRow = { row_number: number; source_key: string | null; rules: string };

// On PostgreSQL imports write two batches at once (PGlite: one); every outcome must equal one writer's.
describeTiers('import with batches in flight together', (tier) => {
  const sys = useIngestSystem(tier);

  const run = (path: string, opts: Record<string, unknown>): Promise<ImportJobView> => sys().ingest.importFile(sys().admin, path, { batchSize: 2, writers: 2, ...opts } as never);
  const quarantine = (jobId: string): Promise<QRow[]> =>
    sys().query<QRow>(`select row_number, source_key, (select string_agg(e->>'rule', '+') from jsonb_array_elements(errors) e) as rules from import_quarantine where job_id = $1 order by row_number`, [jobId]);
  // Rows of each `import.batch` audit entry of the job (sorted): one entry per batch shows no batch fell back
  // to row-by-row writes (each row's own transaction audits apart), which an ungated batch colliding with
  // one in flight would, reaching the same records by another path.
  const batchEntries = async (jobId: string): Promise<number[]> =>
    (await sys().query<{ n: number }>(`select (payload->>'count')::int as n from audit_log where action = 'import.batch' and entity_id = $1`, [jobId])).map((r) => r.n).sort((a, b) => a - b);
  // The customer schema with a unique loyalty id (created once per tier).
  let uniqueCreated = false;
  const uniqueSchema = async (): Promise<void> => {
    if (uniqueCreated) return;
    uniqueCreated = true;
    await sys().services.schemas.create(sys().admin, {
      name: 'customer_unique',
      definition: { ...CUSTOMER_DEFINITION, attributes: CUSTOMER_DEFINITION.attributes.map((a) => (a.name === 'loyalty_id' ? { ...a, unique: true } : a)) },
    });
  };
  const records = (sourceId: string) =>
    sys().query<{ source_key: string; status: string; first_name: string | null; version: number }>(
      `select source_key, status, "values"->>'first_name' as first_name, version from source_records where source_id = $1 order by source_key`,
      [sourceId],
    );
  // PostgreSQL only: inserting the row whose first name is `name` takes `seconds`, so the batches after it commit first.
  const slowRow = async (name: string, seconds: number): Promise<() => Promise<void>> => {
    if (tier !== 'postgres') return async () => undefined;
    await sys().query(`create or replace function test_slow_row() returns trigger language plpgsql as $$
      begin if new.raw->>'first_name' = '${name}' then perform pg_sleep(${seconds}); end if; return new; end $$`);
    await sys().query('create trigger test_slow_row before insert on source_records for each row execute function test_slow_row()');
    return async () => {
      await sys().query('drop trigger test_slow_row on source_records');
    };
  };

  it('a key repeated across batches in flight together ends with its last value, counted once created then updated', async () => {
    const src = await sys().source('conc-keys');
    const done = await slowRow('A1', 0.5);
    try {
      const path = sys().file('keys.csv', 'id,first_name,last_name\nK1,A1,L\nK2,B,L\nK3,C,L\nK1,A2,L\nK4,D,L\nK1,A3,L\nK5,E,L\nK2,B2,L\n');
      const job = await run(path, { source: 'conc-keys' });
      expect(job.state).toBe('completed');
      expect(job.counters).toEqual({ read: 8, accepted: 8, created: 5, updated: 3, unchanged: 0, rejected: 0 });
      expect((await records(src)).map((r) => [r.source_key, r.first_name, r.version])).toEqual([
        ['K1', 'A3', 3],
        ['K2', 'B2', 2],
        ['K3', 'C', 1],
        ['K4', 'D', 1],
        ['K5', 'E', 1],
      ]);
      expect(await batchEntries(job.id)).toEqual([2, 2, 2, 2]);
      const [j] = await sys().query<{ checkpoint_row: number; ranges: number }>('select checkpoint_row, (select count(*)::int from import_job_batches b where b.job_id = j.id) as ranges from import_jobs j where id = $1', [job.id]);
      expect(j).toEqual({ checkpoint_row: 8, ranges: 0 });
    } finally {
      await done();
    }
  });

  it('append mode: a key written by a batch still in flight counts as existing', async () => {
    const src = await sys().source('conc-append');
    const done = await slowRow('P1', 0.5);
    try {
      // Batches of 3, so that the second one writes two records beside its duplicate (row by row: two entries).
      const job = await run(sys().file('append.csv', 'id,first_name,last_name\nP1,P1,L\nP2,Q,L\nP3,R,L\nP1,P1b,L\nP4,S,L\nP5,T,L\n'), { source: 'conc-append', mode: 'append', batchSize: 3 });
      expect(job.counters).toEqual({ read: 6, accepted: 5, created: 5, updated: 0, unchanged: 0, rejected: 1 });
      expect(await quarantine(job.id)).toEqual([{ row_number: 4, source_key: 'P1', rules: 'duplicate_key' }]);
      expect((await records(src)).map((r) => [r.source_key, r.first_name])).toEqual([['P1', 'P1'], ['P2', 'Q'], ['P3', 'R'], ['P4', 'S'], ['P5', 'T']]);
      expect(await batchEntries(job.id)).toEqual([2, 3]);
    } finally {
      await done();
    }
  });

  it('a unique value claimed by two batches belongs to the earlier row; the later row is quarantined', async () => {
    const s = sys();
    await uniqueSchema();
    const src = (await s.services.sources.create(s.admin, { name: 'conc-unique', schema: 'customer_unique', systemType: 'crm' })).id;
    const done = await slowRow('U1', 0.5);
    try {
      const path = s.file('unique.csv', 'id,first_name,last_name,loyalty_id\nU1,U1,L,LOY-1\nU2,V,L,LOY-2\nU3,W,L,loy-1\nU4,X,L,LOY-4\n');
      const job = await run(path, { source: 'conc-unique' });
      expect(job.counters).toEqual({ read: 4, accepted: 3, created: 3, updated: 0, unchanged: 0, rejected: 1 });
      expect(await quarantine(job.id)).toEqual([{ row_number: 3, source_key: 'U3', rules: 'unique' }]);
      expect((await records(src)).map((r) => [r.source_key, r.status])).toEqual([['U1', 'valid'], ['U2', 'valid'], ['U3', 'rejected'], ['U4', 'valid']]);
      const owners = await s.query<{ value_key: string; source_key: string }>(
        'select u.value_key, r.source_key from record_unique_values u join source_records r on r.id = u.record_id where u.source_id = $1 order by u.value_key',
        [src],
      );
      expect(owners).toEqual([
        { value_key: 'loy-1', source_key: 'U1' },
        { value_key: 'loy-2', source_key: 'U2' },
        { value_key: 'loy-4', source_key: 'U4' },
      ]);
      expect(await batchEntries(job.id)).toEqual([2, 2]);
    } finally {
      await done();
    }
  });

  const owners = (sourceId: string) =>
    sys().query<{ value_key: string; source_key: string }>(
      'select u.value_key, r.source_key from record_unique_values u join source_records r on r.id = u.record_id where u.source_id = $1 order by u.value_key',
      [sourceId],
    );

  it('a unique value released by an earlier batch in flight goes to the later row claiming it, as with one writer', async () => {
    const s = sys();
    await uniqueSchema();
    const src = (await s.services.sources.create(s.admin, { name: 'conc-release', schema: 'customer_unique', systemType: 'crm' })).id;
    await run(s.file('release-0.csv', 'id,first_name,last_name,loyalty_id\nX,X,L,LOY-1\n'), { source: 'conc-release' });
    // Batch 1 moves X off LOY-1 slowly; batch 2 (no common key) claims LOY-1 for Y meanwhile.
    const done = await slowRow('SlowX', 1);
    try {
      const job = await run(s.file('release.csv', 'id,first_name,last_name,loyalty_id\nX,SlowX,L,LOY-9\nA2,A,L,LOY-2\nY,Y,L,loy-1\nB2,B,L,LOY-4\n'), { source: 'conc-release' });
      expect(job.counters).toEqual({ read: 4, accepted: 4, created: 3, updated: 1, unchanged: 0, rejected: 0 });
      expect(await quarantine(job.id)).toEqual([]);
      expect(await owners(src)).toEqual([
        { value_key: 'loy-1', source_key: 'Y' },
        { value_key: 'loy-2', source_key: 'A2' },
        { value_key: 'loy-4', source_key: 'B2' },
        { value_key: 'loy-9', source_key: 'X' },
      ]);
      expect(await batchEntries(job.id)).toEqual([2, 2]);
    } finally {
      await done();
    }
  });

  // The mirror case: the earlier batch claims a value a record holds, the later batch moves that record off it.
  // The earlier batch is held (a lock on one of its records) long enough for an ungated later batch to commit.
  it.skipIf(tier !== 'postgres')('a unique value released by a later batch is still taken for an earlier batch in flight, as with one writer', async () => {
    const s = sys();
    await uniqueSchema();
    const src = (await s.services.sources.create(s.admin, { name: 'conc-release-late', schema: 'customer_unique', systemType: 'crm' })).id;
    await run(s.file('release-late-0.csv', 'id,first_name,last_name,loyalty_id\nW,W,L,LOY-W\nX,X,L,LOY-1\n'), { source: 'conc-release-late' });
    const other = new pg.Client({ connectionString: s.tierDb.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`select 1 from source_records where source_id = $1 and source_key = 'W' for update`, [src]);
      const importing = run(s.file('release-late.csv', 'id,first_name,last_name,loyalty_id\nW,W2,L,LOY-W\nY,Y,L,LOY-1\nX,X2,L,LOY-9\nB2,B,L,LOY-5\n'), { source: 'conc-release-late' });
      for (;;) {
        const waiting = await s.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
        if (waiting[0]!.n > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      // Give batch 2 time to commit if it were not held back (it would then free LOY-1 for Y).
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        const ranges = await s.query<{ n: number }>(`select count(*)::int as n from import_job_batches b join import_jobs j on j.id = b.job_id where j.source_id = $1 and b.first_row = 3`, [src]);
        if (ranges[0]!.n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.query('commit');
      const job = await importing;
      expect(job.counters).toEqual({ read: 4, accepted: 3, created: 1, updated: 2, unchanged: 0, rejected: 1 });
      expect(await quarantine(job.id)).toEqual([{ row_number: 2, source_key: 'Y', rules: 'unique' }]);
      expect(await owners(src)).toEqual([
        { value_key: 'loy-5', source_key: 'B2' },
        { value_key: 'loy-9', source_key: 'X' },
        { value_key: 'loy-w', source_key: 'W' },
      ]);
      expect(await batchEntries(job.id)).toEqual([2, 2]);
    } finally {
      await other.end();
    }
  });

  it('a batch the database refuses is retried row by row: the refused row is quarantined, the others are written', async () => {
    const src = await sys().source('conc-refused');
    await sys().query(`create or replace function test_refuse() returns trigger language plpgsql as $$
      begin if new.raw->>'first_name' = 'Refused' then raise exception 'refused by test'; end if; return new; end $$`);
    await sys().query('create trigger test_refuse before insert on source_records for each row execute function test_refuse()');
    try {
      const job = await run(sys().file('refused.csv', 'id,first_name,last_name\nF1,A,L\nF2,B,L\nF3,Refused,L\nF4,D,L\nF5,E,L\nF6,F,L\n'), { source: 'conc-refused' });
      expect(job.state).toBe('completed');
      expect(job.counters).toEqual({ read: 6, accepted: 5, created: 5, updated: 0, unchanged: 0, rejected: 1 });
      expect(await quarantine(job.id)).toEqual([{ row_number: 3, source_key: 'F3', rules: 'write_error' }]);
      expect((await records(src)).map((r) => r.source_key)).toEqual(['F1', 'F2', 'F4', 'F5', 'F6']);
      const [j] = await sys().query<{ checkpoint_row: number; ranges: number }>('select checkpoint_row, (select count(*)::int from import_job_batches b where b.job_id = j.id) as ranges from import_jobs j where id = $1', [job.id]);
      expect(j).toEqual({ checkpoint_row: 6, ranges: 0 });
    } finally {
      await sys().query('drop trigger test_refuse on source_records');
    }
  });

  // Another writer (not this file) claims a unique value while a batch claims it too: the database refuses
  // the batch, and row by row the import's row finds the value taken.
  it.skipIf(tier !== 'postgres')('a unique value raced by another transaction ends with one owner and the import row quarantined', async () => {
    const s = sys();
    await uniqueSchema();
    const src = (await s.services.sources.create(s.admin, { name: 'conc-race', schema: 'customer_unique', systemType: 'crm' })).id;
    await run(s.file('race-1.csv', 'id,first_name,last_name,loyalty_id\nZ1,Z,L,LOY-Z1\n'), { source: 'conc-race' });
    const [z1] = await s.query<{ id: string }>(`select id from source_records where source_id = $1 and source_key = 'Z1'`, [src]);
    const other = new pg.Client({ connectionString: s.tierDb.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`insert into record_unique_values (source_id, attribute, value_key, record_id) values ($1, 'loyalty_id', 'loy-race', $2)`, [src, z1!.id]);
      const importing = run(s.file('race-2.csv', 'id,first_name,last_name,loyalty_id\nZ2,Y,L,LOY-RACE\nZ3,X,L,LOY-Z3\nZ4,W,L,LOY-Z4\nZ5,V,L,LOY-Z5\n'), { source: 'conc-race' });
      // Commit once the import's claim waits for ours.
      for (;;) {
        const waiting = await s.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
        if (waiting[0]!.n > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await other.query('commit');
      const job = await importing;
      expect(job.state).toBe('completed');
      expect(job.counters).toEqual({ read: 4, accepted: 3, created: 3, updated: 0, unchanged: 0, rejected: 1 });
      expect(await quarantine(job.id)).toEqual([{ row_number: 1, source_key: 'Z2', rules: 'unique' }]);
      const owners = await s.query<{ value_key: string; source_key: string }>(
        'select u.value_key, r.source_key from record_unique_values u join source_records r on r.id = u.record_id where u.source_id = $1 order by u.value_key',
        [src],
      );
      expect(owners).toEqual([
        { value_key: 'loy-race', source_key: 'Z1' },
        { value_key: 'loy-z1', source_key: 'Z1' },
        { value_key: 'loy-z3', source_key: 'Z3' },
        { value_key: 'loy-z4', source_key: 'Z4' },
        { value_key: 'loy-z5', source_key: 'Z5' },
      ]);
    } finally {
      await other.end();
    }
  });

  it('imports running at once share a budget of half the pool (4 connections here: 2 lanes), each getting at least one', async () => {
    const s = sys();
    await s.source('conc-budget-1');
    await s.source('conc-budget-2');
    await s.source('conc-budget-3');
    const writersOf = (job: ImportJobView): unknown => job.detected?.writers;
    const done = await slowRow('SlowBudget', 1);
    try {
      const first = run(s.file('budget-1.csv', 'id,first_name,last_name\nS1,SlowBudget,L\nS2,B,L\nS3,C,L\nS4,D,L\n'), { source: 'conc-budget-1' });
      // Start the second once the first runs with its lanes.
      for (;;) {
        const [j] = await s.query<{ writers: string | null }>(
          `select j.detected->>'writers' as writers from import_jobs j join sources s on s.id = j.source_id where s.name = 'conc-budget-1' and j.state = 'running'`,
        );
        if (j?.writers) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const second = await run(s.file('budget-2.csv', 'id,first_name,last_name\nT1,A,L\nT2,B,L\nT3,C,L\n'), { source: 'conc-budget-2', writers: 8 });
      const firstJob = await first;
      expect([writersOf(firstJob), writersOf(second)]).toEqual(tier === 'postgres' ? [2, 1] : [1, 1]);
      expect([firstJob.counters.created, second.counters.created]).toEqual([4, 3]);
    } finally {
      await done();
    }
    // Both ended: their lanes are back.
    const third = await run(s.file('budget-3.csv', 'id,first_name,last_name\nV1,A,L\n'), { source: 'conc-budget-3', writers: 8 });
    expect(writersOf(third)).toBe(tier === 'postgres' ? 2 : 1);
  });

  // Batch 2 commits first, holding the job row (a trigger sleeps in its counters update) while batch 1, done
  // writing, waits for that row: batch 1's checkpoint must count batch 2's rows, committed while it waited.
  it.skipIf(tier !== 'postgres')('the batch committing second advances the checkpoint over the batch that committed first', async () => {
    const s = sys();
    const src = await s.source('conc-checkpoint');
    await s.query(`create or replace function test_slow_cp() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'source_records' then
          if new.raw->>'first_name' = 'SlowCp1' then perform pg_sleep(1); end if;
          if new.raw->>'first_name' = 'SlowCp3' then perform pg_sleep(2); end if;
        elsif new.source_id = '${src}' and old.rows_read = 0 and new.rows_read > 0 then perform pg_sleep(1.5);
        end if;
        return new;
      end $$`);
    await s.query('create trigger test_slow_cp before insert on source_records for each row execute function test_slow_cp()');
    await s.query('create trigger test_slow_cp after update on import_jobs for each row execute function test_slow_cp()');
    try {
      // Batch 3 (slow) keeps the run going while the checkpoint after batches 1 and 2 is read.
      const importing = run(s.file('checkpoint.csv', 'id,first_name,last_name\nC1,SlowCp1,L\nC2,B,L\nC3,C,L\nC4,D,L\nC5,SlowCp3,L\nC6,F,L\n'), { source: 'conc-checkpoint' });
      let seen: { rows_read: number; checkpoint_row: number } | undefined;
      for (;;) {
        [seen] = await s.query<{ rows_read: number; checkpoint_row: number }>('select rows_read, checkpoint_row from import_jobs where source_id = $1', [src]);
        if (seen && seen.rows_read >= 4) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(seen).toEqual({ rows_read: 4, checkpoint_row: 4 });
      const job = await importing;
      expect(job.counters.created).toBe(6);
      expect(job.checkpointRow).toBe(6);
    } finally {
      await s.query('drop trigger test_slow_cp on source_records; drop trigger test_slow_cp on import_jobs');
    }
  });

  it('the committed prefix merges the checkpoint and ranges from row 1 up to the first gap', async () => {
    const s = sys();
    await s.source('conc-prefix');
    const { job } = await s.ingest.jobs.prepare(s.admin, { path: s.file('prefix.csv', 'id,first_name,last_name\nQ1,A,L\n'), name: 'prefix.csv' }, s.ingest.parseOptions({ source: 'conc-prefix' }));
    const prefix = async (checkpoint: number, ranges: [number, number][]): Promise<number> => {
      await s.query('delete from import_job_batches where job_id = $1', [job.id]);
      await s.query('update import_jobs set checkpoint_row = $2 where id = $1', [job.id, checkpoint]);
      for (const [first, last] of ranges) await s.query('insert into import_job_batches (job_id, first_row, last_row) values ($1, $2, $3)', [job.id, first, last]);
      const [r] = await rows<{ p: number }>(s.database.db, sql`select ${committedPrefix(job.id)} as p`);
      return Number(r!.p);
    };
    expect(await prefix(0, [])).toBe(0);
    expect(await prefix(0, [[3, 4]])).toBe(0);
    expect(await prefix(0, [[1, 2], [5, 6]])).toBe(2);
    expect(await prefix(0, [[1, 2], [3, 4], [5, 6]])).toBe(6);
    expect(await prefix(4, [[3, 4], [7, 8]])).toBe(4);
    expect(await prefix(4, [[5, 6], [2, 3], [7, 9]])).toBe(9);
    // A range extended row by row over a later one, and ranges inside one another.
    expect(await prefix(0, [[1, 10], [4, 6], [11, 12], [14, 15]])).toBe(12);
  });

  it('resume skips exactly the rows of batches that committed after an uncommitted one', async () => {
    const s = sys();
    const src = await s.source('conc-resume');
    const path = s.file('resume.csv', 'id,first_name,last_name\nR1,A,L\nR2,B,L\nR3,C,L\nR4,D,L\nR5,E,L\nR6,F,L\n');
    // The state a crash leaves when batch 2 (rows 3–4) committed while batches 1 and 3 were still in flight.
    await run(s.file('resume-part.csv', 'id,first_name,last_name\nR3,C,L\nR4,D,L\n'), { source: 'conc-resume' });
    const { job } = await s.ingest.jobs.prepare(s.admin, { path, name: 'resume.csv' }, s.ingest.parseOptions({ source: 'conc-resume', batchSize: 2 }));
    await s.query(`update import_jobs set state = 'interrupted', rows_read = 2, rows_created = 2, checkpoint_row = 0 where id = $1`, [job.id]);
    await s.query('insert into import_job_batches (job_id, first_row, last_row) values ($1, 3, 4)', [job.id]);

    const resumed = await run(path, { source: 'conc-resume' });
    expect(resumed.id).toBe(job.id);
    expect(resumed.counters).toEqual({ read: 6, accepted: 6, created: 6, updated: 0, unchanged: 0, rejected: 0 });
    // Rows 3 and 4 were not written again (that would have counted them unchanged).
    expect((await records(src)).map((r) => [r.source_key, r.version])).toEqual([['R1', 1], ['R2', 1], ['R3', 1], ['R4', 1], ['R5', 1], ['R6', 1]]);
    const [j] = await s.query<{ checkpoint_row: number; ranges: number }>('select checkpoint_row, (select count(*)::int from import_job_batches b where b.job_id = j.id) as ranges from import_jobs j where id = $1', [job.id]);
    expect(j).toEqual({ checkpoint_row: 6, ranges: 0 });
  });
});
