import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { AppError } from '../../src/platform/errors/app-error.js';
import type { ImportJobView } from '../../src/modules/ingest/index.js';
import { describeTiers } from '../support/tiers.js';
import { useIngestSystem } from './support/ingest-system.js';

type QRow = { row_number: number; line: number; source_key: string | null; errors: { field: string; rule: string }[]; raw_text: string | null };

describeTiers('file import', (tier) => {
  const sys = useIngestSystem(tier);

  const run = (path: string, opts: Record<string, unknown>): Promise<ImportJobView> => sys().ingest.importFile(sys().admin, path, opts as never);
  const quarantine = (jobId: string): Promise<QRow[]> =>
    sys().query<QRow>('select row_number, line, source_key, errors, raw_text from import_quarantine where job_id = $1 order by row_number', [jobId]);
  const rules = (q: QRow[]): [number, number, string][] => q.map((r) => [r.row_number, r.line, r.errors.map((e) => e.rule).join('+')]);
  const records = (sourceId: string) =>
    sys().query<{ source_key: string; status: string; values: Record<string, unknown> | null; extras: Record<string, unknown> | null }>(
      'select source_key, status, "values", extras from source_records where source_id = $1 order by source_key',
      [sourceId],
    );

  it('a row for a restricted customer is quarantined (customer_restricted) and the rest of the file goes on', async () => {
    const src = await sys().source('csv-restricted');
    const first = await run(sys().file('r1.csv', 'id,first_name,last_name\nR1,Rhea,Frozen\nR2,Otto,Free\n'), { source: 'csv-restricted' });
    expect(first.counters).toMatchObject({ created: 2, rejected: 0 });
    const [r1] = await sys().query<{ customer_id: string }>(`select customer_id from source_records where source_id = $1 and source_key = 'R1'`, [src]);
    await sys().query(`insert into dsr_restrictions (customer_id, reason) values ($1, 'accuracy contested')`, [r1!.customer_id]);
    const second = await run(sys().file('r2.csv', 'id,first_name,last_name\nR1,Rhea,Changed\nR2,Otto,Moved\n'), { source: 'csv-restricted' });
    expect(second.state).toBe('completed');
    expect(second.counters).toEqual({ read: 2, accepted: 1, created: 0, updated: 1, unchanged: 0, rejected: 1 });
    expect(rules(await quarantine(second.id))).toEqual([[1, 2, 'customer_restricted']]);
    expect((await records(src)).map((r) => [r.source_key, r.values?.last_name])).toEqual([['R1', 'Frozen'], ['R2', 'Moved']]);
    // Resubmitting it from quarantine leaves it open with the same reason while the restriction lasts.
    const resub = await sys().ingest.quarantine.resubmit(sys().admin, { job: second.id, all: true });
    expect(resub.results.map((r) => [r.row, r.outcome, r.errors.map((e) => e.rule).join()])).toEqual([[1, 'skipped', 'customer_restricted']]);
    expect((await records(src)).map((r) => r.values?.last_name)).toEqual(['Frozen', 'Moved']);
  });

  it('imports a CSV mapped by synonyms: address parts, extras kept, invalid rows quarantined with reasons', async () => {
    const src = await sys().source('csv-basic');
    const path = sys().file(
      'basic.csv',
      'Customer ID,Given Name,Surname,DOB,E-Mail,Street,City,Zip,Notes\n' +
        'C1,Ann,Lee,1980-05-17,ann@example.com,1 Main St,Austin,78701,vip\n' +
        'C2,Bob,,1970-01-01,bob@example.com,,,,\n' +
        'C3,Cy,Day,31/12/1990,not-an-email,,,,=cmd|calc\n' +
        ',No,Key,,,,,,\n',
    );
    const job = await run(path, { source: 'csv-basic' });
    expect(job.state).toBe('completed');
    expect(job.counters).toEqual({ read: 4, accepted: 1, created: 1, updated: 0, unchanged: 0, rejected: 3 });
    expect(job.detected?.mapping).toMatchObject({ 'Customer ID': '(key)', 'Given Name': 'first_name', Zip: 'address.postcode', Notes: 'extra:Notes' });
    const recs = await records(src);
    expect(recs.map((r) => [r.source_key, r.status])).toEqual([['C1', 'valid'], ['C2', 'rejected'], ['C3', 'rejected']]);
    expect(recs[0]!.values).toMatchObject({ first_name: 'Ann', birth_date: '1980-05-17', address: { line1: '1 Main St', city: 'Austin', postcode: '78701' } });
    expect(recs[0]!.extras).toEqual({ Notes: 'vip' });
    const q = await quarantine(job.id);
    expect(q.map((r) => [r.row_number, r.line, r.source_key, r.errors.map((e) => `${e.field}:${e.rule}`).join(' ')])).toEqual([
      [2, 3, 'C2', 'last_name:required'],
      [3, 4, 'C3', 'birth_date:format email:format'],
      [4, 5, null, 'Customer ID:missing_key'],
    ]);
  });

  it('re-importing the same file is a no-op; --force re-imports with every row unchanged', async () => {
    await sys().source('csv-again');
    const path = sys().file('again.csv', 'id,first_name,last_name\n1,A,B\n2,C,D\n3,E,\n');
    const first = await run(path, { source: 'csv-again' });
    expect(first.counters).toMatchObject({ read: 3, created: 2, rejected: 1 });
    const second = await run(path, { source: 'csv-again' });
    expect(second).toMatchObject({ id: first.id, reused: true, counters: first.counters });
    const forced = await run(path, { source: 'csv-again', force: true });
    expect(forced.id).not.toBe(first.id);
    expect(forced.counters).toEqual({ read: 3, accepted: 2, created: 0, updated: 0, unchanged: 2, rejected: 1 });
    const versions = await sys().query<{ n: number }>('select count(*)::int as n from source_record_versions v join source_records r on r.id = v.record_id where r.source_id = (select id from sources where name = $1)', ['csv-again']);
    expect(versions[0]!.n).toBe(3);
  });

  it('quarantines malformed quotes, wrong column counts and NUL text by line, never losing a row (mixed line endings)', async () => {
    await sys().source('csv-bad');
    const path = sys().file('bad.csv', 'id,first_name,last_name\r\n1,"Ann"x,Lee\n2,Bob\r3,Cy,Day,extra\r\n4,"multi\nline",Ok\n5,Eve,Ng\n6,Nul\u0000l,X\r\n7,"Dee,Lee\n8,Fay,Po\n');
    const job = await run(path, { source: 'csv-bad' });
    expect(job.counters).toEqual({ read: 8, accepted: 3, created: 3, updated: 0, unchanged: 0, rejected: 5 });
    const q = await quarantine(job.id);
    expect(rules(q)).toEqual([
      [1, 2, 'malformed_quotes'],
      [2, 3, 'column_count'],
      [3, 4, 'column_count'],
      [6, 8, 'invalid_text'],
      [7, 9, 'unclosed_quote'],
    ]);
    expect(q.map((r) => r.raw_text)).toEqual(['1,"Ann"x,Lee', '2,Bob', '3,Cy,Day,extra', expect.stringContaining('Nul\\u0000l'), '7,"Dee,Lee']);
    const keys = await sys().query<{ source_key: string }>("select source_key from source_records where source_id = (select id from sources where name = 'csv-bad') order by 1");
    expect(keys.map((k) => k.source_key)).toEqual(['4', '5', '8']);
  });

  it('refuses an empty file; a header-only file completes with no rows', async () => {
    await sys().source('csv-empty');
    await expect(run(sys().file('empty.csv', ''), { source: 'csv-empty' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'file', rule: 'empty_file' }] });
    await expect(run(sys().file('blank.csv', '\n\r\n'), { source: 'csv-empty' })).rejects.toMatchObject({ details: [{ field: 'file', rule: 'empty_file' }] });
    const job = await run(sys().file('header.csv', 'id,first_name,last_name\n'), { source: 'csv-empty' });
    expect(job).toMatchObject({ state: 'completed', counters: { read: 0, rejected: 0 } });
  });

  it('keeps duplicate headers as renamed extras with a warning', async () => {
    const src = await sys().source('csv-dup-headers');
    const job = await run(sys().file('dup.csv', 'id,first_name,last_name,email,email\n1,A,B,a@x.io,b@x.io\n'), { source: 'csv-dup-headers' });
    expect(job.warnings).toContain('duplicate column "email" at position 5; kept as "email_2"');
    const [rec] = await records(src);
    expect(rec!.values).toMatchObject({ email: 'a@x.io' });
    expect(rec!.extras).toEqual({ email_2: 'b@x.io' });
  });

  it('detects Windows-1252, BOM, semicolons and CRLF; refuses invalid bytes when UTF-8 is declared', async () => {
    const src = await sys().source('csv-latin1');
    const latin = Buffer.concat([Buffer.from('id;first_name;last_name\r\n1;J'), Buffer.from([0xfc]), Buffer.from('rgen;M'), Buffer.from([0xfc]), Buffer.from('ller '), Buffer.from([0x80]), Buffer.from('\r\n')]);
    const job = await run(sys().file('latin1.csv', latin), { source: 'csv-latin1' });
    expect(job.detected).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
    expect(job.warnings.some((w) => w.includes('Windows-1252'))).toBe(true);
    expect((await records(src))[0]!.values).toMatchObject({ first_name: 'Jürgen', last_name: 'Müller €' });
    await expect(run(sys().file('latin1b.csv', latin), { source: 'csv-latin1', encoding: 'utf-8' })).rejects.toMatchObject({ details: [{ field: 'encoding', rule: 'invalid_encoding' }] });
    const bom = await run(sys().file('bom.csv', '\ufeffid,first_name,last_name\r\n2,Zoë,Ørsted\r\n'), { source: 'csv-latin1' });
    expect(bom.detected).toMatchObject({ encoding: 'utf-8', delimiter: ',', bom: true });
    const recs = await records(src);
    expect(recs[1]!.values).toMatchObject({ first_name: 'Zoë', last_name: 'Ørsted' });
  });

  it('a 10 MB single field is read whole and quarantined as too large; neighbours import', async () => {
    const src = await sys().source('csv-huge');
    const big = 'x'.repeat(10 * 1024 * 1024);
    const job = await run(sys().file('huge.csv', `id,first_name,last_name\n1,A,B\n2,"${big}",C\n3,D,E\n`), { source: 'csv-huge' });
    expect(job.counters).toMatchObject({ read: 3, created: 2, rejected: 1 });
    const q = await quarantine(job.id);
    expect(rules(q)).toEqual([[2, 3, 'too_large']]);
    expect((await records(src)).map((r) => r.status)).toEqual(['valid', 'rejected', 'valid']);
  });

  it('imports JSON Lines with nested values; bad lines are quarantined with their line', async () => {
    const src = await sys().source('jsonl');
    const text = [
      '{"customer_id":"J1","first_name":"Ann","last_name":"Lee","address":{"city":"Oslo","country":"NO"},"tags":["a"]}',
      '',
      '{"customer_id":"J2","first_name":"Bob"',
      '[1,2]',
      '{"customer_id":7,"first_name":"Cy","last_name":"Day","score":12.5}',
    ].join('\n');
    const job = await run(sys().file('people.jsonl', text), { source: 'jsonl' });
    expect(job.counters).toMatchObject({ read: 4, created: 2, rejected: 2 });
    expect(rules(await quarantine(job.id))).toEqual([[2, 3, 'invalid_json'], [3, 4, 'not_an_object']]);
    const recs = await records(src);
    expect(recs.map((r) => r.source_key)).toEqual(['7', 'J1']);
    expect(recs[1]!.values).toMatchObject({ address: { city: 'Oslo', country: 'NO' } });
    expect(recs[1]!.extras).toEqual({ tags: ['a'] });
    expect(recs[0]!.values).toMatchObject({ score: '12.5' });
  });

  it('imports XLSX (first or named sheet): date cells as ISO dates, numbers as numbers', async () => {
    const src = await sys().source('xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Other').addRow(['nothing']);
    const ws = wb.addWorksheet('People');
    ws.addRow(['id', 'first_name', 'last_name', 'dob', 'score', 'visits']);
    ws.addRow(['X1', 'Ann', 'Lee', new Date(Date.UTC(1980, 4, 17)), 12.5, 3]);
    ws.addRow([1002, 'Bob', 'Ray', new Date(Date.UTC(1990, 0, 2)), 7, null]);
    ws.addRow(['X3', 'Cy', null, null, 1, 2]);
    const path = `${sys().dir}/people.xlsx`;
    await wb.xlsx.writeFile(path);
    await expect(run(path, { source: 'xlsx', sheet: 'Nope' })).rejects.toMatchObject({ details: [{ field: 'file', rule: 'unknown_sheet' }] });
    const job = await run(path, { source: 'xlsx', sheet: 'People' });
    expect(job.detected).toMatchObject({ format: 'xlsx', sheet: 'People' });
    expect(job.counters).toMatchObject({ read: 3, created: 2, rejected: 1 });
    const recs = await records(src);
    expect(recs.map((r) => [r.source_key, r.status])).toEqual([['1002', 'valid'], ['X1', 'valid'], ['X3', 'rejected']]);
    expect(recs[1]!.values).toMatchObject({ birth_date: '1980-05-17', score: '12.5' });
    expect(recs[1]!.extras).toEqual({ visits: 3 });
    expect(rules(await quarantine(job.id))).toEqual([[3, 4, 'required']]);
  });

  it('append mode quarantines existing and repeated keys; upsert lets a later row update the earlier one', async () => {
    const src = await sys().source('modes');
    await run(sys().file('m1.csv', 'id,first_name,last_name\n1,A,B\n'), { source: 'modes' });
    const path = sys().file('m2.csv', 'id,first_name,last_name\n1,A2,B\n2,C,D\n2,C2,D\n');
    const app = await run(path, { source: 'modes', mode: 'append' });
    expect(app.counters).toEqual({ read: 3, accepted: 1, created: 1, updated: 0, unchanged: 0, rejected: 2 });
    expect(rules(await quarantine(app.id))).toEqual([[1, 2, 'duplicate_key'], [3, 4, 'duplicate_key']]);
    const up = await run(path, { source: 'modes', mode: 'upsert' });
    expect(up.counters).toEqual({ read: 3, accepted: 3, created: 0, updated: 2, unchanged: 1, rejected: 0 });
    expect((await records(src)).map((r) => [r.source_key, r.values?.first_name])).toEqual([['1', 'A2'], ['2', 'C2']]);
  });

  it('a dry run reports everything and writes no records', async () => {
    const src = await sys().source('dry');
    const job = await run(sys().file('dry.csv', 'id,first_name,last_name\n1,A,B\n2,C,\n2,C,D\n'), { source: 'dry', dryRun: true });
    expect(job).toMatchObject({ state: 'completed', dryRun: true, counters: { read: 3, created: 1, updated: 1, rejected: 1 } });
    expect(rules(await quarantine(job.id))).toEqual([[2, 3, 'required']]);
    expect(await records(src)).toEqual([]);
  });

  it('names the field and rule of bad options', async () => {
    await sys().source('opts');
    const path = sys().file('opts.csv', 'id,first_name,last_name\n1,A,B\n');
    await expect(run(path, { source: 'nope' })).rejects.toMatchObject({ details: [{ field: 'source', rule: 'exists' }] });
    await expect(run(path, { source: 'opts', map: { id: 'nope' } })).rejects.toMatchObject({ details: [{ field: 'map.id', rule: 'unknown_attribute' }] });
    await expect(run(path, { source: 'opts', mode: 'merge' })).rejects.toBeInstanceOf(AppError);
    await expect(run(`${sys().dir}/missing.csv`, { source: 'opts' })).rejects.toMatchObject({ details: [{ field: 'path', rule: 'exists' }] });
  });
});
