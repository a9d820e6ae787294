// Pure logic of the consent, data-subject-request and outbox pages: deadlines, the consent matrix, history
// grouping, notice diffs and reading development e-mails. No React here; tested in test/console/privacy-lib.test.ts.

const DAY = 86_400_000;

// ---- data-subject request deadlines ----

export type DeadlineTone = 'closed' | 'overdue' | 'soon' | 'ok';
export type Deadline = { daysLeft: number; tone: DeadlineTone; label: string };

/**
 * Days left until a request is due, counting started days (a new 30-day request has 30 days left, one due in
 * 3 hours has 1 day left); one millisecond past the deadline it is overdue. Closed requests have no deadline.
 */
export function deadlineOf(req: { dueAt: string; status: string }, now: number = Date.now(), soonDays = 7): Deadline {
  const due = Date.parse(req.dueAt);
  const ms = due - now;
  // Started days count: a request due in 29.5 days has 30 days left; one 2 hours late is overdue by 1 day.
  const daysLeft = ms >= 0 ? Math.ceil(ms / DAY) : -Math.ceil(-ms / DAY);
  if (req.status !== 'open') return { daysLeft, tone: 'closed', label: req.status === 'completed' ? 'Answered' : 'Closed' };
  if (ms < 0) {
    const late = -daysLeft;
    return { daysLeft, tone: 'overdue', label: late <= 1 ? 'Overdue by 1 day' : `Overdue by ${late} days` };
  }
  const tone: DeadlineTone = daysLeft < soonDays ? 'soon' : 'ok';
  if (daysLeft === 0) return { daysLeft, tone, label: 'Due now' };
  return { daysLeft, tone, label: daysLeft === 1 ? '1 day left' : `${daysLeft} days left` };
}

export const DEADLINE_COLORS: Record<DeadlineTone, string> = { closed: 'gray', overdue: 'red', soon: 'orange', ok: 'teal' };

export const DSR_KIND_LABELS: Record<string, string> = {
  access: 'Access (copy of data)',
  portability: 'Portability (data export)',
  rectification: 'Rectification (correct data)',
  erasure: 'Erasure (delete data)',
  restriction: 'Restriction (freeze processing)',
  lift_restriction: 'Lift restriction',
};

export function kindLabel(kind: string): string {
  return DSR_KIND_LABELS[kind] ?? kind.replace(/_/g, ' ');
}

export type RequestFilters = { kind: string | null; status: string | null; overdueOnly: boolean; customer: string };
export const NO_REQUEST_FILTERS: RequestFilters = { kind: null, status: 'open', overdueOnly: false, customer: '' };

type RequestLike = { id: string; customerId: string; kind: string; status: string; dueAt: string; receivedAt: string };

/** Filters the request log and sorts it: open requests by deadline (most urgent first), then closed ones newest first. */
export function filterRequests<T extends RequestLike>(items: readonly T[], f: RequestFilters, now: number = Date.now()): T[] {
  const q = f.customer.trim().toLowerCase();
  return items
    .filter((r) => (!f.kind || r.kind === f.kind) && (!f.status || r.status === f.status))
    .filter((r) => !f.overdueOnly || deadlineOf(r, now).tone === 'overdue')
    .filter((r) => !q || r.customerId.toLowerCase().includes(q) || r.id.toLowerCase().includes(q))
    .sort((a, b) => {
      const ao = a.status === 'open' ? 0 : 1;
      const bo = b.status === 'open' ? 0 : 1;
      if (ao !== bo) return ao - bo;
      return ao === 0 ? Date.parse(a.dueAt) - Date.parse(b.dueAt) : Date.parse(b.receivedAt) - Date.parse(a.receivedAt);
    });
}

/** Counts for the summary line: open, overdue, due within a week. */
export function requestCounts(items: readonly RequestLike[], now: number = Date.now()): { open: number; overdue: number; soon: number } {
  let open = 0;
  let overdue = 0;
  let soon = 0;
  for (const r of items) {
    const d = deadlineOf(r, now);
    if (r.status === 'open') open += 1;
    if (d.tone === 'overdue') overdue += 1;
    if (d.tone === 'soon') soon += 1;
  }
  return { open, overdue, soon };
}

// ---- consents ----

export type ConsentStateLike = { purpose: string; channel: string; status: string; effective: string; allowed: boolean; validUntil: string | null; capturedAt: string };
export type PurposeLike = { key: string; name: string; channels: string[]; archivedAt: string | null };

