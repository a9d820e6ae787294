// Response shapes that the server declares inside its route files (not exported from a *.schemas.ts module yet):
// `/auth/me` (governance.routes.ts), `/audit` and `/audit/verify` (audit.routes.ts). The e2e suite compares these
// with the server's OpenAPI document (test/e2e/console.e2e.test.ts), so a change on either side fails a test.
import { z } from 'zod';

export const meView = z.object({
  type: z.string(),
  id: z.string().nullable(),
  name: z.string().nullable(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  businessAreaIds: z.array(z.string()),
});
export type Me = z.infer<typeof meView>;

export const auditEntryView = z.object({
  seq: z.number(),
  id: z.string(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  payload: z.unknown(),
  sealed: z.boolean(),
});
export type AuditEntry = z.infer<typeof auditEntryView>;

export const auditVerifyView = z.object({
  ok: z.boolean(),
  checked: z.number(),
  unsealed: z.number(),
  redacted: z.number(),
  firstBroken: z.object({ seq: z.number(), id: z.string(), chainPos: z.number().nullable(), reason: z.string() }).nullable(),
});
export type AuditVerifyResult = z.infer<typeof auditVerifyView>;

/** The shapes above by route, for the contract check against /api/openapi.json. */
export const ROUTE_VIEWS = {
  'GET /api/v1/auth/me': meView,
  'POST /api/v1/audit/verify': auditVerifyView,
} as const;
export const AUDIT_LIST_ITEM = auditEntryView;
