// Display helpers for attribute values, including masked ones.

/** Turns any attribute value into display text ('—' when empty). */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([, v]) => formatValue(v));
    return parts.length ? parts.join(', ') : '—';
  }
  return String(value);
}

/** snake_case attribute name → "Snake case" label (a schema label wins when there is one). */
export function attributeLabel(name: string, label?: string | null): string {
  if (label) return label;
  const s = name.replace(/_/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Whether a field of a record view was masked for the viewer. */
export function isMasked(masked: readonly string[] | undefined, field: string): boolean {
  return !!masked && (masked.includes(field) || masked.some((m) => field.startsWith(`${m}.`)));
}

/** Parses a text input back to a JSON value for resubmission: keeps strings as typed, empties become null. */
export function parseEditedValue(text: string, original: unknown): unknown {
  const t = text.trim();
  if (t === '') return null;
  if (typeof original === 'number') {
    const n = Number(t);
    return Number.isFinite(n) ? n : text;
  }
  if (typeof original === 'boolean') {
    if (/^(true|yes|1)$/i.test(t)) return true;
    if (/^(false|no|0)$/i.test(t)) return false;
    return text;
  }
  if (original !== null && typeof original === 'object') {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Text shown in an edit box for a value. */
export function editText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
