/** Standardized e-mail: whole address, local part (dots and +tags removed) and domain. */
export interface StdEmail {
  full: string;
  local: string;
  domain: string;
}

/** Standardize an e-mail address; null when it has no "@". */
export function standardizeEmail(raw: string | null | undefined): StdEmail | null {
  if (raw == null) return null;
  const s = raw.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return null;
  let local = s.slice(0, at);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  // Dots are kept: "linda.davis" and "lindadavis" are different mailboxes at most providers.
  local = local.replace(/[^a-z0-9._-]/g, '');
  const domain = s.slice(at + 1).replace(/\s/g, '');
  if (local.length === 0) return null;
  return { full: `${local}@${domain}`, local, domain };
}

/** Phone digits (leading 00 / + country prefix left as digits) or null if fewer than 6 digits. */
export function standardizePhone(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const d = raw.replace(/\D/g, '');
  return d.length >= 6 ? d : null;
}

/** Last 7 digits of a phone: robust to country/area prefix formatting. */
export function phoneLast7(digits: string): string {
  return digits.length > 7 ? digits.slice(-7) : digits;
}

/** Postcode: upper-case alphanumerics only. */
export function standardizePostcode(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const s = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return s.length === 0 ? null : s;
}

/** Identifier: upper-case alphanumerics only (spaces, dashes dropped). */
export function standardizeIdentifier(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const s = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return s.length === 0 ? null : s;
}
