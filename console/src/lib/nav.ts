// Role-aware navigation: one table of pages and the permission each needs. Pages added by later capabilities
// append an entry here (see docs/architecture.md, "Web console").
import type { Permission } from '@server/platform/auth/permissions.js';

export type NavItem = {
  path: string;
  label: string;
  /** The user needs every listed permission to see the entry and open the page. */
  requires: readonly Permission[];
  group: 'Customers' | 'Data' | 'Governance';
  /** Shown in the navigation (false: reachable by link only, e.g. a customer page). */
  inNav?: boolean;
  /** Whether the route is an implemented page (false entries are only listed, to plan capabilities). */
  description: string;
};

export const NAV: readonly NavItem[] = [
  { path: '/search', label: 'Customer search', requires: ['customers:read'], group: 'Customers', description: 'Find a customer by name, e-mail, phone, source key or id' },
  { path: '/customers', label: 'Customer', requires: ['customers:read'], group: 'Customers', inNav: false, description: 'One customer: golden record, sources, history' },
  { path: '/imports', label: 'Imports', requires: ['records:write', 'sources:read'], group: 'Data', description: 'Upload a file, map columns, validate and load it' },
  { path: '/quarantine', label: 'Quarantine', requires: ['records:read'], group: 'Data', description: 'Rejected records waiting to be fixed and resubmitted' },
  { path: '/quality', label: 'Data quality', requires: ['records:read'], group: 'Data', description: 'Completeness, validity, duplicates and freshness over time' },
  { path: '/schemas', label: 'Schemas', requires: ['schemas:read'], group: 'Data', description: 'The shape of a customer record, versioned' },
  { path: '/sources', label: 'Sources', requires: ['sources:read'], group: 'Data', description: 'Source systems and their provenance' },
  { path: '/users', label: 'Users & API keys', requires: ['users:manage'], group: 'Governance', description: 'Who can sign in, and keys for integrations' },
  { path: '/audit', label: 'Audit log', requires: ['audit:read'], group: 'Governance', description: 'Every change and sensitive read, tamper-evident' },
];

export type NavFeatures = { [path: string]: boolean };

export function can(permissions: readonly string[], required: readonly string[]): boolean {
  return required.every((p) => permissions.includes(p));
}

/** The navigation entries this user may see, in display order; `enabled` hides pages whose API is not available. */
export function visibleNav(permissions: readonly string[], enabled: NavFeatures = {}): NavItem[] {
  return NAV.filter((n) => n.inNav !== false && enabled[n.path] !== false && can(permissions, n.requires));
}

/** The permissions needed to open a path (the longest matching entry), or null for pages anyone signed in may open. */
export function requiredFor(pathname: string): readonly Permission[] | null {
  let best: NavItem | undefined;
  for (const n of NAV) {
    if ((pathname === n.path || pathname.startsWith(`${n.path}/`)) && (!best || n.path.length > best.path.length)) best = n;
  }
  return best ? best.requires : null;
}

/** Where to land after sign-in: the requested page when allowed, else the first page the user may open. */
export function landingPath(permissions: readonly string[], requested?: string | null): string {
  if (requested && requested.startsWith('/') && !requested.startsWith('//') && requested !== '/sign-in') {
    const req = requiredFor(requested.split('?')[0]!);
    if (!req || can(permissions, req)) return requested;
  }
  return visibleNav(permissions)[0]?.path ?? '/no-access';
}
