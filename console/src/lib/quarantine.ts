// The quarantine editor's form model: which fields to show, and the values to resubmit.
import { editText, parseEditedValue } from './values.js';

export type EditableField = { name: string; label: string; text: string; original: unknown; error: string | null; inSchema: boolean; masked: boolean };

type Attr = { name: string; label?: string };
type Rec = { raw: Record<string, unknown>; errors: Array<{ field: string; message: string }>; masked: readonly string[] };

/** Fields with errors first, then the schema's order, then anything else the source sent. */
export function editableFields(record: Rec, attributes: readonly Attr[], label: (name: string, l?: string) => string): EditableField[] {
  const errorOf = new Map<string, string>();
  for (const e of record.errors) {
    const top = e.field.split('.')[0]!;
    if (!errorOf.has(top)) errorOf.set(top, e.message);
  }
  const names = [...attributes.map((a) => a.name), ...Object.keys(record.raw).filter((k) => !attributes.some((a) => a.name === k))];
  const fields = names.map((name) => {
    const attr = attributes.find((a) => a.name === name);
    return {
      name,
      label: label(name, attr?.label),
      text: editText(record.raw[name]),
      original: record.raw[name],
      error: errorOf.get(name) ?? null,
      inSchema: !!attr,
      masked: record.masked.includes(name),
    };
  });
  return [...fields.filter((f) => f.error), ...fields.filter((f) => !f.error)];
}

/** The values to PUT: the original submission with edited fields replaced; empty fields are dropped. */
export function resubmitValues(raw: Record<string, unknown>, edits: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const [name, text] of Object.entries(edits)) {
    const v = parseEditedValue(text, raw[name]);
    if (v === null) delete out[name];
    else out[name] = v;
  }
  return out;
}

/** Summary of a rejected record's problems for the list, e.g. "email: invalid …  (+1 more)". */
export function problemSummary(errors: ReadonlyArray<{ field: string; message: string }>): string {
  if (errors.length === 0) return 'Rejected';
  const first = errors[0]!;
  return `${first.field}: ${first.message}${errors.length > 1 ? `  (+${errors.length - 1} more)` : ''}`;
}
