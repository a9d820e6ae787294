// The response shapes of `/auth/me`, `/audit` and `/audit/verify`, re-exported from the server's schema modules
// (the e2e suite compares them with the server's OpenAPI document).
import { auditEntryView, auditVerifyView } from '../../../src/modules/audit/audit.schemas.js';
import type { AuditEntryView, AuditVerifyView } from '../../../src/modules/audit/audit.schemas.js';
import { meView } from '../../../src/modules/governance/governance.schemas.js';
import type { MeView } from '../../../src/modules/governance/governance.schemas.js';

export { auditEntryView, auditVerifyView, meView };
export type Me = MeView;
export type AuditEntry = AuditEntryView;
export type AuditVerifyResult = AuditVerifyView;

/** The shapes above by route, for the contract check against /api/openapi.json. */
export const ROUTE_VIEWS = {
  'GET /api/v1/auth/me': meView,
  'POST /api/v1/audit/verify': auditVerifyView,
} as const;
export const AUDIT_LIST_ITEM = auditEntryView;
