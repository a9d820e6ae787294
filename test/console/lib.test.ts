import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFrom, describeError, humanField } from '../../console/src/lib/errors.js';
import { featuresFromPaths } from '../../console/src/lib/features.js';
import { buildTimeline, describeChange, diffValues, type HistoryVersion } from '../../console/src/lib/history.js';
import { landingPath, mayOpenPath, visibleNav } from '../../console/src/lib/nav.js';
import { customerQuality } from '../../console/src/lib/quality.js';
import { editableFields, problemSummary, resubmitValues } from '../../console/src/lib/quarantine.js';
import { classifyQuery, isSearchable, matchedOnLabel, moveHighlight } from '../../console/src/lib/search-query.js';
import { absoluteTime, relativeTime } from '../../console/src/lib/time.js';
import { attributeLabel, formatValue, isMasked, parseEditedValue } from '../../console/src/lib/values.js';
import { actionLabel, activeFilterCount, auditQuery, EMPTY_FILTERS } from '../../console/src/lib/audit.js';
import { ROLE_PERMISSIONS } from '../../src/platform/auth/permissions.js';

const perms = (role: keyof typeof ROLE_PERMISSIONS) => ({ roles: [role], permissions: [...ROLE_PERMISSIONS[role]] });

describe('error messages', () => {
  it('maps the API error body to a readable message with field details', () => {
    const err = apiErrorFrom(422, { error: { code: 'VALIDATION_FAILED', message: 'Record rejected', details: [{ field: 'values.birth_date', rule: 'format', message: 'must be a date' }], requestId: 'r1' } });
    const d = describeError(err);
    expect(d.title).toBe('Please check the values');
    expect(d.details).toEqual(['birth date: must be a date']);
    expect(d.requestId).toBe('r1');
  });
  it('403 says the role lacks access; 401 asks to sign in; network and 500 never show internals', () => {
    expect(describeError(apiErrorFrom(403, { error: { code: 'FORBIDDEN', message: 'Missing permission audit:read', details: [], requestId: 'x' } })).title).toBe("You don't have access");
    expect(describeError(apiErrorFrom(401, null)).title).toBe('Please sign in');
    expect(describeError(new ApiError(0, 'NETWORK', 'x')).title).toBe('Cannot reach the server');
    const five = describeError(apiErrorFrom(500, { error: { code: 'INTERNAL', message: 'TypeError: at foo.js:1:2', details: [], requestId: 'abc' } }));
    expect(five.message).not.toContain('TypeError');
    expect(five.requestId).toBe('abc');
  });
  it('non-JSON bodies (a proxy error page) still give a code', () => {
    expect(apiErrorFrom(502, '<html>').code).toBe('INTERNAL');
    expect(describeError(new Error('boom')).message).not.toContain('boom');
  });
  it('humanises field paths', () => {
    expect(humanField('definition.attributes.2.name')).toBe('definition › attributes › #3 › name');
  });
});

describe('search box', () => {
  it('classifies what is typed', () => {
    expect(classifyQuery('  ').kind).toBe('empty');
    expect(classifyQuery('j').kind).toBe('too-short');
    expect(classifyQuery('jane@ex').kind).toBe('email');
    expect(classifyQuery('+44 20 7946 0958').kind).toBe('phone');
    expect(classifyQuery('cus_01m83j83df40as4jqdwgtx58k6').kind).toBe('customer-id');
    expect(classifyQuery('Jane   Doe')).toMatchObject({ kind: 'key-or-name', text: 'Jane Doe' });
    expect(classifyQuery('CRM-1001').kind).toBe('key-or-name');
    expect(isSearchable(classifyQuery('jo'))).toBe(true);
    expect(isSearchable(classifyQuery('j'))).toBe(false);
  });
  it('arrow keys wrap around the results', () => {
    expect(moveHighlight(-1, 1, 3)).toBe(0);
    expect(moveHighlight(-1, -1, 3)).toBe(2);
    expect(moveHighlight(2, 1, 3)).toBe(0);
    expect(moveHighlight(0, -1, 3)).toBe(2);
    expect(moveHighlight(1, 1, 0)).toBe(-1);
  });
  it('labels how a result matched', () => {
    expect(matchedOnLabel('key')).toBe('source key');
    expect(matchedOnLabel(undefined)).toBeNull();
  });
});

