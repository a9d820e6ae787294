import type { Actor } from '../../platform/auth/actor.js';

export type PrivacyLevel = 'public' | 'personal' | 'sensitive';

export function canSee(actor: Actor, privacy: PrivacyLevel): boolean {
  if (privacy === 'public') return true;
  if (privacy === 'personal') return actor.can('pii:read');
  return actor.can('sensitive:read');
}

/** Masks a value keeping just enough to recognise it: `j***@example.com`, `+44*******789`, `J***`. */
export function maskValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return maskString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return '***';
  if (Array.isArray(value)) return value.map(maskValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskValue(v)]));
  }
  return '***';
}

function maskString(s: string): string {
  if (s.length === 0) return s;
  const at = s.indexOf('@');
  if (at > 0) return `${s[0]}***${s.slice(at)}`;
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) return '****-**-**';
  if (/^\+?[\d\s().-]{6,}$/.test(s)) {
    const digits = s.replace(/\D/g, '');
    return `${s.startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, digits.length - 3))}${digits.slice(-3)}`;
  }
  return `${[...s][0]}***`;
}

/** Attribute values (a record's `values`, a field error's `value`) masked for the actor by each attribute's privacy; unknown attributes count as personal. */
export function maskAttributeValues(actor: Actor, values: Record<string, unknown>, privacy: ReadonlyMap<string, PrivacyLevel>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [attr, v] of Object.entries(values)) out[attr] = canSee(actor, privacy.get(attr) ?? 'personal') ? v : maskValue(v);
  return out;
}
