// Role-aware navigation: one table of pages and the permission each needs. Pages added by later capabilities
// append an entry here (see docs/architecture.md, "Web console").
import type { Permission, Role } from '../../../src/platform/auth/permissions.js';

export type NavItem = {
  path: string;
  label: string;
  /** The user needs every listed permission to see the entry and open the page. */
  requires: readonly Permission[];
  group: 'Customers' | 'Stewardship' | 'Data' | 'Privacy' | 'Governance';
  /**
   * Roles the page is meant for (any one suffices); absent: everyone with the permissions. Permissions say what
   * the API allows; the audience keeps each role's console focused (an agent gets lookup and customer pages).
   */
  audience?: readonly Role[];
  /** Shown in the navigation (false: reachable by link only, e.g. a customer page). */
  inNav?: boolean;
  description: string;
};

const DATA_TEAM: readonly Role[] = ['admin', 'steward', 'analyst'];

export const NAV: readonly NavItem[] = [
  { path: '/search', label: 'Customer search', requires: ['customers:read'], group: 'Customers', description: 'Find a customer by name, e-mail, phone, source key or id' },
  { path: '/customers', label: 'Customer', requires: ['customers:read'], group: 'Customers', inNav: false, description: 'One customer: golden record, sources, history' },
  { path: '/review', label: 'Review queue', requires: ['stewardship:review'], group: 'Stewardship', description: 'Suspected duplicates waiting for a steward: match or not' },
  { path: '/merges', label: 'Merge history', requires: ['golden:merge'], group: 'Stewardship', description: 'Every merge with its evidence; undo one with unmerge' },
  { path: '/rematch', label: 'Re-match', requires: ['golden:configure'], group: 'Stewardship', description: 'Re-run matching over a source or the whole store, with a dry run first' },
  { path: '/imports', label: 'Imports', requires: ['records:write', 'sources:read'], audience: DATA_TEAM, group: 'Data', description: 'Upload a file, map columns, validate and load it' },
  { path: '/quarantine', label: 'Quarantine', requires: ['records:read'], audience: DATA_TEAM, group: 'Data', description: 'Rejected records waiting to be fixed and resubmitted' },
  { path: '/quality', label: 'Data quality', requires: ['records:read'], audience: DATA_TEAM, group: 'Data', description: 'Completeness, validity, duplicates and freshness over time' },
  { path: '/schemas', label: 'Schemas', requires: ['schemas:read'], audience: [...DATA_TEAM, 'auditor'], group: 'Data', description: 'The shape of a customer record, versioned' },
  { path: '/sources', label: 'Sources', requires: ['sources:read'], audience: [...DATA_TEAM, 'auditor'], group: 'Data', description: 'Source systems and their provenance' },
  { path: '/consent', label: 'Consent purposes', requires: ['consent:read'], audience: ['admin', 'steward', 'auditor'], group: 'Privacy', description: 'Purposes, channels and the notice text customers saw, versioned' },
  { path: '/dsr', label: 'Data-subject requests', requires: ['dsr:manage'], group: 'Privacy', description: 'Access, erasure, restriction requests and their deadlines' },
  { path: '/outbox', label: 'Outbox', requires: ['consent:admin'], group: 'Privacy', description: 'Verification e-mails written in development instead of sent' },
  { path: '/webhooks', label: 'Webhooks', requires: ['webhooks:manage'], group: 'Governance', description: 'Subscriptions to change events and their delivery logs' },
  { path: '/users', label: 'Users & API keys', requires: ['users:manage'], group: 'Governance', description: 'Who can sign in, and keys for integrations' },
  { path: '/audit', label: 'Audit log', requires: ['audit:read'], group: 'Governance', description: 'Every change and sensitive read, tamper-evident' },
];

export type NavFeatures = { [path: string]: boolean };

/** The signed-in user as far as the navigation cares (GET /auth/me). */
export type Viewer = { roles: readonly string[]; permissions: readonly string[] };

export function can(permissions: readonly string[], required: readonly string[]): boolean {
  return required.every((p) => permissions.includes(p));
}

/** Whether the viewer may open a page: its permissions, and one of its audience roles when it has one. */
export function mayOpen(viewer: Viewer, item: NavItem): boolean {
  return can(viewer.permissions, item.requires) && (!item.audience || item.audience.some((r) => viewer.roles.includes(r)));
}

/** The navigation entries this user may see, in display order; `enabled` hides pages whose API is not available. */
export function visibleNav(viewer: Viewer, enabled: NavFeatures = {}): NavItem[] {
  return NAV.filter((n) => n.inNav !== false && enabled[n.path] !== false && mayOpen(viewer, n));
}

/** The page entry a path belongs to (the longest matching one), or null for pages anyone signed in may open. */
export function pageFor(pathname: string): NavItem | null {
  let best: NavItem | null = null;
  for (const n of NAV) {
    if ((pathname === n.path || pathname.startsWith(`${n.path}/`)) && (!best || n.path.length > best.path.length)) best = n;
  }
  return best;
}

/** Whether the viewer may open a path. */
export function mayOpenPath(viewer: Viewer, pathname: string): boolean {
  const item = pageFor(pathname.split('?')[0]!);
  return !item || mayOpen(viewer, item);
}

/** Where to land after sign-in: the requested page when allowed, else the first page the user may open. */
export function landingPath(viewer: Viewer, requested?: string | null): string {
  if (requested && requested.startsWith('/') && !requested.startsWith('//') && requested !== '/sign-in' && mayOpenPath(viewer, requested)) return requested;
  return visibleNav(viewer)[0]?.path ?? '/no-access';
}