describe('role-aware navigation', () => {
  it('an agent sees search and customers, not audit or users', () => {
    const paths = visibleNav(perms('agent')).map((n) => n.path);
    expect(paths).toContain('/search');
    expect(paths).not.toContain('/audit');
    expect(paths).not.toContain('/users');
    expect(paths).not.toContain('/schemas');
    expect(mayOpenPath(perms('agent'), '/audit')).toBe(false);
    expect(mayOpenPath(perms('agent'), '/customers/cus_1')).toBe(true);
  });
  it('an auditor sees the audit log; an admin sees everything that is enabled', () => {
    expect(visibleNav(perms('auditor')).map((n) => n.path)).toContain('/audit');
    const admin = visibleNav(perms('admin'), { '/imports': false, '/quality': false }).map((n) => n.path);
    expect(admin).toEqual(['/search', '/review', '/merges', '/rematch', '/quarantine', '/schemas', '/sources', '/consent', '/dsr', '/outbox', '/webhooks', '/users', '/audit']);
    expect(visibleNav(perms('admin'), { '/imports': true, '/quality': true }).map((n) => n.path)).toContain('/quality');
  });
  it('lands on the requested page when allowed, else the first allowed page', () => {
    expect(landingPath(perms('agent'), '/customers/cus_1')).toBe('/customers/cus_1');
    expect(landingPath(perms('agent'), '/audit')).toBe('/search');
    expect(landingPath(perms('agent'), '//evil.example')).toBe('/search');
    expect(landingPath({ roles: [], permissions: [] }, null)).toBe('/no-access');
  });
  it('detects optional capabilities from OpenAPI paths', () => {
    expect(featuresFromPaths(['/api/v1/imports/{id}', '/api/v1/customers', '/api/v1/review-tasks/counts', '/api/v1/dsr/requests'])).toEqual({
      '/imports': true,
      '/quality': false,
      '/review': true,
      '/merges': false,
      '/rematch': false,
      '/webhooks': false,
      '/consent': false,
      '/dsr': true,
      '/outbox': false,
    });
  });
});

describe('history timeline', () => {
  const v = (recordId: string, version: number, raw: Record<string, unknown>, at: string, status = 'valid', changeKind = version === 1 ? 'create' : 'update'): HistoryVersion => ({
    recordId, sourceKey: 'K', version, changeKind, status, schemaVersion: 1, raw, values: raw, errors: [], changedAt: at, changedBy: null,
  });
  it('diffs consecutive versions of each record, newest first', () => {
    const t = buildTimeline([
      v('r1', 1, { city: 'London', email: 'a@x.com' }, '2026-01-01T00:00:00Z'),
      v('r1', 2, { city: 'Cambridge', email: 'a@x.com', phone: '+44' }, '2026-02-01T00:00:00Z'),
      v('r2', 1, { city: 'Leeds' }, '2026-01-15T00:00:00Z'),
    ]);
    expect(t.map((e) => `${e.recordId}v${e.version}`)).toEqual(['r1v2', 'r2v1', 'r1v1']);
    expect(t[0]!.changes).toEqual([
      { field: 'city', before: 'London', after: 'Cambridge', kind: 'changed' },
      { field: 'phone', before: undefined, after: '+44', kind: 'added' },
    ]);
    expect(describeChange(t[0]!)).toBe('Updated 2 fields');
    expect(describeChange(t[2]!)).toBe('Created');
  });
  it('says when a rejected record was accepted after correction', () => {
    const t = buildTimeline([v('r', 1, { email: 'bad' }, '2026-01-01T00:00:00Z', 'rejected'), v('r', 2, { email: 'ok@x.com' }, '2026-01-02T00:00:00Z')]);
    expect(describeChange(t[0]!)).toBe('Updated 1 field — accepted after correction');
    expect(describeChange(t[1]!)).toBe('Received, rejected by validation');
  });
  it('treats empty strings and nulls as absent', () => {
    expect(diffValues({ a: '' }, { a: null })).toEqual([]);
    expect(diffValues({ a: 'x' }, {})).toEqual([{ field: 'a', before: 'x', after: undefined, kind: 'removed' }]);
  });
});