/** The status a consent has now: a grant past its end date is expired even before the expiry job records it. */
export function effectiveNow(s: Pick<ConsentStateLike, 'status' | 'effective' | 'validUntil'>, now: number = Date.now()): string {
  if (s.status === 'granted' && s.validUntil && Date.parse(s.validUntil) <= now) return 'expired';
  return s.effective;
}

export const CONSENT_COLORS: Record<string, string> = { granted: 'teal', denied: 'red', withdrawn: 'orange', expired: 'gray' };
export const CONSENT_LABELS: Record<string, string> = { granted: 'Yes — granted', denied: 'No — denied', withdrawn: 'Withdrawn', expired: 'Expired', none: 'Not asked' };

export type MatrixCell<S> = { channel: string; state: S | null; status: string };
export type MatrixRow<S> = { purpose: string; name: string; archived: boolean; cells: MatrixCell<S>[] };

/**
 * One row per purpose, one cell per channel the purpose is asked for (plus any channel the customer has a
 * recorded decision for). Archived purposes appear only when the customer has a decision under them; decisions
 * for purposes not in the list (unknown to the viewer) still get a row, named by their key.
 */
export function consentMatrix<S extends ConsentStateLike>(purposes: readonly PurposeLike[], current: readonly S[], now: number = Date.now()): MatrixRow<S>[] {
  const byPurpose = new Map<string, S[]>();
  for (const s of current) byPurpose.set(s.purpose, [...(byPurpose.get(s.purpose) ?? []), s]);
  const rows: MatrixRow<S>[] = [];
  const seen = new Set<string>();
  const build = (key: string, name: string, archived: boolean, asked: readonly string[]): void => {
    const states = byPurpose.get(key) ?? [];
    const channels = [...asked];
    for (const s of states) if (!channels.includes(s.channel)) channels.push(s.channel);
    rows.push({
      purpose: key,
      name,
      archived,
      cells: channels.map((channel) => {
        const state = states.find((s) => s.channel === channel) ?? null;
        return { channel, state, status: state ? effectiveNow(state, now) : 'none' };
      }),
    });
    seen.add(key);
  };
  for (const p of purposes) {
    const archived = p.archivedAt !== null;
    if (archived && !byPurpose.has(p.key)) continue;
    build(p.key, p.name, archived, p.channels);
  }
  for (const key of [...byPurpose.keys()].sort()) if (!seen.has(key)) build(key, key, false, []);
  return rows;
}

export type EventLike = { id: string; seq: number; purpose: string; channel: string; status: string; capturedAt: string; recordedAt: string };

/** The append-only ledger grouped by purpose and channel, newest first in each group; groups in ledger order of their latest event. */
export function groupHistory<E extends EventLike>(events: readonly E[]): Array<{ key: string; purpose: string; channel: string; events: E[] }> {
  const groups = new Map<string, { key: string; purpose: string; channel: string; events: E[] }>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    const key = `${e.purpose}/${e.channel}`;
    const g = groups.get(key) ?? { key, purpose: e.purpose, channel: e.channel, events: [] };
    g.events.unshift(e);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.events[0]!.seq - a.events[0]!.seq);
}

/** Proof fields worth showing, in a fixed order, without the raw hash noise of empty values. */
export function proofEntries(proof: Record<string, unknown>): Array<[string, string]> {
  const LABELS: Array<[string, string]> = [
    ['formId', 'Form'],
    ['noticeId', 'Notice id'],
    ['ip', 'IP address'],
    ['userAgent', 'Device / browser'],
    ['hash', 'Proof hash (SHA-256)'],
    ['redacted', 'Network identifiers erased'],
  ];
  const out: Array<[string, string]> = [];
  for (const [k, label] of LABELS) {
    const v = proof[k];
    if (v === undefined || v === null || v === '' || v === false) continue;
    out.push([label, v === true ? 'yes' : String(v)]);
  }
  return out;
}

// ---- notice versions ----

export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string };

/**
 * Word-level difference between two notice texts (longest common subsequence), so a reader sees what changed
 * between versions. Very long texts (over 3,000 words each side) fall back to "all removed, all added".
 */
