// Golden record rows with their lineage, and which values the viewer's role cannot see.

export type Lineage = { value: unknown; rule: string; recordId: string | null; sourceId: string | null; sourceName: string | null; sourceKey: string | null; chosenAt: string };
export type Verification = { status: 'valid' | 'suspect' | 'invalid'; verifiedAt: string; verifiedBy: string; reasons: Array<{ code: string; message: string }> };

const RULES: Record<string, string> = {
  verified: 'most recently verified',
  trust: 'most trusted source',
  recent: 'most recent',
  complete: 'most complete',
  frequent: 'most frequent',
  longest: 'longest value',
  pinned: 'pinned by a steward',
};

/** Survivorship rule → words ("most trusted source"). */
export function ruleLabel(rule: string): string {
  return RULES[rule] ?? rule.replace(/_/g, ' ');
}

/** Whether a value of this privacy class is masked for these permissions (mirrors the server's masking). */
export function hiddenFor(privacy: string | undefined, permissions: readonly string[]): boolean {
  const p = privacy ?? 'personal';
  if (p === 'public') return false;
  return !permissions.includes(p === 'sensitive' ? 'sensitive:read' : 'pii:read');
}

export type GoldenRow = Lineage & { attribute: string; verification: Verification | null; hidden: boolean };

/** Rows in schema order (then any other attribute), each with the verification of the record it came from. */
export function goldenRows(
  golden: Record<string, unknown>,
  order: readonly string[],
  privacy: ReadonlyMap<string, string>,
  permissions: readonly string[],
  verificationOf: (recordId: string, attribute: string) => Verification | null,
): GoldenRow[] {
  const entries = Object.entries(golden).filter(([, v]) => v && typeof v === 'object' && 'value' in (v as object)) as Array<[string, Lineage]>;
  const rank = (a: string) => (order.includes(a) ? order.indexOf(a) : order.length);
  return entries
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([attribute, l]) => ({ ...l, attribute, verification: l.recordId ? verificationOf(l.recordId, attribute) : null, hidden: hiddenFor(privacy.get(attribute), permissions) }));
}