describe('values and quarantine editing', () => {
  it('formats values and labels', () => {
    expect(formatValue(null)).toBe('—');
    expect(formatValue({ line1: '1 High St', city: 'Leeds', postcode: null })).toBe('1 High St, Leeds');
    expect(formatValue(['a', 2])).toBe('a, 2');
    expect(attributeLabel('birth_date')).toBe('Birth date');
    expect(attributeLabel('x', 'Given label')).toBe('Given label');
    expect(isMasked(['address'], 'address.city')).toBe(true);
    expect(isMasked([], 'email')).toBe(false);
  });
  it('keeps the type of edited values', () => {
    expect(parseEditedValue('42', 7)).toBe(42);
    expect(parseEditedValue('yes', false)).toBe(true);
    expect(parseEditedValue('{"city":"Leeds"}', { city: 'x' })).toEqual({ city: 'Leeds' });
    expect(parseEditedValue('  ', 'x')).toBeNull();
    expect(parseEditedValue('0123', '9')).toBe('0123');
  });
  it('lists fields with errors first and resubmits the whole record with the edits', () => {
    const rec = { raw: { full_name: 'Maria', email: 'bad@@x', extra: 'k' }, errors: [{ field: 'email', message: 'invalid' }], masked: [] };
    const fields = editableFields(rec, [{ name: 'full_name' }, { name: 'email', label: 'E-mail' }, { name: 'city' }], attributeLabel);
    expect(fields.map((f) => f.name)).toEqual(['email', 'full_name', 'city', 'extra']);
    expect(fields[0]).toMatchObject({ label: 'E-mail', error: 'invalid', text: 'bad@@x' });
    expect(fields.find((f) => f.name === 'extra')!.inSchema).toBe(false);
    expect(resubmitValues(rec.raw, { email: 'maria@example.com', city: 'Madrid', extra: '' })).toEqual({ full_name: 'Maria', email: 'maria@example.com', city: 'Madrid' });
    expect(problemSummary([{ field: 'email', message: 'invalid' }, { field: 'tier', message: 'unknown' }])).toBe('email: invalid  (+1 more)');
  });
});

describe('customer quality', () => {
  it('computes completeness from valid records against the schema', () => {
    const q = customerQuality(
      [{ name: 'full_name', required: true, privacy: 'personal' }, { name: 'email', required: false, privacy: 'personal' }, { name: 'phone', required: true, privacy: 'personal' }, { name: 'city', required: false, privacy: 'public' }],
      [
        { status: 'valid', values: { full_name: 'A', email: 'a@x.com' }, raw: {}, errors: [], sourceKey: 'K1', sourceName: 'crm' },
        { status: 'rejected', values: null, raw: { phone: 'x' }, errors: [{ field: 'phone', message: 'bad' }], sourceKey: 'K2', sourceName: 'web' },
      ],
    );
    expect(q).toMatchObject({ completeness: 50, filled: 2, total: 4, missingRequired: ['phone'], missing: ['phone', 'city'] });
    expect(q.issues).toEqual([{ source: 'web · K2', field: 'phone', message: 'bad' }]);
  });
});

