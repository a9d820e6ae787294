// E-mail standardization: syntax, domain typos, disposable domains and role mailboxes.
import { normaliseEmail } from '../schemas/validation/index.js';
import { BoundedCache } from './bounded-cache.js';
import { DISPOSABLE_DOMAINS } from './disposable-domains.data.js';
import { POPULAR_EMAIL_DOMAINS, ROLE_LOCAL_PARTS, TLD_TYPOS } from './email-domains.data.js';
import { damerauLevenshtein } from './string-distance.js';
import { flagged, lookup, VALID, verification, type Reason, type StandardizedValue } from './types.js';

const POPULAR: ReadonlySet<string> = new Set(POPULAR_EMAIL_DOMAINS);

type DomainFinding = { typo?: string; disposable: boolean };
const CLEAN: DomainFinding = Object.freeze({ disposable: false });
// Domains repeat heavily in imports (a few consumer domains, then each company's own), so
// the per-domain verdict is cached; the typo scan is the only non-trivial cost.
const domainCache = new BoundedCache<string, DomainFinding>(10_000);

function isDisposable(domain: string): boolean {
  if (DISPOSABLE_DOMAINS.has(domain)) return true;
  // Subdomains of disposable services (abc.mailinator.com).
  for (let dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
    const parent = domain.slice(dot + 1);
    if (parent.includes('.') && DISPOSABLE_DOMAINS.has(parent)) return true;
  }
  return false;
}

function lastLabel(domain: string): string {
  return domain.slice(domain.lastIndexOf('.') + 1);
}

/**
 * The popular domain `domain` is probably a misspelling of, or undefined. Distance 1 for
 * domains of 8+ characters; distance 2 only for 10+ characters with the same top-level
 * domain, so real regional siblings (yahoo.co.jp vs yahoo.co.uk) are not flagged.
 */
function nearestPopular(domain: string): string | undefined {
  if (domain.length < 8) return undefined;
  const tld = lastLabel(domain);
  let best: string | undefined;
  let bestDistance = 3;
  let ties = 0;
  for (const candidate of POPULAR_EMAIL_DOMAINS) {
    const max = domain.length >= 10 && lastLabel(candidate) === tld ? 2 : 1;
    const d = damerauLevenshtein(domain, candidate, max);
    if (d > max) continue;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      ties = 0;
    } else if (d === bestDistance) ties++;
  }
  // Two equally close popular domains: no confident suggestion.
  return ties === 0 ? best : undefined;
}

function analyseDomain(domain: string): DomainFinding {
  if (POPULAR.has(domain)) return CLEAN;
  const cached = domainCache.get(domain);
  if (cached !== undefined) return cached;
  const disposable = isDisposable(domain);
  let typo: string | undefined;
  if (!disposable) {
    const tld = lastLabel(domain);
    const fixedTld = lookup(TLD_TYPOS, tld);
    const candidate = fixedTld === undefined ? domain : domain.slice(0, domain.length - tld.length) + fixedTld;
    typo = POPULAR.has(candidate) ? candidate : (nearestPopular(candidate) ?? (fixedTld === undefined ? undefined : candidate));
  }
  const finding: DomainFinding = typo === undefined && !disposable ? CLEAN : { typo, disposable };
  domainCache.set(domain, finding);
  return finding;
}

/** Whether the local part names a team/system mailbox (info@, sales@, noreply@ …). */
export function isRoleLocalPart(local: string): boolean {
  const plus = local.indexOf('+');
  const base = (plus >= 0 ? local.slice(0, plus) : local).toLowerCase();
  return ROLE_LOCAL_PARTS.has(base);
}

/**
 * Standardize an e-mail address: trim (and drop a `mailto:` prefix or `<…>` wrapper), check
 * the syntax and lowercase the domain (normaliseEmail; the local part keeps its case), then flag:
 * - `email_domain_typo` (suspect, with `suggestion`): near miss of a popular consumer domain
 *   or a misspelt TLD (`John@GMIAL.com` → suggestion `John@gmail.com`);
 * - `disposable_domain` (suspect): a throwaway mail service;
 * - `role_address` (suspect): info@, sales@, noreply@ … (reaches a team, not a person).
 * Syntax errors → invalid (`email_syntax`) with a null value.
 */
export function standardizeEmail(raw: string): StandardizedValue<string> {
  let s = raw.trim();
  if (s.length > 7 && (s.charCodeAt(0) === 109 || s.charCodeAt(0) === 77) && /^mailto:/i.test(s)) s = s.slice(7).trim();
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  if (s === '') return { value: null, verification: flagged('invalid', 'email_empty', 'the e-mail address is empty') };
  const r = normaliseEmail(s);
  if (!r.ok) return { value: null, verification: flagged('invalid', 'email_syntax', `invalid e-mail address: ${r.message}`) };
  const value = r.value;
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  const finding = analyseDomain(domain);
  const role = isRoleLocalPart(local);
  if (finding === CLEAN && !role) return { value, verification: VALID };

  const reasons: Reason[] = [];
  let suggestion: string | undefined;
  if (finding.typo !== undefined) {
    suggestion = `${local}@${finding.typo}`;
    reasons.push({ code: 'email_domain_typo', message: `the domain "${domain}" looks like a typo of "${finding.typo}"` });
  }
  if (finding.disposable) reasons.push({ code: 'disposable_domain', message: `"${domain}" is a disposable (throwaway) e-mail service` });
  if (role) reasons.push({ code: 'role_address', message: `"${local}@" is a role address (a team or system mailbox, not a person)` });
  return { value, verification: verification('suspect', reasons, suggestion) };
}
