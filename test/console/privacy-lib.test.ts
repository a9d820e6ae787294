import { describe, expect, it } from 'vitest';
import { consentMatrix, deadlineOf, decodeHeader, diffWords, effectiveNow, filterRequests, groupHistory, linkify, noticeTimeline, NO_REQUEST_FILTERS, parseMail, proofEntries, requestCounts, shareText } from '../../console/src/lib/privacy.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('request deadlines', () => {
  it('counts started days left and marks the last week as soon', () => {
    expect(deadlineOf({ dueAt: iso(NOW + 30 * DAY), status: 'open' }, NOW)).toEqual({ daysLeft: 30, tone: 'ok', label: '30 days left' });
    expect(deadlineOf({ dueAt: iso(NOW + 30 * DAY - 5000), status: 'open' }, NOW)).toEqual({ daysLeft: 30, tone: 'ok', label: '30 days left' });
    expect(deadlineOf({ dueAt: iso(NOW + 7 * DAY), status: 'open' }, NOW)).toEqual({ daysLeft: 7, tone: 'ok', label: '7 days left' });
    expect(deadlineOf({ dueAt: iso(NOW + 6 * DAY), status: 'open' }, NOW)).toEqual({ daysLeft: 6, tone: 'soon', label: '6 days left' });
    expect(deadlineOf({ dueAt: iso(NOW + DAY + 1), status: 'open' }, NOW)).toEqual({ daysLeft: 2, tone: 'soon', label: '2 days left' });
    expect(deadlineOf({ dueAt: iso(NOW + 3_600_000), status: 'open' }, NOW)).toEqual({ daysLeft: 1, tone: 'soon', label: '1 day left' });
    expect(deadlineOf({ dueAt: iso(NOW), status: 'open' }, NOW)).toEqual({ daysLeft: 0, tone: 'soon', label: 'Due now' });
  });

  it('is overdue one millisecond after the deadline, counting started days', () => {
    expect(deadlineOf({ dueAt: iso(NOW - 1), status: 'open' }, NOW)).toEqual({ daysLeft: -1, tone: 'overdue', label: 'Overdue by 1 day' });
    expect(deadlineOf({ dueAt: iso(NOW - 3 * DAY - 5), status: 'open' }, NOW)).toEqual({ daysLeft: -4, tone: 'overdue', label: 'Overdue by 4 days' });
  });

  it('closed requests have no deadline to meet', () => {
    expect(deadlineOf({ dueAt: iso(NOW - 3 * DAY), status: 'completed' }, NOW)).toMatchObject({ tone: 'closed', label: 'Answered' });
    expect(deadlineOf({ dueAt: iso(NOW - 3 * DAY), status: 'rejected' }, NOW)).toMatchObject({ tone: 'closed', label: 'Closed' });
  });

  const reqs = [
    { id: 'dsr_a', customerId: 'cus_1', kind: 'access', status: 'open', dueAt: iso(NOW + 20 * DAY), receivedAt: iso(NOW - 10 * DAY) },
    { id: 'dsr_b', customerId: 'cus_2', kind: 'erasure', status: 'open', dueAt: iso(NOW - 2 * DAY), receivedAt: iso(NOW - 32 * DAY) },
    { id: 'dsr_c', customerId: 'cus_3', kind: 'erasure', status: 'completed', dueAt: iso(NOW + 5 * DAY), receivedAt: iso(NOW - 25 * DAY) },
    { id: 'dsr_d', customerId: 'cus_22', kind: 'restriction', status: 'open', dueAt: iso(NOW + 3 * DAY), receivedAt: iso(NOW - 27 * DAY) },
    { id: 'dsr_e', customerId: 'cus_4', kind: 'access', status: 'rejected', dueAt: iso(NOW + 9 * DAY), receivedAt: iso(NOW - 21 * DAY) },
  ];

  it('filters by kind, status, overdue and customer, most urgent first', () => {
    expect(filterRequests(reqs, NO_REQUEST_FILTERS, NOW).map((r) => r.id)).toEqual(['dsr_b', 'dsr_d', 'dsr_a']);
    expect(filterRequests(reqs, { ...NO_REQUEST_FILTERS, status: null }, NOW).map((r) => r.id)).toEqual(['dsr_b', 'dsr_d', 'dsr_a', 'dsr_e', 'dsr_c']);
    expect(filterRequests(reqs, { ...NO_REQUEST_FILTERS, status: null, kind: 'erasure' }, NOW).map((r) => r.id)).toEqual(['dsr_b', 'dsr_c']);
    expect(filterRequests(reqs, { ...NO_REQUEST_FILTERS, overdueOnly: true }, NOW).map((r) => r.id)).toEqual(['dsr_b']);
    expect(filterRequests(reqs, { ...NO_REQUEST_FILTERS, status: null, customer: ' CUS_2' }, NOW).map((r) => r.id)).toEqual(['dsr_b', 'dsr_d']);
    expect(requestCounts(reqs, NOW)).toEqual({ open: 3, overdue: 1, soon: 1 });
  });
});

