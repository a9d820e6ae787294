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
  ],
  agent: ['schemas:read', 'sources:read', 'records:read', 'customers:read', 'pii:read'],
  analyst: ['schemas:read', 'sources:read', 'records:read', 'customers:read'],
  auditor: ['schemas:read', 'sources:read', 'records:read', 'customers:read', 'audit:read'],
};

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) for (const p of ROLE_PERMISSIONS[r]) out.add(p);
  return out;
}
