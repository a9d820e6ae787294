// Audit log filters ↔ API query, and readable action names.

export type AuditFilters = { action: string; entityType: string; entityId: string; actorId: string; from: string; to: string };
export const EMPTY_FILTERS: AuditFilters = { action: '', entityType: '', entityId: '', actorId: '', from: '', to: '' };

/** Filters (date inputs give YYYY-MM-DD) → the API's query; `to` includes the whole day. */
export function auditQuery(f: AuditFilters, before?: number, limit = 50): Record<string, string | number | undefined> {
  const day = (d: string, end: boolean) => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? new Date(`${d}T${end ? '23:59:59.999' : '00:00:00.000'}`).toISOString() : undefined);
  return {
    action: f.action.trim() || undefined,
    entityType: f.entityType.trim() || undefined,
    entityId: f.entityId.trim() || undefined,
    actorId: f.actorId.trim() || undefined,
    from: day(f.from, false),
    to: day(f.to, true),
    before,
    limit,
  };
}

export function activeFilterCount(f: AuditFilters): number {
  return Object.values(f).filter((v) => v.trim() !== '').length;
}

/** `record.update` → "Record update"; `sensitive.read` → "Sensitive read". */
export function actionLabel(action: string): string {
  const s = action.replace(/[._]/g, ' ').replace(/\bapi ?key\b/gi, 'API key').replace(/\bdsr\b/gi, 'DSR');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function actionColor(action: string): string {
  if (/\b(delete|revoke|disable)\b|\.delete|\.revoke/.test(action)) return 'red';
  if (/sensitive|login|logout|auth/.test(action)) return 'grape';
  if (/create/.test(action)) return 'teal';
  if (/update|resubmit|change/.test(action)) return 'blue';
  return 'gray';
}
