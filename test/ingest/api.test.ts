import { expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { useIngestSystem } from './support/ingest-system.js';

function multipart(fields: Record<string, string>, fileName: string, content: string): { payload: Buffer; headers: Record<string, string> } {
  const b = 'custodian-test-boundary';
  const parts = Object.entries(fields).map(([k, v]) => `--${b}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${b}\r\ncontent-disposition: form-data; name="file"; filename="${fileName}"\r\ncontent-type: text/csv\r\n\r\n${content}\r\n--${b}--\r\n`);
  return { payload: Buffer.from(parts.join('')), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

describeTiers('imports API', (tier) => {
  const sys = useIngestSystem(tier);

  async function req(method: 'GET' | 'POST' | 'PATCH', url: string, key: string, body?: unknown, headers: Record<string, string> = {}) {
    const isBuf = Buffer.isBuffer(body);
    return sys().app.inject({ method, url, headers: { authorization: `Bearer ${key}`, ...headers }, ...(body !== undefined ? { payload: isBuf ? body : (body as object) } : {}) });
  }

  async function waitDone(key: string, id: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    for (let i = 0; i < 400; i++) {
      const res = await req('GET', `/api/v1/imports/${id}`, key);
      const job = res.json();
      if (!['queued', 'running'].includes(job.state)) return job;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('job did not finish');
  }

  it('upload → 202 job → completed; report.csv is spreadsheet-safe; quarantine corrected in bulk and resubmitted', async () => {
    await sys().source('api-upload');
    const steward = await sys().key('steward');
    const csv = 'id,first_name,last_name,email\n1,Ann,Lee,ann@x.io\n2,=HYPERLINK("http://evil"),,@bad\n3,+Bob,,b@x.io\n';
    const { payload, headers } = multipart({ source: 'api-upload', map: 'email=email' }, 'people.csv', csv);
    const res = await req('POST', '/api/v1/imports', steward, payload, headers);
    expect(res.statusCode).toBe(202);
    const job = await waitDone(steward, res.json().id);
    expect(job).toMatchObject({ state: 'completed', fileName: 'people.csv', counters: { read: 3, created: 1, rejected: 2 }, progress: 1, etaSeconds: 0 });

    const again = await req('POST', '/api/v1/imports', steward, payload, headers);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: job.id, reused: true });

    const report = await req('GET', `/api/v1/imports/${job.id}/report.csv`, steward);
    expect(report.statusCode).toBe(200);
    expect(String(report.headers['content-type'])).toContain('text/csv');
    expect(report.body).toBe(
      'row,line,key,field,rule,value,message,status\n' +
        '2,3,2,last_name,required,,is required,open\n' +
        "2,3,2,email,format,'@bad,invalid email address: must look like name@example.com,open\n" +
        '3,4,3,last_name,required,,is required,open\n',
    );

    const list = await req('GET', `/api/v1/quarantine?job=${job.id}`, steward);
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { id: string; row: number; key: string; errors: { rule: string }[] }[];
    expect(items.map((i) => [i.row, i.key, i.errors.map((e) => e.rule).join('+')])).toEqual([
      [2, '2', 'required+format'],
      [3, '3', 'required'],
    ]);
    const one = await req('PATCH', `/api/v1/quarantine/${items[0]!.id}`, steward, { values: { email: 'two@x.io', first_name: 'Two' } });
    expect(one.statusCode).toBe(200);
    expect(one.json().values).toMatchObject({ email: 'two@x.io', first_name: 'Two' });
    const bulk = await req('PATCH', '/api/v1/quarantine', steward, { job: job.id, all: true, values: { last_name: 'Fixed' } });
    expect(bulk.json()).toEqual({ updated: 2 });
    const resub = await req('POST', '/api/v1/quarantine/resubmit', steward, { job: job.id, all: true });
    expect(resub.statusCode).toBe(200);
    expect(resub.json().results.map((r: { row: number; outcome: string }) => [r.row, r.outcome])).toEqual([
      [2, 'updated'],
      [3, 'updated'],
    ]);
    const recs = await sys().query<{ source_key: string; status: string }>("select source_key, status from source_records where source_id = (select id from sources where name = 'api-upload') order by 1");
    expect(recs).toEqual([{ source_key: '1', status: 'valid' }, { source_key: '2', status: 'valid' }, { source_key: '3', status: 'valid' }]);
    const open = await req('GET', `/api/v1/quarantine?job=${job.id}&status=open`, steward);
    expect(open.json().items).toEqual([]);
  });

  it('permissions: analysts cannot import, only admins import server paths; paths are checked', async () => {
    await sys().source('api-perms');
    const analyst = await sys().key('analyst');
    const steward = await sys().key('steward');
    const admin = await sys().key('admin');
    const path = sys().file('server.csv', 'id,first_name,last_name\n1,A,B\n');
    const { payload, headers } = multipart({ source: 'api-perms' }, 'x.csv', 'id,first_name,last_name\n1,A,B\n');
    expect((await req('POST', '/api/v1/imports', analyst, payload, headers)).statusCode).toBe(403);
    expect((await req('POST', '/api/v1/imports', steward, { path, source: 'api-perms' })).statusCode).toBe(403);
    const rel = await req('POST', '/api/v1/imports', admin, { path: 'server.csv', source: 'api-perms' });
    expect(rel.statusCode).toBe(422);
    expect(rel.json().error.details).toEqual([expect.objectContaining({ field: 'path', rule: 'absolute' })]);
    const trav = await req('POST', '/api/v1/imports', admin, { path: `${sys().dir}/../etc/passwd`, source: 'api-perms' });
    expect(trav.json().error.details).toEqual([expect.objectContaining({ field: 'path', rule: 'traversal' })]);
    const dir = await req('POST', '/api/v1/imports', admin, { path: sys().dir, source: 'api-perms' });
    expect(dir.json().error.details).toEqual([expect.objectContaining({ field: 'path', rule: 'not_a_file' })]);
    const ok = await req('POST', '/api/v1/imports', admin, { path, source: 'api-perms', dryRun: true });
    expect(ok.statusCode).toBe(202);
    const done = await waitDone(admin, ok.json().id);
    expect(done).toMatchObject({ state: 'completed', dryRun: true, counters: { read: 1, created: 1 } });
    const listed = await req('GET', '/api/v1/imports?source=api-perms', analyst);
    expect(listed.json().items.map((j: { id: string }) => j.id)).toEqual([done.id]);
    expect((await req('POST', `/api/v1/imports/${done.id}/cancel`, steward)).statusCode).toBe(409);
    expect((await req('GET', '/api/v1/imports/job_nope', analyst)).statusCode).toBe(404);
  });
});
