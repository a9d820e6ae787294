// Server-rendered portal pages: plain HTML, one stylesheet, no scripts. Everything dynamic is escaped.
import type { PortalPage } from './portal.service.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const PORTAL_CSS = `
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f6f7f9}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem}
h3{font-size:1.05rem;margin:1rem 0 .25rem}
section,.card{background:#fff;border:1px solid #d0d4da;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
dl{margin:0}
.attr{border-top:1px solid #e4e7eb;padding:.75rem 0}
.attr:first-of-type{border-top:0}
dt{font-weight:600}
dd{margin:0 0 .5rem;word-break:break-word}
.verified{color:#0b6b2b;font-size:.95rem}
form{margin:.25rem 0}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input[type=text],input[type=email]{width:100%;font:inherit;padding:.6rem;border:1px solid #6b7280;border-radius:.375rem}
button{font:inherit;min-height:2.75rem;padding:.5rem 1rem;border-radius:.375rem;border:2px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1d4ed8}
button.danger{background:#fff;color:#b91c1c;border-color:#b91c1c}
button:focus-visible,a:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.notice{white-space:pre-wrap;background:#f3f4f6;border-radius:.375rem;padding:.75rem;font-size:.95rem}
.status{padding:.75rem 1rem;border-radius:.375rem;margin:0 0 1rem;border:1px solid}
.status.ok{background:#ecfdf3;border-color:#0b6b2b}
.status.err{background:#fef2f2;border-color:#b91c1c}
.channel{display:flex;justify-content:space-between;align-items:center;gap:.5rem;border-top:1px solid #e4e7eb;padding:.5rem 0}
.small{font-size:.9rem;color:#4b5563}
details summary{cursor:pointer;color:#1d4ed8;min-height:2.75rem;display:flex;align-items:center}
a{color:#1d4ed8}
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">
<title>${esc(title)}</title><link rel="stylesheet" href="/portal/assets/portal.css"></head>
<body><main id="main">${body}</main></body></html>`;
}

/** The friendly page for an unknown (404), expired or revoked (410) link, or too many tries (429). */
export function problemPage(kind: 'unknown' | 'expired' | 'revoked' | 'rate_limited' | 'used', help: string): string {
  const text = {
    unknown: ['This link does not work', 'We could not find this link. Please check that you copied all of it.'],
    expired: ['This link has expired', 'For your safety, links only work for a limited time.'],
    revoked: ['This link is no longer active', 'This link has been switched off.'],
    rate_limited: ['Please wait a moment', 'There were too many tries from your connection. Please try again in a few minutes.'],
    used: ['This form was already sent', 'This form was already sent, or the page was open for too long. Please go back to your page and try again.'],
  }[kind];
  return layout(text[0]!, `<h1>${esc(text[0]!)}</h1><section><p>${esc(text[1]!)}</p><p><strong>How to get a new link:</strong> ${esc(help)}</p></section>`);
}

const MESSAGES: Record<string, [string, 'ok' | 'err']> = {
  verified: ['Thank you. We marked your details as correct.', 'ok'],
  corrected: ['Thank you. We changed your details.', 'ok'],
  queued: ['Thank you. Our team will check and apply your change soon.', 'ok'],
  granted: ['Done. You said yes to this.', 'ok'],
  withdrawn: ['Done. You said no to this. It takes effect straight away.', 'ok'],
  erasure: ['We have your request to delete your data. We will confirm within one month.', 'ok'],
  restricted: ['Your data is currently frozen at your request, so we cannot change it now.', 'err'],
};

/** The customer's page: their data, consents, download and erasure request. */
export function customerPage(token: string, page: PortalPage, nonce: string, opts: { organisation: string; message?: string; error?: string; errorField?: string }): string {
  const base = `/portal/${token}`;
  const hidden = `<input type="hidden" name="nonce" value="${esc(nonce)}">`;
  const parts: string[] = [];
  parts.push(`<h1>The details ${esc(opts.organisation)} holds about you</h1>`);
  const msg = opts.message ? MESSAGES[opts.message] : undefined;
  if (msg) parts.push(`<p class="status ${msg[1]}" role="status">${esc(msg[0])}</p>`);
  if (opts.error) parts.push(`<p class="status err" role="alert">${esc(opts.error)}</p>`);
  if (page.restricted) parts.push(`<p class="status err">Your data is frozen at your request: we do not use it or contact you until this is lifted.</p>`);
  parts.push(`<p class="small">Please check each item. Press “This is correct” if it is right, or change it if it is wrong. This page works until ${esc(new Date(page.expiresAt).toUTCString())}.</p>`);

  parts.push('<h2>Your details</h2>');
  if (page.records.length === 0) parts.push('<section><p>We hold no details about you in our customer records.</p></section>');
  for (const r of page.records) {
    const items = r.attributes.map((a) => {
      const fieldId = `v-${r.id}-${a.name}`;
      const verified = a.verifiedBy === 'customer' && a.verifiedAt ? `<p class="verified">✓ You confirmed this on ${esc(new Date(a.verifiedAt).toUTCString())}</p>` : '';
      const err = opts.errorField === `${r.id}.${a.name}` ? ` aria-invalid="true" aria-describedby="err-${esc(fieldId)}"` : '';
      const errText = err ? `<p id="err-${esc(fieldId)}" class="status err">${esc(opts.error ?? '')}</p>` : '';
      const confirm = a.shown
        ? `<form method="post" action="${base}/verify">${hidden}<input type="hidden" name="record" value="${esc(r.id)}"><input type="hidden" name="attribute" value="${esc(a.name)}"><button type="submit" class="secondary">This is correct</button></form>`
        : '';
      return `<div class="attr"><dt>${esc(a.label)}</dt><dd>${a.shown ? esc(a.shown) : '<span class="small">Not given</span>'}</dd>${verified}
<div class="row">${confirm}</div>
<details${err ? ' open' : ''}><summary>Change ${esc(a.label.toLowerCase())}</summary>
<form method="post" action="${base}/correct">${hidden}<input type="hidden" name="record" value="${esc(r.id)}"><input type="hidden" name="attribute" value="${esc(a.name)}">
<label for="${esc(fieldId)}">New ${esc(a.label.toLowerCase())}</label><input id="${esc(fieldId)}" name="value" type="${a.type === 'email' ? 'email' : 'text'}" autocomplete="off"${err}>${errText}
<button type="submit">Save the change</button></form></details></div>`;
    });
    parts.push(`<section aria-label="Details from ${esc(r.sourceLabel)}"><h3>From ${esc(r.sourceLabel)}</h3><dl>${items.join('')}</dl>
<form method="post" action="${base}/verify">${hidden}<input type="hidden" name="record" value="${esc(r.id)}"><input type="hidden" name="attribute" value="*"><button type="submit">All of this is correct</button></form></section>`);
  }
  if (page.pendingCorrections > 0) parts.push(`<p class="small">${page.pendingCorrections} change(s) you sent are waiting for our team.</p>`);

  parts.push('<h2>How we may contact you</h2>');
  if (page.consents.length === 0) parts.push('<section><p>There is nothing to choose at the moment.</p></section>');
  for (const c of page.consents) {
    const rows = c.channels.map((ch) => {
      const state = ch.allowed ? 'Yes' : ch.status === 'expired' ? 'No (your earlier yes has run out)' : 'No';
      const decision = ch.allowed ? 'withdraw' : 'grant';
      const label = ch.allowed ? `Say no to ${ch.name.toLowerCase()}` : `Say yes to ${ch.name.toLowerCase()}`;
      return `<div class="channel"><span><strong>${esc(ch.name)}:</strong> ${esc(state)}</span>
<form method="post" action="${base}/consent">${hidden}<input type="hidden" name="purpose" value="${esc(c.purposeKey)}"><input type="hidden" name="channel" value="${esc(ch.key)}"><input type="hidden" name="decision" value="${decision}">
<button type="submit" class="${ch.allowed ? 'danger' : 'secondary'}" aria-label="${esc(`${label} for ${c.purposeName}`)}">${esc(ch.allowed ? 'Say no' : 'Say yes')}</button></form></div>`;
    });
    parts.push(`<section aria-label="${esc(c.purposeName)}"><h3>${esc(c.purposeName)}</h3><p class="notice">${esc(c.noticeText)}</p><p class="small">Notice version ${c.noticeVersion}</p>${rows.join('')}</section>`);
  }

  parts.push(`<h2>Your data</h2><section><p>Download a copy of everything we hold about you.</p>
<p class="row"><a href="${base}/download?format=json" download>Download (JSON)</a> <a href="${base}/download?format=csv" download>Download (spreadsheet, CSV)</a></p></section>`);
  parts.push(`<section><h3>Delete my data</h3>${
    page.erasureRequested
      ? '<p>We have your request to delete your data and will confirm within one month.</p>'
      : `<p>You can ask us to delete your data. We will confirm within one month. After that this page will stop working.</p>
<form method="post" action="${base}/erasure">${hidden}<input type="hidden" name="confirm" value="yes"><button type="submit" class="danger">Ask to delete my data</button></form>`
  }</section>`);
  return layout(`Your details – ${opts.organisation}`, parts.join('\n'));
}
