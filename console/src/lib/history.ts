// A customer's history timeline: versions of its source records, newest first, with what changed in each.

export type HistoryVersion = {
  recordId: string;
  sourceKey: string;
  version: number;
  changeKind: string;
  status: string;
  schemaVersion: number;
  raw: Record<string, unknown>;
  values: Record<string, unknown> | null;
  errors: Array<{ field: string; message: string }>;
  changedAt: string;
  changedBy: string | null;
};

export type FieldChange = { field: string; before: unknown; after: unknown; kind: 'added' | 'removed' | 'changed' };

export type TimelineEntry = HistoryVersion & { changes: FieldChange[]; previousStatus: string | null };

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Field-level differences between two versions' submitted values (raw, as the source sent them). */
export function diffValues(before: Record<string, unknown> | null, after: Record<string, unknown> | null): FieldChange[] {
  const b = before ?? {};
  const a = after ?? {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  const out: FieldChange[] = [];
  for (const f of fields) {
    const inB = f in b && b[f] !== null && b[f] !== '';
    const inA = f in a && a[f] !== null && a[f] !== '';
    if (!inB && inA) out.push({ field: f, before: undefined, after: a[f], kind: 'added' });
    else if (inB && !inA) out.push({ field: f, before: b[f], after: undefined, kind: 'removed' });
    else if (inB && inA && !same(b[f], a[f])) out.push({ field: f, before: b[f], after: a[f], kind: 'changed' });
  }
  return out;
}

/** Newest-first timeline; each entry carries its changes relative to the previous version of the same record. */
export function buildTimeline(history: readonly HistoryVersion[]): TimelineEntry[] {
  const byRecord = new Map<string, HistoryVersion[]>();
  for (const h of history) {
    const list = byRecord.get(h.recordId) ?? [];
    list.push(h);
    byRecord.set(h.recordId, list);
  }
  const entries: TimelineEntry[] = [];
  for (const list of byRecord.values()) {
    list.sort((x, y) => x.version - y.version);
    list.forEach((v, i) => {
      const prev = i > 0 ? list[i - 1]! : null;
      entries.push({ ...v, changes: diffValues(prev?.raw ?? null, v.raw), previousStatus: prev?.status ?? null });
    });
  }
  return entries.sort((x, y) => Date.parse(y.changedAt) - Date.parse(x.changedAt) || y.version - x.version);
}

/** One-line summary of a timeline entry, e.g. "Updated 2 fields" or "Created". */
export function describeChange(e: TimelineEntry): string {
  const kind = e.changeKind.toLowerCase();
  if (kind === 'create' || kind === 'created') return e.status === 'rejected' ? 'Received, rejected by validation' : 'Created';
  if (kind === 'delete' || kind === 'deleted') return 'Deleted';
  const n = e.changes.length;
  const fixed = e.previousStatus === 'rejected' && e.status === 'valid' ? ' — accepted after correction' : '';
  if (n === 0) return `Resubmitted without changes${fixed}`;
  return `Updated ${n} field${n === 1 ? '' : 's'}${fixed}`;
}