describe('time and audit filters', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it('relative times', () => {
    expect(relativeTime('2026-11-23T11:59:40Z', now)).toBe('just now');
    expect(relativeTime('2026-11-23T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2026-11-22T12:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('2026-11-26T12:00:00Z', now)).toBe('in 3 days');
    expect(relativeTime('nonsense', now)).toBe('');
    expect(absoluteTime('2026-11-23T12:00:00Z')).toMatch(/2026/);
  });
  it('audit filters become the API query; the end date includes the whole day', () => {
    const q = auditQuery({ ...EMPTY_FILTERS, action: ' record.update ', to: '2026-11-23' }, 40, 50);
    expect(q.action).toBe('record.update');
    expect(q.from).toBeUndefined();
    expect(new Date(q.to as string).getTime()).toBeGreaterThan(new Date('2026-11-23T00:00:00').getTime() + 23 * 3600_000);
    expect(q.before).toBe(40);
    expect(activeFilterCount({ ...EMPTY_FILTERS, actorId: 'usr_1' })).toBe(1);
    expect(actionLabel('sensitive.read')).toBe('Sensitive read');
    expect(actionLabel('apikey.create')).toBe('API key create');
  });
});

describe('import preview and mapping', async () => {
  const { mappingOverrides, parseDelimited, previewText, sniffDelimiter, targetLabel } = await import('../../console/src/lib/csv-preview.js');
  it('parses quoted CSV, CRLF and a BOM, and stops after the requested rows', () => {
    const text = '\ufeffid,name,notes\r\n1,"Doe, Jane","said ""hi"""\r\n2,Bob,\r\n3,Cat,x\r\n';
    expect(previewText('a.csv', text, 2)).toEqual({ headers: ['id', 'name', 'notes'], rows: [['1', 'Doe, Jane', 'said "hi"'], ['2', 'Bob', '']], truncated: true });
    expect(parseDelimited('a;b\n1;2', ';', 10)).toEqual({ rows: [['a', 'b'], ['1', '2']], complete: true });
    expect(sniffDelimiter('a;b;c')).toBe(';');
    expect(previewText('a.tsv', 'a\tb\n1\t2')!.rows).toEqual([['1', '2']]);
    expect(previewText('x.xlsx', '')).toBeNull();
  });
  it('previews JSON Lines with the union of keys', () => {
    expect(previewText('a.jsonl', '{"id":1,"name":"A"}\n{"id":2,"email":"b@x"}\n')).toEqual({ headers: ['id', 'name', 'email'], rows: [['1', 'A', ''], ['2', '', 'b@x']], truncated: false });
  });
  it('sends only the mapping changes the user made', () => {
    const suggested = { 'Customer ID': '(key)', Name: 'full_name', Town: 'city', Notes: 'extra:Notes', id: 'loyalty_id (key)' };
    expect(mappingOverrides(suggested, { ...suggested, Town: 'address.city', Name: 'full_name' })).toEqual({ Town: 'address.city' });
    expect(mappingOverrides(suggested, { ...suggested, id: 'loyalty_id' })).toEqual({});
    expect(targetLabel('(key)')).toBe('Source key');
    expect(targetLabel('extra:Notes')).toBe('Kept as extra “Notes”');
  });
});

describe('quality KPIs', async () => {
  const { issueLabel, pct, tileTone, tileValue, trend } = await import('../../console/src/lib/kpis.js');
  const k = (o: Partial<{ sourceId: string | null; records: number; completeness: number | null; validity: number | null; uniqueness: number | null; freshness: number | null }> = {}) => ({
    sourceId: null, records: 24, completeness: 0.9166, validity: 1, uniqueness: 0.5, freshness: null, counts: { duplicates: 12, invalid: 0, suspect: 0, stale: 0, slots: 72, slotsFilled: 66 }, ...o,
  });
  it('formats tiles: shares as percentages, duplicates as 1 − uniqueness, missing as a dash', () => {
    expect(pct(0.9166)).toBe('91.7%');
    expect(pct(1)).toBe('100%');
    expect(pct(null)).toBe('—');
    expect(tileValue(k(), 'records')).toBe('24');
    expect(tileValue(k(), 'uniqueness')).toBe('50.0%');
    expect(tileValue(k(), 'freshness')).toBe('—');
    expect(tileTone(k(), 'validity')).toBe('good');
    expect(tileTone(k(), 'uniqueness')).toBe('bad');
    expect(tileTone(k(), 'completeness')).toBe('warn');
  });
  it('builds a trend of one scope, oldest first, ending with the live values', () => {
    const snaps = [
      { ...k({ records: 20 }), takenAt: '2026-11-22T10:00:00Z' },
      { ...k({ sourceId: 'src_1', records: 5 }), takenAt: '2026-11-21T10:00:00Z' },
      { ...k({ records: 18 }), takenAt: '2026-11-21T10:00:00Z' },
    ];
    const t = trend(snaps, k(), null, new Date('2026-11-23T10:00:00Z'));
    expect(t.map((p) => p.records)).toEqual([18, 20, 24]);
    expect(t[2]).toMatchObject({ label: 'now', completeness: 91.7, duplicates: 50, freshness: null });
  });
  it('labels record issues', () => {
    expect(issueLabel('birth_date:stale')).toBe('Birth date is out of date');
    expect(issueLabel('phone:invalid')).toBe('Phone is invalid');
  });
});