describe('consent matrix and history', () => {
  const state = (purpose: string, channel: string, status: string, extra: Record<string, unknown> = {}) => ({
    purpose,
    channel,
    status,
    effective: status,
    allowed: status === 'granted',
    validUntil: null as string | null,
    capturedAt: iso(NOW - DAY),
    ...extra,
  });
  const purposes = [
    { key: 'news', name: 'Newsletter', channels: ['email', 'sms'], archivedAt: null },
    { key: 'old', name: 'Old offers', channels: ['post'], archivedAt: iso(NOW - 100 * DAY) },
    { key: 'calls', name: 'Phone surveys', channels: ['phone'], archivedAt: iso(NOW - 100 * DAY) },
  ];

  it('has a cell per asked channel, extra channels with decisions, archived purposes only with decisions', () => {
    const rows = consentMatrix(purposes, [state('news', 'email', 'granted'), state('news', 'push', 'denied'), state('old', 'post', 'withdrawn'), state('ghost', 'email', 'granted')], NOW);
    expect(rows.map((r) => [r.purpose, r.name, r.archived, r.cells.map((c) => `${c.channel}:${c.status}`)])).toEqual([
      ['news', 'Newsletter', false, ['email:granted', 'sms:none', 'push:denied']],
      ['old', 'Old offers', true, ['post:withdrawn']],
      ['ghost', 'ghost', false, ['email:granted']],
    ]);
    expect(rows[0]!.cells[1]!.state).toBeNull();
  });

  it('shows a grant past its end date as expired before the expiry job runs', () => {
    const s = state('news', 'email', 'granted', { validUntil: iso(NOW - 1) });
    expect(effectiveNow(s, NOW)).toBe('expired');
    expect(effectiveNow({ ...s, validUntil: iso(NOW + DAY) }, NOW)).toBe('granted');
    expect(consentMatrix(purposes, [s], NOW)[0]!.cells[0]!.status).toBe('expired');
  });

  it('groups the ledger per purpose and channel, newest first, most recently changed group first', () => {
    const ev = (seq: number, purpose: string, channel: string, status: string) => ({ id: `e${seq}`, seq, purpose, channel, status, capturedAt: iso(NOW + seq), recordedAt: iso(NOW + seq) });
    const groups = groupHistory([ev(3, 'news', 'email', 'withdrawn'), ev(1, 'news', 'email', 'granted'), ev(2, 'news', 'sms', 'granted'), ev(4, 'news', 'sms', 'denied'), ev(5, 'old', 'post', 'granted')]);
    expect(groups.map((g) => [g.key, g.events.map((e) => e.id)])).toEqual([
      ['old/post', ['e5']],
      ['news/sms', ['e4', 'e2']],
      ['news/email', ['e3', 'e1']],
    ]);
  });

  it('lists proof fields in a fixed order and skips empty ones', () => {
    expect(proofEntries({ hash: 'abc', ip: '10.0.0.1', formId: '', userAgent: null, redacted: true })).toEqual([
      ['IP address', '10.0.0.1'],
      ['Proof hash (SHA-256)', 'abc'],
      ['Network identifiers erased', 'yes'],
    ]);
  });
});