export function diffWords(before: string, after: string, maxWords = 3000): DiffPart[] {
  const a = before.split(/(\s+)/).filter((t) => t !== '');
  const b = after.split(/(\s+)/).filter((t) => t !== '');
  if (a.length > maxWords * 2 || b.length > maxWords * 2) return merge([...(before ? [{ kind: 'removed' as const, text: before }] : []), ...(after ? [{ kind: 'added' as const, text: after }] : [])]);
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..], in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      parts.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!) {
      parts.push({ kind: 'removed', text: a[i++]! });
    } else {
      parts.push({ kind: 'added', text: b[j++]! });
    }
  }
  while (i < n) parts.push({ kind: 'removed', text: a[i++]! });
  while (j < m) parts.push({ kind: 'added', text: b[j++]! });
  return merge(parts);
}

function merge(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (last && last.kind === p.kind) last.text += p.text;
    else out.push({ ...p });
  }
  return out;
}

/** Notice versions newest first, each paired with the version before it (for a diff). */
export function noticeTimeline<N extends { version: number }>(notices: readonly N[]): Array<{ notice: N; previous: N | null }> {
  const sorted = [...notices].sort((x, y) => y.version - x.version);
  return sorted.map((notice, i) => ({ notice, previous: sorted[i + 1] ?? null }));
}

/** "42 %" from a 0..1 share; "—" when there are no customers to measure. */
export function shareText(share: number | null): string {
  if (share === null || Number.isNaN(share)) return '—';
  const pct = share * 100;
  return `${pct > 0 && pct < 1 ? pct.toFixed(1) : Math.round(pct)} %`;
}

// ---- development outbox ----

export type ParsedMail = { subject: string; to: string; from: string; date: string; text: string; links: string[] };

/** Decodes RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=) in a header value. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, charset: string, enc: string, data: string) => {
      const bytes = enc.toUpperCase() === 'B' ? base64Bytes(data) : qpBytes(data.replace(/_/g, ' '));
      return decodeBytes(bytes, charset);
    });
}

function decodeBytes(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function base64Bytes(s: string): Uint8Array {
  const bin = atob(s.replace(/[^A-Za-z0-9+/=]/g, ''));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function qpBytes(s: string): Uint8Array {
  const out: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      out.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of new TextEncoder().encode(c)) out.push(b);
    }
  }
  return Uint8Array.from(out);
}

function splitHead(raw: string): { headers: Map<string, string>; body: string } {
  const text = raw.replace(/\r\n/g, '\n');
  const at = text.indexOf('\n\n');
  const head = at === -1 ? text : text.slice(0, at);
  const body = at === -1 ? '' : text.slice(at + 2);
  const headers = new Map<string, string>();
  // Folded header lines continue with whitespace.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined, contentType: string | undefined): string {
  const charset = /charset="?([^";]+)"?/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
  const enc = (encoding ?? '').toLowerCase();
  if (enc === 'quoted-printable') return decodeBytes(qpBytes(body), charset);
  if (enc === 'base64') return decodeBytes(base64Bytes(body), charset);
  return body;
}

/** Reads a development .eml: headers, the plain-text part (or the HTML part stripped of tags) and the links in it. */
export function parseMail(raw: string): ParsedMail {
  const { headers, body } = splitHead(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const part = splitHead(chunk.replace(/^\n/, ''));
      const ptype = part.headers.get('content-type') ?? 'text/plain';
      const decoded = decodeBody(part.body.replace(/\n$/, ''), part.headers.get('content-transfer-encoding'), ptype);
      if (/^text\/plain/i.test(ptype) && !text) text = decoded;
      else if (/^text\/html/i.test(ptype) && !html) html = decoded;
    }
  } else {
    const decoded = decodeBody(body, headers.get('content-transfer-encoding'), type);
    if (/^text\/html/i.test(type)) html = decoded;
    else text = decoded;
  }
  if (!text && html) text = html.replace(/<br\s*\/?>|<\/p>/gi, '\n').replace(/<[^>]+>/g, '').replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
  const links = [...new Set([...text.matchAll(/https?:\/\/[^\s<>"')]+/g)].map((m) => m[0]))];
  for (const m of html.matchAll(/href="(https?:\/\/[^"]+)"/g)) if (!links.includes(m[1]!)) links.push(m[1]!);
  return { subject: decodeHeader(headers.get('subject') ?? ''), to: decodeHeader(headers.get('to') ?? ''), from: decodeHeader(headers.get('from') ?? ''), date: headers.get('date') ?? '', text: text.trim(), links };
}

/** Splits text into plain pieces and links, so a page can render the links as anchors without HTML injection. */
export function linkify(text: string): Array<{ text: string; href?: string }> {
  const out: Array<{ text: string; href?: string }> = [];
  let last = 0;
  for (const m of text.matchAll(/https?:\/\/[^\s<>"')]+/g)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: m[0], href: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
