// Data-quality KPI tiles and trends from the quality API's live KPIs and stored snapshots.

export type KpiKey = 'records' | 'completeness' | 'validity' | 'uniqueness' | 'freshness';

type Kpi = { sourceId: string | null; records: number; completeness: number | null; validity: number | null; uniqueness: number | null; freshness: number | null; counts: { duplicates: number; invalid: number; suspect: number; stale: number; slots: number; slotsFilled: number } };
type Snapshot = Kpi & { takenAt: string };

export const KPI_TILES: ReadonlyArray<{ key: KpiKey; label: string; help: string }> = [
  { key: 'records', label: 'Records', help: 'Valid source records' },
  { key: 'completeness', label: 'Completeness', help: 'Share of attribute values filled' },
  { key: 'validity', label: 'Validity', help: 'Share of values that pass every check' },
  { key: 'uniqueness', label: 'Duplicate rate', help: 'Records that look like another record' },
  { key: 'freshness', label: 'Freshness', help: 'Values verified within their freshness period' },
];

/** "91.7%" for a 0..1 share; "—" when not measurable (no records). */
export function pct(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  const v = share * 100;
  return `${v >= 99.95 || v === 0 ? v.toFixed(0) : v.toFixed(digits)}%`;
}

/** The tile's headline: records as a count, duplicate rate as 1 − uniqueness, the others as shares. */
export function tileValue(k: Kpi | undefined, key: KpiKey): string {
  if (!k) return '—';
  if (key === 'records') return k.records.toLocaleString('en-GB');
  if (key === 'uniqueness') return k.uniqueness === null ? '—' : pct(1 - k.uniqueness);
  return pct(k[key]);
}

/** Higher is better for every KPI except the duplicate rate. */
export function tileTone(k: Kpi | undefined, key: KpiKey): 'good' | 'warn' | 'bad' | 'neutral' {
  if (!k || key === 'records') return 'neutral';
  const share = key === 'uniqueness' ? k.uniqueness : k[key];
  if (share === null) return 'neutral';
  return share >= 0.95 ? 'good' : share >= 0.8 ? 'warn' : 'bad';
}

/** The row for one scope (a source id, or null for overall). */
export function kpiFor<T extends { sourceId: string | null }>(rows: readonly T[] | null | undefined, sourceId: string | null): T | undefined {
  return rows?.find((r) => r.sourceId === sourceId);
}

export type TrendPoint = { at: string; label: string; records: number; completeness: number | null; validity: number | null; duplicates: number | null; freshness: number | null };

const round1 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

/** Snapshots of one scope, oldest first, plus the live values as "now"; shares as percentages. */
export function trend(snapshots: readonly Snapshot[], live: Kpi | undefined, sourceId: string | null, now: Date = new Date()): TrendPoint[] {
  const fmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  const point = (k: Kpi, at: string, label?: string): TrendPoint => ({
    at,
    label: label ?? fmt.format(new Date(at)),
    records: k.records,
    completeness: round1(k.completeness),
    validity: round1(k.validity),
    duplicates: k.uniqueness === null ? null : round1(1 - k.uniqueness),
    freshness: round1(k.freshness),
  });
  const points = snapshots
    .filter((s) => s.sourceId === sourceId)
    .sort((a, b) => Date.parse(a.takenAt) - Date.parse(b.takenAt))
    .map((s) => point(s, s.takenAt));
  if (live) points.push(point(live, now.toISOString(), 'now'));
  return points;
}

/** `phone:invalid` → "Phone is invalid". */
export function issueLabel(issue: string): string {
  const [attr = '', status = ''] = issue.split(':');
  const name = attr.replace(/_/g, ' ');
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} is ${status === 'stale' ? 'out of date' : status}`;
}