describe('notice versions', () => {
  it('marks removed and added words', () => {
    expect(diffWords('We e-mail you our offers weekly.', 'We e-mail you our best offers monthly.')).toEqual([
      { kind: 'same', text: 'We e-mail you our ' },
      { kind: 'added', text: 'best ' },
      { kind: 'same', text: 'offers ' },
      { kind: 'removed', text: 'weekly.' },
      { kind: 'added', text: 'monthly.' },
    ]);
    expect(diffWords('same text', 'same text')).toEqual([{ kind: 'same', text: 'same text' }]);
    expect(diffWords('', 'new')).toEqual([{ kind: 'added', text: 'new' }]);
  });

  it('falls back to replace-all for very long texts', () => {
    const long = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    expect(diffWords(long, `${long} x`, 10)).toEqual([{ kind: 'removed', text: long }, { kind: 'added', text: `${long} x` }]);
  });

  it('pairs each version with the one before, newest first', () => {
    expect(noticeTimeline([{ version: 1 }, { version: 3 }, { version: 2 }]).map((t) => [t.notice.version, t.previous?.version ?? null])).toEqual([[3, 2], [2, 1], [1, null]]);
  });

  it('formats coverage shares', () => {
    expect(shareText(null)).toBe('—');
    expect(shareText(0)).toBe('0 %');
    expect(shareText(0.004)).toBe('0.4 %');
    expect(shareText(0.5)).toBe('50 %');
    expect(shareText(1)).toBe('100 %');
  });
});

describe('development outbox mails', () => {
  // Exactly what nodemailer's stream transport writes for a portal link mail (multipart, quoted-printable).
  const RAW = [
    'From: Custodian <no-reply@localhost>',
    'To: jane.doe@example.com',
    'Subject: =?UTF-8?Q?Check_the_details_our_company_holds_abou?=',
    ' =?UTF-8?Q?t_you_=E2=80=94_=C3=BCn=C3=AFcode?=',
    'Message-ID: <d08a2bd1@localhost>',
    'Date: Mon, 23 Nov 2026 08:58:36 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative;',
    ' boundary="--_NmP-5d40c82bca7a3c38-Part_1"',
    '',
    '----_NmP-5d40c82bca7a3c38-Part_1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Hello,',
    '',
    'Please check the details our company holds about you. You can =',
    'confirm them, correct them, and choose how we may contact you:',
    '',
    'http://127.0.0.1:3000/portal/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    '',
    'The link works until Mon, 30 Nov 2026 08:00:00 GMT. Caf=C3=A9.',
    '----_NmP-5d40c82bca7a3c38-Part_1',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '<p>Hello,</p><p><a href=3D"http://127.0.0.1:3000/portal/abcdefghijklmnopqrs=',
    'tuvwxyz0123456789ABCDEFG">Check my details</a></p>',
    '----_NmP-5d40c82bca7a3c38-Part_1--',
    '',
  ].join('\n');

  it('decodes headers and the plain-text part and finds the link', () => {
    const m = parseMail(RAW);
    expect(m.subject).toBe('Check the details our company holds about you — ünïcode');
    expect(m.to).toBe('jane.doe@example.com');
    expect(m.from).toBe('Custodian <no-reply@localhost>');
    expect(m.date).toBe('Mon, 23 Nov 2026 08:58:36 +0000');
    expect(m.text).toContain('You can confirm them, correct them');
    expect(m.text).toContain('Café.');
    expect(m.links).toEqual(['http://127.0.0.1:3000/portal/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG']);
  });

  it('falls back to the HTML part, and reads single-part base64 mails', () => {
    const htmlOnly = 'Subject: Hi\nContent-Type: text/html; charset=utf-8\n\n<p>Open <a href="https://x.test/p/1">this</a> &amp; go</p>';
    expect(parseMail(htmlOnly)).toMatchObject({ subject: 'Hi', text: 'Open this & go', links: ['https://x.test/p/1'] });
    const b64 = `Subject: =?utf-8?B?${btoa(String.fromCharCode(...new TextEncoder().encode('Grüße')))}?=\nContent-Transfer-Encoding: base64\n\n${btoa('see https://a.test/x now')}`;
    expect(parseMail(b64)).toMatchObject({ subject: 'Grüße', text: 'see https://a.test/x now', links: ['https://a.test/x'] });
    expect(decodeHeader('plain')).toBe('plain');
  });

  it('splits text into plain parts and links', () => {
    expect(linkify('go to https://a.test/p?x=1 now')).toEqual([{ text: 'go to ' }, { text: 'https://a.test/p?x=1', href: 'https://a.test/p?x=1' }, { text: ' now' }]);
  });
});
