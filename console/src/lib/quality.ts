// Per-customer quality computed from what the foundation API returns (records + schema); the quality module's
// own scores replace this once its routes land.

export type AttributeInfo = { name: string; required: boolean; privacy: string };
export type RecordLike = { status: string; values: Record<string, unknown> | null; raw: Record<string, unknown>; errors: Array<{ field: string; message: string }>; sourceName?: string; sourceKey: string };

export type CustomerQuality = {
  /** 0–100: share of schema attributes with a value in at least one valid record. */
  completeness: number;
  filled: number;
  total: number;
  missingRequired: string[];
  missing: string[];
  issues: Array<{ source: string; field: string; message: string }>;
};

function present(v: unknown): boolean {
  return v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
}

export function customerQuality(attributes: readonly AttributeInfo[], records: readonly RecordLike[]): CustomerQuality {
  const valid = records.filter((r) => r.status === 'valid');
  const has = (name: string) => valid.some((r) => present(r.values?.[name]));
  const missing = attributes.filter((a) => !has(a.name));
  const issues = records.flatMap((r) => r.errors.map((e) => ({ source: `${r.sourceName ?? 'source'} · ${r.sourceKey}`, field: e.field, message: e.message })));
  const total = attributes.length;
  const filled = total - missing.length;
  return {
    completeness: total === 0 ? 0 : Math.round((filled / total) * 100),
    filled,
    total,
    missingRequired: missing.filter((a) => a.required).map((a) => a.name),
    missing: missing.map((a) => a.name),
    issues,
  };
}

export function scoreColor(score: number): 'teal' | 'yellow' | 'red' {
  return score >= 80 ? 'teal' : score >= 50 ? 'yellow' : 'red';
}
