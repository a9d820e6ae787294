export const ROLES = ['admin', 'steward', 'agent', 'analyst', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'schemas:read',
  'schemas:write',
  'sources:read',
  'sources:write',
  'records:read',
  'records:write',
  'customers:read',
  'pii:read',
  'sensitive:read',
  'users:manage',
  'apikeys:manage',
  'audit:read',
  'consent:read',
  'consent:write',
  'consent:admin',
  'dsr:manage',
  'export:marketing',
  'golden:merge',
  'golden:configure',
  'stewardship:review',
  'webhooks:manage',
  'events:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// The single role → permission table; tests assert routes against it.
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  steward: [
    'schemas:read',
    'sources:read',
    'sources:write',
    'records:read',
    'records:write',
    'customers:read',
    'pii:read',
    'sensitive:read',
    'consent:read',
    'consent:write',
    'dsr:manage',
    // Stewards merge, unmerge, split, pin, review and re-match; integration keys (usually steward) poll events.
    'golden:merge',
    'golden:configure',
    'stewardship:review',
    'events:read',
  ],
  // consent:write lets an agent capture consent at the till and send a portal link.
  agent: ['schemas:read', 'sources:read', 'records:read', 'customers:read', 'pii:read', 'consent:read', 'consent:write'],
  // Analysts export only customers with a valid consent for the purpose and channel.
  analyst: ['schemas:read', 'sources:read', 'records:read', 'customers:read', 'export:marketing'],
  auditor: ['schemas:read', 'sources:read', 'records:read', 'customers:read', 'audit:read', 'consent:read', 'events:read'],
};

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) for (const p of ROLE_PERMISSIONS[r]) out.add(p);
  return out;
}
