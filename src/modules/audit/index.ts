export { AuditService } from './audit.service.js';
export type { AuditEntry, AuditInput, AuditQuery, VerifyResult } from './audit.service.js';
export * from './audit.schemas.js';
